package dev.junction;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An engine made durable in a directory: the latest snapshot plus a journal of every transaction committed since.
 *
 * <pre>{@code
 * Junction db = Junction.create();
 * ... declare the tables, relations, association tables and columns ...
 * try (Persistence store = Persistence.open(db, Path.of("data"), SyncPolicy.everyCommit())) {
 *     ... use db: every commit is in the journal before it returns ...
 *     store.checkpoint();   // now and then: a new snapshot, a new journal
 * }
 * }</pre>
 *
 * <h2>Files</h2>
 * {@code snapshot-N.snap} (a {@link Junction#save} snapshot), {@code journal-N.log} (the commits after snapshot
 * N, format in {@link JournalFile}), and {@code LOCK} (held while open, so two processes cannot share a directory).
 * Generation N counts checkpoints. A journal that {@link RecoveryMode#POINT_IN_TIME} recovery set aside is kept as
 * {@code journal-N.log.damaged} and never read again.
 *
 * <h2>Opening</h2>
 * {@link #open} creates the directory if needed (forcing the parent of each directory it creates, and the
 * directory's own parent in any case, so the directory's entry survives a power cut before the first commit is
 * acknowledged), loads the newest snapshot into the (declared, empty) engine and replays the journals from its
 * generation on, in order, each record as one transaction that must land exactly as it did. The end of the newest
 * journal that was never forced (torn or lost writes of a crash or power cut) is dropped and cut off; damage to
 * forced bytes, a missing journal or a journal that does not follow the state is refused or dropped as the
 * {@link RecoveryMode} says, and {@link #recovery()} reports what was dropped. Replayed commits are not delivered
 * to listeners (they heard them when they first committed). From then on every commit of the engine is written to
 * the journal before it is published, forced as the {@link SyncPolicy} says; writes that would go in place (no
 * overlay) take the transaction path instead, and {@link Junction#load} is refused. Entity and object-column values
 * need codecs as for snapshots ({@link Junction#registerCodec}).
 *
 * <h2>Durability</h2>
 * A commit that returned survives a process kill and a power cut, with either sync policy (a committed
 * transaction that had not returned may survive too, whole); no transaction is ever found in part. This holds on
 * file systems that keep what {@code fsync} of a file and of a directory covered (POSIX's weakest promise: an entry
 * not forced may be lost, unforced writes may land in part and in any order), and a disk that honours flushes.
 *
 * <h2>Checkpoints</h2>
 * {@link #checkpoint} forces journal N, starts journal N+1 and encodes the state under the write lock (commits wait
 * for those forces and the encoding, and may time out if that takes longer than the engine's lock timeout), then
 * writes snapshot N+1 atomically and deletes generation N. The journal must stay under 2 GB: checkpoint before
 * (a commit that would pass it fails and rolls back, asking for a checkpoint). A crash or power cut at any point
 * leaves a directory that opens to the same state: either snapshot N with journals N and N+1, or snapshot N+1 with
 * journal N+1.
 *
 * <h2>Thread-safety</h2>
 * {@link #checkpoint} and {@link #close} may be called from any thread, not inside a transaction or a read view.
 * Without a {@code Persistence}, an engine stays purely in memory and pays nothing for this.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Never destroy what may be acknowledged.</b> Cutting off a journal's end is only done to bytes that were
 *       never forced. When point-in-time recovery drops forced bytes, the recovered state is written as a new
 *       snapshot first and the damaged journals are renamed aside, not cut, so a crash during that recovery leaves
 *       a directory that recovers the same way and the dropped bytes stay available.</li>
 *   <li><b>Names before content is relied on.</b> Every file operation goes through a {@link FileLayer}; each
 *       step that a later one relies on is forced first (a file's content before its rename, the rename before
 *       the old generation's deletion, a new directory's parent before anything is acknowledged), which the
 *       power-cut test checks at every operation.</li>
 * </ul>
 */
public final class Persistence implements AutoCloseable {

    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{16})\\.snap");
    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d{16})\\.log");

    private final Junction db;
    private final Path dir;
    private final SyncPolicy policy;
    private final RecoveryMode mode;
    private final FileLayer fs;
    private final Closeable lock;
    private long generation;
    private RecoveryReport report;
    private boolean closed;

    private Persistence(Junction db, Path dir, SyncPolicy policy, RecoveryMode mode, FileLayer fs, Closeable lock) {
        this.db = db;
        this.dir = dir;
        this.policy = policy;
        this.mode = mode;
        this.fs = fs;
        this.lock = lock;
    }

    static Path snapshotFile(Path dir, long gen) {
        return dir.resolve(String.format("snapshot-%016d.snap", gen));
    }

    static Path journalFile(Path dir, long gen) {
        return dir.resolve(String.format("journal-%016d.log", gen));
    }

    /**
     * Opens {@code dir} (created if missing) for {@code db} in {@link RecoveryMode#STRICT} mode: recovers the state
     * the directory holds into the engine, then journals every commit. The engine must have its schema declared and
     * be empty. See {@link #open(Junction, Path, SyncPolicy, RecoveryMode)}.
     *
     * @throws CorruptFileException if a snapshot is damaged, a journal is damaged where it was forced (beyond an end
     *         that was never forced), one is missing from the sequence, or one does not follow the state; the
     *         message names the file and byte; the engine is then left empty, and the snapshot and journals as
     *         they were
     * @throws IllegalStateException if the directory is open elsewhere, the engine is not empty, already
     *         journaled, or does not declare what the files hold, or a codec is missing, or an object column is
     *         of a class the journal could not write (the rule of {@link Junction#table(String, Class)}; checked
     *         before any file is touched; object columns declared later on the journaled engine are checked when
     *         declared)
     * @throws IOException if the files cannot be read or written
     */
    public static Persistence open(Junction db, Path dir, SyncPolicy policy) throws IOException {
        return open(db, dir, policy, RecoveryMode.STRICT);
    }

    /**
     * Opens {@code dir} (created if missing, durably) for {@code db}: recovers the state the directory holds into
     * the engine as {@code mode} says, then journals every commit. The engine must have its schema declared and be
     * empty. What was dropped is in {@link #recovery()}.
     *
     * @throws CorruptFileException if a snapshot is damaged, or a journal is of a newer format version or named for
     *         another generation; in {@link RecoveryMode#STRICT} mode also if a journal is damaged where it was
     *         forced, is missing from the sequence, or does not follow the state (the
     *         message names the file and byte, {@link CorruptFileException#offset()} gives the byte); the engine is
     *         then left empty, and the snapshot and journals as they were
     * @throws IllegalStateException if the directory is open elsewhere, the engine is not empty, already
     *         journaled, or does not declare what the files hold, or a codec is missing, or an object column is
     *         of a class the journal could not write (the rule of {@link Junction#table(String, Class)}; checked
     *         before any file is touched; object columns declared later on the journaled engine are checked when
     *         declared)
     * @throws IOException if the files cannot be read or written
     * @throws NullPointerException if an argument is null
     */
    public static Persistence open(Junction db, Path dir, SyncPolicy policy, RecoveryMode mode) throws IOException {
        return open(db, dir, policy, mode, FileLayer.SYSTEM);
    }

    /** {@link #open(Junction, Path, SyncPolicy, RecoveryMode)} through the file layer {@code fs}. */
    static Persistence open(Junction db, Path dir, SyncPolicy policy, RecoveryMode mode, FileLayer fs)
            throws IOException {
        Objects.requireNonNull(db, "db is null");
        Objects.requireNonNull(dir, "dir is null");
        Objects.requireNonNull(policy, "policy is null");
        Objects.requireNonNull(mode, "mode is null");
        db.checkColumnCodecs(); // before any file is touched: every commit must be writable
        DurableFiles.createDirectories(fs, dir);
        Closeable lock = fs.lock(dir);
        if (lock == null) {
            throw new IllegalStateException(dir + " is open in another Persistence (this process or another)");
        }
        Persistence p = new Persistence(db, dir, policy, mode, fs, lock);
        boolean ok = false;
        try {
            p.recover();
            ok = true;
        } finally {
            if (!ok) lock.close();
        }
        return p;
    }

    private void recover() throws IOException {
        if (db.writes.journaled()) {
            throw new IllegalStateException(db + " is already journaled to a directory");
        }
        TreeSet<Long> snapshots = new TreeSet<>();
        TreeSet<Long> journals = new TreeSet<>();
        for (String name : fs.list(dir)) {
            Matcher m;
            if ((m = SNAPSHOT.matcher(name)).matches()) {
                snapshots.add(Long.parseLong(m.group(1)));
            } else if ((m = JOURNAL.matcher(name)).matches()) {
                journals.add(Long.parseLong(m.group(1)));
            } else if (name.endsWith(".tmp")) {
                fs.delete(dir.resolve(name)); // an unfinished snapshot or journal of a crashed process
            }
        }
        long base = snapshots.isEmpty() ? 0 : snapshots.last();
        if (!snapshots.isEmpty()) {
            Path file = snapshotFile(dir, base);
            Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.LOAD) : null;
            byte[] bytes = fs.readAll(file, SnapshotCodec.MAX_SIZE, "a snapshot");
            db.writes.load(file, SnapshotCodec.decode(file, bytes, db.codecs()));
            if (jfr != null) JfrEvents.snapshot(jfr, file, bytes.length);
        } else {
            SnapshotRestore.checkEmpty(db, dir);
        }
        Long[] gens = journals.tailSet(base).toArray(new Long[0]);
        List<RecoveryReport.Dropped> dropped = new ArrayList<>();
        List<Path> setAside = new ArrayList<>();
        JournalFile.Contents last = null;
        long replayed = 0;
        int read = 0;
        int firstDropped = -1; // the index in gens of the first journal whose forced bytes were dropped
        try {
            long expected = base;
            for (int i = 0; i < gens.length && firstDropped < 0; i++) {
                if (gens[i] != expected) {
                    String problem = "missing: the journals jump from generation " + (expected - 1) + " to " + gens[i];
                    if (mode == RecoveryMode.STRICT) throw new CorruptFileException(journalFile(dir, expected), problem);
                    firstDropped = i;
                    dropWhole(gens, i, problem, dropped);
                    break;
                }
                Path file = journalFile(dir, gens[i]);
                JournalFile.Contents c = JournalFile.read(fs, file, gens[i], i == gens.length - 1);
                read++;
                if (c.damage != null && c.damage.forced() && mode == RecoveryMode.STRICT) {
                    throw new CorruptFileException(file, c.damage.offset(), c.damage.problem() + "; the snapshot and "
                            + "journals are left as they are (RecoveryMode.POINT_IN_TIME recovers the commits before "
                            + (c.damage.offset() < PersistenceFormat.JOURNAL_HEADER ? "this journal" : "byte "
                            + c.damage.offset()) + ")");
                }
                for (int r = 0; r < c.size(); r++) {
                    try {
                        JournalReplay.replay(db, file, c, r);
                        replayed++;
                    } catch (CorruptFileException e) {
                        if (mode == RecoveryMode.STRICT) throw e;
                        int after = c.size() - r - 1 + (c.damage != null ? c.damage.recordsAfter() : 0);
                        c.cutAt(r, new JournalFile.Damage(c.offsets.getInt(r), e.getMessage(), true, after));
                    }
                }
                last = c;
                expected++;
                if (c.damage != null) {
                    dropped.add(new RecoveryReport.Dropped(file, c.validEnd, c.data.length - c.validEnd,
                            c.damage.recordsAfter(), c.damage.forced(), c.damage.problem()));
                    if (c.damage.forced()) {
                        firstDropped = i;
                        dropWhole(gens, i + 1, "follows the damage in " + file.getFileName(), dropped);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            SnapshotRestore.resetAll(db);
            throw e;
        }
        JournalFile journal = null;
        boolean rewrite = firstDropped >= 0 || (last != null && last.version != PersistenceFormat.JOURNAL_VERSION);
        try {
            if (rewrite) {
                // the state recovered is not what the journals on disk replay to (or they are of an older version):
                // it becomes a snapshot of a new generation, written before anything old is moved or deleted
                long next = Math.max(base, gens.length == 0 ? base : gens[gens.length - 1]) + 1;
                DurableFiles.writeAtomically(fs, snapshotFile(dir, next), SnapshotCodec.encode(db));
                if (firstDropped >= 0) {
                    for (int i = firstDropped; i < gens.length; i++) {
                        Path from = journalFile(dir, gens[i]);
                        Path to = from.resolveSibling(from.getFileName() + ".damaged");
                        for (int k = 1; fs.exists(to); k++) to = from.resolveSibling(from.getFileName() + ".damaged-" + k);
                        fs.rename(from, to);
                        setAside.add(to);
                    }
                    fs.forceDirectory(dir);
                }
                journal = JournalFile.create(fs, journalFile(dir, next), next, policy);
                generation = next;
                deleteBefore(next);
            } else {
                deleteBefore(base);
                if (gens.length == 0) {
                    journal = JournalFile.create(fs, journalFile(dir, base), base, policy);
                    generation = base;
                } else {
                    generation = gens[gens.length - 1];
                    journal = JournalFile.reopen(fs, journalFile(dir, generation), generation, last, policy);
                }
            }
            db.writes.attachJournal(journal); // last: a failed open leaves the engine unjournaled
        } catch (IOException | RuntimeException | Error e) {
            if (journal != null) journal.close();
            SnapshotRestore.resetAll(db);
            throw e;
        }
        report = new RecoveryReport(mode, snapshots.isEmpty() ? -1 : base, read, replayed, dropped, setAside, rewrite);
    }

    /** Reports journals {@code gens[from..]} as dropped whole (point-in-time recovery stopped before them). */
    private void dropWhole(Long[] gens, int from, String reason, List<RecoveryReport.Dropped> dropped) {
        for (int i = from; i < gens.length; i++) {
            Path file = journalFile(dir, gens[i]);
            long length = 0;
            int records = 0;
            try {
                JournalFile.Contents c = JournalFile.read(fs, file, gens[i], i == gens.length - 1);
                length = c.data.length;
                records = c.size();
            } catch (IOException | RuntimeException e) {
                // unreadable too: reported without its size
            }
            dropped.add(new RecoveryReport.Dropped(file, 0, length, records, true, reason));
        }
    }

    /** Deletes the snapshots and journals of generations before {@code gen}, and forces the directory. */
    private void deleteBefore(long gen) throws IOException {
        for (String name : fs.list(dir)) {
            Matcher m = SNAPSHOT.matcher(name);
            Matcher j = JOURNAL.matcher(name);
            if ((m.matches() && Long.parseLong(m.group(1)) < gen) || (j.matches() && Long.parseLong(j.group(1)) < gen)) {
                fs.delete(dir.resolve(name));
            }
        }
        fs.forceDirectory(dir);
    }

    /**
     * What {@link #open} recovered: the snapshot, the records replayed, and what was dropped (the unforced end of
     * the newest journal after a crash or power cut; in {@link RecoveryMode#POINT_IN_TIME} mode also damaged
     * forced bytes and the journals after them).
     */
    public RecoveryReport recovery() {
        return report;
    }

    /**
     * Writes a new snapshot and starts a new journal, so that opening replays only what commits after it. Commits
     * wait while the state is encoded (they continue during the write); a transaction committing meanwhile lands
     * in the new journal, never lost. O(size of the engine).
     *
     * @throws IOException if a file cannot be written (the directory still opens to the current state)
     * @throws IllegalStateException inside a transaction or a read view, or after {@link #close}
     */
    public synchronized void checkpoint() throws IOException {
        if (closed) throw new IllegalStateException(dir + ": closed");
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.CHECKPOINT) : null;
        long next = generation + 1;
        List<byte[]> sections = db.writes.underLock("checkpoint", () -> {
            JournalFile old = db.writes.journal;
            old.sync();
            JournalFile fresh = JournalFile.create(fs, journalFile(dir, next), next, policy);
            db.writes.journal = fresh;
            generation = next; // from here on the directory is at generation next, whatever fails below
            old.retire();
            return SnapshotCodec.encode(db);
        });
        long bytes = Junction.writeSnapshot(fs, snapshotFile(dir, next), sections);
        deleteBefore(next);
        if (jfr != null) JfrEvents.checkpoint(jfr, dir, next, bytes);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** The current generation (the number of the newest journal). */
    public synchronized long generation() {
        return generation;
    }

    /**
     * Forces the journal, stops journaling (the engine goes on in memory only, and its later commits are not
     * durable) and releases the directory. Idempotent. Waits for a transaction in progress to end (up to the
     * engine's lock timeout: then it throws {@link LockTimeoutException} and nothing changed).
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        JournalFile j = db.writes.detachJournal(); // may time out waiting for a transaction: then nothing changed, try again
        closed = true;
        try {
            if (j != null) j.close();
        } finally {
            releaseLock();
        }
    }

    private void releaseLock() throws IOException {
        lock.close();
    }

    @Override
    public String toString() {
        return "persistence of " + db + " in " + dir + " (" + policy + ", " + mode + " recovery, generation "
                + generation + ")";
    }
}
