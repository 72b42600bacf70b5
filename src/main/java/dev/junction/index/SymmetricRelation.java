package dev.junction.index;

import java.util.function.IntConsumer;

/**
 * A {@link IntRelation.Kind#SYMMETRIC} relation: one index over one id space, where a link {@code a–b} is
 * stored as {@code b ∈ adj(a)} and {@code a ∈ adj(b)} (once, for a self-link {@code a–a}).
 *
 * <p>Invariant: {@code b ∈ adj(a) ⇔ a ∈ adj(b)}; {@code links} counts each unordered pair once. Writes prepare
 * both entries before inserting either, so no failure leaves a one-way friendship.
 */
final class SymmetricRelation extends AbstractIntRelation {

    private final AdjacencyIndex adj = new AdjacencyIndex();

    SymmetricRelation(String name) {
        super(name, Kind.SYMMETRIC);
    }

    @Override
    void swapSides(AbstractIntRelation other) {
        adj.swapContents(((SymmetricRelation) other).adj);
    }

    @Override
    public boolean link(int a, int b) {
        checkId(a, "left");
        checkId(b, "right");
        if (a != b) {
            int done = AdjacencyIndex.linkPair(adj, a, adj, b);
            if (done != AdjacencyIndex.UNHANDLED) {
                links += done;
                return done == 1;
            }
        }
        int rankA = adj.prepare(a, b);
        if (rankA == AdjacencyIndex.PRESENT) return false;
        if (a == b) {
            adj.insertAt(a, a, rankA);
        } else {
            int rankB = adj.prepare(b, a); // may repack the arena: ranks stay valid
            adj.insertAt(a, b, rankA);
            adj.insertAt(b, a, rankB);
        }
        links++;
        return true;
    }

    /**
     * Normalizes each pair to {@code (min, max)}, sorts ({@link PairSort}), keeps the new ones, then merges both
     * directions of each into the one index grouped by owner. All or nothing, as in
     * {@link BipartiteRelation#linkAll}.
     */
    @Override
    public long linkAll(int[] lefts, int[] rights) {
        checkPairs(lefts, rights);
        int count = lefts.length;
        int[] lo = new int[count], hi = new int[count];
        for (int i = 0; i < count; i++) {
            lo[i] = Math.min(lefts[i], rights[i]);
            hi[i] = Math.max(lefts[i], rights[i]);
        }
        int[][] sorted = PairSort.sort(lo, hi, count);
        int[] as = sorted[0], bs = sorted[1];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int a = as[i], b = bs[i];
            if (n > 0 && as[n - 1] == a && bs[n - 1] == b) continue;
            if (adj.contains(a, b)) continue;
            as[n] = a;
            bs[n] = b;
            n++;
        }
        if (n == 0) return 0;
        int e = 0;
        int[] owners = new int[2 * n], ids = new int[2 * n];
        for (int i = 0; i < n; i++) {
            owners[e] = as[i];
            ids[e++] = bs[i];
            if (as[i] != bs[i]) {
                owners[e] = bs[i];
                ids[e++] = as[i];
            }
        }
        int[][] entries = PairSort.sort(owners, ids, e);
        try {
            insertSorted(adj, entries[0], entries[1], e);
        } catch (Throwable t) {
            for (int i = 0; i < n; i++) {
                adj.remove(as[i], bs[i]);
                adj.remove(bs[i], as[i]);
            }
            throw t;
        }
        links += n;
        return n;
    }

    @Override
    public boolean unlink(int a, int b) {
        checkId(a, "left");
        checkId(b, "right");
        if (a != b) {
            int done = AdjacencyIndex.unlinkPair(adj, a, adj, b);
            if (done != AdjacencyIndex.UNHANDLED) {
                links -= done;
                return done == 1;
            }
        }
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
    public int copyRightsTo(int a, int[] dest) {
        checkId(a, "left");
        return adj.copyTo(a, checkDest(dest));
    }

    @Override
    public int copyLeftsTo(int b, int[] dest) {
        checkId(b, "right");
        return adj.copyTo(b, checkDest(dest));
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
    public void forEachLink(LinkConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + name + "': action is null");
        adj.forEachEntity(a -> adj.forEach(a, b -> {
            if (a <= b) action.accept(a, b);
        }, name), name);
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

    /** A symmetric relation looks the same from both sides. */
    @Override
    public IntRelation inverse() {
        return this;
    }

    @Override
    public void clear() {
        adj.clear();
        links = 0;
    }
}
