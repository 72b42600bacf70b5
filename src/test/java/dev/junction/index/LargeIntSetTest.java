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

    static void checkFully(LargeIntSet set, TreeSet<Integer> model, Supplier<String> ctx) {
        int[] expected = RelationContract.sortedArray(model);
        int[] copy = new int[expected.length + 2];
        assertEquals(expected.length, set.copyTo(copy, 2), ctx);
        int[] got = new int[expected.length];
        System.arraycopy(copy, 2, got, 0, got.length);
        assertArrayEquals(expected, got, ctx);
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
