package dev.junction.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Arrays;
import java.util.Collection;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The assertions the {@link IntRelation} contracts share: read a relation's sets out through every read path
 * (iterators, forEach, bulk copies, offset pages, degrees) and compare them with what is expected.
 */
final class RelationAssertions {

    private RelationAssertions() {
    }

    static int[] drain(IntIterator it) {
        IntArrayList out = new IntArrayList();
        while (it.hasNext()) {
            out.add(it.nextInt());
        }
        return out.toIntArray();
    }

    static int[] rights(IntRelation rel, int left) {
        return drain(rel.rightsOf(left).iterator());
    }

    static int[] lefts(IntRelation rel, int right) {
        return drain(rel.leftsOf(right).iterator());
    }

    static int[] forEachRights(IntRelation rel, int left) {
        IntArrayList out = new IntArrayList();
        rel.forEachRight(left, out::add);
        return out.toIntArray();
    }

    static int[] forEachLefts(IntRelation rel, int right) {
        IntArrayList out = new IntArrayList();
        rel.forEachLeft(right, out::add);
        return out.toIntArray();
    }

    static int[] ints(int... values) {
        return values;
    }

    /**
     * Links {@code rel}'s pairs {@code (leftsAndRights[0], leftsAndRights[1])}, {@code (leftsAndRights[2],
     * leftsAndRights[3])}, ... in that order, as a test's starting state, and returns {@code rel}.
     */
    static IntRelation withLinks(IntRelation rel, int... leftsAndRights) {
        if (leftsAndRights.length % 2 != 0) {
            throw new IllegalArgumentException("an odd number of ids: " + Arrays.toString(leftsAndRights));
        }
        for (int i = 0; i < leftsAndRights.length; i += 2) {
            rel.link(leftsAndRights[i], leftsAndRights[i + 1]);
        }
        return rel;
    }

    static int[] sortedArray(Collection<Integer> values) {
        int[] out = new int[values.size()];
        int i = 0;
        for (int v : values) {
            out[i++] = v;
        }
        if (!(values instanceof java.util.SortedSet)) {
            Arrays.sort(out);
        }
        return out;
    }

    /**
     * Links {@code id} to itself twice on a relation that does not hold it yet: the first link is new, the second
     * is not, and the one link is seen once from each side (size 1, degree 1 each way, {@code {id}} both ways).
     */
    static void assertSelfLinkCountsOnce(IntRelation rel, int id) {
        assertTrue(rel.link(id, id), "first self-link");
        assertFalse(rel.link(id, id), "second self-link");
        assertEquals(1L, rel.size());
        assertArrayEquals(new int[] {id}, rights(rel, id));
        assertArrayEquals(new int[] {id}, lefts(rel, id));
        assertEquals(1, rel.degreeOfLeft(id));
        assertEquals(1, rel.degreeOfRight(id));
    }

    /** Asserts the full observable content of one left's rights: views, iteration order, copies, degree. */
    static void assertRights(IntRelation rel, int left, int[] expectedAscending) {
        assertSet(rel, true, left, expectedAscending);
    }

    /** Asserts the full observable content of one right's lefts: views, iteration order, copies, degree. */
    static void assertLefts(IntRelation rel, int right, int[] expectedAscending) {
        assertSet(rel, false, right, expectedAscending);
    }

    /** The set of {@code owner} on one side ({@code ofLeft}: the rights of a left), read through every path. */
    private static void assertSet(IntRelation rel, boolean ofLeft, int owner, int[] expectedAscending) {
        Supplier<String> msg = () -> rel.name() + (ofLeft ? " rightsOf(" : " leftsOf(") + owner + ")";
        IntFunction<IntNeighborSet> view = ofLeft ? rel::rightsOf : rel::leftsOf;
        int len = expectedAscending.length;
        assertArrayEquals(expectedAscending, drain(view.apply(owner).iterator()), msg);
        assertArrayEquals(expectedAscending, ofLeft ? forEachRights(rel, owner) : forEachLefts(rel, owner), msg);
        assertPages(view.apply(owner), expectedAscending, msg);
        int[] exact = new int[len + 1];
        exact[len] = -5;
        assertEquals(len, copyTo(rel, ofLeft, owner, exact), msg);
        assertArrayEquals(expectedAscending, Arrays.copyOf(exact, len), msg);
        assertEquals(-5, exact[len], () -> msg.get() + ": copied past the set");
        if (len > 0) {
            int[] small = new int[len - 1];
            Arrays.fill(small, -3);
            assertEquals(len, copyTo(rel, ofLeft, owner, small), msg);
            for (int x : small) assertEquals(-3, x, () -> msg.get() + ": copied into a buffer too small");
        }
        assertEquals(len, ofLeft ? rel.degreeOfLeft(owner) : rel.degreeOfRight(owner), msg);
        assertEquals(len, view.apply(owner).size(), msg);
        assertEquals(len == 0, view.apply(owner).isEmpty(), msg);
        for (int other : expectedAscending) {
            assertEquals(true, ofLeft ? rel.contains(owner, other) : rel.contains(other, owner), msg);
            assertEquals(true, view.apply(owner).contains(other), msg);
        }
    }

    private static int copyTo(IntRelation rel, boolean ofLeft, int owner, int[] dest) {
        return ofLeft ? rel.copyRightsTo(owner, dest) : rel.copyLeftsTo(owner, dest);
    }

    /** Offset pages ({@code copyRange}) of {@code set} at offsets and sizes around its edges. */
    static void assertPages(IntNeighborSet set, int[] expectedAscending, Supplier<String> msg) {
        int len = expectedAscending.length;
        for (int offset : new int[] {0, 1, len / 3, len / 2, len - 1, len, len + 3}) {
            if (offset < 0) continue;
            for (int size : new int[] {0, 1, 3, 100, len}) {
                int[] page = new int[size];
                int got = set.copyRange(offset, page);
                int want = Math.max(0, Math.min(size, len - offset));
                assertEquals(want, got, () -> msg.get() + ": copyRange(" + offset + ", " + size + ")");
                for (int k = 0; k < got; k++) {
                    final int kk = k;
                    assertEquals(expectedAscending[offset + k], page[k], () -> msg.get() + ": copyRange(" + offset
                            + ") at " + kk);
                }
            }
        }
    }

    /**
     * The full observable content of a relation restricted to the given ids (as lefts and as rights), plus its
     * size: two snapshots are equal exactly when nothing observable about those ids changed.
     */
    static String snapshot(IntRelation rel, int... ids) {
        TreeMap<String, String> out = new TreeMap<>();
        out.put("size", Long.toString(rel.size()));
        for (int id : ids) {
            out.put("R" + id, Arrays.toString(rights(rel, id)) + " d=" + rel.degreeOfLeft(id)
                    + " s=" + rel.rightsOf(id).size());
            out.put("L" + id, Arrays.toString(lefts(rel, id)) + " d=" + rel.degreeOfRight(id)
                    + " s=" + rel.leftsOf(id).size());
        }
        return out.toString();
    }
}
