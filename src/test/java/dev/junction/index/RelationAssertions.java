package dev.junction.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Arrays;
import java.util.Collection;
import java.util.TreeMap;
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

    /** Asserts the full observable content of one entity on both sides: views, iteration order, degrees. */
    static void assertRights(IntRelation rel, int left, int[] expectedAscending) {
        Supplier<String> msg = () -> rel.name() + " rightsOf(" + left + ")";
        assertArrayEquals(expectedAscending, rights(rel, left), msg);
        assertArrayEquals(expectedAscending, forEachRights(rel, left), msg);
        assertPages(rel.rightsOf(left), expectedAscending, msg);
        int[] exact = new int[expectedAscending.length + 1];
        exact[expectedAscending.length] = -5;
        assertEquals(expectedAscending.length, rel.copyRightsTo(left, exact), msg);
        assertArrayEquals(expectedAscending, Arrays.copyOf(exact, expectedAscending.length), msg);
        assertEquals(-5, exact[expectedAscending.length], () -> msg.get() + ": copied past the set");
        if (expectedAscending.length > 0) {
            int[] small = new int[expectedAscending.length - 1];
            Arrays.fill(small, -3);
            assertEquals(expectedAscending.length, rel.copyRightsTo(left, small), msg);
            for (int x : small) assertEquals(-3, x, () -> msg.get() + ": copied into a buffer too small");
        }
        assertEquals(expectedAscending.length, rel.degreeOfLeft(left), msg);
        assertEquals(expectedAscending.length, rel.rightsOf(left).size(), msg);
        assertEquals(expectedAscending.length == 0, rel.rightsOf(left).isEmpty(), msg);
        for (int r : expectedAscending) {
            assertEquals(true, rel.contains(left, r), msg);
            assertEquals(true, rel.rightsOf(left).contains(r), msg);
        }
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

    static void assertLefts(IntRelation rel, int right, int[] expectedAscending) {
        Supplier<String> msg = () -> rel.name() + " leftsOf(" + right + ")";
        assertArrayEquals(expectedAscending, lefts(rel, right), msg);
        assertArrayEquals(expectedAscending, forEachLefts(rel, right), msg);
        assertPages(rel.leftsOf(right), expectedAscending, msg);
        int[] exact = new int[expectedAscending.length + 1];
        exact[expectedAscending.length] = -5;
        assertEquals(expectedAscending.length, rel.copyLeftsTo(right, exact), msg);
        assertArrayEquals(expectedAscending, Arrays.copyOf(exact, expectedAscending.length), msg);
        assertEquals(-5, exact[expectedAscending.length], () -> msg.get() + ": copied past the set");
        if (expectedAscending.length > 0) {
            int[] small = new int[expectedAscending.length - 1];
            Arrays.fill(small, -3);
            assertEquals(expectedAscending.length, rel.copyLeftsTo(right, small), msg);
            for (int x : small) assertEquals(-3, x, () -> msg.get() + ": copied into a buffer too small");
        }
        assertEquals(expectedAscending.length, rel.degreeOfRight(right), msg);
        assertEquals(expectedAscending.length, rel.leftsOf(right).size(), msg);
        assertEquals(expectedAscending.length == 0, rel.leftsOf(right).isEmpty(), msg);
        for (int l : expectedAscending) {
            assertEquals(true, rel.contains(l, right), msg);
            assertEquals(true, rel.leftsOf(right).contains(l), msg);
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
