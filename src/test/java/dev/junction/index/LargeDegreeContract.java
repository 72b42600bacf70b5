package dev.junction.index;

import static dev.junction.index.RelationAssertions.assertLefts;
import static dev.junction.index.RelationAssertions.assertRights;
import static dev.junction.index.RelationAssertions.drain;
import static dev.junction.index.RelationAssertions.forEachLefts;
import static dev.junction.index.RelationAssertions.forEachRights;
import static dev.junction.index.RelationAssertions.ints;
import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * High degrees and extreme ids: one entity with 100,000+ links (promotion into the large set, its array and
 * bitmap containers), then unlinking most of them (demotion back down), ids near {@link Integer#MAX_VALUE}, and
 * sparse huge ids that must not make memory grow with the largest id.
 */
public interface LargeDegreeContract extends RelationFixture {

    int HOT = 2_100_000_000; // above every id linked to it below

    /** 70,000 dense ids (more than one full 65536-block) plus 30,000 ids each on its own block: 100,000 ids. */
    private static int[] hotPartners() {
        int[] ids = new int[100_000];
        int n = 0;
        for (int i = 0; i < 70_000; i++) {
            ids[n++] = i;
        }
        for (int k = 2; n < ids.length; k++) {
            ids[n++] = k * 65_536 + (k * 7_919) % 65_536; // k < 30,002: below 2^31
        }
        return ids;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Full check of the hot right's lefts against the expected sorted array, plus membership of non-members. */
    private static void checkHotRight(IntRelation rel, int[] expectedSorted, String stage) {
        assertEquals(expectedSorted.length, rel.degreeOfRight(HOT), stage);
        IntNeighborSet view = rel.leftsOf(HOT);
        assertEquals(expectedSorted.length, view.size(), stage);
        assertArrayEquals(expectedSorted, drain(view.iterator()), stage);
        assertArrayEquals(expectedSorted, forEachLefts(rel, HOT), stage);
        for (int id : expectedSorted) {
            if (!rel.contains(id, HOT) || !view.contains(id)) {
                throw new AssertionError(stage + ": missing " + id);
            }
        }
        SplittableRandom rnd = new SplittableRandom(stage.hashCode());
        for (int i = 0; i < 2_000; i++) {
            int probe = rnd.nextInt(3) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(140_000);
            boolean expected = Arrays.binarySearch(expectedSorted, probe) >= 0;
            assertEquals(expected, rel.contains(probe, HOT), () -> stage + ": contains(" + probe + ", HOT)");
            assertEquals(expected, view.contains(probe), () -> stage + ": leftsOf(HOT).contains(" + probe + ")");
            int after = probe - rnd.nextInt(2);
            IntIterator it = view.iteratorAfter(after);
            int pos = Arrays.binarySearch(expectedSorted, after);
            int next = pos >= 0 ? pos + 1 : -pos - 1;
            if (next < expectedSorted.length) {
                assertTrue(it.hasNext(), () -> stage + ": iteratorAfter(" + after + ")");
                assertEquals(expectedSorted[next], it.nextInt(), () -> stage + ": iteratorAfter(" + after + ")");
            } else {
                assertFalse(it.hasNext(), () -> stage + ": iteratorAfter(" + after + ")");
            }
        }
        // the other side agrees, sampled
        for (int i = 0; i < expectedSorted.length; i += 97) {
            assertTrue(rel.rightsOf(expectedSorted[i]).contains(HOT), stage);
            assertEquals(1, rel.degreeOfLeft(expectedSorted[i]), stage);
        }
    }

    @Test
    default void hotRightWithHundredThousandLeftsThenMostUnlinked() {
        IntRelation rel = newRelation("hot_right");
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] ids = hotPartners();
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        shuffle(ids, rnd); // inserts land in the middle of existing containers
        for (int id : ids) {
            assertTrue(rel.link(id, HOT));
        }
        assertEquals(ids.length, rel.size());
        checkHotRight(rel, sorted, "after 100k links");

        // unlink all but every 50th (in random order): the demotion path
        int[] keep = Arrays.stream(sorted).filter(v -> Arrays.binarySearch(sorted, v) % 50 == 0).toArray();
        for (int id : ids) {
            if (Arrays.binarySearch(keep, id) < 0) {
                assertTrue(rel.unlink(id, HOT), () -> "unlink " + id);
            }
        }
        assertEquals(keep.length, rel.size());
        checkHotRight(rel, keep, "after unlinking 98%");

        int[] few = Arrays.copyOf(keep, 3);
        for (int id : keep) {
            if (Arrays.binarySearch(few, id) < 0) {
                rel.unlink(id, HOT);
            }
        }
        checkHotRight(rel, few, "down to 3");
        assertEquals(3, rel.removeRight(HOT));
        checkHotRight(rel, new int[0], "after removeRight");
        assertEquals(0L, rel.size());
        // and it can grow again after shrinking
        for (int id : sorted) {
            rel.link(id, HOT);
        }
        checkHotRight(rel, sorted, "regrown");
    }

    @Test
    default void hotLeftWithHundredThousandRightsThenRemoved() {
        IntRelation rel = newRelation("hot_left");
        int[] ids = hotPartners();
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        shuffle(ids, new SplittableRandom(99));
        for (int id : ids) {
            rel.link(HOT, id);
        }
        assertEquals(ids.length, rel.degreeOfLeft(HOT));
        assertArrayEquals(sorted, rights(rel, HOT));
        assertArrayEquals(sorted, forEachRights(rel, HOT));
        for (int i = 0; i < sorted.length; i += 101) {
            assertArrayEquals(ints(HOT), lefts(rel, sorted[i]));
        }
        // replace with a small set: demotion in one call
        assertTrue(rel.replaceRights(HOT, ints(sorted[5], 1, sorted[sorted.length - 1])));
        assertArrayEquals(ints(1, sorted[5], sorted[sorted.length - 1]), rights(rel, HOT));
        assertEquals(3L, rel.size());
        assertArrayEquals(ints(), lefts(rel, sorted[6]));
        assertEquals(0, rel.degreeOfRight(sorted[7]));
        assertEquals(3, rel.removeLeft(HOT));
        assertEquals(0L, rel.size());
    }

    /**
     * One 65536-block at a time through every threshold, both ways: small slots (64 and beyond), array container
     * (up to 4096), bitmap container (beyond 4096) and back, in random order.
     */
    @Test
    default void denseBlockCrossesEveryThresholdUpAndDown() {
        IntRelation rel = newRelation("thresholds");
        SplittableRandom rnd = new SplittableRandom(4096);
        int base = 65_536 * 5;
        int[] pool = new int[10_000];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = base + i * 6; // 10,000 ids inside one block (span 60,000)
        }
        shuffle(pool, rnd);
        int[] growStages = {1, 63, 64, 65, 500, 4_095, 4_096, 4_097, 10_000};
        int linked = 0;
        for (int stage : growStages) {
            while (linked < stage) {
                assertTrue(rel.link(HOT, pool[linked++]));
            }
            int[] exp = Arrays.copyOf(pool, linked);
            Arrays.sort(exp);
            assertRights(rel, HOT, exp);
        }
        int[] shrinkStages = {6_000, 4_097, 4_096, 4_095, 1_000, 65, 64, 63, 10, 1, 0};
        for (int stage : shrinkStages) {
            while (linked > stage) {
                assertTrue(rel.unlink(HOT, pool[--linked]));
            }
            int[] exp = Arrays.copyOf(pool, linked);
            Arrays.sort(exp);
            assertRights(rel, HOT, exp);
            for (int i = linked; i < Math.min(linked + 50, pool.length); i++) {
                assertFalse(rel.contains(HOT, pool[i]), "stage " + stage + ": unlinked " + pool[i]);
                assertEquals(0, rel.degreeOfRight(pool[i]));
            }
        }
        assertEquals(0L, rel.size());
    }

    @Test
    default void idsNearIntegerMaxValue() {
        IntRelation rel = newRelation("max_ids");
        int max = Integer.MAX_VALUE;
        assertTrue(rel.link(max, max));
        assertTrue(rel.link(max, max - 1));
        assertTrue(rel.link(max, 0));
        assertTrue(rel.link(max, max - 65_535));
        assertTrue(rel.link(max, max - 65_536));
        // symmetric: link(max - 1, max) and link(0, max) are the links already made the other way round
        assertEquals(!symmetric(), rel.link(max - 1, max));
        assertEquals(!symmetric(), rel.link(0, max));
        long expectedSize = symmetric() ? 5 : 7;
        assertEquals(expectedSize, rel.size());
        int[] rightsOfMax = ints(0, max - 65_536, max - 65_535, max - 1, max);
        assertRights(rel, max, rightsOfMax);
        assertLefts(rel, max, symmetric() ? rightsOfMax : ints(0, max - 1, max));
        assertArrayEquals(ints(max), drain(rel.rightsOf(max).iteratorAfter(max - 1)));
        assertArrayEquals(ints(), drain(rel.rightsOf(max).iteratorAfter(max)));
        assertArrayEquals(ints(max - 1, max), drain(rel.rightsOf(max).iteratorAfter(max - 65_535)));
        assertTrue(rel.contains(max, max));
        assertFalse(rel.contains(max - 2, max));
        assertTrue(rel.unlink(max, max));
        assertFalse(rel.contains(max, max));
        assertEquals(4, rel.removeLeft(max));
        assertArrayEquals(symmetric() ? ints() : ints(0, max - 1), lefts(rel, max));
    }

    @Test
    default void sparseHugeIdsDoNotAllocateInProportionToTheId() {
        long before = usedMemoryAfterGc();
        IntRelation[] rels = new IntRelation[8];
        for (int i = 0; i < rels.length; i++) {
            rels[i] = newRelation("sparse_" + i);
            assertTrue(rels[i].link(2_000_000_000, 2_000_000_000 - i));
            assertTrue(rels[i].link(2_000_000_000 - i, 1_999_000_000));
            SplittableRandom rnd = new SplittableRandom(i);
            for (int j = 0; j < 1_000; j++) {
                rels[i].link(rnd.nextInt(Integer.MAX_VALUE), rnd.nextInt(Integer.MAX_VALUE));
            }
        }
        long delta = usedMemoryAfterGc() - before;
        // An id-indexed array over 2e9 ids would need gigabytes; 8 relations of ~1000 sparse links need far less.
        assertTrue(delta < 64L << 20, "8 sparse relations used " + (delta >> 20) + " MB");
        for (int i = 0; i < rels.length; i++) {
            assertTrue(rels[i].contains(2_000_000_000, 2_000_000_000 - i));
            assertTrue(rels[i].contains(2_000_000_000 - i, 1_999_000_000));
            assertTrue(rels[i].size() >= 2);
        }
        Reference.reachabilityFence(rels);
    }

    private static long usedMemoryAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
