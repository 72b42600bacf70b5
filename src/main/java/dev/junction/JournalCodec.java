package dev.junction;

import dev.junction.WireBytes.Sink;
import dev.junction.WireBytes.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of a journal record, both ways: {@link #encode} writes what a transaction about to be published
 * changed; {@link #decode} reads a payload back and hands each change to a {@link Changes} (the replay). Layout
 * and constants: {@code docs/persistence-format.md} and {@link PersistenceFormat}; record framing and file I/O
 * are {@link JournalFile}'s, applying a record {@link JournalReplay}'s. A payload names the parts it touches
 * (in order of first use) and the codecs its values need, then lists the changes in commit order, then the
 * column values.
 */
final class JournalCodec {

    private JournalCodec() {
    }

    // ---- encoding ---------------------------------------------------------------------------------------

    /** The record payload of {@code t}, about to be published (its overlays still hold its values). */
    static byte[] encode(Txn t, Map<Class<?>, ValueCodec<?>> registry, PartNames names) throws IOException {
        Encoder e = new Encoder(t, registry, names);
        t.forEachChange(e);
        if (e.problem != null) throw e.problem;
        e.columns(t.columnOverlays());
        Sink out = new Sink(e.ops.size + e.columns.size + 64);
        out.varint(e.parts.size());
        for (PartNames.Part p : e.parts.keySet()) {
            out.write(p.kind());
            out.utf(p.name());
        }
        e.classes.writeTo(out);
        if (e.count > Integer.MAX_VALUE) {
            throw new IOException("a commit of " + e.count + " changes is too large for one journal record");
        }
        out.varint((int) e.count);
        out.write(e.ops.buf, 0, e.ops.size);
        out.write(e.columns.buf, 0, e.columns.size);
        return Arrays.copyOf(out.buf, out.size);
    }

    /** Writes the changes of a transaction as they are visited, counting them; collects parts and codecs. */
    private static final class Encoder implements Txn.ChangeVisitor {
        final Txn t;
        final Map<Class<?>, ValueCodec<?>> registry;
        final PartNames names;
        final LinkedHashMap<PartNames.Part, Integer> parts = new LinkedHashMap<>();
        final ValueClasses.Writing classes = new ValueClasses.Writing();
        final Sink ops = new Sink(256);
        final Sink columns = new Sink(64);
        long count;
        /** A checked failure of a visit (the visitor cannot throw it), rethrown by {@link #encode}. */
        IOException problem;

        Encoder(Txn t, Map<Class<?>, ValueCodec<?>> registry, PartNames names) {
            this.t = t;
            this.registry = registry;
            this.names = names;
        }

        private int part(Object part) {
            return parts.computeIfAbsent(names.of(part), k -> parts.size());
        }

        @Override
        public void link(RelationImpl<?, ?> r, int left, int right, boolean linked, Object le, Object re) {
            if (linked) requireLiveEnds(t, r, left, right);
            count++;
            ops.write(linked ? PersistenceFormat.OP_LINK : PersistenceFormat.OP_UNLINK);
            ops.varint(part(r));
            ops.varint(left);
            ops.varint(right);
        }

        @Override
        public void add(AbstractTable<?> table, int id, Object entity) {
            entityChange(PersistenceFormat.OP_ADD, table, id, entity);
        }

        @Override
        public void replace(AbstractTable<?> table, int id, Object previous, Object entity) {
            entityChange(PersistenceFormat.OP_REPLACE, table, id, entity);
        }

        /** An added or replacing entity: kind, part, id, form and the entity. */
        private void entityChange(int op, AbstractTable<?> table, int id, Object entity) {
            count++;
            ops.write(op);
            ops.varint(part(table));
            ops.varint(id);
            switch (PersistenceFormat.tableKind(table)) {
                case PersistenceFormat.TABLE_LONGS -> {
                    ops.write(PersistenceFormat.ENTITY_LONG);
                    ops.zigzag((Long) entity);
                }
                case PersistenceFormat.TABLE_ROWS -> ops.write(PersistenceFormat.ENTITY_NONE);
                default -> {
                    ops.write(PersistenceFormat.ENTITY_VALUE);
                    try {
                        ops.value(entity, registry, classes, "table '" + table.name + "'");
                    } catch (IOException ex) {
                        if (problem == null) problem = ex;
                    }
                }
            }
        }

        @Override
        public void remove(AbstractTable<?> table, int id, Object entity, boolean addedHere) {
            count++;
            ops.write(addedHere ? PersistenceFormat.OP_REMOVE_ADDED : PersistenceFormat.OP_REMOVE);
            ops.varint(part(table));
            ops.varint(id);
        }

        void columns(List<ColumnStore.Overlay> overlays) throws IOException {
            columns.varint(overlays.size());
            for (ColumnStore.Overlay o : overlays) {
                ColumnStore.Schema schema = o.base.schema;
                columns.varint(part(o.base));
                columns.varint(schema.names.length);
                for (int c = 0; c < schema.names.length; c++) {
                    columns.utf(schema.names[c]);
                    columns.write(PersistenceFormat.columnTypeCode(schema.types[c]));
                }
                long[] voided = o.voided.toLongArray();
                Arrays.sort(voided);
                columns.varint(voided.length);
                for (long key : voided) columns.varlong(key);
                long[] keys = o.own.keysWithValues();
                columns.varint(keys.length);
                for (long key : keys) {
                    columns.varlong(key);
                    int slot = o.own.slot(key);
                    for (int c = 0; c < schema.names.length; c++) {
                        byte type = schema.types[c];
                        int k = schema.indexInType[c];
                        if (type == ColumnStore.OBJECT) {
                            columns.value(o.own.objects[k][slot], registry, classes,
                                    "column '" + schema.names[c] + "' of " + PartNames.describe(names.of(o.base)));
                        } else {
                            columns.primitive(type, o.own.bits(type, k, slot));
                        }
                    }
                }
            }
        }
    }

    /**
     * Refuses to journal a link (still there at commit) whose end is not a live entity of its table: replay would
     * refuse the record, so the commit fails and rolls back instead of being acknowledged and lost on recovery.
     * Only {@link Relation#ints()} given ids that did not come from the tables can make one.
     */
    private static void requireLiveEnds(Txn t, RelationImpl<?, ?> r, int a, int b) {
        if (!t.deltas.get(r).contains(a, b)) return;
        if (!r.left.isLive(a) || !r.right.isLive(b)) {
            boolean left = !r.left.isLive(a);
            throw new IllegalStateException("relation '" + r.name + "': link (" + a + ", " + b + ") has "
                    + (left ? "left " + a + ", which is not an entity of table '" + r.left.name
                    : "right " + b + ", which is not an entity of table '" + r.right.name) + "' (ids given to ints() "
                    + "must come from the tables); the transaction is rolled back, nothing was journaled");
        }
    }

    // ---- decoding ---------------------------------------------------------------------------------------

    /** What a record changes, as {@link #decode} reads it; problems are reported through {@link Source#corrupt}. */
    interface Changes {
        void link(RelationImpl<?, ?> relation, int left, int right, boolean linked) throws IOException;

        /** {@code entity}: the entity (a {@code Long} for a table of longs, null for a row). */
        void add(AbstractTable<?> table, int id, Object entity) throws IOException;

        /** The entity of {@code id} is replaced by {@code entity} (a tagged value, never null). */
        void replace(AbstractTable<?> table, int id, Object entity) throws IOException;

        void remove(AbstractTable<?> table, int id) throws IOException;

        void voided(ColumnStore store, long key) throws IOException;

        /**
         * Values written for {@code key}: {@code bits[c]} or {@code objects[c]} per engine column index
         * {@code columns[c]} (only the first {@code n} entries are meaningful; the arrays are reused).
         */
        void written(ColumnStore store, long key, int n, int[] columns, byte[] types, long[] bits, Object[] objects)
                throws IOException;
    }

    /**
     * Reads the payload between {@code in}'s position and limit (of a journal of format {@code version}),
     * resolving parts and codecs against the engine, and hands every change to {@code changes}.
     *
     * @throws IllegalStateException if a part, column or codec is not declared by the engine (a schema mismatch)
     * @throws CorruptFileException if the bytes do not decode
     */
    static void decode(Source in, Path file, int version, PartNames names, Map<Class<?>, ValueCodec<?>> registry,
                       Changes changes) throws IOException {
        boolean current = version >= PersistenceFormat.JOURNAL_VERSION; // class kinds and built-in tags
        if (!current) in.maxTag = PersistenceFormat.VALUE_CODEC;
        int nparts = in.count("parts", 2);
        Object[] parts = new Object[nparts];
        PartNames.Part[] named = new PartNames.Part[nparts];
        for (int i = 0; i < nparts; i++) {
            int kind = in.u8();
            named[i] = new PartNames.Part(kind, in.utf());
            parts[i] = names.find(named[i]);
        }
        ValueClasses.Entry[] codecs = ValueClasses.read(in, registry, current, false, file.toString(), "opening");
        int ops = in.count("changes", 3);
        for (int i = 0; i < ops; i++) {
            int kind = in.u8();
            int p = in.varint();
            if (p >= nparts) throw in.corrupt("part " + p + " of " + nparts);
            int a = in.varint();
            switch (kind) {
                case PersistenceFormat.OP_LINK, PersistenceFormat.OP_UNLINK -> changes.link(
                        part(file, parts, named, p, RelationImpl.class), a, in.varint(), kind == PersistenceFormat.OP_LINK);
                case PersistenceFormat.OP_ADD, PersistenceFormat.OP_REPLACE -> {
                    if (kind == PersistenceFormat.OP_REPLACE && version < PersistenceFormat.JOURNAL_VERSION_REPLACE) {
                        throw in.corrupt("change kind " + kind + " (a replacement) in a version " + version
                                + " journal, which has none");
                    }
                    AbstractTable<?> table = part(file, parts, named, p, AbstractTable.class);
                    int form = in.u8();
                    Object entity = switch (form) {
                        case PersistenceFormat.ENTITY_VALUE -> in.value(codecs);
                        case PersistenceFormat.ENTITY_LONG -> in.zigzag();
                        case PersistenceFormat.ENTITY_NONE -> null;
                        default -> throw in.corrupt("entity form " + form);
                    };
                    int expected = switch (PersistenceFormat.tableKind(table)) {
                        case PersistenceFormat.TABLE_LONGS -> PersistenceFormat.ENTITY_LONG;
                        case PersistenceFormat.TABLE_ROWS -> PersistenceFormat.ENTITY_NONE;
                        default -> PersistenceFormat.ENTITY_VALUE;
                    };
                    if (form != expected) throw in.corrupt("entity form " + form + " for table '" + table.name + "'");
                    if (form == PersistenceFormat.ENTITY_VALUE && entity == null) throw in.corrupt("null entity");
                    if (kind == PersistenceFormat.OP_ADD) changes.add(table, a, entity); else changes.replace(table, a, entity);
                }
                case PersistenceFormat.OP_REMOVE, PersistenceFormat.OP_REMOVE_ADDED ->
                        changes.remove(part(file, parts, named, p, AbstractTable.class), a);
                default -> throw in.corrupt("unknown change kind " + kind);
            }
        }
        int stores = in.count("column stores", 3);
        for (int i = 0; i < stores; i++) {
            int p = in.varint();
            if (p >= nparts) throw in.corrupt("part " + p + " of " + nparts);
            ColumnStore cs = part(file, parts, named, p, ColumnStore.class);
            int ncols = in.count("columns", 2);
            int[] map = new int[ncols];
            byte[] types = new byte[ncols];
            for (int c = 0; c < ncols; c++) {
                String col = in.utf();
                int code = in.u8();
                byte type = PersistenceFormat.columnStoreType(code);
                int k = cs.schema.find(col);
                if (k < 0 || type < 0 || cs.schema.types[k] != type) {
                    throw new IllegalStateException(file + " has column '" + col + "' (type " + code + ") of "
                            + PartNames.describe(named[p]) + ", which this engine does not declare so");
                }
                map[c] = k;
                types[c] = type;
            }
            int nvoid = in.count("voided keys", 1);
            for (int v = 0; v < nvoid; v++) changes.voided(cs, in.varlong());
            int nwritten = in.count("written keys", 1 + ncols);
            long[] bits = new long[ncols];
            Object[] objects = new Object[ncols];
            for (int w = 0; w < nwritten; w++) {
                long key = in.varlong();
                for (int c = 0; c < ncols; c++) {
                    if (types[c] == ColumnStore.OBJECT) {
                        objects[c] = in.value(codecs);
                    } else {
                        bits[c] = in.primitive(types[c]);
                    }
                }
                changes.written(cs, key, ncols, map, types, bits, objects);
            }
        }
    }

    /** Part {@code p} as the engine object the record needs, or a schema mismatch naming it. */
    private static <T> T part(Path file, Object[] parts, PartNames.Part[] named, int p, Class<T> type) {
        Object part = parts[p];
        if (!type.isInstance(part)) {
            throw new IllegalStateException(file + " has changes of " + PartNames.describe(named[p]) + ", which this "
                    + "engine does not declare" + (part == null ? "" : " so") + "; declare the same schema before opening");
        }
        return type.cast(part);
    }
}
