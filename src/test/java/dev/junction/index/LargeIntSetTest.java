package dev.junction.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unit test of the package-private roaring-like set against a {@link TreeSet}: seeded random adds and removes
 * concentrated on a few 65536-blocks, so containers go array to bitmap and back, plus its structural invariants.
 */
class LargeIntSetTest {

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {3L, 77L, 123_456_789L})
    void randomAddRemoveAgreesWithTreeSet(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LargeIntSet set = new LargeIntSet();
        TreeSet<Integer> model = new TreeSet<>();
        int[] blocks = {0, 1, 7, 0x7FFF}; // 0x7FFF: the block of Integer.MAX_VALUE
        int steps = Math.max(20_000, Integer.getInteger("junction.fuzz.ops", 20_000));
        for (int step = 0; step < steps; step++) {
            boolean grow = (step / 5_000) % 2 == 0;
            int x = blocks[rnd.nextInt(blocks.length)] * 65_536 + rnd.nextInt(rnd.nextBoolean() ? 65_536 : 9_000);
            int fstep = step;
            Supplier<String> ctx = () -> "seed=" + seed + " step=" + fstep + " x=" + x;
            if (rnd.nextInt(100) < (grow ? 75 : 25)) {
                boolean absent = set.prepare(x);
                assertEquals(model.add(x), absent, ctx);
                if (absent) {
                    set.add(x);
                }
            } else {
                Integer y = rnd.nextBoolean() ? model.ceiling(x) : null; // mostly present elements
                int v = y != null ? y : x;
                assertEquals(model.remove(v), set.remove(v), ctx);
            }
            assertEquals(model.size(), set.size(), ctx);
            assertEquals(model.contains(x), set.contains(x), ctx);
            if (step % 1_000 == 0) {
                checkFully(set, model, ctx);
            }
        }
        checkFully(set, model, () -> "seed=" + seed + " final");
        for (int v : model) {
            assertTrue(set.remove(v));
        }
        assertEquals(0, set.size());
        assertEquals(0, set.containers);
    }

    @org.junit.jupiter.api.Test
    void offsetPagesAcrossArrayAndBitmapContainers() {
        IntArrayList ids = new IntArrayList();
        for (int x = 0; x < 9_000; x += 1) ids.add(x);                 // block 0: dense, a bitmap
        for (int x = 65_536; x < 65_536 + 3_000; x += 7) ids.add(x);  // block 1: sparse, an array
        for (int x = 3 * 65_536; x < 3 * 65_536 + 60_000; x += 3) ids.add(x); // block 3: a bitmap of every third
        int[] all = ids.toIntArray();
        LargeIntSet set = LargeIntSet.ofSorted(all, 0, all.length, 0);
        assertTrue(set.bitmaps[0] != null && set.arrays[1] != null && set.bitmaps[2] != null, "container kinds");
        for (int offset = 0; offset <= all.length + 1; offset += offset < 200 ? 1 : 97) {
            for (int len : new int[] {1, 5, 64, 700}) {
                int[] page = new int[len];
                int n = set.copyRange(offset, page, 0, len);
                assertEquals(Math.max(0, Math.min(len, all.length - offset)), n, "offset " + offset + " len " + len);
                for (int k = 0; k < n; k++) assertEquals(all[offset + k], page[k], "offset " + offset + " at " + k);
            }
        }
    }

    static void checkFully(LargeIntSet set, TreeSet<Integer> model, Supplier<String> ctx) {
        int[] expected = RelationAssertions.sortedArray(model);
        int[] copy = new int[expected.length + 2];
        assertEquals(expected.length, set.copyTo(copy, 2), ctx);
        int[] got = new int[expected.length];
        System.arraycopy(copy, 2, got, 0, got.length);
        assertArrayEquals(expected, got, ctx);
        // offset pages across containers (array and bitmap) and words
        java.util.SplittableRandom r = new java.util.SplittableRandom(expected.length);
        for (int k = 0; k < 20; k++) {
            int offset = expected.length == 0 ? 0 : r.nextInt(expected.length + 2);
            int len = r.nextInt(300);
            int[] page = new int[len + 1];
            int n = set.copyRange(offset, page, 1, len);
            int want = Math.max(0, Math.min(len, expected.length - offset));
            assertEquals(want, n, ctx);
            for (int i = 0; i < n; i++) assertEquals(expected[offset + i], page[1 + i], ctx);
        }
        IntArrayList each = new IntArrayList();
        LargeCursor cursor = new LargeCursor(set, -1);
        for (int v = cursor.next(); v >= 0; v = cursor.next()) {
            each.add(v);
        }
        assertArrayEquals(expected, each.toIntArray(), ctx);
        long cardSum = 0;
        for (int i = 0; i < set.containers; i++) {
            int card = set.cards[i];
            String at = ctx.get() + " container " + i;
            assertTrue(card > 0, at + ": empty container");
            assertTrue((set.arrays[i] == null) != (set.bitmaps[i] == null), at + ": not exactly one of array/bitmap");
            if (set.arrays[i] != null) {
                assertTrue(card <= LargeIntSet.ARRAY_MAX, at + ": array container over 4096");
            }
            if (i > 0) {
                assertTrue(set.keys[i - 1] < set.keys[i], at + ": keys not ascending");
            }
            cardSum += card;
        }
        assertEquals(set.size(), cardSum, ctx);
        LargeIntSet rebuilt = LargeIntSet.ofSorted(expected, 0, expected.length, 0);
        assertEquals(expected.length, rebuilt.size(), ctx);
        int[] again = new int[expected.length];
        rebuilt.copyTo(again, 0);
        assertArrayEquals(expected, again, ctx);
    }
}
