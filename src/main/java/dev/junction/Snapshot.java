package dev.junction;

import dev.junction.SnapshotBytes.Sink;
import dev.junction.SnapshotBytes.Source;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Snapshots: the whole engine in one file, written atomically, read back only if every check passes.
 *
 * <h2>Format (version 1; all integers big-endian)</h2>
 * <pre>
 * header   = magic "JUNCTION" (8 bytes) | version u32 | flags u32 (0) | CRC32C u32 of the 16 bytes before
 * section  = type u32 | payload length u64 | payload CRC32C u32 | CRC32C u32 of the 16 bytes before | payload
 * file     = header | CODECS | TABLE* | RELATION* | ASSOCIATION* | END
 * </pre>
 * Payloads use unsigned LEB128 varints ({@code v}), zigzag varints ({@code z}) and strings ({@code v} length +
 * UTF-8); values are tagged ({@link SnapshotBytes}). {@code CODECS}: {@code v} count, class names.
 * {@code TABLE}: name, kind byte (0 objects, 1 longs, 2 rows), {@code v} high-water mark, {@code v} free count and
 * the free ids (stack bottom first), {@code v} live count, then per live id ascending the gap to the previous
 * ({@code v}) and the entity (a tagged value, a {@code z} long, or nothing for rows). {@code RELATION}: name, kind
 * byte, links, columns. Links: {@code v} count, then per link in left-major order either {@code v} (right - previous
 * right, at least 1) or, at a new left, {@code 0}, {@code z} (left - previous left), {@code v} right: about one to
 * three bytes per link. Columns: {@code v} count, per column name and type byte; {@code v} entries, each a key
 * ({@code v} left, {@code v} right; or {@code v} row) and one value per column ({@code z} for long and int, 8 bytes
 * for double, 1 byte for boolean, a tagged value for objects). {@code ASSOCIATION}: name, its rows as a TABLE
 * payload, the three internal relations' links (left to rows, right to rows, pairs) and the row columns.
 * {@code END}: {@code v} number of sections before it, so a file cut at a section boundary is caught.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #save} encodes the committed state inside a read view (commits wait), then writes a temporary
 *       file in the target's directory, forces it to disk, renames it over the target atomically and forces the
 *       directory: a crash leaves the old file or the new one.</li>
 *   <li>{@link #load} reads the file, checks the header, every section's checksums, every length against the
 *       bytes that are left (before allocating), and the content's own invariants (allocator state, each row with
 *       one left and one right, pairs equal to the rows' pairs), all before touching the engine; then it applies
 *       the content under the write lock, and undoes everything if a step fails. Any problem with the file is a
 *       {@link CorruptFileException}.</li>
 * </ul>
 */
final class Snapshot {

    static final byte[] MAGIC = "JUNCTION".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 20;
    static final int SECTION_HEADER = 20;
    static final int CODECS = 1, TABLE = 2, RELATION = 3, ASSOCIATION = 4, END = 0x454E44; // "END"
    static final byte OBJECTS = 0, LONGS = 1, ROWS = 2;

    private Snapshot() {
    }

    // ---- save -------------------------------------------------------------------------------------------

    /** Encodes the committed state and writes it atomically to {@code file}. */
    static void save(Junction db, Path file) throws IOException {
        writeAtomically(file, header(), encode(db));
    }

    /** The largest snapshot this version loads (it reads the file in one array). */
    static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    /** The sections of a snapshot of the committed state, encoded in a read view (commits wait meanwhile). */
    static List<byte[]> encode(Junction db) throws IOException {
        List<byte[]> sections = new ArrayList<>();
        try (ReadView view = db.readView()) {
            Encoder e = new Encoder(db);
            for (AbstractTable<?> t : db.tablesInOrder()) {
                Sink s = new Sink(1 << 12);
                e.table(s, t);
                sections.add(section(TABLE, s));
            }
            for (RelationImpl<?, ?> r : db.relationsInOrder()) {
                Sink s = new Sink(1 << 16);
                s.utf(r.name);
                s.write(r.store.kind().ordinal());
                requireLiveEnds(db, r);
                e.links(s, r.store);
                e.linkColumns(s, r);
                sections.add(section(RELATION, s));
            }
            for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
                Sink s = new Sink(1 << 16);
                s.utf(a.name);
                e.table(s, a.rows);
                e.links(s, a.byLeft.store);
                e.links(s, a.byRight.store);
                e.links(s, a.pairRel.store);
                e.rowColumns(s, a);
                sections.add(section(ASSOCIATION, s));
            }
            Sink codecs = new Sink(256);
            codecs.varint(e.codecOrder.size());
            for (Class<?> c : e.codecOrder) codecs.utf(c.getName());
            sections.add(0, section(CODECS, codecs));
        }
        Sink end = new Sink(8);
        end.varint(sections.size());
        sections.add(section(END, end));
        long total = HEADER;
        for (byte[] b : sections) total += b.length;
        if (total > MAX_SIZE) { // never write what load would refuse (a checkpoint would then lose its base)
            throw new IllegalStateException(db + ": the snapshot would be " + total + " bytes, more than this "
                    + "version can load (" + MAX_SIZE + ")");
        }
        return sections;
    }

    /**
     * Refuses to save a link whose end is not a live entity of its table (only {@link Relation#ints()} can make
     * one, given ids that did not come from the tables): load would refuse the file, so it is never written.
     */
    private static void requireLiveEnds(Junction db, RelationImpl<?, ?> r) {
        BitSet lefts = r.left.liveIds();
        BitSet rights = r.right.liveIds();
        r.store.forEachLink((a, b) -> {
            if (!lefts.get(a) || !rights.get(b)) {
                throw new IllegalStateException(db + ": relation '" + r.name + "' holds link (" + a + ", " + b
                        + "), whose " + (lefts.get(a) ? "right " + b + " is not an entity of table '" + r.right.name
                        : "left " + a + " is not an entity of table '" + r.left.name) + "' (ids given to ints() "
                        + "must come from the tables); the snapshot is not written");
            }
        });
    }

    static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(MAGIC).putInt(VERSION).putInt(0);
        b.putInt(crc(b.array(), 0, 16));
        return b.array();
    }

    /** A section: its 20-byte header, then the payload (one array, to write in one call). */
    static byte[] section(int type, Sink payload) {
        byte[] out = new byte[SECTION_HEADER + payload.size];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(type).putLong(payload.size).putInt(crc(payload.buf, 0, payload.size));
        b.putInt(crc(out, 0, 16));
        System.arraycopy(payload.buf, 0, out, SECTION_HEADER, payload.size);
        return out;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Temporary file in the same directory, forced, renamed over the target, directory forced. */
    static void writeAtomically(Path file, byte[] header, List<byte[]> parts) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, header);
                for (byte[] p : parts) writeFully(ch, p);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    static void writeFully(FileChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Makes a rename durable (where the platform allows opening a directory). */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) throw e;
        }
    }

    /** Encodes parts of the engine; collects the codecs the values need. */
    private static final class Encoder {
        final Map<Class<?>, ValueCodec<?>> registry;
        final Map<Class<?>, Integer> codecs = SnapshotBytes.newCodecIndex();
        final List<Class<?>> codecOrder = new ArrayList<>();

        Encoder(Junction db) {
            this.registry = db.codecs();
        }

        void table(Sink s, AbstractTable<?> t) throws IOException {
            s.utf(t.name);
            byte kind = t instanceof LongTableImpl ? LONGS : t instanceof RowIdTable ? ROWS : OBJECTS;
            s.write(kind);
            s.varint(t.highWaterMark());
            int[] free = t.freeStack();
            s.varint(free.length);
            for (int id : free) s.varint(id);
            BitSet live = t.liveIds();
            s.varint(live.cardinality());
            int prev = -1;
            for (int id = live.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(id + 1)) {
                s.varint(id - prev - 1);
                prev = id;
                if (kind == LONGS) {
                    s.zigzag((Long) t.committedEntity(id));
                } else if (kind == OBJECTS) {
                    s.value(t.committedEntity(id), registry, codecs, codecOrder, "table '" + t.name + "'");
                }
            }
        }

        void links(Sink s, IntRelation store) {
            s.varlong(store.size());
            int[] prev = {-1, -1}; // left, right
            store.forEachLink((l, r) -> {
                if (l == prev[0] && r > prev[1]) {
                    s.varint(r - prev[1]);
                } else {
                    s.varint(0);
                    s.zigzag((long) l - prev[0]);
                    s.varint(r);
                }
                prev[0] = l;
                prev[1] = r;
            });
        }

        void linkColumns(Sink s, RelationImpl<?, ?> r) throws IOException {
            ColumnStore cs = r.columns;
            if (cs == null) {
                s.varint(0);
                return;
            }
            columnSchema(s, cs.schema);
            long[] keys = cs.slots.keySet().toLongArray();
            Arrays.sort(keys); // the same bytes for the same content, whatever the map's history
            s.varint(keys.length);
            for (long key : keys) {
                s.varint((int) (key >>> 32));
                s.varint((int) key);
                values(s, cs, cs.slot(key), "relation '" + r.name + "'");
            }
        }

        void rowColumns(Sink s, AssociationTableImpl<?, ?> a) throws IOException {
            ColumnStore cs = a.columns;
            columnSchema(s, cs.schema);
            if (cs.schema.names.length == 0) {
                return;
            }
            BitSet live = a.rows.liveIds();
            s.varint(live.cardinality());
            for (int row = live.nextSetBit(0); row >= 0; row = row == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(row + 1)) {
                s.varint(row);
                int slot = cs.slot(row);
                if (slot < 0) {
                    defaults(s, cs.schema);
                } else {
                    values(s, cs, slot, "association table '" + a.name + "'");
                }
            }
        }

        private void columnSchema(Sink s, ColumnStore.Schema schema) {
            s.varint(schema.names.length);
            for (int c = 0; c < schema.names.length; c++) {
                s.utf(schema.names[c]);
                s.write(schema.types[c]);
            }
        }

        private void values(Sink s, ColumnStore cs, int slot, String what) throws IOException {
            ColumnStore.Schema schema = cs.schema;
            for (int c = 0; c < schema.names.length; c++) {
                byte type = schema.types[c];
                int k = schema.indexInType[c];
                if (type == ColumnStore.OBJECT) {
                    s.value(cs.objects[k][slot], registry, codecs, codecOrder, what + ", column '" + schema.names[c] + "'");
                } else {
                    s.primitive(type, cs.bits(type, k, slot));
                }
            }
        }

        private void defaults(Sink s, ColumnStore.Schema schema) throws IOException {
            for (int c = 0; c < schema.names.length; c++) {
                byte type = schema.types[c];
                int k = schema.indexInType[c];
                if (type == ColumnStore.OBJECT) {
                    s.value(schema.objectDefaults[k], registry, codecs, codecOrder, "defaults");
                } else {
                    s.primitive(type, schema.defaultBits(c));
                }
            }
        }
    }

    // ---- load: decoding -----------------------------------------------------------------------------------

    /** A decoded table. */
    static final class TableData {
        String name;
        byte kind;
        int highWater;
        int[] free;
        int[] ids;
        /** Entities (objects) or null (rows, longs). */
        Object[] entities;
        /** Keys of a table of longs. */
        long[] keys;
    }

    /** Decoded links: parallel arrays. */
    static final class Links {
        int[] lefts;
        int[] rights;
    }

    /** Decoded column values: a key per entry (pair or row), values by snapshot column. */
    static final class ColumnData {
        String[] names = new String[0];
        byte[] types = new byte[0];
        long[] keys = new long[0];
        long[][] bits;
        Object[][] objects;
    }

    static final class RelationData {
        String name;
        int kind;
        Links links;
        ColumnData columns;
    }

    static final class AssociationData {
        String name;
        TableData rows;
        Links byLeft;
        Links byRight;
        Links pairs;
        ColumnData columns;
    }

    /** Everything in a file, decoded and checked. */
    static final class Content {
        final List<TableData> tables = new ArrayList<>();
        final List<RelationData> relations = new ArrayList<>();
        final List<AssociationData> associations = new ArrayList<>();
    }

    /** Reads and checks {@code file} completely; the engine is not touched. */
    static Content read(Path file, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        byte[] data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_SIZE) {
                throw new CorruptFileException(file, size + " bytes: larger than a snapshot can be (2 GB)");
            }
            data = new byte[(int) size];
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new CorruptFileException(file, "shrank while being read");
            }
        }
        return decode(file, data, registry);
    }

    static Content decode(Path file, byte[] data, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        if (data.length < HEADER || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new CorruptFileException(file, "not a Junction snapshot (no JUNCTION header)");
        }
        ByteBuffer h = ByteBuffer.wrap(data);
        h.position(MAGIC.length);
        int version = h.getInt();
        int flags = h.getInt();
        int headerCrc = h.getInt();
        if (headerCrc != crc(data, 0, 16)) {
            throw new CorruptFileException(file, "header checksum mismatch");
        }
        if (version > VERSION) {
            throw new CorruptFileException(file, "format version " + version + " is newer than this Junction "
                    + "reads (" + VERSION + "); use a newer Junction");
        }
        if (version < 1 || flags != 0) {
            throw new CorruptFileException(file, "unknown format version " + version + " / flags " + flags);
        }
        Content content = new Content();
        java.util.Set<String> names = new java.util.HashSet<>(); // "T", "R" or "A" + name: each part once
        ValueCodec<?>[] codecs = null;
        int pos = HEADER;
        int count = 0;
        boolean ended = false;
        while (!ended) {
            if (data.length - pos < SECTION_HEADER) {
                throw new CorruptFileException(file, "truncated: section " + count + " at byte " + pos
                        + " is cut short (no END section)");
            }
            ByteBuffer sh = ByteBuffer.wrap(data, pos, SECTION_HEADER);
            int type = sh.getInt();
            long length = sh.getLong();
            int payloadCrc = sh.getInt();
            int shCrc = sh.getInt();
            if (shCrc != crc(data, pos, 16)) {
                throw new CorruptFileException(file, "section " + count + " at byte " + pos
                        + ": header checksum mismatch");
            }
            int start = pos + SECTION_HEADER;
            if (length < 0 || length > data.length - start) {
                throw new CorruptFileException(file, "truncated: section " + count + " at byte " + pos
                        + " declares " + length + " bytes but " + (data.length - start) + " are left");
            }
            int end = start + (int) length;
            if (payloadCrc != crc(data, start, (int) length)) {
                throw new CorruptFileException(file, "section " + count + " at byte " + pos
                        + ": payload checksum mismatch");
            }
            Source in = new Source(file, data, start, end, "section " + count);
            if (count == 0 && type != CODECS) {
                throw in.corrupt("the first section is not CODECS");
            }
            switch (type) {
                case CODECS -> {
                    if (count != 0) throw in.corrupt("a second CODECS section");
                    codecs = codecs(in, registry);
                }
                case TABLE -> content.tables.add(unique(in, names, table(in, codecs)));
                case RELATION -> content.relations.add(unique(in, names, relation(in, codecs)));
                case ASSOCIATION -> content.associations.add(unique(in, names, association(in, codecs)));
                case END -> {
                    int sections = in.varint();
                    if (sections != count) {
                        throw in.corrupt("END counts " + sections + " sections before it, the file has " + count);
                    }
                    ended = true;
                }
                default -> throw in.corrupt("unknown section type " + type);
            }
            if (in.pos != end) {
                throw in.corrupt((end - in.pos) + " bytes left over at the end of the section");
            }
            pos = end;
            count++;
        }
        if (pos != data.length) {
            throw new CorruptFileException(file, (data.length - pos) + " bytes after the END section");
        }
        return content;
    }

    /**
     * Refuses a second section for the same part (checked while decoding, so a file that names a part twice is
     * refused before anything is applied).
     */
    private static <T> T unique(Source in, java.util.Set<String> names, T part) throws CorruptFileException {
        String key = part instanceof TableData t ? "T" + t.name
                : part instanceof RelationData r ? "R" + r.name : "A" + ((AssociationData) part).name;
        if (!names.add(key)) {
            throw in.corrupt("a second section for " + (key.charAt(0) == 'T' ? "table '" : key.charAt(0) == 'R'
                    ? "relation '" : "association table '") + key.substring(1) + "'");
        }
        return part;
    }

    private static ValueCodec<?>[] codecs(Source in, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        in.where = "CODECS";
        int n = in.count("codec names", 1);
        ValueCodec<?>[] out = new ValueCodec<?>[n];
        for (int i = 0; i < n; i++) {
            String name = in.utf();
            ValueCodec<?> c = null;
            for (Map.Entry<Class<?>, ValueCodec<?>> e : registry.entrySet()) {
                if (e.getKey().getName().equals(name)) c = e.getValue();
            }
            if (c == null) {
                throw new IllegalStateException("snapshot " + in.file + " has values of " + name + ": register a "
                        + "ValueCodec for it with Junction.registerCodec before loading");
            }
            out[i] = c;
        }
        return out;
    }

    private static TableData table(Source in, ValueCodec<?>[] codecs) throws IOException {
        TableData t = new TableData();
        in.where = "TABLE";
        t.name = in.utf();
        in.where = "table '" + t.name + "'";
        int kind = in.u8();
        if (kind > ROWS) throw in.corrupt("unknown table kind " + kind);
        t.kind = (byte) kind;
        t.highWater = in.varint();
        int freeCount = in.count("free ids", 1);
        t.free = new int[freeCount];
        BitSet seen = new BitSet();
        for (int i = 0; i < freeCount; i++) {
            int id = in.varint();
            if (id >= t.highWater || seen.get(id)) {
                throw in.corrupt("free id " + id + " is out of range or repeated (high-water mark " + t.highWater + ")");
            }
            seen.set(id);
            t.free[i] = id;
        }
        int liveCount = in.count("live ids", 1);
        if ((long) liveCount + freeCount != t.highWater) {
            throw in.corrupt(liveCount + " live and " + freeCount + " free ids do not make the high-water mark "
                    + t.highWater);
        }
        t.ids = new int[liveCount];
        if (t.kind == LONGS) t.keys = new long[liveCount]; else t.entities = new Object[liveCount];
        long prev = -1;
        for (int i = 0; i < liveCount; i++) {
            long id = prev + 1 + in.varint();
            if (id >= t.highWater || seen.get((int) id)) {
                throw in.corrupt("live id " + id + " is out of range or free");
            }
            t.ids[i] = (int) id;
            prev = id;
            if (t.kind == LONGS) {
                t.keys[i] = in.zigzag();
            } else if (t.kind == OBJECTS) {
                Object e = in.value(codecs);
                if (e == null) throw in.corrupt("null entity at id " + id);
                t.entities[i] = e;
            }
        }
        return t;
    }

    private static Links links(Source in) throws CorruptFileException {
        long n = in.varlong();
        in.need(n, n + " links");
        Links k = new Links();
        k.lefts = new int[(int) n];
        k.rights = new int[(int) n];
        long l = -1;
        long r = -1;
        for (int i = 0; i < n; i++) {
            int step = in.varint();
            if (step == 0) {
                l += in.zigzag();
                r = in.varint();
            } else {
                if (i == 0) throw in.corrupt("the first link has no left");
                r += step;
            }
            if (l < 0 || l > Integer.MAX_VALUE || r > Integer.MAX_VALUE) {
                throw in.corrupt("link " + i + " has an id out of range (" + l + ", " + r + ")");
            }
            k.lefts[i] = (int) l;
            k.rights[i] = (int) r;
        }
        return k;
    }

    private static ColumnData columns(Source in, ValueCodec<?>[] codecs, boolean rows) throws IOException {
        ColumnData c = new ColumnData();
        int n = in.count("columns", 2);
        c.names = new String[n];
        c.types = new byte[n];
        for (int i = 0; i < n; i++) {
            c.names[i] = in.utf();
            int type = in.u8();
            if (type > ColumnStore.OBJECT) throw in.corrupt("column '" + c.names[i] + "' of unknown type " + type);
            c.types[i] = (byte) type;
        }
        if (n == 0) {
            return c;
        }
        int entries = in.count("column entries", 1 + n);
        c.keys = new long[entries];
        c.bits = new long[n][entries];
        c.objects = new Object[n][];
        for (int i = 0; i < n; i++) {
            if (c.types[i] == ColumnStore.OBJECT) c.objects[i] = new Object[entries];
        }
        for (int e = 0; e < entries; e++) {
            c.keys[e] = rows ? in.varint() : ((long) in.varint() << 32) | (in.varint() & 0xFFFFFFFFL);
            for (int i = 0; i < n; i++) {
                if (c.types[i] == ColumnStore.OBJECT) {
                    c.objects[i][e] = in.value(codecs);
                } else {
                    c.bits[i][e] = in.primitive(c.types[i]);
                }
            }
        }
        return c;
    }

    private static RelationData relation(Source in, ValueCodec<?>[] codecs) throws IOException {
        RelationData r = new RelationData();
        in.where = "RELATION";
        r.name = in.utf();
        in.where = "relation '" + r.name + "'";
        r.kind = in.u8();
        if (r.kind >= IntRelation.Kind.values().length) throw in.corrupt("unknown relation kind " + r.kind);
        r.links = links(in);
        r.columns = columns(in, codecs, false);
        return r;
    }

    private static AssociationData association(Source in, ValueCodec<?>[] codecs) throws IOException {
        AssociationData a = new AssociationData();
        in.where = "ASSOCIATION";
        a.name = in.utf();
        a.rows = table(in, codecs);
        in.where = "association table '" + a.name + "'";
        if (a.rows.kind != ROWS) throw in.corrupt("its rows are not a row table");
        a.byLeft = links(in);
        a.byRight = links(in);
        a.pairs = links(in);
        a.columns = columns(in, codecs, true);
        checkRows(in, a);
        return a;
    }

    /** Each live row has exactly one left and one right, only live rows have them, the pairs are theirs. */
    private static void checkRows(Source in, AssociationData a) throws CorruptFileException {
        int n = a.rows.highWater;
        BitSet live = new BitSet(n);
        for (int id : a.rows.ids) live.set(id);
        int[] leftOf = endsOf(in, a.byLeft, live, n, "left");
        int[] rightOf = endsOf(in, a.byRight, live, n, "right");
        LongOpenHashSet pairs = new LongOpenHashSet(a.pairs.lefts.length);
        for (int i = 0; i < a.pairs.lefts.length; i++) {
            pairs.add(((long) a.pairs.lefts[i] << 32) | a.pairs.rights[i]);
        }
        LongOpenHashSet fromRows = new LongOpenHashSet();
        for (int row : a.rows.ids) {
            if (leftOf[row] < 0 || rightOf[row] < 0) throw in.corrupt("row " + row + " has no left or no right");
            long p = ((long) leftOf[row] << 32) | rightOf[row];
            if (!pairs.contains(p)) throw in.corrupt("row " + row + " joins a pair missing from the pairs");
            fromRows.add(p);
        }
        if (fromRows.size() != pairs.size()) {
            throw in.corrupt(pairs.size() + " pairs but the rows make " + fromRows.size());
        }
        for (long key : a.columns.keys) {
            if (key >= n || !live.get((int) key)) throw in.corrupt("values for row " + key + ", which is not live");
        }
    }

    private static int[] endsOf(Source in, Links links, BitSet live, int n, String role)
            throws CorruptFileException {
        int[] end = new int[n];
        Arrays.fill(end, -1);
        for (int i = 0; i < links.lefts.length; i++) {
            int row = links.rights[i];
            if (row >= n || !live.get(row)) throw in.corrupt(role + " link to row " + row + ", which is not live");
            if (end[row] >= 0) throw in.corrupt("row " + row + " has two " + role + "s");
            end[row] = links.lefts[i];
        }
        return end;
    }

    // ---- load: applying -----------------------------------------------------------------------------------

    /**
     * Applies checked content to an engine with the same schema, whose parts are all empty. Called by
     * {@link Junction#load} under the write lock; {@code stamp} runs its argument under the write stamp.
     */
    static void apply(Junction db, Path file, Content c, java.util.function.Consumer<Runnable> stamp)
            throws IOException {
        // match every part of the file with the engine's, before anything changes
        Map<String, AbstractTable<?>> tables = new HashMap<>();
        for (AbstractTable<?> t : db.tablesInOrder()) tables.put(t.name, t);
        Map<String, RelationImpl<?, ?>> relations = new HashMap<>();
        for (RelationImpl<?, ?> r : db.relationsInOrder()) relations.put(r.name, r);
        Map<String, AssociationTableImpl<?, ?>> associations = new HashMap<>();
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) associations.put(a.name, a);

        List<AbstractTable<?>> targetTables = new ArrayList<>();
        for (TableData t : c.tables) {
            AbstractTable<?> target = tables.get(t.name);
            if (target == null) throw mismatch(file, "table '" + t.name + "', which this engine does not declare");
            byte kind = target instanceof LongTableImpl ? LONGS : OBJECTS;
            if (kind != t.kind) throw mismatch(file, "table '" + t.name + "' of another kind (" + t.kind + ")");
            targetTables.add(target);
        }
        List<RelationImpl<?, ?>> targetRelations = new ArrayList<>();
        List<int[]> relationColumns = new ArrayList<>();
        for (RelationData r : c.relations) {
            RelationImpl<?, ?> target = relations.get(r.name);
            if (target == null) throw mismatch(file, "relation '" + r.name + "', which this engine does not declare");
            if (target.store.kind().ordinal() != r.kind) {
                throw mismatch(file, "relation '" + r.name + "' of kind " + IntRelation.Kind.values()[r.kind]
                        + ", declared " + target.store.kind());
            }
            relationColumns.add(columnMap(file, "relation '" + r.name + "'",
                    target.columns == null ? null : target.columns.schema, r.columns));
            targetRelations.add(target);
        }
        List<AssociationTableImpl<?, ?>> targetAssociations = new ArrayList<>();
        List<int[]> rowColumns = new ArrayList<>();
        for (AssociationData a : c.associations) {
            AssociationTableImpl<?, ?> target = associations.get(a.name);
            if (target == null) {
                throw mismatch(file, "association table '" + a.name + "', which this engine does not declare");
            }
            rowColumns.add(columnMap(file, "association table '" + a.name + "'", target.columns.schema, a.columns));
            targetAssociations.add(target);
        }
        requireEveryPart(db, file, c);
        checkEnds(file, c, targetRelations, targetAssociations);
        checkEmpty(db, file);
        // phase 1, write lock only: stage entities (key functions run here)
        try {
            for (int i = 0; i < c.tables.size(); i++) {
                if (!(targetTables.get(i) instanceof LongTableImpl)) { // tables of longs load directly in phase 2
                    targetTables.get(i).restoreStage(c.tables.get(i).ids, c.tables.get(i).entities);
                }
            }
        } catch (ClassCastException | NullPointerException e) { // a key function that does not fit the entities
            for (AbstractTable<?> t : targetTables) t.restoreReset();
            throw new IllegalStateException("snapshot " + file + " has entities this engine's tables do not take: "
                    + e, e);
        } catch (RuntimeException | Error e) {
            for (AbstractTable<?> t : targetTables) t.restoreReset();
            throw e;
        }
        // phase 2, write stamp: publish everything, or nothing
        CorruptFileException[] problem = {null};
        try {
            stamp.accept(() -> {
            try {
                for (int i = 0; i < c.tables.size(); i++) {
                    TableData t = c.tables.get(i);
                    int dup = targetTables.get(i) instanceof LongTableImpl longs
                            ? longs.restoreKeys(t.ids, t.keys, t.highWater, t.free)
                            : targetTables.get(i).restorePublish(t.ids, t.highWater, t.free);
                    if (dup >= 0) {
                        problem[0] = new CorruptFileException(file, "table '" + t.name + "': the entity at id "
                                + dup + " has the key of another entity");
                        throw new Abort();
                    }
                }
                for (int i = 0; i < c.relations.size(); i++) {
                    RelationData r = c.relations.get(i);
                    RelationImpl<?, ?> target = targetRelations.get(i);
                    if (target.store.linkAll(r.links.lefts, r.links.rights) != r.links.lefts.length) {
                        problem[0] = new CorruptFileException(file, "relation '" + r.name + "' lists a link twice");
                        throw new Abort();
                    }
                    if (!putColumns(target.columns, relationColumns.get(i), r.columns, key ->
                            target.store.contains((int) (key >>> 32), (int) key))) {
                        problem[0] = new CorruptFileException(file, "relation '" + r.name
                                + "' has values for a pair that is not linked, or of the wrong type");
                        throw new Abort();
                    }
                }
                for (int i = 0; i < c.associations.size(); i++) {
                    AssociationData a = c.associations.get(i);
                    AssociationTableImpl<?, ?> target = targetAssociations.get(i);
                    target.rows.restorePublish(a.rows.ids, a.rows.highWater, a.rows.free);
                    target.byLeft.store.linkAll(a.byLeft.lefts, a.byLeft.rights);
                    target.byRight.store.linkAll(a.byRight.lefts, a.byRight.rights);
                    if (target.pairRel.store.linkAll(a.pairs.lefts, a.pairs.rights) != a.pairs.lefts.length) {
                        problem[0] = new CorruptFileException(file, "association table '" + a.name
                                + "' lists a pair twice");
                        throw new Abort();
                    }
                    if (!putColumns(target.columns, rowColumns.get(i), a.columns, key -> true)) {
                        problem[0] = new CorruptFileException(file, "association table '" + a.name
                                + "' has a value of the wrong type");
                        throw new Abort();
                    }
                }
            } catch (RuntimeException | Error e) {
                reset(db);
                throw e;
            }
            });
        } catch (Abort e) {
            throw problem[0];
        }
    }

    /**
     * The file must hold every part the engine declares (the file's own parts were matched with the engine's
     * already): a part left out would load empty next to parts that refer to it.
     */
    private static void requireEveryPart(Junction db, Path file, Content c) {
        java.util.Set<String> held = new java.util.HashSet<>();
        for (TableData t : c.tables) held.add("table '" + t.name + "'");
        for (RelationData r : c.relations) held.add("relation '" + r.name + "'");
        for (AssociationData a : c.associations) held.add("association table '" + a.name + "'");
        List<String> declared = new ArrayList<>();
        for (AbstractTable<?> t : db.tablesInOrder()) declared.add("table '" + t.name + "'");
        for (RelationImpl<?, ?> r : db.relationsInOrder()) declared.add("relation '" + r.name + "'");
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) declared.add("association table '" + a.name + "'");
        for (String part : declared) {
            if (!held.contains(part)) {
                throw new IllegalStateException("snapshot " + file + " has no " + part + ", which this engine "
                        + "declares; declare the same schema before loading");
            }
        }
    }

    /**
     * Every link end, row end and pair end is a live id of the table the engine's part links (the decoder checked
     * each section on its own; this checks them against each other), before anything is applied.
     */
    private static void checkEnds(Path file, Content c, List<RelationImpl<?, ?>> relations,
                                  List<AssociationTableImpl<?, ?>> associations) throws CorruptFileException {
        Map<String, BitSet> live = new HashMap<>();
        for (TableData t : c.tables) live.put(t.name, liveIds(t));
        for (int i = 0; i < c.relations.size(); i++) {
            RelationData r = c.relations.get(i);
            RelationImpl<?, ?> target = relations.get(i);
            checkEnds(file, "relation '" + r.name + "'", r.links, live.get(target.left.name),
                    "table '" + target.left.name + "'", live.get(target.right.name), "table '" + target.right.name + "'");
        }
        for (int i = 0; i < c.associations.size(); i++) {
            AssociationData a = c.associations.get(i);
            AssociationTableImpl<?, ?> target = associations.get(i);
            String what = "association table '" + a.name + "'";
            BitSet rows = liveIds(a.rows);
            BitSet lefts = live.get(target.left.name);
            BitSet rights = live.get(target.right.name);
            String leftTable = "table '" + target.left.name + "'";
            String rightTable = "table '" + target.right.name + "'";
            checkEnds(file, what + " (rows by left)", a.byLeft, lefts, leftTable, rows, "its rows");
            checkEnds(file, what + " (rows by right)", a.byRight, rights, rightTable, rows, "its rows");
            checkEnds(file, what + " (pairs)", a.pairs, lefts, leftTable, rights, rightTable);
        }
    }

    private static void checkEnds(Path file, String what, Links links, BitSet lefts, String leftTable, BitSet rights,
                                  String rightTable) throws CorruptFileException {
        for (int i = 0; i < links.lefts.length; i++) {
            if (!lefts.get(links.lefts[i]) || !rights.get(links.rights[i])) {
                boolean left = !lefts.get(links.lefts[i]);
                throw new CorruptFileException(file, what + ": link " + i + " (" + links.lefts[i] + ", "
                        + links.rights[i] + ") has " + (left ? "left " + links.lefts[i] : "right " + links.rights[i])
                        + ", which is not a live id of " + (left ? leftTable : rightTable));
            }
        }
    }

    private static BitSet liveIds(TableData t) {
        BitSet live = new BitSet(t.highWater);
        for (int id : t.ids) live.set(id);
        return live;
    }

    /** Ends phase 2 early; the reason is in the problem slot. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    /** Throws unless every part of the engine is empty and unused (a load or a recovery may go into it). */
    static void checkEmpty(Junction db, Path file) {
        for (AbstractTable<?> t : db.tablesInOrder()) {
            if (!t.pristine()) throw new IllegalStateException(file + ": cannot load into an engine whose table '"
                    + t.name + "' was used; load into a freshly declared engine");
        }
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
            if (!a.rows.pristine()) throw new IllegalStateException(file + ": cannot load into an engine whose "
                    + "association table '" + a.name + "' was used");
        }
        for (RelationImpl<?, ?> r : db.relationsInOrder()) {
            if (r.store.size() != 0 || (r.columns != null && !r.columns.isEmpty())) {
                throw new IllegalStateException(file + ": cannot load into an engine whose relation '" + r.name
                        + "' has links");
            }
        }
    }

    /** Empties every part of an engine that was empty before a load or a recovery that failed. */
    static void resetAll(Junction db) {
        db.underWriteStamp(() -> reset(db));
    }

    /** Empties every part (they were empty before the load). */
    private static void reset(Junction db) {
        for (AbstractTable<?> t : db.tablesInOrder()) t.restoreReset();
        for (RelationImpl<?, ?> r : db.relationsInOrder()) {
            r.store.clear();
            if (r.columns != null) r.columns.clear();
        }
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
            a.rows.restoreReset();
            a.byLeft.store.clear();
            a.byRight.store.clear();
            a.pairRel.store.clear();
            a.columns.clear();
        }
    }

    private static IllegalStateException mismatch(Path file, String what) {
        return new IllegalStateException("snapshot " + file + " has " + what + "; declare the same schema before "
                + "loading");
    }

    /** For each snapshot column, the engine column index (in declaration order) with its name and type. */
    private static int[] columnMap(Path file, String owner, ColumnStore.Schema schema, ColumnData data) {
        int[] map = new int[data.names.length];
        for (int i = 0; i < data.names.length; i++) {
            int c = schema == null ? -1 : schema.find(data.names[i]);
            if (c < 0 || schema.types[c] != data.types[i]) {
                throw mismatch(file, owner + " with column '" + data.names[i] + "' (type " + data.types[i]
                        + "), which this engine does not declare so");
            }
            map[i] = c;
        }
        return map;
    }

    /** Writes decoded values into a store; false if a key fails {@code valid} or an object has the wrong type. */
    private static boolean putColumns(ColumnStore cs, int[] map, ColumnData data,
                                      java.util.function.LongPredicate valid) {
        for (int e = 0; e < data.keys.length; e++) {
            long key = data.keys[e];
            if (!valid.test(key)) return false;
            int slot = cs.slotForWrite(key);
            for (int i = 0; i < map.length; i++) {
                byte type = data.types[i];
                int k = cs.schema.indexInType[map[i]];
                if (type == ColumnStore.OBJECT) {
                    Object v = data.objects[i][e];
                    Class<?> declared = cs.schema.objectTypes[k];
                    if (v != null && !declared.isInstance(v)) return false;
                    cs.objects[k][slot] = v;
                } else {
                    cs.putBits(type, k, slot, data.bits[i][e]);
                }
            }
        }
        return true;
    }
}
