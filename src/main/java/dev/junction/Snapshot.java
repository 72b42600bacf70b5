package dev.junction;

import dev.junction.SnapshotCodec.AssociationData;
import dev.junction.SnapshotCodec.ColumnData;
import dev.junction.SnapshotCodec.Content;
import dev.junction.SnapshotCodec.RelationData;
import dev.junction.SnapshotCodec.TableData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Snapshot files ({@link Junction#save}) without declaring their schema first: {@link #open} builds an engine
 * declared from what the file says, {@link #describe} lists what a file holds. Both read and check the whole file
 * (checksums, structure, every value) before answering; neither writes anything. Thread-safe (no shared state).
 *
 * <p>Entities and values of classes that are neither built in (see {@link ValueCodec}) nor given as codecs are
 * refused by {@link #open} with an {@link IllegalStateException} naming the class; {@link #describe} skips them,
 * and enum and record values too (it runs no code of the file's classes).
 */
public final class Snapshot {

    private Snapshot() {
    }

    /**
     * An engine declared from {@code file} and loaded from it: a table per table of the file ({@link Table} of
     * objects, or {@link LongTable}), each relation with its kind and tables, each association table, and their
     * columns with the declared defaults; an object column gets its declared class if that class can be loaded,
     * else {@code Object}. Find the parts with {@link Junction#getTable}, {@link Junction#getRelation} and
     * {@link Junction#getAssociationTable}; every query answers as in the engine that saved the file, ids
     * included. O(file size); the engine is new, not journaled, and may be changed and saved like any other.
     *
     * @param codecs codecs for the classes the file needs that are not built in (registered on the new engine)
     * @throws CorruptFileException if the file is not a snapshot, is damaged or contradicts itself
     * @throws IllegalStateException if a class the file needs has no codec or cannot be found, or the file is of
     *         format version 1, which does not name the tables of its relations (declare the schema and use
     *         {@link Junction#load})
     * @throws IOException if the file cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static Junction open(Path file, ValueCodec<?>... codecs) throws IOException {
        Objects.requireNonNull(file, "file is null");
        Junction db = Junction.create();
        for (ValueCodec<?> c : codecs) db.registerCodec(c);
        Content content = SnapshotCodec.read(file, db.codecs());
        if (content.version < 2) {
            throw new IllegalStateException("snapshot " + file + " is of format version " + content.version
                    + ", which does not name the tables of its relations: declare the schema and use Junction.load");
        }
        declare(db, file, content);
        db.writes.load(file, content);
        return db;
    }

    /** Declares on {@code db} (new, empty) the parts {@code content} (version 2 on) holds. */
    static void declare(Junction db, Path file, Content content) throws CorruptFileException {
        Map<String, Table<?>> tables = new HashMap<>();
        for (TableData t : content.tables) {
            switch (t.kind) {
                case PersistenceFormat.TABLE_OBJECTS -> tables.put(t.name, db.table(t.name, idPolicy(t)));
                case PersistenceFormat.TABLE_LONGS -> tables.put(t.name, db.longTable(t.name, idPolicy(t)));
                default -> throw new CorruptFileException(file, "table '" + t.name + "' is a row table outside an "
                        + "association table");
            }
        }
        for (RelationData r : content.relations) {
            Table<Object> left = table(file, tables, r.left, "relation '" + r.name + "'");
            Table<Object> right = table(file, tables, r.right, "relation '" + r.name + "'");
            Relation<Object, Object> rel = switch (r.kind) {
                case BIPARTITE -> db.relation(r.name, left, right);
                case DIRECTED -> db.directed(r.name, sameTable(file, r, left, right));
                case SYMMETRIC -> db.symmetric(r.name, sameTable(file, r, left, right));
            };
            declareColumns(r.columns, (TablePair<?, ?>) rel);
        }
        for (AssociationData a : content.associations) {
            AssociationTable<Object, Object> at = db.associationTable(a.name,
                    table(file, tables, a.left, "association table '" + a.name + "'"),
                    table(file, tables, a.right, "association table '" + a.name + "'"), idPolicy(a.rows));
            declareColumns(a.columns, (TablePair<?, ?>) at);
        }
    }

    /** The id policy the file's flags byte states for a table. */
    private static IdPolicy idPolicy(TableData t) {
        return t.neverReuse ? IdPolicy.NEVER_REUSE : IdPolicy.REUSE_FREED;
    }

    /** Declares on {@code to}, a relation or an association table, the columns {@code c} states. */
    @SuppressWarnings("unchecked")
    private static void declareColumns(ColumnData c, TablePair<?, ?> to) {
        for (int i = 0; i < c.names.length; i++) {
            String name = c.names[i];
            long bits = c.defaultBits[i];
            switch (c.types[i]) {
                case ColumnStore.LONG -> to.longColumn(name, bits);
                case ColumnStore.INT -> to.intColumn(name, (int) bits);
                case ColumnStore.DOUBLE -> to.doubleColumn(name, Double.longBitsToDouble(bits));
                case ColumnStore.BOOLEAN -> to.booleanColumn(name, bits != 0);
                default -> {
                    Class<?> found = c.objectClasses[i] == null ? null : ValueClasses.find(c.objectClasses[i], Map.of());
                    Object d = c.defaultObjects[i];
                    // the declared class if it is here and holds the default; Object otherwise (values are any class)
                    Class<?> cls = found != null && !found.isPrimitive() && (d == null || found.isInstance(d))
                            ? found : Object.class;
                    to.objectColumn(name, (Class<Object>) cls, d);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Table<Object> table(Path file, Map<String, Table<?>> tables, String name, String what)
            throws CorruptFileException {
        Table<?> t = tables.get(name);
        if (t == null) throw new CorruptFileException(file, what + " links table '" + name + "', which the file "
                + "does not hold");
        return (Table<Object>) t;
    }

    private static Table<Object> sameTable(Path file, RelationData r, Table<Object> left, Table<Object> right)
            throws CorruptFileException {
        if (left != right) {
            throw new CorruptFileException(file, "relation '" + r.name + "' of kind " + r.kind + " links two "
                    + "tables, '" + r.left + "' and '" + r.right + "'");
        }
        return left;
    }

    /**
     * One part of a snapshot as {@link #describe} lists it.
     *
     * @param kind   {@code "table"}, {@code "long table"}, {@code "relation"}, {@code "directed relation"},
     *               {@code "symmetric relation"} or {@code "association table"}
     * @param name   the part's name
     * @param count  live entities of a table, links of a relation, rows of an association table
     * @param detail the tables a relation or association table links (when the file names them) and the columns
     *               with their types, as text
     */
    public record Part(String kind, String name, long count, String detail) {
    }

    /**
     * What a snapshot holds.
     *
     * @param version the file's format version
     * @param parts   its tables, relations and association tables, in file order
     * @param classes the classes of its class table: name and how its values are written ({@code codec},
     *                {@code enum} or {@code record}), e.g. {@code "java.time.Month (enum)"}
     */
    public record Summary(int version, List<Part> parts, List<String> classes) {
    }

    /**
     * Lists what {@code file} holds, after checking all of it as {@link Junction#load} would (checksums,
     * structure, values), without building an engine; values of enums, records and classes without a codec are
     * not decoded (their bytes are still covered by the checksums and their lengths checked), so no code of the
     * file's classes runs. O(file size) time and memory.
     *
     * @throws CorruptFileException if the file is not a snapshot, or is damaged or contradicts itself
     * @throws IOException if the file cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static Summary describe(Path file) throws IOException {
        Objects.requireNonNull(file, "file is null");
        Content c = SnapshotCodec.decode(file, DurableFiles.readAll(file, SnapshotCodec.MAX_SIZE, "a snapshot"),
                Map.of(), true);
        return summary(c);
    }

    static Summary summary(Content c) {
        List<Part> parts = new ArrayList<>();
        for (TableData t : c.tables) {
            parts.add(new Part(t.kind == PersistenceFormat.TABLE_LONGS ? "long table" : "table", t.name,
                    t.ids.length, "next id " + t.highWater + ", " + (t.neverReuse ? "ids never reused"
                            : t.free.length + " free")));
        }
        for (RelationData r : c.relations) {
            String kind = switch (r.kind) {
                case BIPARTITE -> "relation";
                case DIRECTED -> "directed relation";
                case SYMMETRIC -> "symmetric relation";
            };
            parts.add(new Part(kind, r.name, r.links.lefts.length, join(ends(r.left, r.right), columns(r.columns))));
        }
        for (AssociationData a : c.associations) {
            parts.add(new Part("association table", a.name, a.rows.ids.length, join(ends(a.left, a.right),
                    a.pairs.lefts.length + " pairs", a.rows.neverReuse ? "row ids never reused" : "",
                    columns(a.columns))));
        }
        List<String> classes = new ArrayList<>();
        for (ValueClasses.Entry e : c.classes) classes.add(e.name + " (" + e.kindName() + ")");
        return new Summary(c.version, List.copyOf(parts), List.copyOf(classes));
    }

    private static String ends(String left, String right) {
        return left == null ? "" : "'" + left + "' -> '" + right + "'";
    }

    private static String join(String... pieces) {
        return String.join("; ", java.util.Arrays.stream(pieces).filter(p -> !p.isEmpty()).toList());
    }

    private static String columns(ColumnData c) {
        if (c.names.length == 0) return "";
        StringBuilder b = new StringBuilder("columns");
        for (int i = 0; i < c.names.length; i++) {
            b.append(i == 0 ? " " : ", ").append(c.names[i]).append(' ').append(switch (c.types[i]) {
                case ColumnStore.LONG -> "long";
                case ColumnStore.INT -> "int";
                case ColumnStore.DOUBLE -> "double";
                case ColumnStore.BOOLEAN -> "boolean";
                default -> c.objectClasses[i] == null ? "object" : c.objectClasses[i];
            });
        }
        return b.toString();
    }
}
