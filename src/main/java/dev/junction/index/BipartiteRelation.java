package dev.junction.index;

/**
 * A relation with an index per end: {@code lefts} maps each left id to its rights, {@code rights} each right
 * id to its lefts. Serves {@link IntRelation.Kind#BIPARTITE} (two id spaces) and
 * {@link IntRelation.Kind#DIRECTED} (one id space; left is the source, right the target).
 *
 * <p>Invariant: {@code r ∈ lefts(l) ⇔ l ∈ rights(r)}, and {@code links} is the size of either side. Every
 * write keeps it across every exit: {@link #link} prepares both sides (all allocation) before inserting on either;
 * removals never allocate.
 */
final class BipartiteRelation extends AbstractIntRelation {

    BipartiteRelation(String name, Kind kind) {
        super(name, kind, new AdjacencyIndex(), new AdjacencyIndex());
    }

    AdjacencyIndex byLeft() {
        return byLeft;
    }

    AdjacencyIndex byRight() {
        return byRight;
    }

    /**
     * Sorts the pairs by left (counting sorts when ids are dense, {@link PairSort}), keeps the new ones, merges
     * each left's run in one pass, then the same by right: sequential work instead of n random inserts. If
     * anything fails, the pairs inserted so far are removed from both sides (removal needs no memory), so the
     * call is all or nothing.
     */
    @Override
    public long linkAll(int[] lefts, int[] rights) {
        checkPairs(lefts, rights);
        // input already in (left, right) order (a snapshot, an ORDER BY) skips the first sort
        boolean presorted = PairSort.isSorted(lefts, rights);
        int[][] byL = presorted ? new int[][] {lefts.clone(), rights.clone()} : PairSort.sort(lefts, rights, lefts.length);
        int[] ls = byL[0], rs = byL[1];
        int n = keepNew(ls, rs, ls.length);
        if (n == 0) return 0;
        int[][] byR = PairSort.sortByKeyOfSorted(rs, ls, n);
        return insertAllOrNothing(ls, rs, n, () -> {
            insertSorted(byLeft, ls, rs, n);
            insertSorted(byRight, byR[0], byR[1], n);
        });
    }

    @Override
    public void forEachLink(LinkConsumer action) {
        checkAction(action);
        byLeft.forEachEntity(l -> byLeft.forEach(l, r -> action.accept(l, r), name), name);
    }

    @Override
    int removeEntity(int id, boolean isLeft) {
        AdjacencyIndex own = isLeft ? byLeft : byRight, others = isLeft ? byRight : byLeft;
        int[] linked = own.toArray(id);
        for (int x : linked) others.remove(x, id);
        own.clearEntity(id);
        links -= linked.length;
        return linked.length;
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
    public void clear() {
        byLeft.clear();
        byRight.clear();
        links = 0;
    }
}
