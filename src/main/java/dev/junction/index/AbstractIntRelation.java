package dev.junction.index;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * What the relation kinds share, over an index of each left's rights ({@link #byLeft}) and one of each right's
 * lefts ({@link #byRight}), which are one index for a symmetric relation: the reads, the single-link writes
 * (both sides prepared, so all allocation done, before either changes), the bulk link's dedupe and undo,
 * argument checks with messages that name the value and the relation, and the all-or-nothing replacement of one
 * entity's whole set. The kinds differ in the bulk link, the walk over all links and an entity's removal.
 */
abstract class AbstractIntRelation implements IntRelation {

    final String name;
    private final Kind kind;
    long links;
    /** The rights of each left. */
    final AdjacencyIndex byLeft;
    /** The lefts of each right: {@link #byLeft} itself for a symmetric relation. */
    final AdjacencyIndex byRight;

    AbstractIntRelation(String name, Kind kind, AdjacencyIndex byLeft, AdjacencyIndex byRight) {
        this.name = Objects.requireNonNull(name, "relation name");
        this.kind = kind;
        this.byLeft = byLeft;
        this.byRight = byRight;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Kind kind() {
        return kind;
    }

    @Override
    public final long size() {
        return links;
    }

    private IntRelation inverse;

    @Override
    public IntRelation inverse() {
        IntRelation i = inverse;
        if (i == null) {
            i = new InverseRelation(this);
            inverse = i;
        }
        return i;
    }

    @Override
    public final void swapContents(IntRelation other) {
        Objects.requireNonNull(other, () -> "relation '" + name + "': other is null");
        if (other == this) return;
        if (!(other instanceof AbstractIntRelation o) || o.getClass() != getClass()) {
            throw new UnsupportedOperationException("relation '" + name + "': cannot swap contents with " + other
                    + ": both must be indexes made by IntRelation's factories");
        }
        if (o.kind != kind) {
            throw new IllegalArgumentException("relation '" + name + "' is " + kind + ", relation '" + o.name
                    + "' is " + o.kind + ": only relations of one kind can swap contents");
        }
        byLeft.swapContents(o.byLeft);
        if (byRight != byLeft) byRight.swapContents(o.byRight);
        long n = links;
        links = o.links;
        o.links = n;
    }

    // ---- writes: one link ------------------------------------------------------------------------------------

    /** Whether {@code (left, right)} is a symmetric self-link, stored as one entry of the one index. */
    private boolean oneEntry(int left, int right) {
        return left == right && byLeft == byRight;
    }

    @Override
    public final boolean link(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        if (!oneEntry(left, right)) { // the common case, in place on both sides at once
            int done = AdjacencyIndex.linkPair(byLeft, left, byRight, right);
            if (done != AdjacencyIndex.UNHANDLED) {
                links += done;
                return done == 1;
            }
        }
        int leftRank = byLeft.prepare(left, right);
        if (leftRank == AdjacencyIndex.PRESENT) return false;
        if (oneEntry(left, right)) {
            byLeft.insertAt(left, left, leftRank);
        } else {
            int rightRank = byRight.prepare(right, left); // absent too: the sides agree; ranks stay valid if it repacks
            byLeft.insertAt(left, right, leftRank);
            byRight.insertAt(right, left, rightRank);
        }
        links++;
        return true;
    }

    @Override
    public final boolean unlink(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        if (!oneEntry(left, right)) {
            int done = AdjacencyIndex.unlinkPair(byLeft, left, byRight, right);
            if (done != AdjacencyIndex.UNHANDLED) {
                links -= done;
                return done == 1;
            }
        }
        if (!byLeft.remove(left, right)) return false;
        if (!oneEntry(left, right)) byRight.remove(right, left); // present: the sides agree
        links--;
        return true;
    }

    // ---- writes: in bulk ----------------------------------------------------------------------------------

    /**
     * Keeps at the front of {@code ls} and {@code rs}, in order, those of their first {@code count} pairs (sorted)
     * that are distinct and not linked yet; returns how many.
     */
    final int keepNew(int[] ls, int[] rs, int count) {
        int n = 0;
        boolean empty = links == 0;
        for (int i = 0; i < count; i++) {
            int l = ls[i], r = rs[i];
            if (n > 0 && ls[n - 1] == l && rs[n - 1] == r) continue;
            if (!empty && byLeft.contains(l, r)) continue;
            ls[n] = l;
            rs[n] = r;
            n++;
        }
        return n;
    }

    /**
     * Runs {@code insert}, which puts the {@code n} new pairs {@code (ls[i], rs[i])} into the indexes, and counts
     * them. If it fails, the pairs inserted so far are removed from both sides (removal needs no memory), so
     * the bulk link is all or nothing.
     *
     * @return {@code n}
     */
    final long insertAllOrNothing(int[] ls, int[] rs, int n, Runnable insert) {
        try {
            insert.run();
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

    // ---- reads: the same for every kind, through byLeft and byRight -----------------------------------------

    @Override
    public final boolean contains(int left, int right) {
        checkId(left, "left");
        checkId(right, "right");
        return byLeft.contains(left, right);
    }

    @Override
    public final IntNeighborSet rightsOf(int left) {
        checkId(left, "left");
        return new NeighborView(byLeft, left, name);
    }

    @Override
    public final IntNeighborSet leftsOf(int right) {
        checkId(right, "right");
        return new NeighborView(byRight, right, name);
    }

    @Override
    public final int copyRightsTo(int left, int[] dest) {
        checkId(left, "left");
        return byLeft.copyTo(left, checkDest(dest));
    }

    @Override
    public final int copyLeftsTo(int right, int[] dest) {
        checkId(right, "right");
        return byRight.copyTo(right, checkDest(dest));
    }

    @Override
    public final void forEachRight(int left, IntConsumer action) {
        checkId(left, "left");
        checkAction(action);
        byLeft.forEach(left, action, name);
    }

    @Override
    public final void forEachLeft(int right, IntConsumer action) {
        checkId(right, "right");
        checkAction(action);
        byRight.forEach(right, action, name);
    }

    @Override
    public final int degreeOfLeft(int left) {
        checkId(left, "left");
        return byLeft.degree(left);
    }

    @Override
    public final int degreeOfRight(int right) {
        checkId(right, "right");
        return byRight.degree(right);
    }

    final void checkId(int id, String role) {
        if (id < 0) {
            throw new IllegalArgumentException("relation '" + name + "': " + role + " id " + id + " is negative");
        }
    }

    final void checkAction(IntConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + name + "': action is null");
    }

    final void checkAction(LinkConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + name + "': action is null");
    }

    final int[] checkDest(int[] dest) {
        if (dest == null) throw new NullPointerException("relation '" + name + "': dest is null");
        return dest;
    }

    /** Checks every id, then returns them sorted and without duplicates. Changes nothing. */
    final int[] sortedDistinct(int[] ids, String role) {
        if (ids == null) throw new NullPointerException("relation '" + name + "': the new " + role + "s are null");
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException("relation '" + name + "': " + role + " id " + ids[i]
                        + " (at index " + i + ") is negative");
            }
        }
        int[] s = ids.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (n == 0 || s[n - 1] != s[i]) s[n++] = s[i];
        }
        return n == s.length ? s : Arrays.copyOf(s, n);
    }

    /** Checks the arrays of a bulk load. Changes nothing. */
    final void checkPairs(int[] lefts, int[] rights) {
        if (lefts == null) throw new NullPointerException("relation '" + name + "': lefts are null");
        if (rights == null) throw new NullPointerException("relation '" + name + "': rights are null");
        if (lefts.length != rights.length) {
            throw new IllegalArgumentException("relation '" + name + "': " + lefts.length + " lefts but "
                    + rights.length + " rights");
        }
        for (int i = 0; i < lefts.length; i++) {
            if (lefts[i] < 0) {
                throw new IllegalArgumentException("relation '" + name + "': left id " + lefts[i]
                        + " (at index " + i + ") is negative");
            }
            if (rights[i] < 0) {
                throw new IllegalArgumentException("relation '" + name + "': right id " + rights[i]
                        + " (at index " + i + ") is negative");
            }
        }
    }

    /**
     * Inserts the first {@code n} pairs, sorted by {@code (owner, id)}, distinct and none present, into
     * {@code index}: one merge per owner.
     */
    static void insertSorted(AdjacencyIndex index, int[] owners, int[] ids, int n) {
        if (n == 0) return;
        int distinct = 1;
        for (int i = 1; i < n; i++) if (owners[i] != owners[i - 1]) distinct++;
        index.reserveDirect(owners[n - 1], distinct);
        int i = 0;
        while (i < n) {
            int owner = owners[i];
            int j = i + 1;
            while (j < n && owners[j] == owner) j++;
            index.mergeAbsent(owner, ids, i, j - i);
            i = j;
        }
    }

    /** Links or unlinks {@code owner} with {@code other}, oriented by which side owns the set being replaced. */
    abstract boolean linkFrom(int owner, int other, boolean ownerIsLeft);

    abstract boolean unlinkFrom(int owner, int other, boolean ownerIsLeft);

    @Override
    public final int removeLeft(int left) {
        checkId(left, "left");
        return removeEntity(left, true);
    }

    @Override
    public final int removeRight(int right) {
        checkId(right, "right");
        return removeEntity(right, false);
    }

    /** Unlinks {@code id}, a left or a right, from all its others; returns how many links it had. */
    abstract int removeEntity(int id, boolean isLeft);

    /** The set of {@code owner}, a left or a right, as a new array. */
    final int[] currentOf(int owner, boolean ownerIsLeft) {
        return (ownerIsLeft ? byLeft : byRight).toArray(owner);
    }

    /**
     * Replaces the set of {@code owner}. Additions come first, each atomic; if one throws (out of memory), the
     * ones made are unlinked again, which never needs memory. Removals, which cannot fail, come last.
     */
    final boolean replace(int owner, int[] targets, boolean ownerIsLeft) {
        checkId(owner, ownerIsLeft ? "left" : "right");
        int[] want = sortedDistinct(targets, ownerIsLeft ? "right" : "left");
        int[] have = currentOf(owner, ownerIsLeft);
        int[] added = new int[want.length];
        int addedCount = 0;
        try {
            for (int t : want) {
                if (Arrays.binarySearch(have, t) < 0 && linkFrom(owner, t, ownerIsLeft)) added[addedCount++] = t;
            }
        } catch (Throwable e) {
            for (int i = 0; i < addedCount; i++) unlinkFrom(owner, added[i], ownerIsLeft);
            throw e;
        }
        boolean changed = addedCount > 0;
        for (int h : have) {
            if (Arrays.binarySearch(want, h) < 0) {
                unlinkFrom(owner, h, ownerIsLeft);
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public final boolean replaceRights(int left, int[] rights) {
        return replace(left, rights, true);
    }

    @Override
    public final boolean replaceLefts(int right, int[] lefts) {
        return replace(right, lefts, false);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " relation '" + name + "' (" + links + " links)";
    }
}
