package dev.junction.index;

/**
 * A {@link IntRelation.Kind#SYMMETRIC} relation: one index over one id space, where a link {@code a–b} is
 * stored as {@code b ∈ adj(a)} and {@code a ∈ adj(b)} (once, for a self-link {@code a–a}).
 *
 * <p>Invariant: {@code b ∈ adj(a) ⇔ a ∈ adj(b)}; {@code links} counts each unordered pair once. Writes prepare
 * both entries before inserting either, so no failure leaves a one-way friendship.
 */
final class SymmetricRelation extends AbstractIntRelation {

    /** The one index: {@link #byLeft} and {@link #byRight} are both it. */
    private final AdjacencyIndex adj;

    SymmetricRelation(String name) {
        this(name, new AdjacencyIndex());
    }

    private SymmetricRelation(String name, AdjacencyIndex adj) {
        super(name, Kind.SYMMETRIC, adj, adj);
        this.adj = adj;
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
        int n = keepNew(as, bs, count);
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
        int entryCount = e;
        int[][] entries = PairSort.sort(owners, ids, entryCount);
        return insertAllOrNothing(as, bs, n, () -> insertSorted(adj, entries[0], entries[1], entryCount));
    }

    @Override
    public void forEachLink(LinkConsumer action) {
        checkAction(action);
        adj.forEachEntity(a -> adj.forEach(a, b -> {
            if (a <= b) action.accept(a, b);
        }, name), name);
    }

    @Override
    int removeEntity(int a, boolean isLeft) {
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
