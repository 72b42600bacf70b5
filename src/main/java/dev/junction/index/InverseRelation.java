package dev.junction.index;

import java.util.function.IntConsumer;

/**
 * An {@link IntRelation} seen from the other side: left and right exchanged, same storage, no state of its own.
 * Messages of exceptions are the base relation's, so they name the sides as the base sees them.
 */
final class InverseRelation implements IntRelation {

    private final IntRelation base;

    InverseRelation(IntRelation base) {
        this.base = base;
    }

    @Override public IntRelation inverse() { return base; }
    @Override public String name() { return base.name(); }
    @Override public Kind kind() { return base.kind(); }
    @Override public boolean link(int left, int right) { return base.link(right, left); }
    @Override public long linkAll(int[] lefts, int[] rights) { return base.linkAll(rights, lefts); }
    @Override public boolean unlink(int left, int right) { return base.unlink(right, left); }
    @Override public boolean contains(int left, int right) { return base.contains(right, left); }
    @Override public IntNeighborSet rightsOf(int left) { return base.leftsOf(left); }
    @Override public IntNeighborSet leftsOf(int right) { return base.rightsOf(right); }
    @Override public int copyRightsTo(int left, int[] dest) { return base.copyLeftsTo(left, dest); }
    @Override public int copyLeftsTo(int right, int[] dest) { return base.copyRightsTo(right, dest); }
    @Override public void forEachRight(int left, IntConsumer action) { base.forEachLeft(left, action); }
    @Override public void forEachLeft(int right, IntConsumer action) { base.forEachRight(right, action); }
    @Override public int degreeOfLeft(int left) { return base.degreeOfRight(left); }
    @Override public int degreeOfRight(int right) { return base.degreeOfLeft(right); }
    @Override public long size() { return base.size(); }
    @Override public void forEachLink(LinkConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + base.name() + "': action is null");
        base.forEachLink((l, r) -> action.accept(r, l));
    }
    @Override public int removeLeft(int left) { return base.removeRight(left); }
    @Override public int removeRight(int right) { return base.removeLeft(right); }
    @Override public boolean replaceRights(int left, int[] rights) { return base.replaceLefts(left, rights); }
    @Override public boolean replaceLefts(int right, int[] lefts) { return base.replaceRights(right, lefts); }
    @Override public void clear() { base.clear(); }
    @Override public String toString() { return "inverse of " + base; }
}
