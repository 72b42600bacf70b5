package dev.junction;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The append-only journal file of committed transactions: one file per generation, a record per commit written
 * before the commit is published, read back on open.
 *
 * <p>The file is a header, then records, each framed by a magic, a sequence number (0, 1, 2, ... in each file), its
 * payload's length and checksum and a checksum of that header ({@code docs/persistence-format.md}; constants in
 * {@link PersistenceFormat}; payloads are {@link JournalCodec}'s).
 *
 * <h2>Reading</h2>
 * A record that is cut short or fails a checksum, with no intact record header (magic, header checksum, a sequence
 * number not below the expected one) anywhere after it, is the torn tail of a write the process died in: it is
 * dropped and the file truncated there (in the newest journal only). A damaged record followed by an intact header
 * is damage in the middle: a {@link CorruptFileException}, never a silent skip. The search for a later header
 * costs a 4-byte compare per byte and a 20-byte checksum per magic found, so recovery is linear in the file's size
 * however long the torn record was. An intact record whose sequence number is not the next one (a record removed,
 * repeated or moved) is refused too. Replaying the records is {@link JournalReplay}'s job.
 *
 * <h2>Writing and durability</h2>
 * {@link #append} writes a record under the engine's write lock, before the commit is published; with
 * {@link SyncPolicy#everyCommit()} the file is forced before the commit publishes (a commit that returns is on
 * disk); with {@link SyncPolicy#groupCommit} a flusher thread forces the file as soon as a record is pending (but
 * at most once per window) and commits wait for it after releasing the write lock, so the commits that arrive
 * during one force share the next. If a write fails, the record is cut
 * off again and the transaction rolls back; if that fails too, the journal refuses every later commit.
 */
final class JournalFile implements AutoCloseable {

    private static final int HEADER = PersistenceFormat.JOURNAL_HEADER;
    private static final int RECORD_HEADER = PersistenceFormat.RECORD_HEADER;

    /** The largest journal this version reads back in one piece: checkpoint before it is reached. */
    static final long MAX_SIZE = Integer.MAX_VALUE - 64;

    final Path file;
    final long generation;
    final SyncPolicy policy;
    /**
     * Classic I/O, not a {@code FileChannel}: an interrupted committer must not close the journal under everyone
     * (a {@code FileChannel} closes itself when a thread is interrupted in an I/O call).
     */
    private final RandomAccessFile raf;
    private final FileDescriptor fd;
    /** Guarded by this: bytes written, bytes forced, and the first failure (after which nothing is appended). */
    private long appended;
    private long synced;
    /** The sequence number of the next record (written under the engine's write lock only). */
    private long nextSequence;
    private IOException failure;
    private boolean closed;
    private final Thread flusher;

    private JournalFile(Path file, long generation, SyncPolicy policy, RandomAccessFile raf, long size, long nextSequence)
            throws IOException {
        this.file = file;
        this.nextSequence = nextSequence;
        this.generation = generation;
        this.policy = policy;
        this.raf = raf;
        this.fd = raf.getFD();
        this.appended = size;
        this.synced = size;
        if (policy.everyCommit) {
            flusher = null;
        } else {
            flusher = new Thread(this::flushLoop, "junction-journal-" + file.getFileName());
            flusher.setDaemon(true);
            flusher.start();
        }
    }

    /**
     * Creates a new, empty journal file: the header goes to a temporary file, which is forced and renamed into
     * place, and the directory is forced; a crash leaves the journal complete or absent (a stray {@code .tmp}).
     */
    static JournalFile create(Path file, long generation, SyncPolicy policy) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(PersistenceFormat.JOURNAL_MAGIC).putInt(PersistenceFormat.JOURNAL_VERSION).putLong(generation);
        h.putInt(DurableFiles.crc(h.array(), 0, 20));
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString() + ".", ".tmp");
        try {
            try (RandomAccessFile out = new RandomAccessFile(tmp.toFile(), "rw")) {
                out.write(h.array());
                out.getFD().sync();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        DurableFiles.forceDirectory(dir);
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        raf.seek(HEADER);
        return new JournalFile(file, generation, policy, raf, HEADER, 0);
    }

    /**
     * Opens an existing journal for appending after its last valid record (a torn tail cut off and forced); the
     * next record gets sequence number {@code nextSequence}.
     */
    static JournalFile reopen(Path file, long generation, long validEnd, long nextSequence, SyncPolicy policy)
            throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        try {
            if (raf.length() > validEnd) {
                raf.setLength(validEnd);
                raf.getFD().sync();
            }
            raf.seek(validEnd);
            return new JournalFile(file, generation, policy, raf, validEnd, nextSequence);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    // ---- writing ------------------------------------------------------------------------------------------

    /**
     * Appends a record (called under the engine's write lock and stamp). With every-commit sync, forces it before
     * returning. Returns the position after it (the ticket for {@link #awaitDurable}). If the write fails, the
     * partial record is cut off and the exception thrown; if even that fails, the journal is failed for good.
     */
    long append(byte[] payload) throws IOException {
        long start;
        synchronized (this) {
            if (failure != null) {
                throw new IOException(file + ": the journal failed earlier; no commit can be made durable", failure);
            }
            if (closed) {
                throw new IOException(file + ": the journal is closed");
            }
            start = appended;
        }
        if (start + RECORD_HEADER + (long) payload.length > MAX_SIZE) {
            throw new IOException(file + ": the journal would pass " + MAX_SIZE + " bytes; call "
                    + "Persistence.checkpoint() to start a new one");
        }
        byte[] rec = record(nextSequence, payload);
        try {
            raf.seek(start);
            raf.write(rec);
            if (policy.everyCommit) {
                fd.sync();
            }
        } catch (IOException | RuntimeException e) {
            cutBack(start, e);
            throw e;
        }
        nextSequence++;
        synchronized (this) {
            appended = start + rec.length;
            if (policy.everyCommit) {
                synced = appended;
            } else {
                notifyAll();
            }
            return appended;
        }
    }

    /**
     * Removes the last record again (its commit failed to publish, which only an {@link Error} does) and fails the
     * journal: the engine's state after such an error is not trusted, so nothing more is made durable.
     */
    void undoAppend(long end, int payloadLength) {
        long start = end - RECORD_HEADER - payloadLength;
        cutBack(start, null);
        nextSequence--;
        synchronized (this) {
            appended = start;
            if (failure == null) {
                failure = new IOException(file + ": a commit failed while being published; reopen the directory");
            }
            notifyAll();
        }
    }

    private void cutBack(long start, Throwable cause) {
        try {
            raf.setLength(start);
            raf.seek(start);
            fd.sync();
        } catch (IOException | RuntimeException e) {
            if (cause != null) e.addSuppressed(cause);
            synchronized (this) {
                failure = e instanceof IOException io ? io : new IOException(e);
                notifyAll();
            }
        }
    }

    /** A whole record: its header (sequence number {@code sequence}), then the payload. */
    static byte[] record(long sequence, byte[] payload) {
        byte[] rec = new byte[RECORD_HEADER + payload.length];
        ByteBuffer b = ByteBuffer.wrap(rec);
        b.putInt(PersistenceFormat.RECORD_MAGIC).putLong(sequence).putInt(payload.length).putInt(DurableFiles.crc(payload, 0, payload.length));
        b.putInt(DurableFiles.crc(rec, 0, RECORD_HEADER - 4));
        System.arraycopy(payload, 0, rec, RECORD_HEADER, payload.length);
        return rec;
    }

    /** With group commit: waits until the flusher has forced everything up to {@code ticket}. */
    void awaitDurable(long ticket) {
        synchronized (this) {
            boolean interrupted = false;
            while (synced < ticket && failure == null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the commit is published: finish waiting, then restore the flag
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (synced < ticket) {
                throw new UncheckedIOException(file + ": the commit is applied but the journal could not be "
                        + "forced to disk; it may be lost in a crash, and no further commit is accepted", failure);
            }
        }
    }

    private void flushLoop() {
        long lastForce = System.nanoTime() - Long.MAX_VALUE / 4;
        while (true) {
            long target;
            synchronized (this) {
                while (!closed && appended <= synced && failure == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // nobody interrupts this thread; close() sets closed and notifies
                    }
                }
                if (failure != null || (closed && appended <= synced)) {
                    return;
                }
            }
            long wait = policy.windowNanos - (System.nanoTime() - lastForce);
            if (wait > 0) { // at most one force per window: the commits meanwhile share the next one
                LockSupport.parkNanos(wait);
            }
            synchronized (this) {
                target = appended;
            }
            try {
                fd.sync();
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                    notifyAll();
                }
                return;
            }
            lastForce = System.nanoTime();
            synchronized (this) {
                if (target > synced) synced = target;
                notifyAll();
            }
        }
    }

    /** Forces everything appended so far (a checkpoint or close). */
    void sync() throws IOException {
        long target;
        synchronized (this) {
            if (failure != null) throw new IOException(file + ": the journal failed earlier", failure);
            target = appended;
        }
        fd.sync();
        synchronized (this) {
            if (target > synced) synced = target;
            notifyAll();
        }
    }

    /** Stops the flusher (after its current force), forces what is left, closes the file. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) return;
            closed = true;
            notifyAll();
        }
        try {
            if (flusher != null) {
                flusher.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            boolean ok;
            synchronized (this) {
                ok = failure == null;
            }
            if (ok) sync();
        } finally {
            raf.close();
        }
    }

    // ---- reading and replaying ----------------------------------------------------------------------------

    /** The records of a journal file (the file's bytes with each record's payload position), and where its valid part ends. */
    static final class Contents {
        byte[] data;
        /** Per record: the offset of its header in the file, and its payload length. */
        final it.unimi.dsi.fastutil.ints.IntArrayList offsets = new it.unimi.dsi.fastutil.ints.IntArrayList();
        final it.unimi.dsi.fastutil.ints.IntArrayList lengths = new it.unimi.dsi.fastutil.ints.IntArrayList();
        long validEnd;
        boolean tornTail;

        int size() {
            return offsets.size();
        }

        /** Record {@code i}'s payload, as a copy. */
        byte[] payload(int i) {
            int at = offsets.getInt(i) + RECORD_HEADER;
            return Arrays.copyOfRange(data, at, at + lengths.getInt(i));
        }
    }

    /** Reads a journal: header checked, records checked; a torn tail dropped only where {@code last} allows it. */
    static Contents read(Path file, long generation, boolean last) throws IOException {
        byte[] data = DurableFiles.readAll(file, MAX_SIZE, "a journal");
        ByteBuffer h = DurableFiles.afterMagic(data, PersistenceFormat.JOURNAL_MAGIC, HEADER);
        if (h == null) {
            if (last && data.length < HEADER && isPrefixOfHeader(data, generation)) {
                throw new CorruptFileException(file, "the journal's header is incomplete (a crash while creating it)");
            }
            throw new CorruptFileException(file, "not a Junction journal (no JNCTJRNL header)");
        }
        int version = h.getInt();
        long gen = h.getLong();
        int crc = h.getInt();
        if (crc != DurableFiles.crc(data, 0, 20)) throw new CorruptFileException(file, "journal header checksum mismatch");
        if (version > PersistenceFormat.JOURNAL_VERSION) {
            throw new CorruptFileException(file, "journal format version " + version + " is newer than this Junction "
                    + "reads (" + PersistenceFormat.JOURNAL_VERSION + ")");
        }
        if (version < PersistenceFormat.JOURNAL_VERSION) {
            throw new CorruptFileException(file, "journal format version " + version + " is older than this Junction "
                    + "reads (" + PersistenceFormat.JOURNAL_VERSION + "); open the directory with the Junction that wrote it and checkpoint, "
                    + "or recover from its snapshot");
        }
        if (gen != generation) {
            throw new CorruptFileException(file, "journal of generation " + gen + " under the name of generation "
                    + generation);
        }
        Contents c = new Contents();
        c.data = data;
        int pos = HEADER;
        long sequence = 0;
        while (pos < data.length) {
            int length = payloadLength(data, pos);
            if (length >= 0 && sequenceAt(data, pos) == sequence
                    && ByteBuffer.wrap(data).getInt(pos + 16) == DurableFiles.crc(data, pos + RECORD_HEADER, length)) {
                c.offsets.add(pos);
                c.lengths.add(length);
                pos += RECORD_HEADER + length;
                sequence++;
                continue;
            }
            if (headerIntact(data, pos) && sequenceAt(data, pos) != sequence) {
                throw new CorruptFileException(file, "record " + c.size() + " at byte " + pos + " has sequence number "
                        + sequenceAt(data, pos) + " where " + sequence + " was expected: a record is missing, "
                        + "repeated or out of place");
            }
            // torn only if no record header follows anywhere (a damaged length must not hide the records after it)
            int next = headerAfter(data, pos + 1, sequence);
            if (next < 0 && last) {
                c.tornTail = true;
                break;
            }
            throw new CorruptFileException(file, "record " + c.size() + " at byte " + pos + " is damaged"
                    + (next < 0 ? " (a torn end, but this is not the last journal)"
                    : " and an intact record header follows at byte " + next));
        }
        c.validEnd = pos;
        return c;
    }

    /** Whether a whole record header with a matching header checksum starts at {@code pos}. */
    private static boolean headerIntact(byte[] data, int pos) {
        return data.length - pos >= RECORD_HEADER && ByteBuffer.wrap(data).getInt(pos) == PersistenceFormat.RECORD_MAGIC
                && ByteBuffer.wrap(data).getInt(pos + 20) == DurableFiles.crc(data, pos, RECORD_HEADER - 4);
    }

    private static long sequenceAt(byte[] data, int pos) {
        return ByteBuffer.wrap(data).getLong(pos + 4);
    }

    /** The payload length of an intact header at {@code pos} whose payload fits in the file, or -1. */
    private static int payloadLength(byte[] data, int pos) {
        if (!headerIntact(data, pos)) return -1;
        long length = ByteBuffer.wrap(data).getInt(pos + 12) & 0xFFFFFFFFL;
        return length <= data.length - pos - RECORD_HEADER ? (int) length : -1;
    }

    /**
     * The first position at or after {@code from} where an intact record header with a sequence number of at least
     * {@code sequence} starts, or -1. Linear: a 4-byte compare per position, a 20-byte checksum per magic found.
     */
    private static int headerAfter(byte[] data, int from, long sequence) {
        for (int p = from; p + RECORD_HEADER <= data.length; p++) {
            if (data[p] == 'J' && headerIntact(data, p) && sequenceAt(data, p) >= sequence) return p;
        }
        return -1;
    }

    private static boolean isPrefixOfHeader(byte[] data, long generation) {
        int n = Math.min(data.length, PersistenceFormat.JOURNAL_MAGIC.length);
        return Arrays.equals(Arrays.copyOf(data, n), Arrays.copyOf(PersistenceFormat.JOURNAL_MAGIC, n));
    }
}
