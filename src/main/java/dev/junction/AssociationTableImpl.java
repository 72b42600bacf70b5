package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import dev.junction.index.LinkConsumer;
import it.unimi.dsi.fastutil.ints.AbstractIntSet;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * An association table with row identity, built from the engine's own parts so that transactions, isolation,
 * rollback and cascades come with them.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Parts.</b> Rows are the ids of an internal {@link RowIdTable} (which stores nothing per row). Two internal relations index them: left entity → rows ({@link #byLeft}) and right entity → rows
 *       ({@link #byRight}); a third holds the distinct pairs ({@link #pairRel}). Row values live in a
 *       {@link ColumnStore} keyed by row id. None of the internal parts is listed by the engine or reachable
 *       by users, so every change goes through this class, which keeps them in step.</li>
 *   <li><b>Invariant.</b> {@code (l, r)} is in {@link #pairRel} exactly when some row has left {@code l} and
 *       right {@code r}: adding a row links the pair; deleting a row unlinks it when the pair has no other row,
 *       found by scanning the smaller of the two row sets against the other (O(min(d<sub>l</sub>, d<sub>r</sub>)
 *       log d)).</li>
 *   <li><b>Cascades.</b> The engine calls {@link #cascade} before it unlinks a removed entity's relations:
 *       every row of the entity is deleted (delete-orphan), which also unlinks its pairs.</li>
 *   <li><b>Writes</b> run in the calling thread's transaction or one of their own; reads are validated against
 *       commits like every other read of the engine.</li>
 * </ul>
 */
final class AssociationTableImpl<L, R> extends TablePair<L, R> implements AssociationTable<L, R> {

    final Junction junction;
    final RowIdTable rows;
    final RelationImpl<L, Integer> byLeft;
    final RelationImpl<R, Integer> byRight;
    final RelationImpl<L, R> pairRel;
    /** Row values, dense: a row's slot is its id (row ids are dense unless never reused). */
    final ColumnStore columns = new ColumnStore(new ColumnStore.Schema(), true);
    volatile List<RowColumns.Base> columnList = List.of();
    final AssociationPairs primaryPairs;

    AssociationTableImpl(Junction junction, String name, AbstractTable<L> left, AbstractTable<R> right,
                         IdPolicy rowIds) {
        super(name, left, right);
        this.junction = junction;
        this.rows = new RowIdTable(junction, name + ".rows", rowIds);
        this.byLeft = new RelationImpl<>(name + ".left", IntRelation.bipartite(name + ".left"), left, rows);
        this.byRight = new RelationImpl<>(name + ".right", IntRelation.bipartite(name + ".right"), right, rows);
        IntRelation pairStore = left == right ? IntRelation.directed(name) : IntRelation.bipartite(name);
        this.pairRel = new RelationImpl<>(name, pairStore, left, right);
        this.primaryPairs = new AssociationPairs(this, Orientation.DECLARED);
        byLeft.eventTarget = null;
        byRight.eventTarget = null;
        pairRel.eventTarget = primaryPairs;
    }

    @Override
    public IdPolicy rowIdPolicy() {
        return rows.idPolicy();
    }

    // ---- reading and writing the parts ------------------------------------------------------------------

    IntRelation reading(RelationImpl<?, ?> r) {
        Txn t = junction.ownTxn();
        if (t != null) {
            DeltaRelation d = t.deltas.get(r);
            if (d != null) return d;
        }
        return r.store;
    }

    private NoSuchElementException noRow(int row) {
        return new NoSuchElementException("association table '" + name + "' has no row " + row);
    }

    private void checkRowId(int row) {
        if (row < 0) {
            throw new IllegalArgumentException("association table '" + name + "': row id " + row + " is negative");
        }
    }

    private void checkEntityId(int id, String role) {
        if (id < 0) {
            throw new IllegalArgumentException("association table '" + name + "': " + role + " id " + id
                    + " is negative");
        }
    }

    /** The only element of a row's left or right set. */
    private int endOf(int row, boolean ofLeft) {
        checkRowId(row);
        if (!rows.isLive(row)) throw noRow(row);
        IntRelation s = reading(ofLeft ? byLeft : byRight);
        IntIterator it = s.leftsOf(row).iterator();
        return it.nextInt();
    }

    /** Whether some row joins {@code l} and {@code r}: the smaller row set scanned against the other. */
    private boolean hasRow(int l, int r) {
        IntRelation bl = reading(byLeft);
        IntRelation br = reading(byRight);
        int dl = bl.degreeOfLeft(l);
        int dr = br.degreeOfLeft(r);
        if (dl == 0 || dr == 0) return false;
        boolean scanLeft = dl <= dr;
        IntIterator it = (scanLeft ? bl : br).rightsOf(scanLeft ? l : r).iterator();
        while (it.hasNext()) {
            int row = it.nextInt();
            if (scanLeft ? br.contains(r, row) : bl.contains(l, row)) return true;
        }
        return false;
    }

    /** The rows joining {@code l} and {@code r}, ascending. */
    private int[] rowsOfPair(int l, int r) {
        IntRelation bl = reading(byLeft);
        IntRelation br = reading(byRight);
        int dl = bl.degreeOfLeft(l);
        int dr = br.degreeOfLeft(r);
        if (dl == 0 || dr == 0) return new int[0];
        boolean scanLeft = dl <= dr;
        int[] out = new int[Math.min(dl, dr)];
        int n = 0;
        IntIterator it = (scanLeft ? bl : br).rightsOf(scanLeft ? l : r).iterator();
        while (it.hasNext()) {
            int row = it.nextInt();
            if (scanLeft ? br.contains(r, row) : bl.contains(l, row)) out[n++] = row;
        }
        return Arrays.copyOf(out, n);
    }

    /** Adds a row in transaction {@code t}: the links, then the values (after every check: nothing to undo). */
    int addRow(Txn t, int l, int r, RowColumns.ValueImpl[] values) {
        int row = rows.insert(t);
        t.delta(byLeft).link(l, row);
        t.delta(byRight).link(r, row);
        t.delta(pairRel).link(l, r);
        for (RowColumns.ValueImpl v : values) {
            v.column().put(t, row, v.bits(), v.object());
        }
        return row;
    }

    /** Deletes a live row in transaction {@code t}. */
    private void removeRow(Txn t, int row) {
        int l = endOf(row, true);
        int r = endOf(row, false);
        rows.txRemove(t, row); // unlinks it from byLeft and byRight (the engine's cascade)
        if (columns.schema.names.length > 0) {
            t.voidKey(columns, row);
        }
        if (!hasRow(l, r)) {
            t.delta(pairRel).unlink(l, r);
        }
    }

    /** Deletes every row of the pair; returns how many. */
    int removePair(Txn t, int l, int r) {
        int[] rs = rowsOfPair(l, r);
        for (int row : rs) removeRow(t, row);
        return rs.length;
    }

    /** Deletes every row of an entity (left if {@code ofLeft}); returns the number of pairs that went. */
    int removeAllOf(Txn t, int id, boolean ofLeft) {
        int pairsBefore = ofLeft ? reading(pairRel).degreeOfLeft(id) : reading(pairRel).degreeOfRight(id);
        int[] rs = reading(ofLeft ? byLeft : byRight).rightsOf(id).toIntArray();
        for (int row : rs) {
            if (rows.isLive(row)) removeRow(t, row); // in a self-association a row may already be gone
        }
        return pairsBefore;
    }

    /** Called by the engine when an entity of {@code table} is removed in {@code t}, before its links go. */
    void cascade(Txn t, AbstractTable<?> table, int id) {
        if (table == left) removeAllOf(t, id, true);
        if (table == right) removeAllOf(t, id, false);
    }

    // ---- AssociationTable -------------------------------------------------------------------------------

    @Override
    public int add(L l, R r, RowColumn.Value... values) {
        RowColumns.ValueImpl[] vs = RowColumns.check(this, values);
        Objects.requireNonNull(l, () -> "association table '" + name + "': left entity is null");
        Objects.requireNonNull(r, () -> "association table '" + name + "': right entity is null");
        return junction.writes.writeInt(() -> {
            Txn t = junction.ownTxn();
            int o = left.findOrInsert(t, l);
            int x = right.findOrInsert(t, r);
            return addRow(t, o, x, vs);
        });
    }

    @Override
    public int addByIds(int l, int r, RowColumn.Value... values) {
        RowColumns.ValueImpl[] vs = RowColumns.check(this, values);
        checkEntityId(l, "left");
        checkEntityId(r, "right");
        return junction.writes.writeInt(() -> addRow(junction.ownTxn(), l, r, vs));
    }

    @Override
    public int[] addAllByIds(int[] ls, int[] rs) {
        Objects.requireNonNull(ls, () -> "association table '" + name + "': lefts are null");
        Objects.requireNonNull(rs, () -> "association table '" + name + "': rights are null");
        if (ls.length != rs.length) {
            throw new IllegalArgumentException("association table '" + name + "': " + ls.length + " lefts but "
                    + rs.length + " rights");
        }
        return junction.writes.write(() -> {
            Txn t = junction.ownTxn();
            for (int i = 0; i < ls.length; i++) { // every check before anything changes
                checkLive(left, ls[i], i, "left");
                checkLive(right, rs[i], i, "right");
            }
            int[] added = new int[ls.length];
            for (int i = 0; i < added.length; i++) added[i] = rows.insert(t);
            if (t.stageIfFresh(byLeft)) { // empty: a bulk load of all three parts and of the row values
                t.stageIfFresh(byRight);
                t.stageIfFresh(pairRel);
                t.stageRows(columns, byLeft);
            }
            t.delta(byLeft).linkAll(ls, added);
            t.delta(byRight).linkAll(rs, added);
            t.delta(pairRel).linkAll(ls, rs);
            return added;
        });
    }

    private void checkLive(AbstractTable<?> table, int id, int index, String role) {
        if (!table.isLive(id)) {
            throw new IllegalArgumentException("association table '" + name + "': " + role + " " + id + " at index "
                    + index + " is not a live id of table '" + table.name + "'");
        }
    }

    @Override
    public boolean remove(int row) {
        checkRowId(row);
        return junction.writes.writeBool(() -> {
            if (!rows.isLive(row)) return false;
            removeRow(junction.ownTxn(), row);
            return true;
        });
    }

    @Override
    public boolean contains(int row) {
        return row >= 0 && junction.gate.readBoolean(() -> rows.isLive(row));
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public L leftOf(int row) {
        return junction.gate.read(() -> left.entity(endOf(row, true)));
    }

    @Override
    public R rightOf(int row) {
        return junction.gate.read(() -> right.entity(endOf(row, false)));
    }

    @Override
    public int[] rows() {
        return rows.ids();
    }

    @Override
    public int[] rowsWhere(RowColumn.Value value) {
        Objects.requireNonNull(value, () -> "association table '" + name + "': value is null");
        RowColumns.ValueImpl v = RowColumns.check(this, new RowColumn.Value[] {value})[0];
        RowColumns.Base c = v.column();
        Object wanted = c.isObject() ? v.object() : c.boxed(v.bits());
        return junction.gate.read(() -> {
            it.unimi.dsi.fastutil.ints.IntArrayList out = new it.unimi.dsi.fastutil.ints.IntArrayList();
            for (int row : rows.ids()) { // ids() nests in this read: one consistent state
                Object have = c.isObject() ? c.objectNow(row) : c.boxed(c.bitsNow(row));
                if (Objects.equals(wanted, have)) out.add(row);
            }
            return out.toIntArray();
        });
    }

    @Override
    public Row<L, R> row(int row) {
        checkRowId(row);
        return junction.gate.read(() -> {
            L l = left.entity(endOf(row, true));
            R r = right.entity(endOf(row, false));
            java.util.LinkedHashMap<String, Object> values = new java.util.LinkedHashMap<>();
            for (RowColumns.Base c : columnList) {
                values.put(c.name(), c.isObject() ? c.objectNow(row) : c.boxed(c.bitsNow(row)));
            }
            return new Row<>(this, row, l, r, values);
        });
    }

    @Override
    public int leftIdOf(int row) {
        return junction.gate.readInt(() -> endOf(row, true));
    }

    @Override
    public int rightIdOf(int row) {
        return junction.gate.readInt(() -> endOf(row, false));
    }

    @Override
    public IntNeighborSet rowsOfLeft(L l) {
        Objects.requireNonNull(l, () -> "association table '" + name + "': left entity is null");
        return new RowSet(l, -1, true);
    }

    @Override
    public IntNeighborSet rowsOfRight(R r) {
        Objects.requireNonNull(r, () -> "association table '" + name + "': right entity is null");
        return new RowSet(r, -1, false);
    }

    @Override
    public IntNeighborSet rowsOfLeftId(int l) {
        checkEntityId(l, "left");
        return new RowSet(null, l, true);
    }

    @Override
    public IntNeighborSet rowsOfRightId(int r) {
        checkEntityId(r, "right");
        return new RowSet(null, r, false);
    }

    @Override
    public int[] rowsOf(L l, R r) {
        Objects.requireNonNull(l, () -> "association table '" + name + "': left entity is null");
        Objects.requireNonNull(r, () -> "association table '" + name + "': right entity is null");
        return junction.gate.read(() -> {
            int o = left.find(l);
            int x = o < 0 ? -1 : right.find(r);
            return x < 0 ? new int[0] : rowsOfPair(o, x);
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public Relation<L, R> pairs() {
        return (Relation<L, R>) (Relation<?, ?>) primaryPairs;
    }

    // ---- columns ------------------------------------------------------------------------------------------

    @Override
    public RowColumn.OfLong longColumn(String name, long defaultValue) {
        return declare(name, ColumnStore.LONG, defaultValue, 0, 0, false, null, null);
    }

    @Override
    public RowColumn.OfInt intColumn(String name, int defaultValue) {
        return declare(name, ColumnStore.INT, 0, defaultValue, 0, false, null, null);
    }

    @Override
    public RowColumn.OfDouble doubleColumn(String name, double defaultValue) {
        return declare(name, ColumnStore.DOUBLE, 0, 0, defaultValue, false, null, null);
    }

    @Override
    public RowColumn.OfBoolean booleanColumn(String name, boolean defaultValue) {
        return declare(name, ColumnStore.BOOLEAN, 0, 0, 0, defaultValue, null, null);
    }

    @Override
    public <V> RowColumn.OfObject<V> objectColumn(String name, Class<V> type, V defaultValue) {
        ColumnStore.checkObjectColumn("association table '" + this.name + "'", name, type, defaultValue);
        junction.checkColumnCodec("association table '" + this.name + "'", name, type);
        return declare(name, ColumnStore.OBJECT, 0, 0, 0, false, defaultValue, type);
    }

    @SuppressWarnings("unchecked")
    private <C> C declare(String name, byte type, long l, int i, double d, boolean b, Object o, Class<?> cls) {
        Objects.requireNonNull(name, () -> "association table '" + this.name + "': column name is null");
        return junction.writes.declareColumn("association table '" + this.name + "'", () -> {
            int k = columns.declare("association table '" + this.name + "'", name, type, l, i, d, b, o, cls);
            RowColumns.Base c = switch (type) {
                case ColumnStore.LONG -> new RowColumns.LongColumn(name, this, k, l);
                case ColumnStore.INT -> new RowColumns.IntColumn(name, this, k, i);
                case ColumnStore.DOUBLE -> new RowColumns.DoubleColumn(name, this, k, Double.doubleToRawLongBits(d));
                case ColumnStore.BOOLEAN -> new RowColumns.BooleanColumn(name, this, k, b ? 1 : 0);
                default -> new RowColumns.ObjectColumn<>(name, this, k, cls, o);
            };
            ArrayList<RowColumns.Base> list = new ArrayList<>(columnList);
            list.add(c);
            columnList = List.copyOf(list);
            return (C) c;
        });
    }

    @Override
    public List<RowColumn> columns() {
        return new ArrayList<>(columnList);
    }

    @Override
    public String toString() {
        return "association table '" + name + "' (" + left.name + " -> " + right.name + ", " + size() + " rows)";
    }

    // ---- views --------------------------------------------------------------------------------------------

    /**
     * The rows of one entity: a live view that resolves the entity's id on every call (so it follows the entity
     * if it is removed and added again, and never shows another entity that got its old id); reads are
     * validated against commits; iterators walk a copy taken when they are made; {@code remove} and
     * {@code clear} delete rows.
     */
    private final class RowSet extends AbstractIntSet implements IntNeighborSet {
        /** The entity, or null for a view by id. */
        private final Object entity;
        private final int givenId;
        private final boolean ofLeft;

        RowSet(Object entity, int givenId, boolean ofLeft) {
            this.entity = entity;
            this.givenId = givenId;
            this.ofLeft = ofLeft;
        }

        /** The entity's id as this thread sees it now, or -1 (call inside a read or write). */
        private int id() {
            return entity == null ? givenId : (ofLeft ? left : right).find(entity);
        }

        private IntRelation index() {
            return reading(ofLeft ? byLeft : byRight);
        }

        private int[] rows() {
            return junction.gate.read(() -> {
                int id = id();
                return id < 0 ? new int[0] : index().rightsOf(id).toIntArray();
            });
        }

        @Override
        public int owner() {
            return junction.gate.readInt(this::id);
        }

        @Override
        public int size() {
            return junction.gate.readInt(() -> {
                int id = id();
                return id < 0 ? 0 : index().degreeOfLeft(id);
            });
        }

        @Override
        public boolean contains(int row) {
            return row >= 0 && junction.gate.readBoolean(() -> {
                int id = id();
                return id >= 0 && index().contains(id, row);
            });
        }

        @Override
        public IntIterator iterator() {
            return it.unimi.dsi.fastutil.ints.IntIterators.wrap(rows());
        }

        @Override
        public IntIterator iteratorAfter(int after) {
            int[] all = rows();
            int from = Arrays.binarySearch(all, after);
            from = from >= 0 ? from + 1 : -from - 1;
            return it.unimi.dsi.fastutil.ints.IntIterators.wrap(all, from, all.length - from);
        }

        @Override
        public int copyTo(int[] dest) {
            Objects.requireNonNull(dest, () -> "association table '" + name + "': dest is null");
            int[] all = rows();
            if (all.length <= dest.length) System.arraycopy(all, 0, dest, 0, all.length);
            return all.length;
        }

        @Override
        public int[] toIntArray() {
            return rows();
        }

        @Override
        public void forEach(IntConsumer action) {
            Objects.requireNonNull(action, () -> "association table '" + name + "': action is null");
            for (int row : rows()) action.accept(row);
        }

        /** The ids, ascending, listed like a {@link java.util.List}: {@code [0, 1, 5]} (one consistent read). */
        @Override
        public String toString() {
            return java.util.Arrays.toString(toIntArray());
        }

        @Override
        public boolean add(int row) {
            throw new UnsupportedOperationException("association table '" + name + "': add rows with "
                    + "AssociationTable.add(left, right, values...)");
        }

        private UnsupportedOperationException onlyRemoveAndClear(String what) {
            return new UnsupportedOperationException("association table '" + name + "': " + what + " is not "
                    + "supported on a row set; remove(row) and clear() delete rows, AssociationTable.add adds them");
        }

        @Override public boolean addAll(it.unimi.dsi.fastutil.ints.IntCollection c) { throw onlyRemoveAndClear("addAll"); }
        @Override public boolean addAll(java.util.Collection<? extends Integer> c) { throw onlyRemoveAndClear("addAll"); }
        @Override public boolean removeAll(it.unimi.dsi.fastutil.ints.IntCollection c) { throw onlyRemoveAndClear("removeAll"); }
        @Override public boolean removeAll(java.util.Collection<?> c) { throw onlyRemoveAndClear("removeAll"); }
        @Override public boolean retainAll(it.unimi.dsi.fastutil.ints.IntCollection c) { throw onlyRemoveAndClear("retainAll"); }
        @Override public boolean retainAll(java.util.Collection<?> c) { throw onlyRemoveAndClear("retainAll"); }
        @Override public boolean removeIf(java.util.function.IntPredicate filter) { throw onlyRemoveAndClear("removeIf"); }

        /** Deletes {@code row} if it is one of this entity's rows. */
        @Override
        public boolean remove(int row) {
            if (row < 0) return false;
            return junction.writes.writeBool(() -> {
                int id = id();
                if (id < 0 || !index().contains(id, row)) return false;
                removeRow(junction.ownTxn(), row);
                return true;
            });
        }

        /** Deletes all of this entity's rows. */
        @Override
        public void clear() {
            junction.writes.writeInt(() -> {
                int id = id();
                return id < 0 ? 0 : removeAllOf(junction.ownTxn(), id, ofLeft);
            });
        }
    }
}
