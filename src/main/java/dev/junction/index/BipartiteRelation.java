package dev.junction.index;

import java.util.function.IntConsumer;

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
    void swapSides(AbstractIntRelation other) {
        BipartiteRelation o = (BipartiteRelation) other;
        byLeft.swapContents(o.byLeft);
        byRight.swapContents(o.byRight);
    }

    @Override
    public boolean link(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        int done = AdjacencyIndex.linkPair(byLeft, left, byRight, right);
        if (done != AdjacencyIndex.UNHANDLED) {
            links += done;
            return done == 1;
        }
        int leftRank = byLeft.prepare(left, right);
        if (leftRank == AdjacencyIndex.PRESENT) return false;
        int rightRank = byRight.prepare(right, left); // absent too: the sides agree
        byLeft.insertAt(left, right, leftRank);
        byRight.insertAt(right, left, rightRank);
        links++;
        return true;
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
        int n = 0;
        boolean empty = links == 0;
        for (int i = 0; i < ls.length; i++) {
            int l = ls[i], r = rs[i];
            if (n > 0 && ls[n - 1] == l && rs[n - 1] == r) continue;
            if (!empty && byLeft.contains(l, r)) continue;
            ls[n] = l;
            rs[n] = r;
            n++;
        }
        if (n == 0) return 0;
        int[][] byR = PairSort.sortByKeyOfSorted(rs, ls, n);
        try {
            insertSorted(byLeft, ls, rs, n);
            insertSorted(byRight, byR[0], byR[1], n);
        } catch (Throwable e) {
            for (int i = 0; i < n; i++) {
                byLeft.remove(ls[i], rs[i]);
                byRight.remove(rs[i], ls[i]);
            }
            throw e;
        }
        links += n;
        return n;
    }

    @Override
    public boolean unlink(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        int done = AdjacencyIndex.unlinkPair(byLeft, left, byRight, right);
        if (done != AdjacencyIndex.UNHANDLED) {
            links -= done;
            return done == 1;
        }
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
    public int copyRightsTo(int left, int[] dest) {
        checkId(left, "left");
        return byLeft.copyTo(left, checkDest(dest));
    }

    @Override
    public int copyLeftsTo(int right, int[] dest) {
        checkId(right, "right");
        return byRight.copyTo(right, checkDest(dest));
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
    public void forEachLink(LinkConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + name + "': action is null");
        byLeft.forEachEntity(l -> byLeft.forEach(l, r -> action.accept(l, r), name), name);
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
