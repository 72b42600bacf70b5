package dev.junction.index;

import static dev.junction.index.RelationAssertions.assertLefts;
import static dev.junction.index.RelationAssertions.assertRights;
import static dev.junction.index.RelationAssertions.drain;
import static dev.junction.index.RelationAssertions.forEachLefts;
import static dev.junction.index.RelationAssertions.forEachRights;
import static dev.junction.index.RelationAssertions.ints;
import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static dev.junction.index.RelationAssertions.sortedArray;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The association-table semantics every kind shares. Left ids (1, 2, 3) and right ids (10..13) are disjoint, so the
 * expectations hold for all three kinds; what differs per kind is tested in the per-kind test classes.
 */
public interface LinkSemanticsContract extends RelationFixture {

    @Test
    default void nameAndKindAreThoseGivenAtCreation() {
        IntRelation rel = newRelation("author_books");
        assertEquals("author_books", rel.name());
        assertEquals(kind(), rel.kind());
        assertEquals(0L, rel.size());
    }

    @Test
    default void factoryRejectsNullName() {
        assertThrows(NullPointerException.class, () -> newRelation(null));
    }

    @Test
    default void linkIsSetSemantics() {
        IntRelation rel = newRelation("set");
        assertTrue(rel.link(1, 10));
        assertFalse(rel.link(1, 10), "second link of the same pair");
        assertEquals(1L, rel.size());
        assertRights(rel, 1, ints(10));
        assertLefts(rel, 10, ints(1));
        assertTrue(rel.link(1, 11));
        assertTrue(rel.link(2, 10));
        assertFalse(rel.link(2, 10));
        assertEquals(3L, rel.size());
        assertRights(rel, 1, ints(10, 11));
        assertLefts(rel, 10, ints(1, 2));
    }

    @Test
    default void unlinkOfAbsentPairReturnsFalseAndChangesNothing() {
        IntRelation rel = newRelation("unlink");
        assertFalse(rel.unlink(1, 10), "unlink on an empty relation");
        rel.link(1, 10);
        assertFalse(rel.unlink(1, 11));
        assertFalse(rel.unlink(2, 10));
        assertEquals(1L, rel.size());
        assertTrue(rel.unlink(1, 10));
        assertFalse(rel.unlink(1, 10), "second unlink");
        assertEquals(0L, rel.size());
        assertRights(rel, 1, ints());
        assertLefts(rel, 10, ints());
        assertFalse(rel.contains(1, 10));
    }

    @Test
    default void containsSeesExactlyTheLinkedPairs() {
        IntRelation rel = withLinks(newRelation("contains"), 1, 10, 2, 11);
        assertTrue(rel.contains(1, 10));
        assertTrue(rel.contains(2, 11));
        assertFalse(rel.contains(1, 11));
        assertFalse(rel.contains(2, 10));
        assertFalse(rel.contains(3, 10));
    }

    @Test
    default void removeLeftReturnsCountAndClearsTheOtherSide() {
        IntRelation rel = withLinks(newRelation("removeLeft"), 1, 10, 1, 11, 1, 12, 2, 10);
        assertEquals(3, rel.removeLeft(1));
        assertEquals(1L, rel.size());
        assertRights(rel, 1, ints());
        assertLefts(rel, 10, ints(2));
        assertLefts(rel, 11, ints());
        assertLefts(rel, 12, ints());
        assertRights(rel, 2, ints(10));
        assertEquals(0, rel.removeLeft(1), "second removeLeft");
        assertEquals(0, rel.removeLeft(3), "never-seen id");
        assertEquals(1L, rel.size());
    }

    @Test
    default void removeRightReturnsCountAndClearsTheOtherSide() {
        IntRelation rel = withLinks(newRelation("removeRight"), 1, 10, 2, 10, 3, 10, 2, 11);
        assertEquals(3, rel.removeRight(10));
        assertEquals(1L, rel.size());
        assertLefts(rel, 10, ints());
        assertRights(rel, 1, ints());
        assertRights(rel, 2, ints(11));
        assertRights(rel, 3, ints());
        assertEquals(0, rel.removeRight(10));
        assertEquals(0, rel.removeRight(13));
    }

    @Test
    default void removeLeftOfALargeSetClearsEveryRight() {
        IntRelation rel = newRelation("removeLeftLarge");
        int n = 5_000; // beyond any small-set size class
        for (int r = 0; r < n; r++) {
            rel.link(1, 100 + r * 3);
            rel.link(2, 100 + r * 3);
        }
        assertEquals(n, rel.removeLeft(1));
        assertEquals(n, rel.size());
        for (int r = 0; r < n; r++) {
            assertArrayEquals(ints(2), lefts(rel, 100 + r * 3));
        }
        assertEquals(0, rel.degreeOfLeft(1));
    }

    @Test
    default void replaceRightsMakesTheGivenSetTheWholeSet() {
        IntRelation rel = withLinks(newRelation("replaceRights"), 1, 10, 1, 11, 2, 11);
        assertTrue(rel.replaceRights(1, ints(12, 11, 12, 13, 13)), "duplicates count once");
        assertRights(rel, 1, ints(11, 12, 13));
        assertLefts(rel, 10, ints());
        assertLefts(rel, 11, ints(1, 2));
        assertLefts(rel, 12, ints(1));
        assertLefts(rel, 13, ints(1));
        assertEquals(4L, rel.size());

        assertFalse(rel.replaceRights(1, ints(13, 11, 12, 11)), "same set in another order: no change");
        assertEquals(4L, rel.size());
        assertRights(rel, 1, ints(11, 12, 13));

        assertTrue(rel.replaceRights(1, ints()));
        assertRights(rel, 1, ints());
        assertLefts(rel, 11, ints(2));
        assertLefts(rel, 12, ints());
        assertEquals(1L, rel.size());
        assertFalse(rel.replaceRights(1, ints()), "empty to empty");
        assertFalse(rel.replaceRights(3, new int[0]), "never-seen id to empty");
        assertTrue(rel.replaceRights(3, ints(10)), "never-seen id to non-empty");
        assertLefts(rel, 10, ints(3));
    }

    @Test
    default void replaceLeftsMakesTheGivenSetTheWholeSet() {
        IntRelation rel = withLinks(newRelation("replaceLefts"), 1, 10, 2, 10, 2, 11);
        assertTrue(rel.replaceLefts(10, ints(3, 2, 3)));
        assertLefts(rel, 10, ints(2, 3));
        assertRights(rel, 1, ints());
        assertRights(rel, 2, ints(10, 11));
        assertRights(rel, 3, ints(10));
        assertEquals(3L, rel.size());
        assertFalse(rel.replaceLefts(10, ints(2, 3, 3, 2)));
        assertTrue(rel.replaceLefts(10, ints()));
        assertLefts(rel, 10, ints());
        assertRights(rel, 2, ints(11));
        assertEquals(1L, rel.size());
    }

    @Test
    default void replaceRightsAcrossTheSmallToLargeThreshold() {
        IntRelation rel = newRelation("replaceGrow");
        int[] big = new int[6_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = 100 + (big.length - i) * 7; // descending input
        }
        assertTrue(rel.replaceRights(1, big));
        int[] sorted = big.clone();
        Arrays.sort(sorted);
        assertRights(rel, 1, sorted);
        assertEquals(big.length, rel.size());
        assertTrue(rel.replaceRights(1, ints(sorted[17], 10)));
        assertRights(rel, 1, ints(10, sorted[17]));
        assertEquals(2L, rel.size());
        assertArrayEquals(ints(), lefts(rel, sorted[18]));
        assertArrayEquals(ints(1), lefts(rel, sorted[17]));
    }

    @Test
    default void replaceRightsDoesNotKeepOrChangeTheArgument() {
        IntRelation rel = newRelation("replaceArg");
        int[] arg = ints(13, 11, 12, 11);
        rel.replaceRights(1, arg);
        assertArrayEquals(ints(13, 11, 12, 11), arg, "the argument must not be modified");
        arg[0] = 10; // a later change of the caller's array must not leak in
        assertRights(rel, 1, ints(11, 12, 13));
        assertLefts(rel, 10, ints());
    }

    @Test
    default void clearRemovesEverythingAndViewsBecomeEmpty() {
        IntRelation rel = newRelation("clear");
        for (int r = 10; r < 200; r++) {
            rel.link(1, r);
        }
        rel.link(2, 10);
        IntNeighborSet rightsOf1 = rel.rightsOf(1);
        IntNeighborSet leftsOf10 = rel.leftsOf(10);
        assertEquals(190, rightsOf1.size());
        rel.clear();
        assertEquals(0L, rel.size());
        assertTrue(rightsOf1.isEmpty());
        assertFalse(rightsOf1.iterator().hasNext());
        assertTrue(leftsOf10.isEmpty());
        assertRights(rel, 1, ints());
        assertRights(rel, 2, ints());
        assertLefts(rel, 10, ints());
        assertFalse(rel.contains(1, 10));
        rel.clear(); // clear twice
        assertTrue(rel.link(1, 10), "usable after clear");
        assertArrayEquals(ints(10), drain(rightsOf1.iterator()), "an old view stays live after clear");
        assertEquals(1L, rel.size());
    }

    @Test
    default void degreesFollowEveryChange() {
        IntRelation rel = withLinks(newRelation("degrees"), 1, 10, 1, 11, 2, 11);
        assertEquals(2, rel.degreeOfLeft(1));
        assertEquals(1, rel.degreeOfLeft(2));
        assertEquals(1, rel.degreeOfRight(10));
        assertEquals(2, rel.degreeOfRight(11));
        rel.unlink(1, 11);
        assertEquals(1, rel.degreeOfLeft(1));
        assertEquals(1, rel.degreeOfRight(11));
        rel.removeRight(11);
        assertEquals(0, rel.degreeOfLeft(2));
        assertEquals(0, rel.degreeOfRight(11));
    }

    @Test
    default void viewsAreLive() {
        IntRelation rel = newRelation("live");
        IntNeighborSet rightsOf1 = rel.rightsOf(1); // obtained before any link
        IntNeighborSet leftsOf10 = rel.leftsOf(10);
        assertTrue(rightsOf1.isEmpty());
        rel.link(1, 10);
        assertTrue(rightsOf1.contains(10));
        assertEquals(1, rightsOf1.size());
        assertTrue(leftsOf10.contains(1));
        for (int r = 11; r < 300; r++) { // grows past the small-set classes
            rel.link(1, r);
        }
        assertEquals(290, rightsOf1.size());
        assertTrue(rightsOf1.contains(299));
        rel.unlink(1, 10);
        assertFalse(rightsOf1.contains(10));
        assertTrue(leftsOf10.isEmpty());
        rel.removeLeft(1);
        assertTrue(rightsOf1.isEmpty());
        rel.replaceRights(1, ints(42));
        assertArrayEquals(ints(42), drain(rightsOf1.iterator()));
    }

    @Test
    default void iterationIsAscendingAcrossBlocks() {
        IntRelation rel = newRelation("order");
        int[] ids = {Integer.MAX_VALUE, 70_000, 65_536, 65_535, 0, 131_072, 5, 1 << 24, 4, Integer.MAX_VALUE - 1};
        for (int id : ids) {
            rel.link(1, id);
            rel.link(id, 1_000_000_001);
        }
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        assertRights(rel, 1, sorted);
        assertLefts(rel, 1_000_000_001, sorted);
    }

    @Test
    default void iterationIsAscendingForRandomInsertionOrder() {
        IntRelation rel = newRelation("orderRandom");
        SplittableRandom rnd = new SplittableRandom(7);
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < 3_000; i++) {
            int id = rnd.nextInt(4) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(20_000);
            rel.link(1, id);
            expected.add(id);
        }
        assertRights(rel, 1, sortedArray(expected));
    }

    @Test
    default void forEachRightAndForEachLeftMatchIteratorOrder() {
        IntRelation rel = newRelation("forEach");
        for (int r : ints(300, 10, 70_000, 20, 65_536)) {
            rel.link(1, r);
        }
        for (int l : ints(9, 3, 2_000_000_000, 7)) {
            rel.link(l, 10);
        }
        assertArrayEquals(ints(10, 20, 300, 65_536, 70_000), forEachRights(rel, 1));
        assertArrayEquals(ints(1, 3, 7, 9, 2_000_000_000), forEachLefts(rel, 10));
        IntArrayList viaView = new IntArrayList();
        rel.rightsOf(1).forEach((java.util.function.IntConsumer) viaView::add);
        assertArrayEquals(ints(10, 20, 300, 65_536, 70_000), viaView.toIntArray());
        IntArrayList none = new IntArrayList();
        rel.forEachRight(2, none::add);
        rel.forEachLeft(11, none::add);
        assertTrue(none.isEmpty());
    }

    @Test
    default void iteratorAfterIsAKeysetCursor() {
        IntRelation rel = newRelation("after");
        int[] set = {3, 5, 9, 65_536, 70_000, Integer.MAX_VALUE};
        for (int r : set) {
            rel.link(1, r);
        }
        IntNeighborSet view = rel.rightsOf(1);
        assertArrayEquals(set, drain(view.iteratorAfter(-1)));
        assertArrayEquals(set, drain(view.iteratorAfter(Integer.MIN_VALUE)));
        assertArrayEquals(set, drain(view.iteratorAfter(2)));
        assertArrayEquals(ints(5, 9, 65_536, 70_000, Integer.MAX_VALUE), drain(view.iteratorAfter(3)));
        assertArrayEquals(ints(5, 9, 65_536, 70_000, Integer.MAX_VALUE), drain(view.iteratorAfter(4)), "absent");
        assertArrayEquals(ints(65_536, 70_000, Integer.MAX_VALUE), drain(view.iteratorAfter(9)));
        assertArrayEquals(ints(65_536, 70_000, Integer.MAX_VALUE), drain(view.iteratorAfter(65_535)));
        assertArrayEquals(ints(70_000, Integer.MAX_VALUE), drain(view.iteratorAfter(65_536)));
        assertArrayEquals(ints(Integer.MAX_VALUE), drain(view.iteratorAfter(100_000)));
        assertArrayEquals(ints(Integer.MAX_VALUE), drain(view.iteratorAfter(Integer.MAX_VALUE - 1)));
        assertArrayEquals(ints(), drain(view.iteratorAfter(Integer.MAX_VALUE)));
        assertArrayEquals(ints(), drain(rel.rightsOf(2).iteratorAfter(-1)), "empty view");
        assertArrayEquals(ints(1), drain(rel.leftsOf(9).iteratorAfter(0)));
        assertArrayEquals(ints(), drain(rel.leftsOf(9).iteratorAfter(1)));
    }

    @Test
    default void iteratorAfterOnLargeSetsMatchesTailSet() {
        IntRelation rel = newRelation("afterLarge");
        SplittableRandom rnd = new SplittableRandom(11);
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < 12_000; i++) { // a dense block (bitmap-sized), a sparse tail, and block edges
            int id = i < 6_000 ? rnd.nextInt(8_000) : i < 11_000 ? rnd.nextInt(Integer.MAX_VALUE)
                    : rnd.nextInt(50) * 65_536 + (rnd.nextBoolean() ? 0 : 65_535);
            rel.link(id, 7);
            expected.add(id);
        }
        IntNeighborSet view = rel.leftsOf(7);
        int[] all = sortedArray(expected);
        for (int i = 0; i < 300; i++) {
            int after = rnd.nextInt(3) == 0 ? all[rnd.nextInt(all.length)] - rnd.nextInt(2)
                    : rnd.nextInt(3) == 0 ? rnd.nextInt(9_000) - 100 : rnd.nextInt(Integer.MAX_VALUE);
            int[] exp = sortedArray(expected.tailSet(after, false));
            int[] got = drain(view.iteratorAfter(after));
            assertArrayEquals(exp, got, "iteratorAfter(" + after + ")");
        }
        // every element on a block edge, as the cursor and just before it
        for (int e : all) {
            int low = e & 0xFFFF;
            if (low <= 1 || low >= 65_534) {
                for (int after : ints(e - 1, e)) {
                    Integer higher = expected.higher(after);
                    IntIterator it = view.iteratorAfter(after);
                    if (higher == null) {
                        assertFalse(it.hasNext(), "iteratorAfter(" + after + ")");
                    } else {
                        assertEquals(higher.intValue(), it.nextInt(), "iteratorAfter(" + after + ")");
                    }
                }
            }
        }
    }

    @Test
    default void ownerIsTheEntityOfTheView() {
        IntRelation rel = newRelation("owner");
        rel.link(7, 9);
        assertEquals(7, rel.rightsOf(7).owner());
        assertEquals(9, rel.leftsOf(9).owner());
        assertEquals(123_456, rel.rightsOf(123_456).owner(), "never-seen id");
        assertEquals(Integer.MAX_VALUE, rel.leftsOf(Integer.MAX_VALUE).owner());
    }

    @Test
    default void iteratorsEndWithNoSuchElement() {
        IntRelation rel = newRelation("nse");
        rel.link(1, 10);
        IntIterator it = rel.rightsOf(1).iterator();
        assertEquals(10, it.nextInt());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::nextInt);
        assertThrows(NoSuchElementException.class, rel.rightsOf(2).iterator()::nextInt);
        assertThrows(NoSuchElementException.class, rel.rightsOf(1).iteratorAfter(10)::nextInt);
    }

    @Test
    default void viewsFollowTheSetContract() {
        IntRelation rel = newRelation("equals");
        for (int r : ints(10, 11, 70_000)) {
            rel.link(1, r);
        }
        IntNeighborSet view = rel.rightsOf(1);
        IntOpenHashSet same = new IntOpenHashSet(ints(70_000, 11, 10));
        assertEquals(same, view);
        assertEquals(view, same);
        assertEquals(same.hashCode(), view.hashCode());
        assertNotEquals(new IntOpenHashSet(ints(10, 11)), view);
        assertArrayEquals(ints(10, 11, 70_000), view.toIntArray());
        assertTrue(view.containsAll(new IntOpenHashSet(ints(10, 70_000))));
        assertFalse(view.contains(12));
        assertFalse(view.contains(-1), "a negative id is simply not contained in a view");
    }

    @Test
    default void inverseIsTheSameStorageSeenFromTheOtherSide() {
        IntRelation rel = newRelation("inv");
        IntRelation inv = rel.inverse();
        assertEquals(rel, inv.inverse(), "inverse of the inverse is the relation");
        if (symmetric()) {
            assertEquals(rel, inv, "a symmetric relation is its own inverse");
        }
        assertTrue(inv.link(10, 1), "inverse().link(r, l) links (l, r)");
        assertTrue(rel.contains(1, 10));
        assertFalse(rel.link(1, 10), "already linked through the inverse");
        assertTrue(rel.link(2, 10));
        assertArrayEquals(ints(1, 2), rights(inv, 10));
        assertArrayEquals(ints(10), lefts(inv, 1));
        assertEquals(2, inv.degreeOfLeft(10));
        assertEquals(1, inv.degreeOfRight(2));
        assertEquals(2L, inv.size());
        assertEquals(2, inv.removeLeft(10), "removes right 10 of the relation with all its links");
        assertEquals(0L, rel.size());
        assertRights(rel, 1, ints());
        assertEquals(1L, inv.linkAll(ints(11), ints(3)));
        assertTrue(rel.contains(3, 11));
        assertTrue(inv.replaceRights(11, ints(1, 2)));
        assertLefts(rel, 11, ints(1, 2));
    }
}
