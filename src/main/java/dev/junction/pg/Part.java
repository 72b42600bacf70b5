package dev.junction.pg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One mapped PostgreSQL table and the Junction part it feeds: a {@link RelationPart} (an association table whose
 * key is the pair), an {@link AssociationPart} (an association table with its own id) or an {@link EntityPart} (an
 * entity table, keys only). A part applies the changes of the stream and the rows of the initial copy; its
 * {@link Layout}s say where its columns are in a row and how to read them.
 *
 * <p>Design notes: parts are strict. A change that the replica's state contradicts (an insert of a present pair or
 * id, a delete or update of an absent one) is a {@link RowError}, not something to skip: copy and stream are
 * consistent by construction, so a contradiction means the replica and PostgreSQL disagree, and stopping is the
 * only honest answer. The one expected absence is a link that Junction already dropped because its entity was
 * removed in the same transaction (PostgreSQL's {@code ON DELETE CASCADE} deletes arrive after the entity's
 * delete); such links are remembered ({@link #cascadeFrom}) and each must be matched by PostgreSQL's delete before
 * the transaction commits ({@link #pendingCascade}).
 */
abstract class Part {

    final String schema;
    final String name;
    /** {@code schema.name}, for messages. */
    final String qualified;
    /** {@code "schema"."name"}, for SQL. */
    final String quoted;
    /** The table's OID when the session started (0 before), to tell a dropped and re-created table. */
    int oid;
    /** The row filter of the publication for this table, or null. */
    String rowFilter;
    /** The planner's estimate of the table's rows ({@code pg_class.reltuples}; -1 if never analyzed). */
    double estimatedRows = -1;
    /** Column numbers by name, from the catalog (for foreign keys). */
    java.util.Map<String, Integer> attnums = java.util.Map.of();
    Layout copyLayout;
    Layout streamLayout;

    /** The key columns (their order is the layout's first entries). */
    final String[] keyColumns;
    /** The key tables of the key columns, in order; null where a key is not an entity (an association row's id). */
    final TableKeys[] keyTables;
    /** The value columns. */
    final ColumnBinding[] bindings;

    Part(String pgTable, String[] keyColumns, TableKeys[] keyTables, ColumnBinding[] bindings) {
        this.keyColumns = keyColumns;
        this.keyTables = keyTables;
        this.bindings = bindings;
        int dot = pgTable.indexOf('.');
        this.schema = dot < 0 ? "public" : pgTable.substring(0, dot);
        this.name = dot < 0 ? pgTable : pgTable.substring(dot + 1);
        this.qualified = schema + "." + name;
        this.quoted = quote(schema) + "." + quote(name);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    final String[] keyColumns() {
        return keyColumns;
    }

    final TableKeys[] keyTables() {
        return keyTables;
    }

    final ColumnBinding[] bindings() {
        return bindings;
    }

    /** What the part is in Junction, for messages. */
    abstract String junctionName();

    /** Every column the part reads: keys, then values. */
    final String[] neededColumns() {
        List<String> out = new ArrayList<>(Arrays.asList(keyColumns()));
        for (ColumnBinding b : bindings()) out.add(b.pgColumn);
        return out.toArray(new String[0]);
    }

    abstract void insert(Fields row, Layout l);

    /** {@code old} holds the replica identity's old values if they changed (or the whole old row), else null. */
    abstract void update(Fields old, Fields row, Layout l);

    abstract void delete(Fields old, Layout l);

    abstract void truncate();

    /** Called before the entity {@code id} of {@code keys} is removed: remember what Junction's cascade removes. */
    abstract void cascadeFrom(TableKeys keys, int id);

    /** What Junction removed by cascade in this transaction and PostgreSQL did not delete, or null if nothing. */
    abstract String pendingCascade();

    /**
     * Ends a PostgreSQL transaction's bookkeeping (what Junction removed by cascade and PostgreSQL had to delete);
     * several may share one Junction transaction when the replica catches up.
     */
    abstract void endPgTransaction();

    /** Ends the Junction transaction's bookkeeping: committed, or rolled back ({@code undo}). */
    abstract void endTransaction(boolean undo);

    /** Whether the part holds nothing (the initial copy then bulk-loads it). */
    abstract boolean isEmpty();

    /** The key of a row for messages, such as {@code (author_id=1, book_id=2)}. */
    final String describeKey(Fields f, Layout l) {
        String[] keys = keyColumns();
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < keys.length; k++) {
            if (k > 0) sb.append(", ");
            sb.append(keys[k]).append('=').append(f.show(l.pos[k]));
        }
        return sb.append(')').toString();
    }

    final RowError error(Fields f, Layout l, String message) {
        return new RowError(describeKey(f, l), message);
    }

    /** The error of a change that the replica's state contradicts ({@code what}: how, naming the row's fate). */
    final RowError contradiction(Fields f, Layout l, String what) {
        return error(f, l, what + ": the replica and PostgreSQL disagree");
    }

    /** The id of the entity of key column {@code k} in {@code t}, which is added if it has no such entity. */
    final int entityOrAdd(TableKeys t, int k, Fields f, Layout l) {
        try {
            return t.idOrAdd(l.readers[k], f, l.pos[k]);
        } catch (TextValues.BadValue e) {
            throw keyError(f, l, k, e);
        } catch (RuntimeException e) {
            throw error(f, l, "key column " + keyColumns[k] + ": table '" + t.table.name() + "' does not take "
                    + f.show(l.pos[k]) + ": " + e);
        }
    }

    /** The id of the entity of key column {@code k} in {@code t}, or -1 if it has none. */
    final int existingEntity(TableKeys t, int k, Fields f, Layout l) {
        try {
            return t.idOf(l.readers[k], f, l.pos[k]);
        } catch (TextValues.BadValue e) {
            throw keyError(f, l, k, e);
        }
    }

    private RowError keyError(Fields f, Layout l, int k, TextValues.BadValue e) {
        return error(f, l, "key column " + keyColumns[k] + ": " + e.getMessage());
    }

    /**
     * Sets the link's values from a row; an unchanged TOASTed value is skipped ({@code skipUnchanged}) or takes the
     * value carried over from the link's old key.
     */
    final void setLinkValues(int left, int right, Fields f, Layout l, boolean skipUnchanged) {
        setValues(true, left, right, f, l, skipUnchanged);
    }

    /** Sets the row's values, as {@link #setLinkValues} does for a link. */
    final void setRowValues(int row, Fields f, Layout l, boolean skipUnchanged) {
        setValues(false, row, -1, f, l, skipUnchanged);
    }

    /** Sets the values of the link {@code (a, b)} if {@code link}, else of row {@code a}. */
    private void setValues(boolean link, int a, int b, Fields f, Layout l, boolean skipUnchanged) {
        ColumnBinding[] bs = bindings();
        int k = keyColumns().length;
        for (int j = 0; j < bs.length; j++) {
            int i = l.pos[k + j];
            if (f.isUnchanged(i)) {
                if (skipUnchanged) continue;
                if (link) bs[j].putLink(a, b, bs[j].carried());
                else bs[j].putRow(a, bs[j].carried());
                continue;
            }
            try {
                if (link) bs[j].setLink(a, b, l.readers[k + j], f, i);
                else bs[j].setRow(a, l.readers[k + j], f, i);
            } catch (TextValues.BadValue e) {
                throw error(f, l, "column " + bs[j].pgColumn + " (" + l.readers[k + j] + ") = " + f.show(i)
                        + " does not fit " + (link ? "link" : "row") + " column '" + bs[j].junctionName + "' ("
                        + bs[j].type.getSimpleName() + "): " + e.getMessage());
            }
        }
    }

    /** Whether the key columns of two rows hold the same values. */
    final boolean sameKeys(Fields a, Fields b, Layout l) {
        for (int k = 0; k < keyColumns().length; k++) {
            if (!a.sameValue(l.pos[k], b, l.pos[k])) return false;
        }
        return true;
    }

    /** Whether some value column of the row was not sent (an unchanged TOASTed value). */
    final boolean anyUnchanged(Fields f, Layout l) {
        int k = keyColumns().length;
        for (int j = 0; j < bindings().length; j++) if (f.isUnchanged(l.pos[k + j])) return true;
        return false;
    }

    /** Where a part's columns are in a row of the copy or the stream, and how to read each. */
    static final class Layout {
        final int[] pos;
        final ValueReader[] readers;

        Layout(int[] pos, ValueReader[] readers) {
            this.pos = pos;
            this.readers = readers;
        }

        /**
         * The layout of {@code part} in rows whose columns are {@code columns} with base types {@code types}.
         *
         * @throws SchemaError if a needed column is missing or its type does not fit
         */
        static Layout of(Part part, String[] columns, int[] types, String[] typeNames) {
            String[] needed = part.neededColumns();
            int keys = part.keyColumns().length;
            ColumnBinding[] bs = part.bindings();
            int[] pos = new int[needed.length];
            ValueReader[] readers = new ValueReader[needed.length];
            for (int j = 0; j < needed.length; j++) {
                int at = -1;
                for (int i = 0; i < columns.length; i++) {
                    if (columns[i].equals(needed[j])) {
                        at = i;
                        break;
                    }
                }
                if (at < 0) {
                    throw new SchemaError("table " + part.qualified + " has no column " + needed[j] + " (it has "
                            + String.join(", ", columns) + ")");
                }
                ValueReader r = ValueReader.of(types[at], typeNames == null ? null : typeNames[at]);
                if (j < keys) {
                    TableKeys t = part.keyTables()[j];
                    if (t != null ? !t.fits(r) : !r.supports(part.idType())) {
                        throw new SchemaError("table " + part.qualified + ": key column " + needed[j] + " is " + r
                                + ", which does not fit " + (t != null ? "table '" + t.table.name() + "' ("
                                + (t.isLong() ? "a LongTable: integer keys" : "an object table: keys of integer, text or "
                                + "uuid columns") + ")" : "the id column '" + part.junctionName() + "'"));
                    }
                } else {
                    ColumnBinding b = bs[j - keys];
                    if (!r.supports(b.type)) {
                        throw new SchemaError("table " + part.qualified + ": column " + needed[j] + " is " + r
                                + ", which does not fit column '" + b.junctionName + "' of " + part.junctionName() + " ("
                                + b.type.getSimpleName() + ")");
                    }
                }
                pos[j] = at;
                readers[j] = r;
            }
            return new Layout(pos, readers);
        }
    }

    /** The type of an association row's id column in Junction; only association parts have one. */
    Class<?> idType() {
        throw new IllegalStateException(qualified + " has no id column");
    }

    /** A row the replica cannot apply; the replica adds the table and the LSN. */
    static final class RowError extends RuntimeException {
        final String key;

        RowError(String key, String message) {
            super(message);
            this.key = key;
        }
    }

    /** A table whose shape does not fit the mapping (a missing column, a type that does not fit). */
    static final class SchemaError extends RuntimeException {
        SchemaError(String message) {
            super(message);
        }
    }
}
