package dev.junction;

import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * Junction's JDK Flight Recorder events (category {@code Junction}, names {@code dev.junction.*}), and the helpers
 * that emit them; called only while {@link Jfr#on()} (so this class is loaded only once the flight recorder is
 * up). The helpers take and return {@code Object}, so that callers name no {@code jdk.jfr} type. Documented for
 * users in {@link Junction}'s "Monitoring".
 */
final class JfrEvents {

    private JfrEvents() {
    }

    /** Keeps {@link Jfr#on} equal to "a recording is running" (see {@link Jfr}). */
    static void install() {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                refresh();
            }

            @Override
            public void recordingStateChanged(Recording recording) {
                refresh();
            }
        });
        if (FlightRecorder.isInitialized()) refresh(); // a recording started before this class was loaded
    }

    private static boolean registered;

    private static void refresh() {
        boolean running = false;
        for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
            if (r.getState() == RecordingState.RUNNING) running = true;
        }
        if (running) register();
        Jfr.on = running;
    }

    /**
     * Registers the event classes when the first recording starts, on the thread that starts it: loading and
     * instrumenting them takes milliseconds, which would otherwise fall on the first commit or lock wait recorded
     * (and make that lock wait look short: the lock is often free by the time the event begins).
     */
    private static synchronized void register() {
        if (registered) return;
        for (Class<? extends Event> c : List.of(Commit.class, WriteLockWait.class, JournalForce.class, Checkpoint.class,
                SnapshotSave.class, SnapshotLoad.class)) {
            FlightRecorder.register(c);
        }
        registered = true;
    }

    @Name("dev.junction.Commit")
    @Label("Junction Commit")
    @Category("Junction")
    @Description("A transaction of a Junction engine committed (an operation outside a transaction is one of its "
            + "own): the parts it touched, its changes and journal record, from the commit call to its return "
            + "(journal write and force and publication; listeners not included)")
    @StackTrace(false)
    static final class Commit extends Event {
        @Label("Engine")
        String engine;
        @Label("Tables")
        @Description("Tables the transaction touched")
        int tables;
        @Label("Relations")
        @Description("Relations (and association tables' internal relations) it touched")
        int relations;
        @Label("Column Stores")
        @Description("Link or row column stores it wrote")
        int columnStores;
        @Label("Changes")
        @Description("Links, unlinks, entities added, replaced and removed")
        long changes;
        @Label("Journal Record")
        @DataAmount
        long journalBytes;
        @Label("Implicit")
        @Description("Begun and committed by the engine (a single operation outside a transaction, or "
                + "inTransaction), not by Junction.begin and Transaction.commit")
        boolean implicit;
    }

    @Name("dev.junction.WriteLockWait")
    @Label("Junction Write Lock Wait")
    @Category("Junction")
    @Description("A writer waited for a Junction engine's write lock (held by a transaction or another write); only "
            + "waits longer than the threshold")
    @Threshold("1 ms")
    static final class WriteLockWait extends Event {
        @Label("Engine")
        String engine;
        @Label("Acquired")
        @Description("False if the wait ended in a LockTimeoutException")
        boolean acquired;
    }

    @Name("dev.junction.JournalForce")
    @Label("Junction Journal Force")
    @Category("Junction")
    @Description("A force (fsync) of a Junction journal")
    @StackTrace(false)
    static final class JournalForce extends Event {
        @Label("File")
        String file;
        @Label("Position")
        @Description("The journal's length forced to disk")
        @DataAmount
        long position;
        @Label("Reason")
        @Description("commit (every-commit sync), group (the group-commit flusher), sync (checkpoint or close), "
                + "mark (close), truncate")
        String reason;
    }

    @Name("dev.junction.Checkpoint")
    @Label("Junction Checkpoint")
    @Category("Junction")
    @Description("Persistence.checkpoint: a new journal, and a snapshot of the state written over the old generation")
    static final class Checkpoint extends Event {
        @Label("Directory")
        String directory;
        @Label("Generation")
        long generation;
        @Label("Snapshot Size")
        @DataAmount
        long bytes;
    }

    @Name("dev.junction.SnapshotSave")
    @Label("Junction Snapshot Save")
    @Category("Junction")
    @Description("A snapshot encoded and written atomically (Junction.save, or a checkpoint's or recovery's)")
    static final class SnapshotSave extends Event {
        @Label("File")
        String file;
        @Label("Size")
        @DataAmount
        long bytes;
    }

    @Name("dev.junction.SnapshotLoad")
    @Label("Junction Snapshot Load")
    @Category("Junction")
    @Description("A snapshot read, checked and applied (Junction.load, or Persistence.open)")
    static final class SnapshotLoad extends Event {
        @Label("File")
        String file;
        @Label("Size")
        @DataAmount
        long bytes;
    }

    // ---- emitting (only while Jfr.on()) ----------------------------------------------------------------------

    /** A started event of {@code type}'s kind, or null if that kind is not enabled. */
    static Object begin(int type) {
        Event e = switch (type) {
            case COMMIT -> new Commit();
            case LOCK_WAIT -> new WriteLockWait();
            case FORCE -> new JournalForce();
            case CHECKPOINT -> new Checkpoint();
            case SAVE -> new SnapshotSave();
            default -> new SnapshotLoad();
        };
        if (!e.isEnabled()) return null;
        e.begin();
        return e;
    }

    static final int COMMIT = 0, LOCK_WAIT = 1, FORCE = 2, CHECKPOINT = 3, SAVE = 4, LOAD = 5;

    static void commit(Object event, Junction db, Txn t, long journalBytes) {
        Commit e = (Commit) event;
        e.end();
        if (!e.shouldCommit()) return;
        e.engine = db.toString();
        e.tables = t.tables.size();
        e.relations = t.relations.size();
        e.columnStores = t.columnOrder.size();
        e.changes = t.log.changeCount();
        e.journalBytes = journalBytes;
        e.implicit = t.implicit;
        e.commit();
    }

    static void lockWait(Object event, String engine, boolean acquired) {
        WriteLockWait e = (WriteLockWait) event;
        e.end();
        if (!e.shouldCommit()) return;
        e.engine = engine;
        e.acquired = acquired;
        e.commit();
    }

    static void force(Object event, java.nio.file.Path file, long position, String reason) {
        JournalForce e = (JournalForce) event;
        e.end();
        if (!e.shouldCommit()) return;
        e.file = String.valueOf(file);
        e.position = position;
        e.reason = reason;
        e.commit();
    }

    static void checkpoint(Object event, java.nio.file.Path dir, long generation, long bytes) {
        Checkpoint e = (Checkpoint) event;
        e.end();
        if (!e.shouldCommit()) return;
        e.directory = String.valueOf(dir);
        e.generation = generation;
        e.bytes = bytes;
        e.commit();
    }

    /** Ends a snapshot save or load. */
    static void snapshot(Object event, java.nio.file.Path file, long bytes) {
        Event e = (Event) event;
        e.end();
        if (!e.shouldCommit()) return;
        if (e instanceof SnapshotSave s) {
            s.file = String.valueOf(file);
            s.bytes = bytes;
        } else {
            SnapshotLoad l = (SnapshotLoad) e;
            l.file = String.valueOf(file);
            l.bytes = bytes;
        }
        e.commit();
    }
}
