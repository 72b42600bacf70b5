package dev.junction;

import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Set;

/**
 * A typed relation: an {@link IntRelation} (the storage, shared with the inverse) and the two {@link Side}s.
 * The primary relation has {@link Orientation#DECLARED}: its left table holds the storage's left ids.
 */
final class RelationImpl<L, R> extends TablePair<L, R> implements Relation<L, R> {

    final IntRelation store;
    /** Which way this view faces the storage: the primary as declared, its inverse the other way. */
    final Orientation orientation;
    /** The relation as declared: owner of the storage, key of transaction overlays, target of events. */
    final RelationImpl<?, ?> primary;
    /** rightsOf(left): the owner is a left entity of this relation. */
    final Side<L, R> fromLeft;
    /** leftsOf(right): the owner is a right entity of this relation. */
    final Side<R, L> fromRight;
    private RelationImpl<R, L> inverse;
    private final IntRelation ints;
    /** What listeners are told changed: this relation, a proxy over it, or null for none (internal parts). */
    Relation<?, ?> eventTarget = this;
    /** An emptied transaction overlay kept for the next transaction (on the primary; under the write lock). */
    DeltaRelation spareDelta;
    /** The values of the link columns (on the primary; null until the first column is declared). */
    volatile ColumnStore columns;
    /** The columns, primary orientation (on the primary; copy-on-write). */
    volatile java.util.List<LinkColumns.Base<?, ?>> columnList = java.util.List.of();

    /** A primary relation. */
    RelationImpl(String name, IntRelation store, AbstractTable<L> left, AbstractTable<R> right) {
        super(name, left, right);
        this.store = store;
        this.orientation = Orientation.DECLARED;
        this.primary = this;
        this.fromLeft = new Side<>(this, this, store, orientation.isStorageLeft(true), left, right);
        this.fromRight = new Side<>(this, this, store, orientation.isStorageLeft(false), right, left);
        this.ints = new SharedIntRelation(this, Orientation.DECLARED);
    }

    /** The inverse of {@code primary}: same storage, sides exchanged. */
    private RelationImpl(RelationImpl<R, L> primary) {
        super(primary.name, primary.right, primary.left);
        this.store = primary.store;
        this.orientation = primary.orientation.inverse();
        this.primary = primary;
        this.fromLeft = new Side<>(this, primary, store, orientation.isStorageLeft(true), left, right);
        this.fromRight = new Side<>(this, primary, store, orientation.isStorageLeft(false), right, left);
        this.inverse = primary;
        this.ints = ((SharedIntRelation) primary.ints).inverse();
    }

    @Override
    public IntRelation.Kind kind() {
        return store.kind();
    }

    @Override
    public IntRelation ints() {
        return ints;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Relation<R, L> inverse() {
        if (store.kind() == IntRelation.Kind.SYMMETRIC) {
            return (Relation<R, L>) this; // one table at both ends: L and R are the same type
        }
        if (inverse == null) {
            inverse = new RelationImpl<>(this);
        }
        return inverse;
    }

    @Override
    public boolean link(L l, R r) {
        return fromLeft.add(l, r);
    }

    @Override
    public boolean unlink(L l, R r) {
        return fromLeft.remove(l, r);
    }

    @Override
    public boolean contains(L l, R r) {
        return fromLeft.contains(l, r);
    }

    @Override
    public RelatedSet<L, R> rightsOf(L l) {
        return new RelatedSet<>(fromLeft, l);
    }

    @Override
    public RelatedSet<R, L> leftsOf(R r) {
        return new RelatedSet<>(fromRight, r);
    }

    @Override
    public boolean setRights(L l, Collection<? extends R> rights) {
        return fromLeft.replace(l, rights);
    }

    @Override
    public boolean setLefts(R r, Collection<? extends L> lefts) {
        return fromRight.replace(r, lefts);
    }

    @Override
    public long size() {
        return left.junction.gate.read(() -> fromLeft.reading().size());
    }

    /** The key of a link in the storage's orientation (a symmetric pair is keyed low id first). */
    long pairKey(int l, int r) {
        if (l > r && store.kind() == IntRelation.Kind.SYMMETRIC) {
            int t = l;
            l = r;
            r = t;
        }
        return ((long) l << 32) | (r & 0xFFFFFFFFL);
    }

    /** Drops the values of a link unlinked in place (no transaction): caller holds the write stamp. */
    void droppedInPlace(int l, int r) {
        ColumnStore c = primary.columns;
        if (c != null) c.drop(primary.pairKey(l, r));
    }

    // ---- columns ------------------------------------------------------------------------------------------

    @Override
    public LinkColumn.OfLong<L, R> longColumn(String name, long defaultValue) {
        return declare(name, ColumnStore.LONG, defaultValue, 0, 0, false, null, null);
    }

    @Override
    public LinkColumn.OfInt<L, R> intColumn(String name, int defaultValue) {
        return declare(name, ColumnStore.INT, 0, defaultValue, 0, false, null, null);
    }

    @Override
    public LinkColumn.OfDouble<L, R> doubleColumn(String name, double defaultValue) {
        return declare(name, ColumnStore.DOUBLE, 0, 0, defaultValue, false, null, null);
    }

    @Override
    public LinkColumn.OfBoolean<L, R> booleanColumn(String name, boolean defaultValue) {
        return declare(name, ColumnStore.BOOLEAN, 0, 0, 0, defaultValue, null, null);
    }

    @Override
    public <V> LinkColumn.OfObject<L, R, V> objectColumn(String name, Class<V> type, V defaultValue) {
        ColumnStore.checkObjectColumn("relation '" + this.name + "'", name, type, defaultValue);
        left.junction.checkColumnCodec("relation '" + this.name + "'", name, type);
        return declare(name, ColumnStore.OBJECT, 0, 0, 0, false, defaultValue, type);
    }

    @SuppressWarnings("unchecked")
    private <C> C declare(String name, byte type, long l, int i, double d, boolean b, Object o, Class<?> cls) {
        java.util.Objects.requireNonNull(name, () -> "relation '" + this.name + "': column name is null");
        RelationImpl<?, ?> p = primary;
        return left.junction.writes.declareColumn("relation '" + this.name + "'", () -> {
            if (p.columns == null) {
                p.columns = new ColumnStore(new ColumnStore.Schema());
                left.junction.schema.changed();
            }
            int k = p.columns.declare("relation '" + this.name + "'", name, type, l, i, d, b, o, cls);
            LinkColumns.Base<?, ?> c = switch (type) {
                case ColumnStore.LONG -> new LinkColumns.LongColumn<>(name, p, k, l);
                case ColumnStore.INT -> new LinkColumns.IntColumn<>(name, p, k, i);
                case ColumnStore.DOUBLE -> new LinkColumns.DoubleColumn<>(name, p, k, Double.doubleToRawLongBits(d));
                case ColumnStore.BOOLEAN -> new LinkColumns.BooleanColumn<>(name, p, k, b ? 1 : 0);
                default -> new LinkColumns.ObjectColumn<>(name, p, k, cls, o);
            };
            java.util.ArrayList<LinkColumns.Base<?, ?>> list = new java.util.ArrayList<>(p.columnList);
            list.add(c);
            p.columnList = java.util.List.copyOf(list);
            return (C) (orientation.isInverse() ? c.inverse() : c);
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public java.util.List<LinkColumn<L, R>> columns() {
        java.util.List<LinkColumn<L, R>> out = new java.util.ArrayList<>();
        for (LinkColumns.Base<?, ?> c : primary.columnList) {
            out.add((LinkColumn<L, R>) (orientation.isInverse() ? c.inverse() : c));
        }
        return out;
    }

    @Override
    public LinkColumn<L, R> column(String name) {
        for (LinkColumn<L, R> c : columns()) {
            if (c.name().equals(name)) return c;
        }
        throw new java.util.NoSuchElementException("relation '" + this.name + "' has no column named '" + name
                + "'; its columns are " + columns().stream().map(LinkColumn::name).toList());
    }

    @Override
    public boolean link(L l, R r, LinkColumn.Value... values) {
        LinkColumns.ValueImpl[] vs = LinkColumns.check(this, values);
        fromLeft.checkOwner(l);
        fromLeft.checkElement(r);
        return left.junction.writes.writeBool(() -> {
            Txn t = left.junction.ownTxn();
            int o = left.findOrInsert(t, l);
            int x = right.findOrInsert(t, r);
            boolean changed = fromLeft.link(o, x);
            long key = primary.pairKey(orientation.storageLeft(o, x), orientation.storageRight(o, x));
            for (LinkColumns.ValueImpl v : vs) {
                v.column().put(t, key, v.bits(), v.object());
            }
            return changed;
        });
    }

    @Override
    public String toString() {
        String arrow = store.kind() == IntRelation.Kind.SYMMETRIC ? " <-> " : " -> ";
        return "relation '" + name + "' (" + left.name + arrow + right.name + ", " + size() + " links)";
    }
}
