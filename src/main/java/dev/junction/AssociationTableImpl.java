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
final class AssociationTableImpl<L, R> implements AssociationTable<L, R> {

    final String name;
    final Junction junction;
    final AbstractTable<L> left;
    final AbstractTable<R> right;
    final RowIdTable rows;
    final RelationImpl<L, Integer> byLeft;
    final RelationImpl<R, Integer> byRight;
    final RelationImpl<L, R> pairRel;
    /** Row values, dense: a row's slot is its id (row ids are dense, reused lowest-first). */
    final ColumnStore columns = new ColumnStore(new ColumnStore.Schema(), true);
    private volatile List<RowColumns.Base> columnList = List.of();
    private final Pairs primaryPairs;

    AssociationTableImpl(Junction junction, String name, AbstractTable<L> left, AbstractTable<R> right) {
        this.name = name;
        this.junction = junction;
        this.left = left;
        this.right = right;
        this.rows = new RowIdTable(junction, name + ".rows");
        this.byLeft = new RelationImpl<>(name + ".left", IntRelation.bipartite(name + ".left"), left, rows);
        this.byRight = new RelationImpl<>(name + ".right", IntRelation.bipartite(name + ".right"), right, rows);
        IntRelation pairStore = left == right ? IntRelation.directed(name) : IntRelation.bipartite(name);
        this.pairRel = new RelationImpl<>(name, pairStore, left, right);
        this.primaryPairs = new Pairs(false);
        byLeft.eventTarget = null;
        byRight.eventTarget = null;
        pairRel.eventTarget = primaryPairs;
    }

    // ---- reading and writing the parts ------------------------------------------------------------------

    private IntRelation reading(RelationImpl<?, ?> r) {
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
    private int addRow(Txn t, int l, int r, RowColumns.ValueImpl[] values) {
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
    private int removePair(Txn t, int l, int r) {
        int[] rs = rowsOfPair(l, r);
        for (int row : rs) removeRow(t, row);
        return rs.length;
    }

    /** Deletes every row of an entity (left if {@code ofLeft}); returns the number of pairs that went. */
    private int removeAllOf(Txn t, int id, boolean ofLeft) {
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
    public String name() {
        return name;
    }

    @Override
    public Table<L> leftTable() {
        return left;
    }

    @Override
    public Table<R> rightTable() {
        return right;
    }

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

        @Override
        public boolean add(int row) {
            throw new UnsupportedOperationException("association table '" + name + "': add rows with "
                    + "AssociationTable.add(left, right, values...)");
        }

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

    /**
     * The distinct pairs as a relation, and the association proxy: writes create and delete rows. One class
     * for both orientations ({@code flipped}: this object's left is the table's right).
     */
    final class Pairs implements Relation<Object, Object> {
        private final boolean flipped;
        private Pairs inverse;
        private final PairInts ints;

        Pairs(boolean flipped) {
            this.flipped = flipped;
            this.ints = new PairInts(flipped);
        }

        private RelationImpl<Object, Object> view() {
            @SuppressWarnings("unchecked")
            RelationImpl<Object, Object> v = (RelationImpl<Object, Object>) (flipped ? pairRel.inverse() : pairRel);
            return v;
        }

        private AbstractTable<?> myLeft() {
            return flipped ? right : left;
        }

        private AbstractTable<?> myRight() {
            return flipped ? left : right;
        }

        @SuppressWarnings("unchecked")
        private <E> AbstractTable<E> cast(AbstractTable<?> t) {
            return (AbstractTable<E>) t;
        }

        /** Links by this orientation's ids: a row with defaults if the pair has none. */
        boolean linkIds(Txn t, int a, int b) {
            int l = flipped ? b : a;
            int r = flipped ? a : b;
            if (reading(pairRel).contains(l, r)) return false;
            addRow(t, l, r, new RowColumns.ValueImpl[0]);
            return true;
        }

        boolean unlinkIds(Txn t, int a, int b) {
            int l = flipped ? b : a;
            int r = flipped ? a : b;
            return removePair(t, l, r) > 0;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public IntRelation.Kind kind() {
            return pairRel.kind();
        }

        @Override
        public Table<Object> leftTable() {
            return cast(myLeft());
        }

        @Override
        public Table<Object> rightTable() {
            return cast(myRight());
        }

        @Override
        public IntRelation ints() {
            return ints;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Relation inverse() {
            if (inverse == null) {
                Pairs i = new Pairs(!flipped);
                i.inverse = this;
                inverse = i;
            }
            return inverse;
        }

        @Override
        public boolean link(Object a, Object b) {
            view().fromLeft.checkOwner(a);
            view().fromLeft.checkElement(b);
            return junction.writes.writeBool(() -> {
                Txn t = junction.ownTxn();
                int x = cast(myLeft()).findOrInsert(t, a);
                int y = cast(myRight()).findOrInsert(t, b);
                return linkIds(t, x, y);
            });
        }

        @Override
        public boolean unlink(Object a, Object b) {
            view().fromLeft.checkOwner(a);
            view().fromLeft.checkElement(b);
            return junction.writes.writeBool(() -> {
                int x = myLeft().find(a);
                int y = x < 0 ? -1 : myRight().find(b);
                return y >= 0 && unlinkIds(junction.ownTxn(), x, y);
            });
        }

        @Override
        public boolean contains(Object a, Object b) {
            return view().contains(a, b);
        }

        @Override
        public Set<Object> rightsOf(Object a) {
            return new ProxySet(this, a, view().rightsOf(a));
        }

        @Override
        public Set<Object> leftsOf(Object b) {
            return new ProxySet((Pairs) inverse(), b, view().leftsOf(b));
        }

        @Override
        public boolean setRights(Object a, Collection<?> others) {
            view().fromLeft.checkOwner(a);
            Object[] items = view().fromLeft.snapshot(others);
            return junction.writes.writeBool(() -> {
                Txn t = junction.ownTxn();
                if (items.length == 0) {
                    int x = myLeft().find(a);
                    return x >= 0 && replaceIds(t, x, new int[0]);
                }
                int x = cast(myLeft()).findOrInsert(t, a);
                int[] ys = new int[items.length];
                for (int i = 0; i < items.length; i++) ys[i] = cast(myRight()).findOrInsert(t, items[i]);
                return replaceIds(t, x, ys);
            });
        }

        @Override
        public boolean setLefts(Object b, Collection<?> others) {
            return inverse().setRights(b, (Collection) others);
        }

        /** Makes the others of {@code a} exactly {@code ys}: rows of dropped pairs deleted, new pairs get a row. */
        boolean replaceIds(Txn t, int a, int[] ys) {
            IntRelation v = reading(pairRel);
            int[] target = ys.clone();
            Arrays.sort(target);
            boolean changed = false;
            for (int y : (flipped ? v.leftsOf(a) : v.rightsOf(a)).toIntArray()) {
                if (Arrays.binarySearch(target, y) < 0) changed |= unlinkIds(t, a, y);
            }
            for (int i = 0; i < target.length; i++) {
                if (i > 0 && target[i] == target[i - 1]) continue;
                changed |= linkIds(t, a, target[i]);
            }
            return changed;
        }

        @Override
        public long size() {
            return pairRel.size();
        }

        private UnsupportedOperationException noColumns() {
            return new UnsupportedOperationException("association table '" + name + "': its pairs carry no link "
                    + "columns; declare columns on the rows (AssociationTable.longColumn ...)");
        }

        @Override
        public LinkColumn.OfLong<Object, Object> longColumn(String n, long d) {
            throw noColumns();
        }

        @Override
        public LinkColumn.OfInt<Object, Object> intColumn(String n, int d) {
            throw noColumns();
        }

        @Override
        public LinkColumn.OfDouble<Object, Object> doubleColumn(String n, double d) {
            throw noColumns();
        }

        @Override
        public LinkColumn.OfBoolean<Object, Object> booleanColumn(String n, boolean d) {
            throw noColumns();
        }

        @Override
        public <V> LinkColumn.OfObject<Object, Object, V> objectColumn(String n, Class<V> type, V d) {
            throw noColumns();
        }

        @Override
        public List<LinkColumn<Object, Object>> columns() {
            return new ArrayList<>();
        }

        @Override
        public LinkColumn<Object, Object> column(String n) {
            throw new NoSuchElementException("association table '" + name + "': its pairs have no column named '"
                    + n + "'; the rows' columns are " + columnList.stream().map(RowColumn::name).toList());
        }

        @Override
        public boolean link(Object a, Object b, LinkColumn.Value... values) {
            Objects.requireNonNull(values, () -> "association table '" + name + "': values are null");
            if (values.length > 0) throw noColumns();
            return link(a, b);
        }

        @Override
        public String toString() {
            return "pairs of association table '" + name + "' (" + myLeft().name + " -> " + myRight().name + ", "
                    + size() + " pairs)";
        }
    }

    /**
     * A live view of the others of one entity in the pairs; writes go through the proxy, and each call (bulk ones
     * included) is one atomic write. Iterators walk a copy taken when they are made.
     */
    private final class ProxySet extends AbstractSet<Object> {
        private final Pairs pairs;
        private final Object owner;
        private final Set<Object> view;

        ProxySet(Pairs pairs, Object owner, Set<Object> view) {
            this.pairs = pairs;
            this.owner = owner;
            this.view = view;
        }

        @Override
        public int size() {
            return view.size();
        }

        @Override
        public boolean contains(Object o) {
            return view.contains(o);
        }

        @Override
        public boolean add(Object o) {
            return pairs.link(owner, o);
        }

        @Override
        public boolean remove(Object o) {
            return pairs.unlink(owner, o);
        }

        @Override
        public void clear() {
            pairs.setRights(owner, List.of());
        }

        @Override
        public boolean addAll(Collection<?> c) {
            Object[] items = pairs.view().fromLeft.snapshot(c); // null checks before anything changes
            return junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : items) changed |= pairs.link(owner, o);
                return changed;
            });
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            Objects.requireNonNull(c, () -> "association table '" + name + "': collection is null");
            Object[] items = junction.gate.read(c::toArray);
            return junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : items) {
                    if (o != null) changed |= pairs.unlink(owner, o);
                }
                return changed;
            });
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            Objects.requireNonNull(c, () -> "association table '" + name + "': collection is null");
            return junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : view.toArray()) {
                    if (!c.contains(o)) changed |= pairs.unlink(owner, o);
                }
                return changed;
            });
        }

        @Override
        public boolean removeIf(java.util.function.Predicate<? super Object> filter) {
            Objects.requireNonNull(filter, () -> "association table '" + name + "': filter is null");
            return junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : view.toArray()) {
                    if (filter.test(o)) changed |= pairs.unlink(owner, o);
                }
                return changed;
            });
        }

        /** Iterates a snapshot taken now; {@code remove} unlinks the pair (deleting its rows). */
        @Override
        public Iterator<Object> iterator() {
            Object[] items = view.toArray();
            return new Iterator<>() {
                int i;
                Object last;
                boolean canRemove;

                @Override
                public boolean hasNext() {
                    return i < items.length;
                }

                @Override
                public Object next() {
                    if (i >= items.length) throw new NoSuchElementException();
                    canRemove = true;
                    return last = items[i++];
                }

                @Override
                public void remove() {
                    if (!canRemove) throw new IllegalStateException("next() was not called");
                    canRemove = false;
                    pairs.unlink(owner, last);
                }
            };
        }
    }

    /** The pairs by ids, with the proxy's write semantics. */
    private final class PairInts implements IntRelation {
        private final boolean flipped;

        PairInts(boolean flipped) {
            this.flipped = flipped;
        }

        private IntRelation read() {
            return flipped ? pairRel.ints().inverse() : pairRel.ints();
        }

        private Pairs proxy() {
            return flipped ? (Pairs) primaryPairs.inverse() : primaryPairs;
        }

        private void check(int id, String role) {
            if (id < 0) {
                throw new IllegalArgumentException("relation '" + name + "': " + role + " id " + id + " is negative");
            }
        }

        @Override public String name() { return name; }
        @Override public Kind kind() { return pairRel.kind(); }
        @Override public boolean contains(int l, int r) { return read().contains(l, r); }
        @Override public IntNeighborSet rightsOf(int l) { return read().rightsOf(l); }
        @Override public IntNeighborSet leftsOf(int r) { return read().leftsOf(r); }
        @Override public int copyRightsTo(int l, int[] dest) { return read().copyRightsTo(l, dest); }
        @Override public int copyLeftsTo(int r, int[] dest) { return read().copyLeftsTo(r, dest); }
        @Override public void forEachRight(int l, IntConsumer a) { read().forEachRight(l, a); }
        @Override public void forEachLeft(int r, IntConsumer a) { read().forEachLeft(r, a); }
        @Override public int degreeOfLeft(int l) { return read().degreeOfLeft(l); }
        @Override public int degreeOfRight(int r) { return read().degreeOfRight(r); }
        @Override public long size() { return read().size(); }
        @Override public void forEachLink(LinkConsumer a) { read().forEachLink(a); }
        @Override public IntRelation inverse() { return proxy().inverse().ints(); }

        @Override
        public boolean link(int l, int r) {
            check(l, "left");
            check(r, "right");
            return junction.writes.writeBool(() -> proxy().linkIds(junction.ownTxn(), l, r));
        }

        @Override
        public boolean unlink(int l, int r) {
            check(l, "left");
            check(r, "right");
            return junction.writes.writeBool(() -> proxy().unlinkIds(junction.ownTxn(), l, r));
        }

        @Override
        public long linkAll(int[] ls, int[] rs) {
            Objects.requireNonNull(ls, () -> "relation '" + name + "': lefts are null");
            Objects.requireNonNull(rs, () -> "relation '" + name + "': rights are null");
            if (ls.length != rs.length) {
                throw new IllegalArgumentException("relation '" + name + "': " + ls.length + " lefts but "
                        + rs.length + " rights");
            }
            for (int i = 0; i < ls.length; i++) {
                check(ls[i], "left");
                check(rs[i], "right");
            }
            return junction.writes.write(() -> {
                long n = 0;
                Txn t = junction.ownTxn();
                for (int i = 0; i < ls.length; i++) {
                    if (proxy().linkIds(t, ls[i], rs[i])) n++;
                }
                return n;
            });
        }

        @Override
        public int removeLeft(int l) {
            check(l, "left");
            return junction.writes.writeInt(() -> removeAllOf(junction.ownTxn(), l, !flipped));
        }

        @Override
        public int removeRight(int r) {
            check(r, "right");
            return junction.writes.writeInt(() -> removeAllOf(junction.ownTxn(), r, flipped));
        }

        @Override
        public boolean replaceRights(int l, int[] rs) {
            check(l, "left");
            Objects.requireNonNull(rs, () -> "relation '" + name + "': the new rights are null");
            for (int r : rs) check(r, "right");
            return junction.writes.writeBool(() -> proxy().replaceIds(junction.ownTxn(), l, rs));
        }

        @Override
        public boolean replaceLefts(int r, int[] ls) {
            check(r, "right");
            Objects.requireNonNull(ls, () -> "relation '" + name + "': the new lefts are null");
            for (int l : ls) check(l, "left");
            Pairs inv = (Pairs) proxy().inverse();
            return junction.writes.writeBool(() -> inv.replaceIds(junction.ownTxn(), r, ls));
        }

        @Override
        public void clear() {
            junction.writes.write(() -> {
                Txn t = junction.ownTxn();
                it.unimi.dsi.fastutil.ints.IntOpenHashSet lefts = new it.unimi.dsi.fastutil.ints.IntOpenHashSet();
                reading(pairRel).forEachLink((l, r) -> lefts.add(l));
                for (int l : lefts.toIntArray()) removeAllOf(t, l, true);
                return null;
            });
        }

        @Override
        public String toString() {
            return "ints of " + proxy();
        }
    }
}
