package dev.junction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * The append-only journal file of committed transactions: one file per generation, a record per commit written
 * before the commit is published, read back on open.
 *
 * <p>The file is a header, then records, each framed by a magic, a sequence number (0, 1, 2, ... in each file), the
 * position up to which the file was forced when the record was written, its payload's length and checksum and a
 * checksum of that header ({@code docs/persistence-format.md}; constants in {@link PersistenceFormat}; payloads are
 * {@link JournalCodec}'s). A record with an empty payload is a <i>mark</i>: written by {@link #close} after the
 * last force, it carries no transaction and proves every record before it forced.
 *
 * <h2>Design notes: never forced, or forced then damaged</h2>
 * A commit is acknowledged only after a force covering its record, and a force covers whole records from the
 * start of the file. So if a later record (or a mark) says the file was forced past the start of a damaged record,
 * that record was acknowledged and then damaged: real corruption. If no later record says so, the damaged record
 * and everything after it were never forced, so never acknowledged: what a crash or power cut leaves (a torn last
 * record; with group commit, unforced records that reached the disk in any order, so a hole of zeros or garbage
 * before an intact record). {@link #read} finds the first damaged record, then every intact record header after
 * it (magic, header checksum, a sequence number not below the expected one) in one linear pass (a 4-byte compare
 * per byte, a 28-byte checksum per magic found), and classifies the damage by the highest forced position they
 * state. A journal that is not the newest was forced whole before the next one was created, so damage there is
 * always corruption. Which damage is refused is {@link Persistence}'s decision (its {@link RecoveryMode}).
 *
 * <p>The forced position is only ever a position a completed force reached: after opening an existing journal it
 * is forced once before anything is appended (a killed process leaves its last writes in the operating system's
 * cache only), and it grows only when a force returns.
 *
 * <h2>Writing and durability</h2>
 * {@link #append} writes a record under the engine's write lock, before the commit is published; with
 * {@link SyncPolicy#everyCommit()} the file is forced before the commit publishes (a commit that returns is on
 * disk); with {@link SyncPolicy#groupCommit} a flusher thread forces the file as soon as a record is pending (but
 * at most once per window) and commits wait for it after releasing the write lock, so the commits that arrive
 * during one force share the next. If a write fails, the record is cut off again and the transaction rolls back;
 * if that fails too, the journal refuses every later commit. Every file operation goes through a
 * {@link FileLayer}.
 */
final class JournalFile implements AutoCloseable {

    private static final int HEADER = PersistenceFormat.JOURNAL_HEADER;
    private static final int RECORD_HEADER = PersistenceFormat.RECORD_HEADER;
    private static final byte[] EMPTY = new byte[0];

    /** The largest journal this version reads back in one piece: checkpoint before it is reached. */
    static final long MAX_SIZE = Integer.MAX_VALUE - 64;

    final Path file;
    final long generation;
    final SyncPolicy policy;
    private final FileLayer.Output out;
    /** The length of the last record appended, header included (under the write lock; for the JFR commit event). */
    long lastRecordLength;
    /** Guarded by this: bytes written, bytes forced, and the first failure (after which nothing is appended). */
    private long appended;
    private long synced;
    /** Guarded by this: the end of what the records on file prove forced (the highest forced position, or a mark's end). */
    private long provenEnd;
    /** The sequence number of the next record (written under the engine's write lock only). */
    private long nextSequence;
    private IOException failure;
    private boolean closed;
    private final Thread flusher;

    private JournalFile(Path file, long generation, SyncPolicy policy, FileLayer.Output out, long size,
            long nextSequence, long provenEnd) {
        this.file = file;
        this.nextSequence = nextSequence;
        this.generation = generation;
        this.policy = policy;
        this.out = out;
        this.appended = size;
        this.synced = size;
        this.provenEnd = provenEnd;
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
    static JournalFile create(FileLayer fs, Path file, long generation, SyncPolicy policy) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(PersistenceFormat.JOURNAL_MAGIC).putInt(PersistenceFormat.JOURNAL_VERSION).putLong(generation);
        h.putInt(DurableFiles.crc(h.array(), 0, 20));
        Path abs = file.toAbsolutePath();
        DurableFiles.writeAtomically(fs, abs, java.util.List.of(h.array()));
        FileLayer.Output out = fs.open(abs);
        return new JournalFile(file, generation, policy, out, HEADER, 0, HEADER);
    }

    /**
     * Opens an existing journal read as {@code contents} for appending after its last valid record: what follows
     * is cut off, and the file is forced (so the forced position the next record states is true even if the last
     * process was killed before its writes reached the disk).
     */
    static JournalFile reopen(FileLayer fs, Path file, long generation, Contents contents, SyncPolicy policy)
            throws IOException {
        if (contents.version != PersistenceFormat.JOURNAL_VERSION) {
            throw new IllegalStateException(file + ": a version " + contents.version + " journal is not appended to");
        }
        FileLayer.Output out = fs.open(file);
        try {
            if (contents.data.length != contents.validEnd) {
                out.truncate(contents.validEnd);
            }
            out.force();
            return new JournalFile(file, generation, policy, out, contents.validEnd, contents.nextSequence,
                    contents.provenEnd);
        } catch (IOException | RuntimeException e) {
            out.close();
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
        long forced;
        synchronized (this) {
            if (failure != null) {
                throw new IOException(file + ": the journal failed earlier; no commit can be made durable", failure);
            }
            if (closed) {
                throw new IOException(file + ": the journal is closed");
            }
            start = appended;
            forced = synced;
        }
        if (start + RECORD_HEADER + (long) payload.length > MAX_SIZE) {
            throw new IOException(file + ": the journal would pass " + MAX_SIZE + " bytes; call "
                    + "Persistence.checkpoint() to start a new one");
        }
        byte[] rec = record(generation, nextSequence, forced, payload);
        try {
            out.write(start, rec, 0, rec.length);
            if (policy.everyCommit) {
                force(start + rec.length, "commit");
            }
        } catch (IOException | RuntimeException e) {
            cutBack(start, e);
            throw e;
        }
        nextSequence++;
        lastRecordLength = rec.length;
        synchronized (this) {
            appended = start + rec.length;
            if (forced > provenEnd) provenEnd = forced;
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
            if (synced > start) synced = start;
            if (failure == null) {
                failure = new IOException(file + ": a commit failed while being published; reopen the directory");
            }
            notifyAll();
        }
    }

    private void cutBack(long start, Throwable cause) {
        try {
            out.truncate(start);
            force(start, "truncate");
        } catch (IOException | RuntimeException e) {
            if (cause != null) e.addSuppressed(cause);
            synchronized (this) {
                failure = e instanceof IOException io ? io : new IOException(e);
                notifyAll();
            }
        }
    }

    /**
     * A whole record of journal {@code generation}: its header (sequence number {@code sequence}, the file forced
     * up to {@code forced}), then the payload.
     */
    static byte[] record(long generation, long sequence, long forced, byte[] payload) {
        byte[] rec = new byte[RECORD_HEADER + payload.length];
        ByteBuffer b = ByteBuffer.wrap(rec);
        b.putInt(PersistenceFormat.RECORD_MAGIC).putLong(sequence).putLong(forced).putInt(payload.length)
                .putInt(DurableFiles.crc(payload, 0, payload.length));
        b.putInt(headerCrc(generation, rec, 0));
        System.arraycopy(payload, 0, rec, RECORD_HEADER, payload.length);
        return rec;
    }

    /** The header checksum of a version 3 record at {@code pos}: the generation, then the header's first 28 bytes. */
    static int headerCrc(long generation, byte[] data, int pos) {
        CRC32C c = new CRC32C();
        for (int shift = 56; shift >= 0; shift -= 8) c.update((int) (generation >>> shift));
        c.update(data, pos, PersistenceFormat.RECORD_HEADER_CRC_AT);
        return (int) c.getValue();
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
                force(target, "group");
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

    /** Forces the file (which is {@code position} bytes long), told to JFR if a recording runs. */
    private void force(long position, String reason) throws IOException {
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.FORCE) : null;
        out.force();
        if (jfr != null) JfrEvents.force(jfr, file, position, reason);
    }

    /** Forces everything appended so far (a checkpoint or close). */
    void sync() throws IOException {
        long target;
        synchronized (this) {
            if (failure != null) throw new IOException(file + ": the journal failed earlier", failure);
            target = appended;
        }
        force(target, "sync");
        synchronized (this) {
            if (target > synced) synced = target;
            notifyAll();
        }
    }

    /**
     * Stops the flusher (after its current force), forces what is left, writes a mark proving it forced (if a
     * record is not proven yet) and closes the file: damage to a record of a closed journal is then recognized as
     * damage to acknowledged data.
     */
    @Override
    public void close() throws IOException {
        close(true);
    }

    /**
     * Closes the journal a checkpoint has replaced, without a mark: a journal followed by a newer one was forced
     * whole before the newer one was created, and nothing may be written to it after that.
     */
    void retire() throws IOException {
        close(false);
    }

    private void close(boolean mark) throws IOException {
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
            if (ok) {
                sync();
                if (mark) mark();
            }
        } finally {
            out.close();
        }
    }

    /** Appends and forces a mark stating that everything before it is forced, if a record is not proven yet. */
    private void mark() throws IOException {
        long at;
        synchronized (this) {
            if (appended <= provenEnd) return;
            at = appended;
        }
        byte[] rec = record(generation, nextSequence, at, EMPTY);
        out.write(at, rec, 0, rec.length);
        force(at + rec.length, "mark");
        nextSequence++;
        synchronized (this) {
            appended = synced = provenEnd = at + rec.length;
        }
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /**
     * Damage found while reading a journal: where, what, and whether the damaged bytes are known to have been
     * forced (so may hold acknowledged commits).
     *
     * @param offset the byte where the damage starts: everything from here on is dropped if it is not refused
     * @param problem why the bytes from {@code offset} on are not read, for messages and reports
     * @param forced whether the dropped bytes were forced (a later record says so, or the journal is not the newest)
     * @param recordsAfter how many intact record headers follow the damage (records that would be dropped with it)
     */
    record Damage(long offset, String problem, boolean forced, int recordsAfter) {
    }

    /** The records of a journal file (the file's bytes with each record's payload position), and where its valid part ends. */
    static final class Contents {
        byte[] data;
        int version;
        /** The size of a record header in this file's version. */
        int recordHeader;
        /** Per transaction record (marks are not listed): the offset of its header in the file, and its payload length. */
        final it.unimi.dsi.fastutil.ints.IntArrayList offsets = new it.unimi.dsi.fastutil.ints.IntArrayList();
        final it.unimi.dsi.fastutil.ints.IntArrayList lengths = new it.unimi.dsi.fastutil.ints.IntArrayList();
        /** The end of the valid records: the file is cut here before appending. */
        long validEnd;
        /** The sequence number the next record gets. */
        long nextSequence;
        /** The end of what the valid records prove forced. */
        long provenEnd;
        /** The first damage, or null if every byte was read. */
        Damage damage;

        int size() {
            return offsets.size();
        }

        /** Record {@code i}'s payload, as a copy. */
        byte[] payload(int i) {
            int at = offsets.getInt(i) + recordHeader;
            return Arrays.copyOfRange(data, at, at + lengths.getInt(i));
        }

        /** Drops transaction record {@code i} and everything after it (replay refused it). */
        void cutAt(int i, Damage d) {
            validEnd = offsets.getInt(i);
            offsets.size(i);
            lengths.size(i);
            damage = d;
        }
    }

    /**
     * Reads journal {@code generation} ({@code last}: the newest of the directory): the header is checked (a
     * version newer than this Junction reads, or a generation other than the file name's, is refused outright),
     * then every record up to the first damage, which is classified ({@link Contents#damage}); whether to refuse
     * it is the caller's decision.
     */
    static Contents read(FileLayer fs, Path file, long generation, boolean last) throws IOException {
        byte[] data = fs.readAll(file, MAX_SIZE, "a journal");
        Contents c = new Contents();
        c.data = data;
        ByteBuffer h = DurableFiles.afterMagic(data, PersistenceFormat.JOURNAL_MAGIC, HEADER);
        if (h == null) {
            // a journal's header is forced before the journal gets its name: a bad one is never a crash's doing
            boolean prefix = data.length < HEADER && isPrefixOfHeader(data);
            c.damage = new Damage(0, prefix ? "the journal's header (bytes 0 to 23) is incomplete" : "not a "
                    + "Junction journal (no JNCTJRNL header at byte 0)", true, 0);
            return c;
        }
        int version = h.getInt();
        long gen = h.getLong();
        int crc = h.getInt();
        if (crc != DurableFiles.crc(data, 0, 20)) {
            c.damage = new Damage(0, "journal header checksum mismatch (bytes 0 to 23)", true, 0);
            return c;
        }
        if (version > PersistenceFormat.JOURNAL_VERSION) {
            throw new CorruptFileException(file, 8, "journal format version " + version + " is newer than this "
                    + "Junction reads (" + PersistenceFormat.JOURNAL_VERSION + ")");
        }
        if (version < PersistenceFormat.JOURNAL_VERSION_OLDEST_READ) {
            throw new CorruptFileException(file, 8, "journal format version " + version + " is older than this "
                    + "Junction reads (" + PersistenceFormat.JOURNAL_VERSION_OLDEST_READ + " to "
                    + PersistenceFormat.JOURNAL_VERSION + "); open the directory with the Junction that wrote it and "
                    + "checkpoint, or recover from its snapshot");
        }
        if (gen != generation) {
            throw new CorruptFileException(file, 12, "journal of generation " + gen + " under the name of generation "
                    + generation);
        }
        c.version = version;
        Reader r = new Reader(data, generation, version);
        c.recordHeader = r.header;
        int pos = HEADER;
        long sequence = 0;
        long proven = HEADER;
        while (pos < data.length) {
            int length = r.payloadLength(pos);
            long forced = length >= 0 ? r.forced(pos) : 0;
            if (length >= 0 && r.sequence(pos) == sequence && r.payloadIntact(pos, length) && forced <= pos) {
                if (length > 0 || version < PersistenceFormat.JOURNAL_VERSION_FORCED) {
                    c.offsets.add(pos);
                    c.lengths.add(length);
                    if (forced > proven) proven = forced;
                } else {
                    proven = pos + (long) r.header; // a mark: everything before it is forced, and it holds nothing
                }
                pos += r.header + length;
                sequence++;
                continue;
            }
            c.damage = classify(r, pos, c.size(), sequence, last);
            break;
        }
        c.validEnd = pos;
        c.nextSequence = sequence;
        c.provenEnd = proven;
        return c;
    }

    /** What the damage at {@code pos} (record {@code index}, expected sequence {@code sequence}) is. */
    private static Damage classify(Reader r, int pos, int index, long sequence, boolean last) {
        String record = "record " + index + " at byte " + pos;
        if (r.headerIntact(pos) && r.sequence(pos) != sequence) {
            return new Damage(pos, record + " has sequence number " + r.sequence(pos) + " where " + sequence
                    + " was expected: a record is missing, repeated or out of place", true, 0);
        }
        if (r.headerIntact(pos) && r.forced(pos) > pos) {
            return new Damage(pos, record + " says the journal was forced up to byte " + r.forced(pos)
                    + ", past its own start", true, 0);
        }
        // every intact header after the damage: how many records would go with it, and how far they say the file
        // was forced (a force covers whole records, so a position past pos means the damaged record was forced)
        int after = 0;
        int firstAfter = -1;
        int evidence = -1;
        long forcedTo = 0;
        for (int p = pos + 1; p + r.header <= r.data.length; p++) {
            if (r.data[p] != 'J' || !r.headerIntact(p) || r.sequence(p) < sequence) continue;
            after++;
            if (firstAfter < 0) firstAfter = p;
            long f = Math.min(r.forced(p), p); // a header claiming past itself proves no more than its own start
            if (f > pos && evidence < 0) {
                evidence = p;
                forcedTo = f;
            }
        }
        if (r.version < PersistenceFormat.JOURNAL_VERSION_FORCED && firstAfter >= 0) { // version 2 cannot tell: refuse
            return new Damage(pos, record + " is damaged and an intact record header follows at byte " + firstAfter,
                    true, after);
        }
        if (evidence >= 0) {
            return new Damage(pos, record + " is damaged, and the record at byte " + evidence + " says the journal "
                    + "was forced up to byte " + forcedTo + ": a commit that was acknowledged is damaged", true, after);
        }
        if (!last) {
            return new Damage(pos, record + " is damaged (a torn end, but this is not the last journal, which was "
                    + "forced whole before the next one was created)", true, after);
        }
        return new Damage(pos, record + " is damaged and nothing after it was forced (the torn or lost writes of a "
                + "crash: never acknowledged)" + (after > 0 ? "; " + after + " intact unforced record"
                + (after > 1 ? "s" : "") + " after it dropped too" : ""), false, after);
    }

    private static boolean isPrefixOfHeader(byte[] data) {
        int n = Math.min(data.length, PersistenceFormat.JOURNAL_MAGIC.length);
        return Arrays.equals(Arrays.copyOf(data, n), Arrays.copyOf(PersistenceFormat.JOURNAL_MAGIC, n));
    }

    /** Record headers of one format version over a file's bytes. */
    private static final class Reader {
        final byte[] data;
        final ByteBuffer buf;
        final long generation;
        final int version;
        /** Versions 3 and 4: records state a forced position. */
        final boolean forcedFraming;
        final int header;

        Reader(byte[] data, long generation, int version) {
            this.data = data;
            this.buf = ByteBuffer.wrap(data);
            this.generation = generation;
            this.version = version;
            this.forcedFraming = version >= PersistenceFormat.JOURNAL_VERSION_FORCED;
            this.header = forcedFraming ? RECORD_HEADER : PersistenceFormat.RECORD_HEADER_V2;
        }

        /** Whether a whole record header with a matching header checksum starts at {@code pos}. */
        boolean headerIntact(int pos) {
            if (data.length - pos < header || buf.getInt(pos) != PersistenceFormat.RECORD_MAGIC) return false;
            if (forcedFraming) {
                return buf.getInt(pos + PersistenceFormat.RECORD_HEADER_CRC_AT) == headerCrc(generation, data, pos);
            }
            return buf.getInt(pos + PersistenceFormat.RECORD_V2_HEADER_CRC_AT) == DurableFiles.crc(data, pos, 20);
        }

        long sequence(int pos) {
            return buf.getLong(pos + PersistenceFormat.RECORD_SEQUENCE_AT);
        }

        /** The forced position an intact header states (0 in version 2, which states none). */
        long forced(int pos) {
            return forcedFraming ? buf.getLong(pos + PersistenceFormat.RECORD_FORCED_AT) : 0;
        }

        /** The payload length of an intact header at {@code pos} whose payload fits in the file, or -1. */
        int payloadLength(int pos) {
            if (!headerIntact(pos)) return -1;
            long length = buf.getInt(pos + (forcedFraming ? PersistenceFormat.RECORD_LENGTH_AT
                    : PersistenceFormat.RECORD_V2_LENGTH_AT)) & 0xFFFFFFFFL;
            return length <= data.length - pos - header ? (int) length : -1;
        }

        boolean payloadIntact(int pos, int length) {
            int at = forcedFraming ? PersistenceFormat.RECORD_PAYLOAD_CRC_AT : PersistenceFormat.RECORD_V2_PAYLOAD_CRC_AT;
            return buf.getInt(pos + at) == DurableFiles.crc(data, pos + header, length);
        }
    }
}
