package dev.junction.index;

import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static dev.junction.index.RelationAssertions.snapshot;
import static dev.junction.index.RelationAssertions.sortedArray;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.ConcurrentModificationException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link IntRelation#linkAll}: the same result as one {@code link} per pair, in any order, with duplicates and
 * links already present; all or nothing on bad input.
 */
public interface BulkLoadContract extends RelationFixture {

    /** Dense ids take the counting-sort path, sparse ones the radix path, hot ones the large-set path. */
    private static int pick(SplittableRandom rnd, int regime) {
        switch (regime) {
            case 0: return rnd.nextInt(500);
            case 1: return rnd.nextInt(4);
            case 2: return rnd.nextInt(Integer.MAX_VALUE);
            default: return rnd.nextInt(1 << 20);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 99, 4242})
    default void bulkLoadEqualsOneLinkPerPair(long defaultSeed) {
        long seed = Long.getLong("junction.fuzz.seed", defaultSeed);
        SplittableRandom rnd = new SplittableRandom(seed);
        IntRelation rel = newRelation("bulk");
        RelationModel model = new RelationModel(kind());
        IntOpenHashSet touched = new IntOpenHashSet();
        for (int round = 0; round < 8; round++) {
            int n = rnd.nextInt(6000);
            boolean sparse = round % 3 == 2;
            int[] lefts = new int[n], rights = new int[n];
            long expectedNew = 0;
            for (int i = 0; i < n; i++) {
                lefts[i] = pick(rnd, sparse ? 2 : rnd.nextInt(4) == 0 ? 1 : 0);
                rights[i] = pick(rnd, sparse ? 3 : rnd.nextInt(4) == 0 ? 1 : 0);
                if (model.link(lefts[i], rights[i])) expectedNew++;
                touched.add(lefts[i]);
                touched.add(rights[i]);
            }
            if (round % 2 == 1) { // already in (left, right) order, duplicates kept: the presorted path
                long[] packed = new long[n];
                for (int i = 0; i < n; i++) packed[i] = (long) lefts[i] << 32 | rights[i];
                java.util.Arrays.sort(packed);
                for (int i = 0; i < n; i++) {
                    lefts[i] = (int) (packed[i] >>> 32);
                    rights[i] = (int) packed[i];
                }
            }
            int[] lefts0 = lefts.clone(), rights0 = rights.clone();
            final int r = round;
            assertEquals(expectedNew, rel.linkAll(lefts, rights), () -> "seed=" + seed + " round=" + r);
            assertArrayEquals(lefts0, lefts, "linkAll must not change its input");
            assertArrayEquals(rights0, rights, "linkAll must not change its input");
            assertEquals(model.size(), rel.size(), () -> "seed=" + seed + " round=" + r);
            for (int id : touched) {
                assertArrayEquals(sortedArray(model.rightsOf(id)), rights(rel, id), () -> "seed=" + seed + " rightsOf " + id);
                assertArrayEquals(sortedArray(model.leftsOf(id)), lefts(rel, id), () -> "seed=" + seed + " leftsOf " + id);
            }
            // some unlinks between rounds, so the next bulk load merges into sets of every shape
            for (int i = 0; i < n / 4; i++) {
                int k = rnd.nextInt(n);
                assertEquals(model.unlink(lefts[k], rights[k]), rel.unlink(lefts[k], rights[k]));
            }
        }
    }

    /**
     * A streamed load: many {@code linkAll} calls, each a chunk of rows of lefts scattered over a range far
     * larger than one chunk covers, rights skewed, some rows cut across chunks and some pairs repeated or already
     * present. The early chunks' ids are too sparse for the direct range, later ones make it dense: every set
     * must come out exactly as one {@code link} per pair would make it, and links and unlinks must go on working.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {17, 2026})
    default void chunkedLoadOfScatteredIdsEqualsOneLinkPerPair(long defaultSeed) {
        long seed = Long.getLong("junction.fuzz.seed", defaultSeed);
        SplittableRandom rnd = new SplittableRandom(seed);
        IntRelation rel = newRelation("chunked");
        RelationModel model = new RelationModel(kind());
        int range = 200_000;
        int rows = 6_000;
        int chunk = 1 + rnd.nextInt(3_000);
        int[] ls = new int[chunk], rs = new int[chunk];
        int n = 0;
        long expectedNew = 0, loaded = 0;
        for (int row = 0; row < rows; row++) {
            int left = (int) ((row * 2_654_435_761L) % range);
            int degree = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 120 : 12);
            for (int j = 0; j < degree; j++) {
                int right = rnd.nextInt(4) == 0 ? rnd.nextInt(range) : (int) Math.min(range - 1, Math.abs(rnd.nextGaussian()) * 50);
                ls[n] = left;
                rs[n] = right;
                if (model.link(left, right)) expectedNew++;
                if (++n == chunk || (row == rows - 1 && j == degree - 1)) {
                    loaded += rel.linkAll(java.util.Arrays.copyOf(ls, n), java.util.Arrays.copyOf(rs, n));
                    n = 0;
                }
            }
        }
        final int c = chunk;
        assertEquals(expectedNew, loaded, () -> "seed=" + seed + " chunk=" + c);
        assertEquals(model.size(), rel.size(), () -> "seed=" + seed);
        for (int row = 0; row < rows; row++) {
            int left = (int) ((row * 2_654_435_761L) % range);
            assertArrayEquals(sortedArray(model.rightsOf(left)), rights(rel, left), () -> "seed=" + seed + " left " + left);
        }
        for (int right = 0; right < 400; right++) {
            final int r = right;
            assertArrayEquals(sortedArray(model.leftsOf(right)), lefts(rel, right), () -> "seed=" + seed + " right " + r);
        }
        for (int i = 0; i < 3_000; i++) {
            int left = (int) ((rnd.nextInt(rows) * 2_654_435_761L) % range);
            int right = rnd.nextInt(300);
            boolean link = rnd.nextBoolean();
            assertEquals(link ? model.link(left, right) : model.unlink(left, right),
                    link ? rel.link(left, right) : rel.unlink(left, right), () -> "seed=" + seed);
        }
        assertEquals(model.size(), rel.size(), () -> "seed=" + seed);
    }

    @Test
    default void bulkLoadIntoOneHotEntityPromotesItsSet() {
        IntRelation rel = newRelation("hot");
        int n = 20_000;
        int[] lefts = new int[n], rights = new int[n];
        for (int i = 0; i < n; i++) {
            lefts[i] = 1_000_000 + (i * 7919) % n; // distinct, shuffled
            rights[i] = 7;
        }
        assertEquals(n, rel.linkAll(lefts, rights));
        assertEquals(n, rel.degreeOfRight(7));
        int[] got = lefts(rel, 7);
        for (int i = 0; i < n; i++) assertEquals(1_000_000 + i, got[i]);
        assertEquals(0, rel.linkAll(lefts, rights), "everything already present");
        assertEquals(n, rel.size());
    }

    @Test
    default void badInputChangesNothing() {
        IntRelation rel = newRelation("bulk_bad");
        rel.link(1, 10);
        String before = snapshot(rel, 1, 2, 3, 10, 11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rel.linkAll(new int[] {2, 3, -5, 1}, new int[] {10, 11, 12, 13}));
        assertTrue(e.getMessage().contains("-5") && e.getMessage().contains("bulk_bad"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> rel.linkAll(new int[] {2, 3}, new int[] {10, -11}));
        assertTrue(e.getMessage().contains("-11") && e.getMessage().contains("bulk_bad"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rel.linkAll(new int[] {2, 3}, new int[] {10}));
        assertTrue(e.getMessage().contains("bulk_bad"), e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> rel.linkAll(null, new int[0]));
        assertTrue(npe.getMessage().contains("bulk_bad"), npe.getMessage());
        assertThrows(NullPointerException.class, () -> rel.linkAll(new int[0], null));
        assertEquals(before, snapshot(rel, 1, 2, 3, 10, 11));
    }

    @Test
    default void bulkLoadInvalidatesIteratorsOfTouchedEntitiesOnly() {
        IntRelation rel = withLinks(newRelation("bulk_ff"), 1, 10, 2, 11);
        IntIterator touched = rel.rightsOf(1).iterator();
        IntIterator untouched = rel.rightsOf(2).iterator();
        rel.linkAll(new int[] {1, 3}, new int[] {12, 13});
        assertThrows(ConcurrentModificationException.class, touched::nextInt);
        assertEquals(11, untouched.nextInt());
    }
}
