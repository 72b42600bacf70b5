package dev.junction.index;

import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Junction;
import dev.junction.LongTable;
import java.util.ConcurrentModificationException;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link IntRelation#swapContents}: each index ends with exactly what the other held (both sides, sizes, large
 * and overflow sets), both go on working, open iterators fail fast, and refusals change nothing.
 */
class SwapContentsTest {

    /** Fills {@code rel} with seeded links (hubs, so some sets are large; a few ids far beyond the direct range). */
    private static TreeSet<Long> fill(IntRelation rel, long seed, int n) {
        Random rnd = new Random(seed);
        TreeSet<Long> model = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            int l = rnd.nextInt(10) == 0 ? rnd.nextInt(3) : rnd.nextInt(2000);
            int r = rnd.nextInt(50) == 0 ? 1_000_000_000 + rnd.nextInt(5) : rnd.nextInt(3000);
            if (rel.kind() == IntRelation.Kind.SYMMETRIC && l > r) {
                int t = l;
                l = r;
                r = t;
            }
            rel.link(l, r);
            model.add((long) l << 32 | r);
        }
        return model;
    }

    private static void assertHolds(IntRelation rel, TreeSet<Long> model, String what) {
        assertEquals(model.size(), rel.size(), what + ": size");
        for (long k : model) {
            int l = (int) (k >>> 32);
            int r = (int) k;
            assertTrue(rel.contains(l, r), what + ": missing " + l + "-" + r);
            assertTrue(rel.leftsOf(r).contains(l), what + ": two-way " + l + "-" + r);
        }
        long[] count = {0};
        rel.forEachLink((l, r) -> {
            count[0]++;
            assertTrue(rel.rightsOf(l).contains(r));
            assertTrue(rel.leftsOf(r).contains(l));
        });
        assertEquals(model.size(), count[0], what + ": links walked");
    }

    @Test
    void everyKindSwapsBothWaysAndGoesOnWorking() {
        for (IntRelation.Kind kind : IntRelation.Kind.values()) {
            IntRelation a = RawIndexFixture.create(kind, "a");
            IntRelation b = RawIndexFixture.create(kind, "b");
            TreeSet<Long> ma = fill(a, 1, 20_000);
            TreeSet<Long> mb = fill(b, 2, 700);
            a.swapContents(b);
            assertHolds(a, mb, kind + " a after swap");
            assertHolds(b, ma, kind + " b after swap");
            assertEquals("a", a.name()); // names stay with the objects
            // both go on working: writes after the swap land where they should
            a.link(5, 5);
            mb.add(5L << 32 | 5);
            assertTrue(b.unlink((int) (ma.first() >>> 32), (int) (long) ma.first()));
            ma.remove(ma.first());
            assertHolds(a, mb, kind + " a after writes");
            assertHolds(b, ma, kind + " b after writes");
            b.swapContents(a); // and back
            assertHolds(b, mb, kind + " b after swapping back");
            assertHolds(a, ma, kind + " a after swapping back");
            a.clear();
            a.swapContents(b); // into an empty one: the bulk-load case
            assertHolds(a, mb, kind + " into empty");
            assertEquals(0, b.size());
        }
    }

    @Test
    void openIteratorsFailFastAfterASwap() {
        IntRelation a = withLinks(IntRelation.bipartite("a"), 1, 2, 1, 3);
        IntRelation b = withLinks(IntRelation.bipartite("b"), 1, 9);
        var it = a.rightsOf(1).iterator();
        it.nextInt();
        a.swapContents(b);
        assertThrows(ConcurrentModificationException.class, it::nextInt);
        assertTrue(a.rightsOf(1).contains(9));
    }

    @Test
    void refusalsChangeNothing() {
        IntRelation a = IntRelation.bipartite("a");
        a.link(1, 2);
        IntRelation sym = IntRelation.symmetric("s");
        IntRelation dir = IntRelation.directed("d");
        IllegalArgumentException kinds = assertThrows(IllegalArgumentException.class, () -> a.swapContents(dir));
        assertTrue(kinds.getMessage().contains("'a'") && kinds.getMessage().contains("BIPARTITE"), kinds.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> a.swapContents(sym));
        assertThrows(UnsupportedOperationException.class, () -> a.swapContents(a.inverse()));
        assertThrows(UnsupportedOperationException.class, () -> a.inverse().swapContents(IntRelation.bipartite("c")));
        assertThrows(NullPointerException.class, () -> a.swapContents(null));
        Junction db = Junction.create();
        LongTable t = db.longTable("t");
        IntRelation engine = db.relation("e", t, t).ints();
        assertThrows(UnsupportedOperationException.class, () -> a.swapContents(engine));
        assertThrows(UnsupportedOperationException.class, () -> engine.swapContents(a));
        a.swapContents(a); // itself: nothing to do
        assertEquals(1, a.size());
        assertTrue(a.contains(1, 2));
        assertFalse(dir.contains(1, 2));
    }

    /**
     * Open iterators must fail fast after a swap even when the entity's change counters happen to be equal in both
     * indexes (here three links each): they come from unrelated indexes, so the sides carry a generation too.
     */
    @Test
    void iteratorsFailFastAfterASwapEvenWhenEntityCountersCoincide() {
        IntRelation a = withLinks(IntRelation.bipartite("a"), 1, 2, 1, 3, 1, 4);
        IntRelation b = withLinks(IntRelation.bipartite("b"), 1, 7, 1, 8, 1, 9);
        it.unimi.dsi.fastutil.ints.IntIterator it = a.rightsOf(1).iterator();
        org.junit.jupiter.api.Assertions.assertEquals(2, it.nextInt());
        a.swapContents(b);
        java.util.List<Integer> after = new java.util.ArrayList<>();
        org.junit.jupiter.api.Assertions.assertThrows(java.util.ConcurrentModificationException.class, () -> {
            while (it.hasNext()) after.add(it.nextInt());
        }, () -> "iterator went on with the swapped-out contents " + after + " while a now holds [7, 8, 9]");
    }
}
