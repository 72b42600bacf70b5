package dev.junction.index;

import java.util.function.IntConsumer;

/**
 * A {@link IntRelation.Kind#SYMMETRIC} relation: one index over one id space, where a link {@code a–b} is
 * stored as {@code b ∈ adj(a)} and {@code a ∈ adj(b)} (once, for a self-link {@code a–a}).
 *
 * <p>Invariant: {@code b ∈ adj(a) ⇔ a ∈ adj(b)}; {@code links} counts each unordered pair once. Writes reserve
 * both entries before inserting either, so no failure leaves a one-way friendship.
 */
final class SymmetricRelation extends AbstractIntRelation {

    private final AdjacencyIndex adj = new AdjacencyIndex();

    SymmetricRelation(String name) {
        super(name, Kind.SYMMETRIC);
    }

    @Override
    public boolean link(int a, int b) {
        checkId(a, "left");
        checkId(b, "right");
        if (adj.contains(a, b)) return false;
        adj.reserve(a, b);
        if (a != b) adj.reserve(b, a);
        adj.insert(a, b);
        if (a != b) adj.insert(b, a);
        links++;
        return true;
    }

    @Override
    public boolean unlink(int a, int b) {
        checkId(a, "left");
        checkId(b, "right");
        if (!adj.remove(a, b)) return false;
        if (a != b) adj.remove(b, a);
        links--;
        return true;
    }

    @Override
    public boolean contains(int a, int b) {
        checkId(a, "left");
        checkId(b, "right");
        return adj.contains(a, b);
    }

    @Override
    public IntNeighborSet rightsOf(int a) {
        checkId(a, "left");
        return new NeighborView(adj, a, name);
    }

    @Override
    public IntNeighborSet leftsOf(int b) {
        checkId(b, "right");
        return new NeighborView(adj, b, name);
    }

    @Override
    public void forEachRight(int a, IntConsumer action) {
        checkId(a, "left");
        checkAction(action);
        adj.forEach(a, action, name);
    }

    @Override
    public void forEachLeft(int b, IntConsumer action) {
        checkId(b, "right");
        checkAction(action);
        adj.forEach(b, action, name);
    }

    @Override
    public int degreeOfLeft(int a) {
        checkId(a, "left");
        return adj.degree(a);
    }

    @Override
    public int degreeOfRight(int b) {
        checkId(b, "right");
        return adj.degree(b);
    }

    @Override
    public int removeLeft(int a) {
        checkId(a, "left");
        return removeEntity(a);
    }

    @Override
    public int removeRight(int b) {
        checkId(b, "right");
        return removeEntity(b);
    }

    private int removeEntity(int a) {
        int[] friends = adj.toArray(a);
        for (int b : friends) {
            if (b != a) adj.remove(b, a);
        }
        adj.clearEntity(a);
        links -= friends.length;
        return friends.length;
    }

    @Override
    boolean linkFrom(int owner, int other, boolean ownerIsLeft) {
        return link(owner, other);
    }

    @Override
    boolean unlinkFrom(int owner, int other, boolean ownerIsLeft) {
        return unlink(owner, other);
    }

    @Override
    int[] currentOf(int owner, boolean ownerIsLeft) {
        return adj.toArray(owner);
    }

    @Override
    public void clear() {
        adj.clear();
        links = 0;
    }
}
