package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import dev.junction.index.LinkConsumer;
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
 * The distinct pairs as a relation, and the association proxy: writes create and delete rows. One class
 * for both orientations ({@link #orientation}).
 */
final class AssociationPairs implements Relation<Object, Object> {

    final AssociationTableImpl<?, ?> table;
    /** Which way this view faces the pairs' storage (inverse: its left is the association table's right). */
    private final Orientation orientation;
    private AssociationPairs inverse;
    private final Ints ints;

    AssociationPairs(AssociationTableImpl<?, ?> table, Orientation orientation) {
        this.table = table;
        this.orientation = orientation;
        this.ints = new Ints(this, orientation);
    }

    private RelationImpl<Object, Object> view() {
        @SuppressWarnings("unchecked")
        RelationImpl<Object, Object> v = (RelationImpl<Object, Object>) (orientation.isInverse() ? table.pairRel.inverse() : table.pairRel);
        return v;
    }

    private AbstractTable<?> myLeft() {
        return orientation.isInverse() ? table.right : table.left;
    }

    private AbstractTable<?> myRight() {
        return orientation.isInverse() ? table.left : table.right;
    }

    @SuppressWarnings("unchecked")
    private <E> AbstractTable<E> cast(AbstractTable<?> t) {
        return (AbstractTable<E>) t;
    }

    /** Links by this orientation's ids: a row with defaults if the pair has none. */
    boolean linkIds(Txn t, int a, int b) {
        int l = orientation.storageLeft(a, b);
        int r = orientation.storageRight(a, b);
        if (table.reading(table.pairRel).contains(l, r)) return false;
        table.addRow(t, l, r, new RowColumns.ValueImpl[0]);
        return true;
    }

    boolean unlinkIds(Txn t, int a, int b) {
        int l = orientation.storageLeft(a, b);
        int r = orientation.storageRight(a, b);
        return table.removePair(t, l, r) > 0;
    }

    @Override
    public String name() {
        return table.name;
    }

    @Override
    public IntRelation.Kind kind() {
        return table.pairRel.kind();
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
            AssociationPairs i = new AssociationPairs(table, orientation.inverse());
            i.inverse = this;
            inverse = i;
        }
        return inverse;
    }

    @Override
    public boolean link(Object a, Object b) {
        view().fromLeft.checkOwner(a);
        view().fromLeft.checkElement(b);
        return table.junction.writes.writeBool(() -> {
            Txn t = table.junction.ownTxn();
            int x = cast(myLeft()).findOrInsert(t, a);
            int y = cast(myRight()).findOrInsert(t, b);
            return linkIds(t, x, y);
        });
    }

    @Override
    public boolean unlink(Object a, Object b) {
        view().fromLeft.checkOwner(a);
        view().fromLeft.checkElement(b);
        return table.junction.writes.writeBool(() -> {
            int x = myLeft().find(a);
            int y = x < 0 ? -1 : myRight().find(b);
            return y >= 0 && unlinkIds(table.junction.ownTxn(), x, y);
        });
    }

    @Override
    public boolean contains(Object a, Object b) {
        return view().contains(a, b);
    }

    @Override
    public NeighborSet<Object> rightsOf(Object a) {
        return new ProxySet(this, a, view().rightsOf(a));
    }

    @Override
    public NeighborSet<Object> leftsOf(Object b) {
        return new ProxySet((AssociationPairs) inverse(), b, view().leftsOf(b));
    }

    @Override
    public boolean setRights(Object a, Collection<?> others) {
        view().fromLeft.checkOwner(a);
        Object[] items = view().fromLeft.snapshot(others);
        return table.junction.writes.writeBool(() -> {
            Txn t = table.junction.ownTxn();
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
        IntRelation v = table.reading(table.pairRel);
        int[] target = ys.clone();
        Arrays.sort(target);
        boolean changed = false;
        for (int y : (orientation.isStorageLeft(true) ? v.rightsOf(a) : v.leftsOf(a)).toIntArray()) {
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
        return table.pairRel.size();
    }

    private UnsupportedOperationException noColumns() {
        return new UnsupportedOperationException("association table '" + table.name + "': its pairs carry no link "
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
        throw new NoSuchElementException("association table '" + table.name + "': its pairs have no column named '"
                + n + "'; the rows' columns are " + table.columnList.stream().map(RowColumn::name).toList());
    }

    @Override
    public boolean link(Object a, Object b, LinkColumn.Value... values) {
        Objects.requireNonNull(values, () -> "association table '" + table.name + "': values are null");
        if (values.length > 0) throw noColumns();
        return link(a, b);
    }

    @Override
    public String toString() {
        return "pairs of association table '" + table.name + "' (" + myLeft().name + " -> " + myRight().name + ", "
                + size() + " pairs)";
    }

    /**
     * A live view of the others of one entity in the pairs; writes go through the proxy, and each call (bulk ones
     * included) is one atomic write. Iterators walk a copy taken when they are made.
     */
    private static final class ProxySet extends PagedNeighborSet<Object> {
        private final AssociationPairs pairs;
        private final Object owner;
        private final RelatedSet<Object, Object> view;

        ProxySet(AssociationPairs pairs, Object owner, RelatedSet<Object, Object> view) {
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

        /** Pages are reads: the pairs' own view pages them. */
        @Override
        List<Object> page(Object cursor, boolean hasCursor, int limit, boolean descending) {
            return view.page(cursor, hasCursor, limit, descending);
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
            return pairs.table.junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : items) changed |= pairs.link(owner, o);
                return changed;
            });
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            Objects.requireNonNull(c, () -> "association table '" + pairs.table.name + "': collection is null");
            Object[] items = pairs.table.junction.gate.read(c::toArray);
            return pairs.table.junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : items) {
                    if (o != null) changed |= pairs.unlink(owner, o);
                }
                return changed;
            });
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            Objects.requireNonNull(c, () -> "association table '" + pairs.table.name + "': collection is null");
            return pairs.table.junction.writes.writeBool(() -> {
                boolean changed = false;
                for (Object o : view.toArray()) {
                    if (!c.contains(o)) changed |= pairs.unlink(owner, o);
                }
                return changed;
            });
        }

        @Override
        public boolean removeIf(java.util.function.Predicate<? super Object> filter) {
            Objects.requireNonNull(filter, () -> "association table '" + pairs.table.name + "': filter is null");
            return pairs.table.junction.writes.writeBool(() -> {
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
    private static final class Ints implements IntRelation {
        private final AssociationPairs pairs;
        private final Orientation orientation;

        Ints(AssociationPairs pairs, Orientation orientation) {
            this.pairs = pairs;
            this.orientation = orientation;
        }

        private IntRelation read() {
            return orientation.of(pairs.table.pairRel.ints());
        }

        private AssociationPairs proxy() {
            return orientation.isInverse() ? (AssociationPairs) pairs.table.primaryPairs.inverse() : pairs.table.primaryPairs;
        }

        private void check(int id, String role) {
            if (id < 0) {
                throw new IllegalArgumentException("relation '" + pairs.table.name + "': " + role + " id " + id + " is negative");
            }
        }

        @Override public String name() { return pairs.table.name; }
        @Override public Kind kind() { return pairs.table.pairRel.kind(); }
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
            return pairs.table.junction.writes.writeBool(() -> proxy().linkIds(pairs.table.junction.ownTxn(), l, r));
        }

        @Override
        public boolean unlink(int l, int r) {
            check(l, "left");
            check(r, "right");
            return pairs.table.junction.writes.writeBool(() -> proxy().unlinkIds(pairs.table.junction.ownTxn(), l, r));
        }

        @Override
        public long linkAll(int[] ls, int[] rs) {
            Objects.requireNonNull(ls, () -> "relation '" + pairs.table.name + "': lefts are null");
            Objects.requireNonNull(rs, () -> "relation '" + pairs.table.name + "': rights are null");
            if (ls.length != rs.length) {
                throw new IllegalArgumentException("relation '" + pairs.table.name + "': " + ls.length + " lefts but "
                        + rs.length + " rights");
            }
            for (int i = 0; i < ls.length; i++) {
                check(ls[i], "left");
                check(rs[i], "right");
            }
            return pairs.table.junction.writes.write(() -> {
                long n = 0;
                Txn t = pairs.table.junction.ownTxn();
                for (int i = 0; i < ls.length; i++) {
                    if (proxy().linkIds(t, ls[i], rs[i])) n++;
                }
                return n;
            });
        }

        @Override
        public int removeLeft(int l) {
            check(l, "left");
            return pairs.table.junction.writes.writeInt(() -> pairs.table.removeAllOf(pairs.table.junction.ownTxn(), l, orientation.isStorageLeft(true)));
        }

        @Override
        public int removeRight(int r) {
            check(r, "right");
            return pairs.table.junction.writes.writeInt(() -> pairs.table.removeAllOf(pairs.table.junction.ownTxn(), r, orientation.isStorageLeft(false)));
        }

        @Override
        public boolean replaceRights(int l, int[] rs) {
            check(l, "left");
            Objects.requireNonNull(rs, () -> "relation '" + pairs.table.name + "': the new rights are null");
            for (int r : rs) check(r, "right");
            return pairs.table.junction.writes.writeBool(() -> proxy().replaceIds(pairs.table.junction.ownTxn(), l, rs));
        }

        @Override
        public boolean replaceLefts(int r, int[] ls) {
            check(r, "right");
            Objects.requireNonNull(ls, () -> "relation '" + pairs.table.name + "': the new lefts are null");
            for (int l : ls) check(l, "left");
            AssociationPairs inv = (AssociationPairs) proxy().inverse();
            return pairs.table.junction.writes.writeBool(() -> inv.replaceIds(pairs.table.junction.ownTxn(), r, ls));
        }

        @Override
        public void clear() {
            pairs.table.junction.writes.write(() -> {
                Txn t = pairs.table.junction.ownTxn();
                it.unimi.dsi.fastutil.ints.IntOpenHashSet lefts = new it.unimi.dsi.fastutil.ints.IntOpenHashSet();
                pairs.table.reading(pairs.table.pairRel).forEachLink((l, r) -> lefts.add(l));
                for (int l : lefts.toIntArray()) pairs.table.removeAllOf(t, l, true);
                return null;
            });
        }

        @Override
        public String toString() {
            return "ints of " + proxy();
        }
    }
}
