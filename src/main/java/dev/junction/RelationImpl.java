package dev.junction;

import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Set;

/**
 * A typed relation: an {@link IntRelation} (the storage, shared with the inverse) and the two {@link Side}s.
 * The primary relation has {@code flipped == false}: its left table holds the storage's left ids.
 */
final class RelationImpl<L, R> implements Relation<L, R> {

    final String name;
    final IntRelation store;
    final boolean flipped;
    final AbstractTable<L> left;
    final AbstractTable<R> right;
    /** The relation as declared: owner of the storage, key of transaction overlays, target of events. */
    final RelationImpl<?, ?> primary;
    /** rightsOf(left): the owner is a left entity of this relation. */
    final Side<L, R> fromLeft;
    /** leftsOf(right): the owner is a right entity of this relation. */
    final Side<R, L> fromRight;
    private RelationImpl<R, L> inverse;
    private final IntRelation ints;

    /** A primary relation. */
    RelationImpl(String name, IntRelation store, AbstractTable<L> left, AbstractTable<R> right) {
        this.name = name;
        this.store = store;
        this.flipped = false;
        this.left = left;
        this.right = right;
        this.primary = this;
        this.fromLeft = new Side<>(this, this, store, true, left, right);
        this.fromRight = new Side<>(this, this, store, false, right, left);
        this.ints = new SharedIntRelation(this, false);
    }

    /** The inverse of {@code primary}: same storage, sides exchanged. */
    private RelationImpl(RelationImpl<R, L> primary) {
        this.name = primary.name;
        this.store = primary.store;
        this.flipped = !primary.flipped;
        this.left = primary.right;
        this.right = primary.left;
        this.primary = primary;
        this.fromLeft = new Side<>(this, primary, store, false, left, right);
        this.fromRight = new Side<>(this, primary, store, true, right, left);
        this.inverse = primary;
        this.ints = ((SharedIntRelation) primary.ints).inverse();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public IntRelation.Kind kind() {
        return store.kind();
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
    public Set<R> rightsOf(L l) {
        return new RelatedSet<>(fromLeft, l);
    }

    @Override
    public Set<L> leftsOf(R r) {
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
        return left.junction.read0(() -> fromLeft.reading().size());
    }

    @Override
    public String toString() {
        String arrow = store.kind() == IntRelation.Kind.SYMMETRIC ? " <-> " : " -> ";
        return "relation '" + name + "' (" + left.name + arrow + right.name + ", " + size() + " links)";
    }
}
