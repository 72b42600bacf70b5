package dev.junction.index;

import java.util.function.IntConsumer;

/**
 * A relation with an index per end: {@code lefts} maps each left id to its rights, {@code rights} each right
 * id to its lefts. Serves {@link IntRelation.Kind#BIPARTITE} (two id spaces) and
 * {@link IntRelation.Kind#DIRECTED} (one id space; left is the source, right the target).
 *
 * <p>Invariant: {@code r ∈ lefts(l) ⇔ l ∈ rights(r)}, and {@code links} is the size of either side. Every
 * write keeps it across every exit: {@link #link} reserves on both sides before inserting on either;
 * removals never allocate.
 */
final class BipartiteRelation extends AbstractIntRelation {

    private final AdjacencyIndex byLeft = new AdjacencyIndex();
    private final AdjacencyIndex byRight = new AdjacencyIndex();

    BipartiteRelation(String name, Kind kind) {
        super(name, kind);
    }

    AdjacencyIndex byLeft() {
        return byLeft;
    }

    AdjacencyIndex byRight() {
        return byRight;
    }

    @Override
    public boolean link(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        if (byLeft.contains(left, right)) return false;
        byLeft.reserve(left, right);
        byRight.reserve(right, left);
        byLeft.insert(left, right);
        byRight.insert(right, left);
        links++;
        return true;
    }

    @Override
    public boolean unlink(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        if (!byLeft.remove(left, right)) return false;
        byRight.remove(right, left);
        links--;
        return true;
    }

    @Override
    public boolean contains(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        return byLeft.contains(left, right);
    }

    @Override
    public IntNeighborSet rightsOf(int left) {
        checkId(left, "left");
        return new NeighborView(byLeft, left, name);
    }

    @Override
    public IntNeighborSet leftsOf(int right) {
        checkId(right, "right");
        return new NeighborView(byRight, right, name);
    }

    @Override
    public void forEachRight(int left, IntConsumer action) {
        checkId(left, "left");
        checkAction(action);
        byLeft.forEach(left, action, name);
    }

    @Override
    public void forEachLeft(int right, IntConsumer action) {
        checkId(right, "right");
        checkAction(action);
        byRight.forEach(right, action, name);
    }

    @Override
    public int degreeOfLeft(int left) {
        checkId(left, "left");
        return byLeft.degree(left);
    }

    @Override
    public int degreeOfRight(int right) {
        checkId(right, "right");
        return byRight.degree(right);
    }

    @Override
    public int removeLeft(int left) {
        checkId(left, "left");
        int[] rights = byLeft.toArray(left);
        for (int r : rights) byRight.remove(r, left);
        byLeft.clearEntity(left);
        links -= rights.length;
        return rights.length;
    }

    @Override
    public int removeRight(int right) {
        checkId(right, "right");
        int[] lefts = byRight.toArray(right);
        for (int l : lefts) byLeft.remove(l, right);
        byRight.clearEntity(right);
        links -= lefts.length;
        return lefts.length;
    }

    @Override
    boolean linkFrom(int owner, int other, boolean ownerIsLeft) {
        return ownerIsLeft ? link(owner, other) : link(other, owner);
    }

    @Override
    boolean unlinkFrom(int owner, int other, boolean ownerIsLeft) {
        return ownerIsLeft ? unlink(owner, other) : unlink(other, owner);
    }

    @Override
    int[] currentOf(int owner, boolean ownerIsLeft) {
        return (ownerIsLeft ? byLeft : byRight).toArray(owner);
    }

    @Override
    public void clear() {
        byLeft.clear();
        byRight.clear();
        links = 0;
    }
}
