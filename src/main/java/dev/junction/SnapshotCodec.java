package dev.junction;

import dev.junction.WireBytes.Sink;
import dev.junction.WireBytes.Source;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The snapshot format, both ways: {@link #encode} turns the engine's committed state into the file's sections,
 * {@link #decode} turns a file's bytes back into {@link Content}, checking everything the file alone can say
 * (checksums, lengths before allocating, ranges of every decoded number, each part once, allocators, rows).
 * Layout and constants: {@code docs/persistence-format.md} and {@link PersistenceFormat}; applying content to an
 * engine is {@link SnapshotRestore}'s job, file I/O {@link DurableFiles}'.
 */
final class SnapshotCodec {

    private SnapshotCodec() {
    }

    // ---- save -------------------------------------------------------------------------------------------

    /** The largest snapshot this version loads (it reads the file in one array). */
    static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    /**
     * A snapshot of the committed state, encoded in a read view (commits wait meanwhile): the header, then the
     * sections, each an array to write as it is.
     *
     * @throws IllegalStateException if a value has no codec, a link end is not a live entity, or the file would
     *         be larger than {@link #MAX_SIZE}: nothing that {@link #decode} would refuse is ever written
     */
    static List<byte[]> encode(Junction db) throws IOException {
        List<byte[]> sections = new ArrayList<>();
        try (ReadView view = db.readView()) {
            Encoder e = new Encoder(db);
            for (AbstractTable<?> t : db.tablesInOrder()) {
                Sink s = new Sink(1 << 12);
                e.table(s, t);
                sections.add(section(PersistenceFormat.SECTION_TABLE, s));
            }
            for (RelationImpl<?, ?> r : db.relationsInOrder()) {
                Sink s = new Sink(1 << 16);
                s.utf(r.name);
                s.write(PersistenceFormat.relationKindCode(r.store.kind()));
                s.utf(r.left.name); // version 2: the tables, so a file can be opened without declaring its schema
                s.utf(r.right.name);
                requireLiveEnds(db, r, "relation '" + r.name + "'");
                e.links(s, r.store);
                e.linkColumns(s, r);
                sections.add(section(PersistenceFormat.SECTION_RELATION, s));
            }
            for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
                Sink s = new Sink(1 << 16);
                s.utf(a.name);
                s.utf(a.left.name);
                s.utf(a.right.name);
                requireLiveEnds(db, a.byLeft, "association table '" + a.name + "'"); // rows by ids (addByIds)
                requireLiveEnds(db, a.byRight, "association table '" + a.name + "'");
                e.table(s, a.rows);
                e.links(s, a.byLeft.store);
                e.links(s, a.byRight.store);
                e.links(s, a.pairRel.store);
                e.rowColumns(s, a);
                sections.add(section(PersistenceFormat.SECTION_ASSOCIATION, s));
            }
            Sink codecs = new Sink(256);
            e.classes.writeTo(codecs);
            sections.add(0, section(PersistenceFormat.SECTION_CODECS, codecs));
        }
        Sink end = new Sink(8);
        end.varint(sections.size());
        sections.add(section(PersistenceFormat.SECTION_END, end));
        sections.add(0, header());
        long total = 0;
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
    private static void requireLiveEnds(Junction db, RelationImpl<?, ?> r, String what) {
        BitSet lefts = r.left.liveIds();
        BitSet rights = r.right.liveIds();
        r.store.forEachLink((a, b) -> {
            if (!lefts.get(a) || !rights.get(b)) {
                throw new IllegalStateException(db + ": " + what + " holds link (" + a + ", " + b + "), whose "
                        + (lefts.get(a) ? "right " + b + " is not an entity of table '" + r.right.name
                        : "left " + a + " is not an entity of table '" + r.left.name) + "' (ids given to ints() or "
                        + "addByIds must come from the tables); the snapshot is not written");
            }
        });
    }

    static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(PersistenceFormat.SNAPSHOT_HEADER);
        b.put(PersistenceFormat.SNAPSHOT_MAGIC).putInt(PersistenceFormat.SNAPSHOT_VERSION).putInt(0);
        b.putInt(DurableFiles.crc(b.array(), 0, 16));
        return b.array();
    }

    /** A section: its 20-byte header, then the payload (one array, to write in one call). */
    static byte[] section(int type, Sink payload) {
        byte[] out = new byte[PersistenceFormat.SECTION_HEADER + payload.size];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(type).putLong(payload.size).putInt(DurableFiles.crc(payload.buf, 0, payload.size));
        b.putInt(DurableFiles.crc(out, 0, 16));
        System.arraycopy(payload.buf, 0, out, PersistenceFormat.SECTION_HEADER, payload.size);
        return out;
    }

    /** Encodes parts of the engine; collects the codecs the values need. */
    private static final class Encoder {
        final Map<Class<?>, ValueCodec<?>> registry;
        final ValueClasses.Writing classes = new ValueClasses.Writing();

        Encoder(Junction db) {
            this.registry = db.codecs();
        }

        void table(Sink s, AbstractTable<?> t) throws IOException {
            s.utf(t.name);
            int kind = PersistenceFormat.tableKind(t);
            s.write(kind);
            s.write(PersistenceFormat.tableFlags(t));
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
                if (kind == PersistenceFormat.TABLE_LONGS) {
                    s.zigzag((Long) t.committedEntity(id));
                } else if (kind == PersistenceFormat.TABLE_OBJECTS) {
                    s.value(t.committedEntity(id), registry, classes, "table '" + t.name + "'");
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

        /** Names, types and (version 2) declared defaults and object classes of the columns. */
        private void columnSchema(Sink s, ColumnStore.Schema schema) throws IOException {
            s.varint(schema.names.length);
            for (int c = 0; c < schema.names.length; c++) {
                s.utf(schema.names[c]);
                byte type = schema.types[c];
                s.write(PersistenceFormat.columnTypeCode(type));
                if (type == ColumnStore.OBJECT) {
                    int k = schema.indexInType[c];
                    s.utf(schema.objectTypes[k].getName());
                    s.value(schema.objectDefaults[k], registry, classes, "default of column '" + schema.names[c] + "'");
                } else {
                    s.primitive(type, schema.defaultBits(c));
                }
            }
        }

        private void values(Sink s, ColumnStore cs, int slot, String what) throws IOException {
            ColumnStore.Schema schema = cs.schema;
            for (int c = 0; c < schema.names.length; c++) {
                byte type = schema.types[c];
                int k = schema.indexInType[c];
                if (type == ColumnStore.OBJECT) {
                    s.value(cs.objects[k][slot], registry, classes, what + ", column '" + schema.names[c] + "'");
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
                    s.value(schema.objectDefaults[k], registry, classes, "defaults");
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
        int kind;
        /** Whether the file says the table never reuses ids; false for a version 1 file (which cannot say). */
        boolean neverReuse;
        /** Whether the file says the table's id policy at all (version 2 on). */
        boolean saysPolicy;
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
        /** Declared defaults (version 2 on; zero, false and null in version 1 files) and object column classes. */
        long[] defaultBits = new long[0];
        Object[] defaultObjects = new Object[0];
        String[] objectClasses = new String[0];
        long[] keys = new long[0];
        long[][] bits;
        Object[][] objects;
    }

    static final class RelationData {
        String name;
        /** The tables it links (version 2 on; null in version 1 files). */
        String left;
        String right;
        IntRelation.Kind kind;
        Links links;
        ColumnData columns;
    }

    static final class AssociationData {
        String name;
        /** The tables it links (version 2 on; null in version 1 files). */
        String left;
        String right;
        TableData rows;
        Links byLeft;
        Links byRight;
        Links pairs;
        ColumnData columns;
    }

    /** Everything in a file, decoded and checked. */
    static final class Content {
        int version;
        /** The class table (CODECS section). */
        ValueClasses.Entry[] classes;
        final List<TableData> tables = new ArrayList<>();
        final List<RelationData> relations = new ArrayList<>();
        final List<AssociationData> associations = new ArrayList<>();
    }

    /** Reads and checks {@code file} completely; the engine is not touched. */
    static Content read(Path file, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        return decode(file, DurableFiles.readAll(file, MAX_SIZE, "a snapshot"), registry);
    }

    static Content decode(Path file, byte[] data, Map<Class<?>, ValueCodec<?>> registry) throws IOException {
        return decode(file, data, registry, false);
    }

    /**
     * Decodes and checks a whole snapshot.
     *
     * @param lenient true to skip values whose codec or class is missing ({@link ValueClasses.Opaque}) instead
     *        of refusing the file: for checking a file's structure without its classes
     */
    static Content decode(Path file, byte[] data, Map<Class<?>, ValueCodec<?>> registry, boolean lenient)
            throws IOException {
        ByteBuffer h = DurableFiles.afterMagic(data, PersistenceFormat.SNAPSHOT_MAGIC, PersistenceFormat.SNAPSHOT_HEADER);
        if (h == null) {
            throw new CorruptFileException(file, "not a Junction snapshot (no JUNCTION header)");
        }
        int version = h.getInt();
        int flags = h.getInt();
        int headerCrc = h.getInt();
        if (headerCrc != DurableFiles.crc(data, 0, 16)) {
            throw new CorruptFileException(file, "header checksum mismatch");
        }
        if (version > PersistenceFormat.SNAPSHOT_VERSION) {
            throw new CorruptFileException(file, "format version " + version + " is newer than this Junction "
                    + "reads (" + PersistenceFormat.SNAPSHOT_VERSION + "); use a newer Junction");
        }
        if (version < PersistenceFormat.SNAPSHOT_VERSION_OLDEST_READ || flags != 0) {
            throw new CorruptFileException(file, "unknown format version " + version + " / flags " + flags);
        }
        Content content = new Content();
        content.version = version;
        java.util.Set<String> names = new java.util.HashSet<>(); // "T", "R" or "A" + name: each part once
        ValueClasses.Entry[] codecs = null;
        int pos = PersistenceFormat.SNAPSHOT_HEADER;
        int count = 0;
        boolean ended = false;
        while (!ended) {
            if (data.length - pos < PersistenceFormat.SECTION_HEADER) {
                throw new CorruptFileException(file, "truncated: section " + count + " at byte " + pos
                        + " is cut short (no END section)");
            }
            ByteBuffer sh = ByteBuffer.wrap(data, pos, PersistenceFormat.SECTION_HEADER);
            int type = sh.getInt();
            long length = sh.getLong();
            int payloadCrc = sh.getInt();
            int shCrc = sh.getInt();
            if (shCrc != DurableFiles.crc(data, pos, 16)) {
                throw new CorruptFileException(file, "section " + count + " at byte " + pos
                        + ": header checksum mismatch");
            }
            int start = pos + PersistenceFormat.SECTION_HEADER;
            if (length < 0 || length > data.length - start) {
                throw new CorruptFileException(file, "truncated: section " + count + " at byte " + pos
                        + " declares " + length + " bytes but " + (data.length - start) + " are left");
            }
            int end = start + (int) length;
            if (payloadCrc != DurableFiles.crc(data, start, (int) length)) {
                throw new CorruptFileException(file, "section " + count + " at byte " + pos
                        + ": payload checksum mismatch");
            }
            Source in = new Source(file, data, start, end, "section " + count);
            if (version < 2) in.maxTag = PersistenceFormat.VALUE_CODEC; // version 1 had no built-in tags
            if (count == 0 && type != PersistenceFormat.SECTION_CODECS) {
                throw in.corrupt("the first section is not CODECS");
            }
            switch (type) {
                case PersistenceFormat.SECTION_CODECS -> {
                    if (count != 0) throw in.corrupt("a second CODECS section");
                    in.where = "CODECS";
                    codecs = ValueClasses.read(in, registry, version >= 2, lenient, "snapshot " + file, "loading");
                    content.classes = codecs;
                }
                case PersistenceFormat.SECTION_TABLE -> content.tables.add(unique(in, names, table(in, codecs, version)));
                case PersistenceFormat.SECTION_RELATION -> content.relations.add(unique(in, names, relation(in, codecs, version)));
                case PersistenceFormat.SECTION_ASSOCIATION -> content.associations.add(unique(in, names, association(in, codecs, version)));
                case PersistenceFormat.SECTION_END -> {
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

    /** Reads a part's name; from then on errors name the part ({@code what} 'name'). */
    private static String named(Source in, String section, String what) throws CorruptFileException {
        in.where = section;
        String name = in.utf();
        in.where = what + " '" + name + "'";
        return name;
    }

    private static TableData table(Source in, ValueClasses.Entry[] codecs, int version) throws IOException {
        TableData t = new TableData();
        t.name = named(in, "TABLE", "table");
        int kind = in.u8();
        if (kind > PersistenceFormat.TABLE_ROWS) throw in.corrupt("unknown table kind " + kind);
        t.kind = kind;
        if (version >= 2) {
            int at = in.pos;
            int flags = in.u8();
            if ((flags & ~PersistenceFormat.TABLE_FLAG_NEVER_REUSE) != 0) {
                in.pos = at; // the error names the flags byte itself
                throw in.corrupt("unknown table flags 0x" + Integer.toHexString(flags) + " (only bit 0x"
                        + Integer.toHexString(PersistenceFormat.TABLE_FLAG_NEVER_REUSE) + ", never reuse ids, is defined)");
            }
            t.neverReuse = (flags & PersistenceFormat.TABLE_FLAG_NEVER_REUSE) != 0;
            t.saysPolicy = true;
        }
        t.highWater = in.varint();
        int freeCount = in.count("free ids", 1);
        if (t.neverReuse && freeCount != 0) {
            throw in.corrupt(freeCount + " free ids in a table that never reuses ids");
        }
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
        if (t.neverReuse ? liveCount > t.highWater : (long) liveCount + freeCount != t.highWater) {
            throw in.corrupt(liveCount + " live and " + freeCount + " free ids do not make the high-water mark "
                    + t.highWater);
        }
        t.ids = new int[liveCount];
        if (t.kind == PersistenceFormat.TABLE_LONGS) t.keys = new long[liveCount]; else t.entities = new Object[liveCount];
        long prev = -1;
        for (int i = 0; i < liveCount; i++) {
            long id = prev + 1 + in.varint();
            if (id >= t.highWater || seen.get((int) id)) {
                throw in.corrupt("live id " + id + " is out of range or free");
            }
            t.ids[i] = (int) id;
            prev = id;
            if (t.kind == PersistenceFormat.TABLE_LONGS) {
                t.keys[i] = in.zigzag();
            } else if (t.kind == PersistenceFormat.TABLE_OBJECTS) {
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

    private static ColumnData columns(Source in, ValueClasses.Entry[] codecs, boolean rows, int version)
            throws IOException {
        ColumnData c = new ColumnData();
        int n = in.count("columns", version >= 2 ? 3 : 2);
        c.names = new String[n];
        c.types = new byte[n];
        c.defaultBits = new long[n];
        c.defaultObjects = new Object[n];
        c.objectClasses = new String[n];
        for (int i = 0; i < n; i++) {
            c.names[i] = in.utf();
            int type = in.u8();
            byte storeType = PersistenceFormat.columnStoreType(type);
            if (storeType < 0) throw in.corrupt("column '" + c.names[i] + "' of unknown type " + type);
            c.types[i] = storeType;
            if (version >= 2) {
                if (storeType == ColumnStore.OBJECT) {
                    c.objectClasses[i] = in.utf();
                    c.defaultObjects[i] = in.value(codecs);
                } else {
                    c.defaultBits[i] = in.primitive(storeType);
                }
            }
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

    private static RelationData relation(Source in, ValueClasses.Entry[] codecs, int version) throws IOException {
        RelationData r = new RelationData();
        r.name = named(in, "RELATION", "relation");
        int code = in.u8();
        r.kind = PersistenceFormat.relationKind(code);
        if (r.kind == null) throw in.corrupt("unknown relation kind " + code);
        if (version >= 2) {
            r.left = in.utf();
            r.right = in.utf();
        }
        r.links = links(in);
        r.columns = columns(in, codecs, false, version);
        return r;
    }

    private static AssociationData association(Source in, ValueClasses.Entry[] codecs, int version)
            throws IOException {
        AssociationData a = new AssociationData();
        in.where = "ASSOCIATION";
        a.name = in.utf();
        if (version >= 2) {
            a.left = in.utf();
            a.right = in.utf();
        }
        a.rows = table(in, codecs, version);
        in.where = "association table '" + a.name + "'";
        if (a.rows.kind != PersistenceFormat.TABLE_ROWS) throw in.corrupt("its rows are not a row table");
        a.byLeft = links(in);
        a.byRight = links(in);
        a.pairs = links(in);
        a.columns = columns(in, codecs, true, version);
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
}
