package dev.junction;

import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * The implementations of {@link LinkColumn}: one class per value type over the relation's {@link ColumnStore}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Keys.</b> A value is keyed by its link in the storage's orientation ({@link RelationImpl#pairKey});
 *       a column object taken from the inverse relation swaps its arguments first, so both sides read one
 *       value.</li>
 *   <li><b>Reads.</b> Primitive values travel as {@code long} bits through one validated-read routine
 *       ({@link Base#bits}): the link check, the slot lookup and the array read happen under one optimistic
 *       stamp, retried under the read lock if a commit raced; the caller's thread reads its own transaction
 *       first. Nothing unvalidated reaches user code: predicates and sorting run on a validated copy.</li>
 *   <li><b>Writes</b> run in the calling thread's transaction (or one of their own) and go to its
 *       {@link ColumnStore.Overlay}; the value is written last, after every check, so a failed call changes
 *       nothing.</li>
 * </ul>
 */
final class LinkColumns {

    private LinkColumns() {
    }

    /** What the ordered and filtered collections read in one consistent step. */
    private static final class Collected {
        int[] ids;
        long[] bits;
        Object[] objects;
        Object[] entities;
        /** The id of the page cursor, or -1. */
        int cursor = -1;
    }

    abstract static class Base<L, R> extends ColumnHandle implements LinkColumn<L, R> {
        final RelationImpl<L, R> rel;
        final RelationImpl<?, ?> primary;
        /** Which way this column's relation view faces the storage. */
        final Orientation orientation;
        Base<R, L> inverse;

        Base(String name, RelationImpl<L, R> rel, byte type, int k, long defBits, Object defObject) {
            super(name, rel.primary.columns, rel.left.junction, type, k, defBits, defObject);
            this.rel = rel;
            this.primary = rel.primary;
            this.orientation = rel.orientation;
        }

        /** The same column for the inverse relation. */
        abstract Base<R, L> flip();

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Relation<L, R> relation() {
            return rel;
        }

        @Override
        public LinkColumn<R, L> inverse() {
            if (rel.kind() == IntRelation.Kind.SYMMETRIC) {
                @SuppressWarnings("unchecked") LinkColumn<R, L> self = (LinkColumn<R, L>) this;
                return self;
            }
            Base<R, L> i = inverse;
            if (i == null) {
                i = flip();
                i.inverse = this;
                inverse = i;
            }
            return i;
        }

        final String what() {
            return "column '" + name + "' of relation '" + rel.name + "'";
        }

        final NoSuchElementException notLinked(Object l, Object r) {
            return new NoSuchElementException(what() + ": (" + l + ", " + r + ") is not linked");
        }

        // ---- reads ---------------------------------------------------------------------------------------

        /** The store holding {@code key}'s values as this thread sees them, or null for the defaults. */
        private ColumnStore holder(long key) {
            Txn t = junction.ownTxn();
            ColumnStore.Overlay o = t == null ? null : t.columnOverlays.get(store);
            if (o != null) return o.storeOf(key);
            return store.slot(key) >= 0 ? store : null;
        }

        private IntRelation reading() {
            Txn t = junction.ownTxn();
            if (t != null) {
                DeltaRelation d = t.deltas.get(primary);
                if (d != null) return d;
            }
            return primary.store;
        }

        /**
         * The ids {@code (l, r)} packed in a long: given, or the entities' ids (this runs the tables' key
         * functions, so never under the write stamp).
         */
        private long packedIds(Object le, Object re, int l, int r) {
            if (le != null) {
                l = rel.left.find(le);
                r = l < 0 ? -1 : rel.right.find(re);
                if (r < 0) throw notLinked(le, re);
            }
            return ((long) l << 32) | (r & 0xFFFFFFFFL);
        }

        /** The storage key of the link of packed ids (oriented like this column), checked to be linked. */
        private long keyOfLinked(long ids, Object le, Object re) {
            int l = (int) (ids >>> 32);
            int r = (int) ids;
            int sl = orientation.storageLeft(l, r);
            int sr = orientation.storageRight(l, r);
            if (!reading().contains(sl, sr)) { // checks the ids
                throw le != null ? notLinked(le, re) : notLinked(l, r);
            }
            return primary.pairKey(sl, sr);
        }

        /** The storage key of the link {@code (l, r)} (ids oriented like this column), checked to be linked. */
        private long linkedKey(Object le, Object re, int l, int r) {
            return keyOfLinked(packedIds(le, re, l, r), le, re);
        }

        private long bitsNow(Object le, Object re, int l, int r) {
            long key = linkedKey(le, re, l, r);
            ColumnStore cs = holder(key);
            return cs == null ? defaultBits() : bitsAt(cs, cs.slot(key));
        }

        private Object objectNow(Object le, Object re, int l, int r) {
            long key = linkedKey(le, re, l, r);
            ColumnStore cs = holder(key);
            return cs == null ? defaultObject() : objectAt(cs, cs.slot(key));
        }

        /** By entities (both given) or by ids (both null); a message is built only when one is missing. */
        private void checkEntities(Object le, Object re) {
            if ((le == null) != (re == null)) {
                throw new NullPointerException(what() + ": " + (le == null ? "left" : "right") + " entity is null");
            }
        }

        /** A primitive value as bits, read consistently: by entities if {@code le} is not null, else by ids. */
        final long bits(Object le, Object re, int l, int r) {
            checkEntities(le, re);
            return junction.gate.readLong(this, ((long) l << 32) | (r & 0xFFFFFFFFL), le, re, BITS, BITS);
        }

        /** A value's bits by entities (x, y) or by packed ids; reads this thread's overlay if it has one. */
        private static final ReadGate.LongRead<Base<?, ?>> BITS =
                (c, ids, le, re) -> c.bitsNow(le, re, (int) (ids >>> 32), (int) ids);

        final Object object(Object le, Object re, int l, int r) {
            checkEntities(le, re);
            return junction.gate.read(this, ((long) l << 32) | (r & 0xFFFFFFFFL), le, re, OBJECT);
        }

        private static final ReadGate.Read<Base<?, ?>, Object> OBJECT =
                (c, ids, le, re) -> c.objectNow(le, re, (int) (ids >>> 32), (int) ids);

        // ---- writes --------------------------------------------------------------------------------------

        /** Sets a value in this thread's transaction (or one of its own). */
        final void write(Object le, Object re, int l, int r, long bits, Object obj) {
            checkEntities(le, re);
            // in place: one slot write, no overlay; key functions run before the stamp
            junction.writes.write(Committer.WriteKind.VALUE, primary, () -> packedIds(le, re, l, r), ids -> {
                long key = keyOfLinked(ids, le, re);
                int s = store.slotForWrite(key); // allocates first: nothing changed if it throws
                put(store, s, bits, obj);
                return null;
            }, () -> {
                long key = linkedKey(le, re, l, r);
                put(junction.ownTxn(), key, bits, obj);
                return null;
            });
        }


        // ---- collections ---------------------------------------------------------------------------------

        private Collected collect(Object owner, boolean ofLeft) {
            return collect(owner, ofLeft, null);
        }

        /** The links of {@code owner} and their values; with a cursor, its position in {@link Collected#ids}. */
        private Collected collect(Object owner, boolean ofLeft, Object cursor) {
            Objects.requireNonNull(owner, () -> what() + ": entity is null");
            return junction.gate.read(() -> {
                Side<?, ?> side = ofLeft ? rel.fromLeft : rel.fromRight;
                Collected c = new Collected();
                int o = side.ownerTable.find(owner);
                if (cursor != null) { // in this same read: the page continues from the state it is read in
                    int x = o < 0 ? -1 : side.otherTable.find(cursor);
                    if (x < 0 || !side.linked(o, x)) {
                        throw new NoSuchElementException(what() + ": page cursor " + cursor + " is not linked to "
                                + owner);
                    }
                    c.cursor = x;
                }
                c.ids = o < 0 ? new int[0] : side.neighbours(o).toIntArray();
                int n = c.ids.length;
                if (isObject()) c.objects = new Object[n]; else c.bits = new long[n];
                c.entities = new Object[n];
                for (int i = 0; i < n; i++) {
                    int x = c.ids[i];
                    int l = ofLeft ? o : x;
                    int r = ofLeft ? x : o;
                    long key = primary.pairKey(orientation.storageLeft(l, r), orientation.storageRight(l, r));
                    ColumnStore cs = holder(key);
                    if (isObject()) {
                        c.objects[i] = cs == null ? defaultObject() : objectAt(cs, cs.slot(key));
                    } else {
                        c.bits[i] = cs == null ? defaultBits() : bitsAt(cs, cs.slot(key));
                    }
                    c.entities[i] = side.otherTable.entity(x);
                }
                return c;
            });
        }

        @SuppressWarnings("unchecked")
        private <T> List<T> ordered(Object owner, boolean ofLeft, boolean descending) {
            Collected c = collect(owner, ofLeft); // ids ascending: stable ties stay in id order
            int[] order = ColumnStore.order(type, c.bits, c.objects, null, descending, what());
            List<T> out = new ArrayList<>(order.length);
            for (int i : order) out.add((T) c.entities[i]);
            return out;
        }

        /** A page of the ordered others of {@code owner}: after the cursor's (value, id), or the first. */
        @SuppressWarnings("unchecked")
        private <T> List<T> orderedPage(Object owner, boolean ofLeft, Object cursor, int limit, boolean descending) {
            if (limit < 0) throw new IllegalArgumentException(what() + ": page limit " + limit + " < 0");
            Collected c = collect(owner, ofLeft, cursor); // ids ascending: ties stay in id order
            int[] order = ColumnStore.order(type, c.bits, c.objects, null, descending, what());
            int from = 0;
            if (cursor != null) { // (value, id) is a total order: the page starts right after the cursor's place
                while (c.ids[order[from]] != c.cursor) from++;
                from++;
            }
            int to = (int) Math.min(order.length, (long) from + limit);
            List<T> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) out.add((T) c.entities[order[i]]);
            return out;
        }

        @Override
        public final List<R> rightsPage(L left, int limit, boolean descending) {
            return orderedPage(left, true, null, limit, descending);
        }

        @Override
        public final List<R> rightsPageAfter(L left, R after, int limit, boolean descending) {
            Objects.requireNonNull(after, () -> what() + ": page cursor is null");
            return orderedPage(left, true, after, limit, descending);
        }

        @Override
        public final List<L> leftsPage(R right, int limit, boolean descending) {
            return orderedPage(right, false, null, limit, descending);
        }

        @Override
        public final List<L> leftsPageAfter(R right, L after, int limit, boolean descending) {
            Objects.requireNonNull(after, () -> what() + ": page cursor is null");
            return orderedPage(right, false, after, limit, descending);
        }

        @Override
        public final List<R> rightsOrdered(L left, boolean descending) {
            return ordered(left, true, descending);
        }

        @Override
        public final List<L> leftsOrdered(R right, boolean descending) {
            return ordered(right, false, descending);
        }

        /** The other entities of {@code owner} whose value matches, ascending by id. */
        @SuppressWarnings("unchecked")
        final <T> List<T> whereBits(Object owner, boolean ofLeft, LongPredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            Collected c = collect(owner, ofLeft);
            List<T> out = new ArrayList<>();
            for (int i = 0; i < c.ids.length; i++) {
                if (p.test(c.bits[i])) out.add((T) c.entities[i]);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        final <T> List<T> whereObjects(Object owner, boolean ofLeft, Predicate<Object> p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            Collected c = collect(owner, ofLeft);
            List<T> out = new ArrayList<>();
            for (int i = 0; i < c.ids.length; i++) {
                if (p.test(c.objects[i])) out.add((T) c.entities[i]);
            }
            return out;
        }

        @Override
        public String toString() {
            return what() + " (" + type().getName() + ")";
        }
    }

    /** A value to link with. */
    record ValueImpl(Base<?, ?> column, long bits, Object object) implements LinkColumn.Value {
    }

    // ---- one class per type ----------------------------------------------------------------------------

    static final class LongColumn<L, R> extends Base<L, R> implements LinkColumn.OfLong<L, R> {
        LongColumn(String name, RelationImpl<L, R> rel, int k, long defBits) {
            super(name, rel, ColumnStore.LONG, k, defBits, null);
        }

        @Override Base<R, L> flip() { return new LongColumn<>(name, (RelationImpl<R, L>) rel.inverse(), k, defBits); }
        @Override public Class<?> type() { return long.class; }
        @Override public long defaultValue() { return defaultBits(); }
        @Override public long get(L left, R right) { return bits(left, right, 0, 0); }
        @Override public void set(L left, R right, long v) { write(left, right, 0, 0, v, null); }
        @Override public long getByIds(int left, int right) { return bits(null, null, left, right); }
        @Override public void setByIds(int left, int right, long v) { write(null, null, left, right, v, null); }
        @Override public Value value(long v) { return new ValueImpl(this, v, null); }
        @Override public List<R> rightsWhere(L left, LongPredicate p) { return whereBits(left, true, p); }
        @Override public List<L> leftsWhere(R right, LongPredicate p) { return whereBits(right, false, p); }
        @Override public OfLong<R, L> inverse() { return (OfLong<R, L>) super.inverse(); }
    }

    static final class IntColumn<L, R> extends Base<L, R> implements LinkColumn.OfInt<L, R> {
        IntColumn(String name, RelationImpl<L, R> rel, int k, long defBits) {
            super(name, rel, ColumnStore.INT, k, defBits, null);
        }

        @Override Base<R, L> flip() { return new IntColumn<>(name, (RelationImpl<R, L>) rel.inverse(), k, defBits); }
        @Override public Class<?> type() { return int.class; }
        @Override public int defaultValue() { return (int) defaultBits(); }
        @Override public int get(L left, R right) { return (int) bits(left, right, 0, 0); }
        @Override public void set(L left, R right, int v) { write(left, right, 0, 0, v, null); }
        @Override public int getByIds(int left, int right) { return (int) bits(null, null, left, right); }
        @Override public void setByIds(int left, int right, int v) { write(null, null, left, right, v, null); }
        @Override public Value value(int v) { return new ValueImpl(this, v, null); }
        @Override public List<R> rightsWhere(L left, IntPredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereBits(left, true, b -> p.test((int) b));
        }
        @Override public List<L> leftsWhere(R right, IntPredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereBits(right, false, b -> p.test((int) b));
        }
        @Override public OfInt<R, L> inverse() { return (OfInt<R, L>) super.inverse(); }
    }

    static final class DoubleColumn<L, R> extends Base<L, R> implements LinkColumn.OfDouble<L, R> {
        DoubleColumn(String name, RelationImpl<L, R> rel, int k, long defBits) {
            super(name, rel, ColumnStore.DOUBLE, k, defBits, null);
        }

        @Override Base<R, L> flip() { return new DoubleColumn<>(name, (RelationImpl<R, L>) rel.inverse(), k, defBits); }
        @Override public Class<?> type() { return double.class; }
        @Override public double defaultValue() { return Double.longBitsToDouble(defaultBits()); }
        @Override public double get(L left, R right) { return Double.longBitsToDouble(bits(left, right, 0, 0)); }
        @Override public void set(L left, R right, double v) {
            write(left, right, 0, 0, Double.doubleToRawLongBits(v), null);
        }
        @Override public double getByIds(int left, int right) {
            return Double.longBitsToDouble(bits(null, null, left, right));
        }
        @Override public void setByIds(int left, int right, double v) {
            write(null, null, left, right, Double.doubleToRawLongBits(v), null);
        }
        @Override public Value value(double v) { return new ValueImpl(this, Double.doubleToRawLongBits(v), null); }
        @Override public List<R> rightsWhere(L left, DoublePredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereBits(left, true, b -> p.test(Double.longBitsToDouble(b)));
        }
        @Override public List<L> leftsWhere(R right, DoublePredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereBits(right, false, b -> p.test(Double.longBitsToDouble(b)));
        }
        @Override public OfDouble<R, L> inverse() { return (OfDouble<R, L>) super.inverse(); }
    }

    static final class BooleanColumn<L, R> extends Base<L, R> implements LinkColumn.OfBoolean<L, R> {
        BooleanColumn(String name, RelationImpl<L, R> rel, int k, long defBits) {
            super(name, rel, ColumnStore.BOOLEAN, k, defBits, null);
        }

        @Override Base<R, L> flip() { return new BooleanColumn<>(name, (RelationImpl<R, L>) rel.inverse(), k, defBits); }
        @Override public Class<?> type() { return boolean.class; }
        @Override public boolean defaultValue() { return defaultBits() != 0; }
        @Override public boolean get(L left, R right) { return bits(left, right, 0, 0) != 0; }
        @Override public void set(L left, R right, boolean v) { write(left, right, 0, 0, v ? 1 : 0, null); }
        @Override public boolean getByIds(int left, int right) { return bits(null, null, left, right) != 0; }
        @Override public void setByIds(int left, int right, boolean v) { write(null, null, left, right, v ? 1 : 0, null); }
        @Override public Value value(boolean v) { return new ValueImpl(this, v ? 1 : 0, null); }
        @Override public List<R> rightsWhere(L left, boolean v) { return whereBits(left, true, b -> (b != 0) == v); }
        @Override public List<L> leftsWhere(R right, boolean v) { return whereBits(right, false, b -> (b != 0) == v); }
        @Override public OfBoolean<R, L> inverse() { return (OfBoolean<R, L>) super.inverse(); }
    }

    static final class ObjectColumn<L, R, V> extends Base<L, R> implements LinkColumn.OfObject<L, R, V> {
        final Class<V> valueType;

        ObjectColumn(String name, RelationImpl<L, R> rel, int k, Class<V> valueType, Object def) {
            super(name, rel, ColumnStore.OBJECT, k, 0, def);
            this.valueType = valueType;
        }

        private V checked(Object v) {
            return checkedValue(valueType, v, what());
        }

        @Override Base<R, L> flip() {
            return new ObjectColumn<>(name, (RelationImpl<R, L>) rel.inverse(), k, valueType, defObject);
        }
        @Override public Class<?> type() { return valueType; }
        @Override public V defaultValue() { return valueType.cast(defaultObject()); }
        @Override public V get(L left, R right) { return valueType.cast(object(left, right, 0, 0)); }
        @Override public void set(L left, R right, V v) { write(left, right, 0, 0, 0, checked(v)); }
        @Override public V getByIds(int left, int right) { return valueType.cast(object(null, null, left, right)); }
        @Override public void setByIds(int left, int right, V v) { write(null, null, left, right, 0, checked(v)); }
        @Override public Value value(V v) { return new ValueImpl(this, 0, checked(v)); }
        @Override public List<R> rightsWhere(L left, Predicate<? super V> p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereObjects(left, true, o -> p.test(valueType.cast(o)));
        }
        @Override public List<L> leftsWhere(R right, Predicate<? super V> p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return whereObjects(right, false, o -> p.test(valueType.cast(o)));
        }
        @Override @SuppressWarnings("unchecked") public OfObject<R, L, V> inverse() {
            return (OfObject<R, L, V>) super.inverse();
        }
    }

    /** Checks the values to link with belong to {@code rel}; returns them as implementations. */
    static ValueImpl[] check(RelationImpl<?, ?> rel, LinkColumn.Value[] values) {
        Objects.requireNonNull(values, () -> "relation '" + rel.name + "': values are null");
        ValueImpl[] out = new ValueImpl[values.length];
        for (int i = 0; i < values.length; i++) {
            LinkColumn.Value v = values[i];
            if (v == null) {
                throw new NullPointerException("relation '" + rel.name + "': value " + i + " is null");
            }
            if (!(v instanceof ValueImpl vi) || vi.column().primary != rel.primary) {
                throw new IllegalArgumentException("relation '" + rel.name + "': " + v.column()
                        + " is not a column of this relation");
            }
            out[i] = vi;
        }
        return out;
    }
}
