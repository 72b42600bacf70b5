package dev.junction;

import dev.junction.SnapshotBytes.Sink;
import dev.junction.SnapshotBytes.Source;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.FileDescriptor;
import java.io.RandomAccessFile;
import java.util.concurrent.locks.LockSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only journal of committed transactions: one file per generation, written before a commit is
 * published, read back and replayed on open.
 *
 * <h2>Format (version 2; fixed-size integers big-endian)</h2>
 * <pre>
 * file    = header | record*
 * header  = magic "JNCTJRNL" (8) | version u32 | generation u64 | CRC32C u32 of the 20 bytes before
 * record  = magic u32 "JREC" | sequence u64 (0, 1, 2, ... in each file) | payload length u32
 *           | payload CRC32C u32 | CRC32C u32 of the 20 bytes before | payload
 * payload = parts | codecs | ops | columns        (encodings as in snapshots, {@link SnapshotBytes})
 * parts   = v count, then per part: kind byte, name str   (the tables, relations and column stores it names)
 * codecs  = v count, class names
 * ops     = v count, then per change in commit order: LINK/UNLINK: kind, v part, v left, v right;
 *           ADD: kind, v part, v id, entity form byte (0 tagged value, 1 z long, 2 none) and entity;
 *           REMOVE: kind, v part, v id
 * columns = v count, then per column store: v part, v columns (name str, type byte each),
 *           v voided keys (v long each), v written keys (v long key, one value per column each)
 * </pre>
 *
 * <h2>Reading</h2>
 * A record that is cut short or fails a checksum, with no intact record header (magic, header checksum, a sequence
 * number not below the expected one) anywhere after it, is the torn tail of a write the process died in: it is
 * dropped and the file truncated there (in the newest journal only). A damaged record followed by an intact header
 * is damage in the middle: a {@link CorruptFileException}, never a silent skip. The search for a later header
 * costs a 4-byte compare per byte and a 20-byte checksum per magic found, so recovery is linear in the file's size
 * however long the torn record was. An intact record whose sequence number is not the next one (a record removed,
 * repeated or moved) is refused too. Replaying a record applies its changes in one transaction, checks that they
 * land as they did (a link was absent, an id comes out the same), and before committing checks the invariants the
 * record touched ({@link RecordCheck}): every link end is a live entity of its table, every association row has
 * one left, one right and its pair, every pair has a row, every value belongs to a link or row. A journal that
 * breaks them, or does not belong to the state it is replayed on, is refused with the record's offset.
 *
 * <h2>Writing and durability</h2>
 * {@link #append} writes a record under the engine's write lock, before the commit is published; with
 * {@link SyncPolicy#everyCommit()} the file is forced before the commit publishes (a commit that returns is on
 * disk); with {@link SyncPolicy#groupCommit} a flusher thread forces the file as soon as a record is pending (but
 * at most once per window) and commits wait for it after releasing the write lock, so the commits that arrive
 * during one force share the next. If a write fails, the record is cut
 * off again and the transaction rolls back; if that fails too, the journal refuses every later commit.
 */
final class Journal implements AutoCloseable {

    static final byte[] MAGIC = "JNCTJRNL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int HEADER = 24;
    /** A record's header: magic, sequence number, payload length, payload checksum, header checksum. */
    static final int RECORD_HEADER = 24;
    /** "JREC": where a record starts, so recovery can tell a later record from damage in linear time. */
    static final int RECORD_MAGIC = 0x4A524543;

    /** Part kinds: what a record's part names. */
    static final byte P_TABLE = 0, P_RELATION = 1, P_ROWS = 2, P_ASSOC_LEFT = 3, P_ASSOC_RIGHT = 4,
            P_ASSOC_PAIRS = 5, P_RELATION_COLUMNS = 6, P_ASSOC_COLUMNS = 7;

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

    private Journal(Path file, long generation, SyncPolicy policy, RandomAccessFile raf, long size, long nextSequence)
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
    static Journal create(Path file, long generation, SyncPolicy policy) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).putInt(VERSION).putLong(generation);
        h.putInt(Snapshot.crc(h.array(), 0, 20));
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
        Snapshot.forceDirectory(dir);
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        raf.seek(HEADER);
        return new Journal(file, generation, policy, raf, HEADER, 0);
    }

    /**
     * Opens an existing journal for appending after its last valid record (a torn tail cut off and forced); the
     * next record gets sequence number {@code nextSequence}.
     */
    static Journal reopen(Path file, long generation, long validEnd, long nextSequence, SyncPolicy policy)
            throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        try {
            if (raf.length() > validEnd) {
                raf.setLength(validEnd);
                raf.getFD().sync();
            }
            raf.seek(validEnd);
            return new Journal(file, generation, policy, raf, validEnd, nextSequence);
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
        b.putInt(RECORD_MAGIC).putLong(sequence).putInt(payload.length).putInt(Snapshot.crc(payload, 0, payload.length));
        b.putInt(Snapshot.crc(rec, 0, RECORD_HEADER - 4));
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

    // ---- encoding a transaction -----------------------------------------------------------------------------

    /** Whether a transaction changed anything the journal records. */
    static boolean hasChanges(Txn t) {
        for (RelationImpl<?, ?> r : t.stagedRelations()) {
            if (t.deltas.get(r).size() > 0) return true;
        }
        for (int i = 0; i < t.size; i++) {
            if (t.kinds[i] < Txn.VOID) return true;
        }
        for (ColumnStore.Overlay o : t.columnOrder) {
            if (!o.voided.isEmpty() || o.own.size() > 0) return true;
        }
        return false;
    }

    /** The record of a transaction about to be published (its overlays still hold its values). */
    static byte[] encode(Txn t, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        LinkedHashMap<String, Integer> parts = new LinkedHashMap<>();
        Map<Class<?>, Integer> codecs = SnapshotBytes.newCodecIndex();
        List<Class<?>> codecOrder = new ArrayList<>();
        Sink body = new Sink(64 + t.size * 8);
        long ops = 0;
        for (int i = 0; i < t.size; i++) {
            if (t.kinds[i] < Txn.VOID) ops++;
        }
        List<RelationImpl<?, ?>> staged = new ArrayList<>();
        for (RelationImpl<?, ?> r : t.stagedRelations()) {
            if (!t.deltas.get(r).expanded) { // a bulk load: its links are in its staged index, not in the log
                staged.add(r);
                ops += t.deltas.get(r).size();
            }
        }
        if (ops > Integer.MAX_VALUE) throw new IOException("a commit of " + ops + " changes is too large for one journal record");
        body.varint((int) ops);
        for (int i = 0; i < t.size; i++) {
            byte kind = t.kinds[i];
            if (kind >= Txn.VOID) continue;
            body.write(kind);
            if (kind == Txn.LINK || kind == Txn.UNLINK) {
                RelationImpl<?, ?> r = (RelationImpl<?, ?>) t.targets[i];
                if (kind == Txn.LINK) requireLiveEnds(t, r, t.as[i], t.bs[i]);
                body.varint(part(parts, r.partKind, r.partName));
                body.varint(t.as[i]);
                body.varint(t.bs[i]);
            } else {
                AbstractTable<?> table = (AbstractTable<?>) t.targets[i];
                body.varint(part(parts, table.partKind, table.partName));
                body.varint(t.as[i]);
                if (kind == Txn.ADD) {
                    if (table instanceof LongTableImpl) {
                        body.write(1);
                        body.zigzag((Long) t.entities[i]);
                    } else if (table instanceof RowIdTable) {
                        body.write(2);
                    } else {
                        body.write(0);
                        body.value(t.entities[i], registry, codecs, codecOrder, "table '" + table.name + "'");
                    }
                }
            }
        }
        for (RelationImpl<?, ?> r : staged) { // after every table change, so each entity is there to link
            int part = part(parts, r.partKind, r.partName);
            t.deltas.get(r).base.forEachLink((a, b) -> {
                requireLiveEnds(t, r, a, b);
                body.write(Txn.LINK);
                body.varint(part);
                body.varint(a);
                body.varint(b);
            });
        }
        body.varint(t.columnOrder.size());
        for (ColumnStore.Overlay o : t.columnOrder) {
            ColumnStore.Schema schema = o.base.schema;
            body.varint(part(parts, o.base.partKind, o.base.partName));
            body.varint(schema.names.length);
            for (int c = 0; c < schema.names.length; c++) {
                body.utf(schema.names[c]);
                body.write(schema.types[c]);
            }
            long[] voided = o.voided.toLongArray();
            Arrays.sort(voided);
            body.varint(voided.length);
            for (long key : voided) body.varlong(key);
            body.varint(o.own.size());
            for (Long2IntOpenHashMap.Entry e : o.own.slots.long2IntEntrySet()) {
                body.varlong(e.getLongKey());
                int slot = e.getIntValue();
                for (int c = 0; c < schema.names.length; c++) {
                    byte type = schema.types[c];
                    int k = schema.indexInType[c];
                    if (type == ColumnStore.OBJECT) {
                        body.value(o.own.objects[k][slot], registry, codecs, codecOrder,
                                "column '" + schema.names[c] + "' of " + o.base.partName);
                    } else {
                        body.primitive(type, o.own.bits(type, k, slot));
                    }
                }
            }
        }
        Sink out = new Sink(body.size + 64);
        out.varint(parts.size());
        for (String p : parts.keySet()) {
            out.write(p.charAt(0));
            out.utf(p.substring(1));
        }
        out.varint(codecOrder.size());
        for (Class<?> c : codecOrder) out.utf(c.getName());
        out.write(body.buf, 0, body.size);
        return Arrays.copyOf(out.buf, out.size);
    }

    /**
     * Refuses to journal a link (still there at commit) whose end is not a live entity of its table: replay would
     * refuse the record, so the commit fails and rolls back instead of being acknowledged and lost on recovery.
     * Only {@link Relation#ints()} given ids that did not come from the tables can make one.
     */
    private static void requireLiveEnds(Txn t, RelationImpl<?, ?> r, int a, int b) {
        if (r.partKind != P_RELATION || !t.deltas.get(r).contains(a, b)) return;
        if (!r.left.isLive(a) || !r.right.isLive(b)) {
            boolean left = !r.left.isLive(a);
            throw new IllegalStateException("relation '" + r.name + "': link (" + a + ", " + b + ") has "
                    + (left ? "left " + a + ", which is not an entity of table '" + r.left.name
                    : "right " + b + ", which is not an entity of table '" + r.right.name) + "' (ids given to ints() "
                    + "must come from the tables); the transaction is rolled back, nothing was journaled");
        }
    }

    private static int part(Map<String, Integer> parts, byte kind, String name) {
        return parts.computeIfAbsent((char) kind + name, k -> parts.size());
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
        long size = Files.size(file);
        if (size > MAX_SIZE) {
            throw new CorruptFileException(file, size + " bytes: larger than a journal can be (" + MAX_SIZE + ")");
        }
        byte[] data = Files.readAllBytes(file);
        if (data.length < HEADER || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            if (last && data.length < HEADER && isPrefixOfHeader(data, generation)) {
                throw new CorruptFileException(file, "the journal's header is incomplete (a crash while creating it)");
            }
            throw new CorruptFileException(file, "not a Junction journal (no JNCTJRNL header)");
        }
        ByteBuffer h = ByteBuffer.wrap(data);
        h.position(MAGIC.length);
        int version = h.getInt();
        long gen = h.getLong();
        int crc = h.getInt();
        if (crc != Snapshot.crc(data, 0, 20)) throw new CorruptFileException(file, "journal header checksum mismatch");
        if (version > VERSION) {
            throw new CorruptFileException(file, "journal format version " + version + " is newer than this Junction "
                    + "reads (" + VERSION + ")");
        }
        if (version < VERSION) {
            throw new CorruptFileException(file, "journal format version " + version + " is older than this Junction "
                    + "reads (" + VERSION + "); open the directory with the Junction that wrote it and checkpoint, "
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
                    && ByteBuffer.wrap(data).getInt(pos + 16) == Snapshot.crc(data, pos + RECORD_HEADER, length)) {
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
        return data.length - pos >= RECORD_HEADER && ByteBuffer.wrap(data).getInt(pos) == RECORD_MAGIC
                && ByteBuffer.wrap(data).getInt(pos + 20) == Snapshot.crc(data, pos, RECORD_HEADER - 4);
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
        int n = Math.min(data.length, MAGIC.length);
        return Arrays.equals(Arrays.copyOf(data, n), Arrays.copyOf(MAGIC, n));
    }

    /** The engine's parts by journal name. */
    static final class Parts {
        final Map<String, AbstractTable<?>> tables = new HashMap<>();
        final Map<String, RelationImpl<?, ?>> relations = new HashMap<>();
        final Map<String, ColumnStore> stores = new HashMap<>();
        /** The relation whose link values a (pair-keyed) store holds. */
        final Map<ColumnStore, RelationImpl<?, ?>> storeOwners = new java.util.IdentityHashMap<>();
        /** The association each internal part belongs to ({@link RecordCheck}). */
        final Map<Object, AssociationTableImpl<?, ?>> associationParts;

        Parts(Junction db) {
            associationParts = RecordCheck.owners(db);
            for (AbstractTable<?> t : db.tablesInOrder()) tables.put((char) t.partKind + t.partName, t);
            for (RelationImpl<?, ?> r : db.relationsInOrder()) {
                relations.put((char) r.partKind + r.partName, r);
                if (r.columns != null) {
                    stores.put((char) r.columns.partKind + r.partName, r.columns);
                    storeOwners.put(r.columns, r);
                }
            }
            for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
                tables.put((char) a.rows.partKind + a.name, a.rows);
                relations.put((char) a.byLeft.partKind + a.name, a.byLeft);
                relations.put((char) a.byRight.partKind + a.name, a.byRight);
                relations.put((char) a.pairRel.partKind + a.name, a.pairRel);
                stores.put((char) a.columns.partKind + a.name, a.columns);
            }
        }
    }

    /**
     * Replays record {@code index} of {@code journal} in a transaction of its own; a mismatch with the state, or a
     * broken invariant ({@link RecordCheck}), rolls it back and is a corrupt journal naming the record's offset.
     */
    static void replay(Junction db, Parts parts, Path file, Contents journal, int index) throws IOException {
        int offset = journal.offsets.getInt(index);
        int start = offset + RECORD_HEADER;
        int end = start + journal.lengths.getInt(index);
        Source in = new Source(file, journal.data, start, end, "record " + index + " at byte " + offset);
        int nparts = in.count("parts", 2);
        String[] names = new String[nparts];
        for (int i = 0; i < nparts; i++) {
            int kind = in.u8();
            names[i] = (char) kind + in.utf();
        }
        int ncodecs = in.count("codecs", 1);
        ValueCodec<?>[] codecs = new ValueCodec<?>[ncodecs];
        for (int i = 0; i < ncodecs; i++) {
            String name = in.utf();
            for (Map.Entry<Class<?>, ValueCodec<?>> e : db.codecs().entrySet()) {
                if (e.getKey().getName().equals(name)) codecs[i] = e.getValue();
            }
            if (codecs[i] == null) {
                throw new IllegalStateException(file + " has values of " + name + ": register a ValueCodec for it "
                        + "with Junction.registerCodec before opening");
            }
        }
        Txn t = (Txn) db.begin();
        t.quiet = true;
        RecordCheck check = new RecordCheck(parts.associationParts);
        boolean done = false;
        try {
            int ops = in.count("changes", 3);
            for (int i = 0; i < ops; i++) {
                int kind = in.u8();
                int p = in.varint();
                if (p >= nparts) throw in.corrupt("part " + p + " of " + nparts);
                String name = names[p];
                int a = in.varint();
                switch (kind) {
                    case Txn.LINK, Txn.UNLINK -> {
                        RelationImpl<?, ?> r = parts.relations.get(name);
                        if (r == null) throw missing(file, name);
                        int b = in.varint();
                        DeltaRelation d = t.delta(r);
                        boolean changed = kind == Txn.LINK ? d.link(a, b) : d.unlink(a, b);
                        if (kind == Txn.LINK) check.linked(r, a, b); else check.unlinked(r, a, b);
                        if (!changed) {
                            throw in.corrupt((kind == Txn.LINK ? "link" : "unlink") + " of (" + a + ", " + b
                                    + ") in '" + name.substring(1) + "' changed nothing: the journal does not "
                                    + "follow this state");
                        }
                    }
                    case Txn.ADD -> {
                        AbstractTable<?> table = parts.tables.get(name);
                        if (table == null) throw missing(file, name);
                        int form = in.u8();
                        Object entity = switch (form) {
                            case 0 -> in.value(codecs);
                            case 1 -> in.zigzag();
                            case 2 -> null;
                            default -> throw in.corrupt("entity form " + form);
                        };
                        int expected = table instanceof LongTableImpl ? 1 : table instanceof RowIdTable ? 2 : 0;
                        if (form != expected) {
                            throw in.corrupt("entity form " + form + " for table '" + table.name + "'");
                        }
                        if (form == 0 && entity == null) throw in.corrupt("null entity");
                        if (form != 2 && table.find(entity) >= 0) {
                            throw in.corrupt("entity " + entity + " of table '" + table.name + "' is already there");
                        }
                        int id = insert(table, t, entity);
                        if (id != a) {
                            throw in.corrupt("entity of table '" + table.name + "' got id " + id + ", the journal "
                                    + "says " + a + ": the journal does not follow this state");
                        }
                        check.added(table, id);
                    }
                    case Txn.REMOVE, Txn.REMOVE_NEW -> {
                        AbstractTable<?> table = parts.tables.get(name);
                        if (table == null) throw missing(file, name);
                        if (!table.isLive(a)) throw in.corrupt("removal of id " + a + ", which is not there");
                        check.removing(t, table, a);
                        table.txRemove(t, a);
                    }
                    default -> throw in.corrupt("unknown change kind " + kind);
                }
            }
            int stores = in.count("column stores", 3);
            for (int i = 0; i < stores; i++) {
                int p = in.varint();
                if (p >= nparts) throw in.corrupt("part " + p + " of " + nparts);
                ColumnStore cs = parts.stores.get(names[p]);
                if (cs == null) throw missing(file, names[p]);
                int ncols = in.count("columns", 2);
                int[] map = new int[ncols];
                byte[] types = new byte[ncols];
                for (int c = 0; c < ncols; c++) {
                    String col = in.utf();
                    int type = in.u8();
                    int k = cs.schema.find(col);
                    if (k < 0 || cs.schema.types[k] != type) {
                        throw new IllegalStateException(file + " has column '" + col + "' (type " + type + ") of "
                                + names[p].substring(1) + ", which this engine does not declare so");
                    }
                    map[c] = k;
                    types[c] = (byte) type;
                }
                int nvoid = in.count("voided keys", 1);
                for (int v = 0; v < nvoid; v++) t.voidKey(cs, checkKey(in, parts, cs, in.varlong(), false));
                int nwritten = in.count("written keys", 1 + ncols);
                for (int w = 0; w < nwritten; w++) {
                    long key = checkKey(in, parts, cs, in.varlong(), true);
                    RelationImpl<?, ?> owner = parts.storeOwners.get(cs);
                    if (owner != null && !t.delta(owner).contains((int) (key >>> 32), (int) key)) {
                        throw in.corrupt("values for (" + (key >>> 32) + ", " + (int) key + ") of relation '"
                                + owner.name + "', which are not linked");
                    }
                    int slot = t.slotForWrite(cs, key);
                    ColumnStore own = t.columns(cs).own;
                    for (int c = 0; c < ncols; c++) {
                        int k = cs.schema.indexInType[map[c]];
                        if (types[c] != ColumnStore.OBJECT) {
                            own.putBits(types[c], k, slot, in.primitive(types[c]));
                        } else {
                            Object v = in.value(codecs);
                            if (v != null && !cs.schema.objectTypes[k].isInstance(v)) {
                                throw in.corrupt("value of type " + v.getClass().getName() + " in column '"
                                        + cs.schema.names[map[c]] + "'");
                            }
                            own.objects[k][slot] = v;
                        }
                    }
                }
            }
            if (in.pos != end) throw in.corrupt((end - in.pos) + " bytes left over");
            String problem = check.problem(t);
            if (problem != null) throw in.corrupt(problem);
            t.commit();
            done = true;
        } catch (IllegalStateException e) { // a schema or codec mismatch: said as such
            throw e;
        } catch (RuntimeException e) { // an id the index refuses, a value a key function or codec rejects
            CorruptFileException c = in.corrupt(e.toString());
            c.initCause(e);
            throw c;
        } finally {
            if (!done && t.isActive()) t.rollback();
        }
    }

    /**
     * A key of column values: a pair (relation columns), or a row id (association columns) that must be live if
     * values are written to it (a voided row was deleted in the same transaction).
     */
    private static long checkKey(Source in, Parts parts, ColumnStore cs, long key, boolean written)
            throws CorruptFileException {
        if (cs.dense) {
            AbstractTable<?> rows = parts.tables.get((char) P_ROWS + cs.partName);
            if (key < 0 || key > Integer.MAX_VALUE || rows == null || (written && !rows.isLive((int) key))) {
                throw in.corrupt("values for row " + key + ", which is not there");
            }
        } else if (key < 0 || (int) key < 0) { // a pair: two non-negative ids
            throw in.corrupt("values for key " + Long.toUnsignedString(key) + ", which is no pair of ids");
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    private static <E> int insert(AbstractTable<E> table, Txn t, Object entity) {
        return table.txInsert(t, (E) entity);
    }

    private static IllegalStateException missing(Path file, String part) {
        String[] kinds = {"table", "relation", "association table", "association table", "association table",
            "association table", "relation", "association table"};
        int k = part.charAt(0);
        return new IllegalStateException(file + " has changes of " + (k < kinds.length ? kinds[k] : "part") + " '"
                + part.substring(1) + "', which this engine does not declare; declare the same schema before opening");
    }
}
