package dev.junction.index;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * What the relation kinds share: argument checks with messages that name the value and the relation, and
 * the all-or-nothing replacement of one entity's whole set.
 */
abstract class AbstractIntRelation implements IntRelation {

    final String name;
    private final Kind kind;
    long links;

    AbstractIntRelation(String name, Kind kind) {
        this.name = Objects.requireNonNull(name, "relation name");
        this.kind = kind;
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
        swapSides(o);
        long n = links;
        links = o.links;
        o.links = n;
    }

    /** Exchanges the adjacency sides with {@code other}, which has this class and kind. */
    abstract void swapSides(AbstractIntRelation other);

    final void checkId(int id, String role) {
        if (id < 0) {
            throw new IllegalArgumentException("relation '" + name + "': " + role + " id " + id + " is negative");
        }
    }

    final void checkAction(IntConsumer action) {
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

    abstract int[] currentOf(int owner, boolean ownerIsLeft);

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
