package dev.junction.pg;

import dev.junction.AssociationTable;
import dev.junction.RowColumn;
import it.unimi.dsi.fastutil.bytes.ByteArrayList;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.List;

/**
 * An association table with its own id (orders: id, customer, product, quantity, ordered_at), feeding a Junction
 * {@link AssociationTable} and its row columns. Junction gives rows ids of its own, so the PostgreSQL id is kept in
 * a row column of the mapping ({@code idValues}) and found through a map from PostgreSQL id to row, built at the
 * copy (or, for a journaled replica, from that column at start) and kept in step with each transaction; a rollback
 * undoes the map's changes from a log.
 *
 * <p>An UPDATE that keeps the row's customer and product sets values (and the id, if it changed); one that moves
 * the row to another pair deletes the Junction row and adds a new one (Junction rows keep their pair for life).
 */
final class AssociationPart extends Part {

    final AssociationTable<?, ?> table;
    final TableKeys left;
    final TableKeys right;
    private final ColumnBinding id;
    private final IdMap ids;
    /** Rows Junction deleted with an entity in this transaction. */
    private final IntOpenHashSet cascaded = new IntOpenHashSet();
    private long copied;

    AssociationPart(String pgTable, AssociationTable<?, ?> table, String idColumn, ColumnBinding id,
                    TableKeys left, String leftColumn, TableKeys right, String rightColumn, ColumnBinding[] bindings) {
        // the id is read like a key (position 0); left and right follow
        super(pgTable, new String[] {idColumn, leftColumn, rightColumn}, new TableKeys[] {null, left, right}, bindings);
        this.table = table;
        this.left = left;
        this.right = right;
        this.id = id;
        this.ids = new IdMap(id.type == long.class || id.type == int.class);
    }

    @Override
    Class<?> idType() {
        return id.type;
    }

    @Override
    String junctionName() {
        return "association table '" + table.name() + "'";
    }

    // ---- reading a row -------------------------------------------------------------------------------------

    private long longId(Fields f, Layout l) {
        try {
            return l.readers[0].readLong(f, l.pos[0]);
        } catch (TextValues.BadValue e) {
            throw error(f, l, "id column " + keyColumns[0] + ": " + e.getMessage());
        }
    }

    private Object objectId(Fields f, Layout l) {
        if (f.isNull(l.pos[0])) throw error(f, l, "id column " + keyColumns[0] + " is NULL");
        try {
            return l.readers[0].readObject(f, l.pos[0], id.type);
        } catch (TextValues.BadValue e) {
            throw error(f, l, "id column " + keyColumns[0] + ": " + e.getMessage());
        }
    }

    /** The row of the PostgreSQL id in {@code f}, or -1. */
    private int rowOf(Fields f, Layout l) {
        return ids.longs ? ids.get(longId(f, l)) : ids.get(objectId(f, l));
    }

    /** Adds a Junction row for {@code f} (entities, id value, column values) and maps its id. */
    private void addRow(Fields f, Layout l, boolean carried) {
        int lid = entityOrAdd(left, 1, f, l);
        int rid = entityOrAdd(right, 2, f, l);
        int row = table.addByIds(lid, rid);
        try {
            id.setRow(row, l.readers[0], f, l.pos[0]);
        } catch (TextValues.BadValue e) {
            throw error(f, l, "id column " + keyColumns[0] + " does not fit row column '" + id.junctionName + "': "
                    + e.getMessage());
        }
        setRowValues(row, f, l, !carried);
        if (ids.longs) ids.put(longId(f, l), row);
        else ids.put(objectId(f, l), row);
    }

    // ---- changes ---------------------------------------------------------------------------------------------

    @Override
    void insert(Fields row, Layout l) {
        if (rowOf(row, l) >= 0) {
            throw contradiction(row, l, "is inserted but " + junctionName() + " already has a row of that id");
        }
        addRow(row, l, false);
    }

    @Override
    void update(Fields old, Fields row, Layout l) {
        Fields before = old != null ? old : row;
        int r = rowOf(before, l);
        if (r < 0) {
            throw contradiction(row, l, "is updated but " + junctionName() + " has no row of id "
                    + before.show(l.pos[0]));
        }
        boolean exists = table.contains(r);
        boolean sameId = old == null || old.sameValue(l.pos[0], row, l.pos[0]);
        int lid = entityOrAdd(left, 1, row, l);
        int rid = entityOrAdd(right, 2, row, l);
        if (exists && table.leftIdOf(r) == lid && table.rightIdOf(r) == rid) {
            if (!sameId) {
                if (rowOf(row, l) >= 0) {
                    throw error(row, l, "takes an id that " + junctionName() + " already has a row of");
                }
                unmap(before, l);
                id.setRow(r, l.readers[0], row, l.pos[0]);
                if (ids.longs) ids.put(longId(row, l), r);
                else ids.put(objectId(row, l), r);
            }
            setRowValues(r, row, l, true);
            return;
        }
        boolean carry = anyUnchanged(row, l);
        if (exists) {
            if (carry) {
                int k = keyColumns.length;
                for (int j = 0; j < bindings.length; j++) if (row.isUnchanged(l.pos[k + j])) bindings[j].carryRow(r);
            }
            table.remove(r);
        } else if (!cascaded.remove(r)) {
            throw contradiction(row, l, "is updated but its row is not in " + junctionName());
        } else if (carry) {
            throw error(row, l, "moves to another pair without sending a TOASTed value, and its old row was deleted "
                    + "with an entity earlier in the transaction");
        }
        unmap(before, l);
        if (!sameId && rowOf(row, l) >= 0) throw error(row, l, "takes an id that " + junctionName() + " already has");
        addRow(row, l, carry);
    }

    private void unmap(Fields f, Layout l) {
        if (ids.longs) ids.remove(longId(f, l));
        else ids.remove(objectId(f, l));
    }

    @Override
    void delete(Fields old, Layout l) {
        int r = rowOf(old, l);
        if (r < 0) {
            throw contradiction(old, l, "is deleted but " + junctionName() + " has no row of that id");
        }
        if (table.contains(r)) {
            table.remove(r);
        } else if (!cascaded.remove(r)) {
            throw contradiction(old, l, "is deleted but its row is not in " + junctionName());
        }
        unmap(old, l);
    }

    @Override
    void truncate() {
        table.pairs().ints().clear();
        ids.clear();
        cascaded.clear();
    }

    @Override
    void cascadeFrom(TableKeys keys, int entity) {
        if (keys == left) table.rowsOfLeftId(entity).forEach((int r) -> cascaded.add(r));
        if (keys == right) table.rowsOfRightId(entity).forEach((int r) -> cascaded.add(r));
    }

    @Override
    String pendingCascade() {
        if (cascaded.isEmpty()) return null;
        return cascaded.size() + " row(s) of " + junctionName() + " that Junction deleted with their entity but "
                + "PostgreSQL kept (map an entity table only when its association tables reference it with ON DELETE "
                + "CASCADE)";
    }

    @Override
    void endPgTransaction() {
        if (!cascaded.isEmpty()) cascaded.clear();
    }

    @Override
    void endTransaction(boolean undo) {
        if (undo) ids.undo();
        else ids.forget();
        endPgTransaction();
    }

    @Override
    boolean isEmpty() {
        return table.size() == 0;
    }

    // ---- copy and restart ------------------------------------------------------------------------------------

    void beginCopy() {
        if (table.size() > 0) table.pairs().ints().clear();
        ids.clear();
        ids.forget();
        copied = 0;
    }

    void copyRow(Fields row, Layout l) {
        if (rowOf(row, l) >= 0) throw error(row, l, "occurs twice: an association table needs a unique id");
        addRow(row, l, false);
        copied++;
    }

    long endCopy() {
        ids.forget();
        return copied;
    }

    /** Rebuilds the id map from the id column (a journaled replica that resumes). O(rows). */
    void rebuildIds() {
        ids.clear();
        ids.forget();
        RowColumn c = id.rowColumn;
        for (int lid : left.table.ids()) {
            for (int r : table.rowsOfLeftId(lid).toIntArray()) {
                if (ids.longs) {
                    long v = c instanceof RowColumn.OfLong lc ? lc.get(r) : ((RowColumn.OfInt) c).get(r);
                    ids.put(v, r);
                } else {
                    ids.put(((RowColumn.OfObject<?>) c).get(r), r);
                }
            }
        }
        ids.forget();
    }

    /** PostgreSQL id to Junction row, with an undo log for the open transaction (no boxing of long ids). */
    static final class IdMap {
        private static final byte LONG = 0;
        private static final byte OBJECT = 1;
        private static final byte SAVED = 2;

        final boolean longs;
        private final Long2IntOpenHashMap byLong = new Long2IntOpenHashMap();
        private final Object2IntOpenHashMap<Object> byObject = new Object2IntOpenHashMap<>();
        /** The undo log, newest last: a kind per entry, its key (long or object) or saved map, the previous row. */
        private final ByteArrayList kinds = new ByteArrayList();
        private final LongArrayList longKeys = new LongArrayList();
        private final List<Object> objects = new ArrayList<>();
        private final IntArrayList previous = new IntArrayList();

        IdMap(boolean longs) {
            this.longs = longs;
            byLong.defaultReturnValue(-1);
            byObject.defaultReturnValue(-1);
        }

        int get(long k) {
            return byLong.get(k);
        }

        int get(Object k) {
            return byObject.getInt(k);
        }

        void put(long k, int row) {
            log(k, byLong.put(k, row));
        }

        void put(Object k, int row) {
            log(k, byObject.put(k, row));
        }

        void remove(long k) {
            log(k, byLong.remove(k));
        }

        void remove(Object k) {
            log(k, byObject.removeInt(k));
        }

        private void log(long k, int prev) {
            kinds.add(LONG);
            longKeys.add(k);
            previous.add(prev);
        }

        private void log(Object k, int prev) {
            kinds.add(OBJECT);
            objects.add(k);
            previous.add(prev);
        }

        void clear() {
            kinds.add(SAVED);
            objects.add(longs ? new Long2IntOpenHashMap(byLong) : new Object2IntOpenHashMap<>(byObject));
            previous.add(-1);
            byLong.clear();
            byObject.clear();
        }

        /** Forgets the undo log: the transaction committed. */
        void forget() {
            kinds.clear();
            longKeys.clear();
            objects.clear();
            previous.clear();
        }

        /** Restores the map as it was when the log was last forgotten. */
        @SuppressWarnings("unchecked")
        void undo() {
            int li = longKeys.size();
            int oi = objects.size();
            for (int i = kinds.size() - 1; i >= 0; i--) {
                int prev = previous.getInt(i);
                switch (kinds.getByte(i)) {
                    case LONG -> {
                        long k = longKeys.getLong(--li);
                        if (prev < 0) byLong.remove(k);
                        else byLong.put(k, prev);
                    }
                    case OBJECT -> {
                        Object k = objects.get(--oi);
                        if (prev < 0) byObject.removeInt(k);
                        else byObject.put(k, prev);
                    }
                    default -> {
                        Object saved = objects.get(--oi);
                        if (saved instanceof Long2IntOpenHashMap m) {
                            byLong.clear();
                            byLong.putAll(m);
                        } else {
                            byObject.clear();
                            byObject.putAll((Object2IntOpenHashMap<Object>) saved);
                        }
                    }
                }
            }
            forget();
        }
    }
}
