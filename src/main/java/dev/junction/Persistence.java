package dev.junction;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Generation N counts checkpoints.
 *
 * <h2>Opening</h2>
 * {@link #open} loads the newest snapshot into the (declared, empty) engine and replays the journals from its
 * generation on, in order, each record as one transaction that must land exactly as it did. The torn last record
 * of the newest journal (the process died while writing it) is dropped and cut off; a damaged record anywhere
 * else, a missing journal or a journal that does not follow the state is a {@link CorruptFileException} naming the
 * file. Replayed commits are not delivered to listeners (they heard them when they first committed). From then on
 * every commit of the engine is written to the journal before it is published, forced as the {@link SyncPolicy}
 * says; writes that would go in place (no overlay) take the transaction path instead, and {@link Junction#load} is
 * refused. Entity and object-column values need codecs as for snapshots ({@link Junction#registerCodec}).
 *
 * <h2>Checkpoints</h2>
 * {@link #checkpoint} forces journal N, starts journal N+1 and encodes the state under the write lock (commits wait
 * for those forces and the encoding, and may time out if that takes longer than the engine's lock timeout), then
 * writes snapshot N+1 atomically and deletes generation N. The journal must stay under 2 GB: checkpoint before
 * (a commit that would pass it fails and rolls back, asking for a checkpoint). A crash at any point leaves a directory
 * that opens to the same state: either snapshot N with journals N and N+1, or snapshot N+1 with journal N+1.
 *
 * <h2>Thread-safety</h2>
 * {@link #checkpoint} and {@link #close} may be called from any thread, not inside a transaction or a read view.
 * Without a {@code Persistence}, an engine stays purely in memory and pays nothing for this.
 */
public final class Persistence implements AutoCloseable {

    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{16})\\.snap");
    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d{16})\\.log");

    private final Junction db;
    private final Path dir;
    private final SyncPolicy policy;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long generation;
    private boolean closed;

    private Persistence(Junction db, Path dir, SyncPolicy policy, FileChannel lockChannel, FileLock lock) {
        this.db = db;
        this.dir = dir;
        this.policy = policy;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static Path snapshotFile(Path dir, long gen) {
        return dir.resolve(String.format("snapshot-%016d.snap", gen));
    }

    static Path journalFile(Path dir, long gen) {
        return dir.resolve(String.format("journal-%016d.log", gen));
    }

    /**
     * Opens {@code dir} (created if missing) for {@code db}: recovers the state the directory holds into the
     * engine, then journals every commit. The engine must have its schema declared and be empty.
     *
     * @throws CorruptFileException if a snapshot or journal is damaged (beyond a torn last record), missing from
     *         the sequence, or does not follow the state; the engine is then left empty
     * @throws IllegalStateException if the directory is open elsewhere, the engine is not empty, already
     *         journaled, or does not declare what the files hold, or a codec is missing
     * @throws IOException if the files cannot be read or written
     */
    public static Persistence open(Junction db, Path dir, SyncPolicy policy) throws IOException {
        Objects.requireNonNull(db, "db is null");
        Objects.requireNonNull(dir, "dir is null");
        Objects.requireNonNull(policy, "policy is null");
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException(dir + " is open in another Persistence (this process or another)");
        }
        Persistence p = new Persistence(db, dir, policy, lockChannel, lock);
        boolean ok = false;
        try {
            p.recover();
            ok = true;
        } finally {
            if (!ok) p.releaseLock();
        }
        return p;
    }

    private void recover() throws IOException {
        if (db.writes.journaled()) {
            throw new IllegalStateException(db + " is already journaled to a directory");
        }
        TreeSet<Long> snapshots = new TreeSet<>();
        TreeSet<Long> journals = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Matcher m;
                if ((m = SNAPSHOT.matcher(name)).matches()) {
                    snapshots.add(Long.parseLong(m.group(1)));
                } else if ((m = JOURNAL.matcher(name)).matches()) {
                    journals.add(Long.parseLong(m.group(1)));
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f); // an unfinished snapshot of a crashed checkpoint
                }
            }
        }
        long base = snapshots.isEmpty() ? 0 : snapshots.last();
        if (!snapshots.isEmpty()) {
            db.load(snapshotFile(dir, base));
        } else {
            SnapshotRestore.checkEmpty(db, dir);
        }
        Long[] gens = journals.tailSet(base).toArray(new Long[0]);
        long expected = base;
        JournalFile.Contents last = null;
        try {
            for (int i = 0; i < gens.length; i++) {
                if (gens[i] != expected) {
                    throw new CorruptFileException(journalFile(dir, expected), "missing: the journals jump from "
                            + "generation " + (expected - 1) + " to " + gens[i]);
                }
                Path file = journalFile(dir, gens[i]);
                boolean isLast = i == gens.length - 1;
                JournalFile.Contents c = JournalFile.read(file, gens[i], isLast);
                for (int r = 0; r < c.size(); r++) {
                    JournalReplay.replay(db, file, c, r);
                }
                last = c;
                expected++;
            }
        } catch (IOException | RuntimeException | Error e) {
            SnapshotRestore.resetAll(db);
            throw e;
        }
        JournalFile journal = null;
        try {
            deleteBefore(base);
            if (gens.length == 0) {
                journal = JournalFile.create(journalFile(dir, base), base, policy);
                generation = base;
            } else {
                generation = gens[gens.length - 1];
                journal = JournalFile.reopen(journalFile(dir, generation), generation, last.validEnd, last.size(), policy);
            }
            db.writes.attachJournal(journal); // last: a failed open leaves the engine unjournaled
        } catch (IOException | RuntimeException | Error e) {
            if (journal != null) journal.close();
            SnapshotRestore.resetAll(db);
            throw e;
        }
    }

    /** Deletes the snapshots and journals of generations before {@code gen}. */
    private void deleteBefore(long gen) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Matcher m = SNAPSHOT.matcher(name);
                Matcher j = JOURNAL.matcher(name);
                if ((m.matches() && Long.parseLong(m.group(1)) < gen) || (j.matches() && Long.parseLong(j.group(1)) < gen)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        DurableFiles.forceDirectory(dir);
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
        long next = generation + 1;
        java.util.List<byte[]> sections = db.writes.underLock("checkpoint", () -> {
            JournalFile old = db.writes.journal;
            old.sync();
            JournalFile fresh = JournalFile.create(journalFile(dir, next), next, policy);
            db.writes.journal = fresh;
            generation = next; // from here on the directory is at generation next, whatever fails below
            old.close();
            return SnapshotCodec.encode(db);
        });
        DurableFiles.writeAtomically(snapshotFile(dir, next), sections);
        deleteBefore(next);
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
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    @Override
    public String toString() {
        return "persistence of " + db + " in " + dir + " (" + policy + ", generation " + generation + ")";
    }
}
