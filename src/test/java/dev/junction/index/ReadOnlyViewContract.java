package dev.junction.index;

import static dev.junction.index.RelationAssertions.snapshot;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Views are read-only: every mutator throws {@link UnsupportedOperationException} and the relation is unchanged,
 * for small and large sets, on both sides.
 */
public interface ReadOnlyViewContract extends RelationFixture {

    private IntRelation fixture() {
        IntRelation rel = withLinks(newRelation("read_only"), 1, 10, 1, 11, 2, 10);
        for (int r = 100; r < 5_100; r++) { // a large set too
            rel.link(3, r);
        }
        return rel;
    }

    @Test
    default void mutatorsOfViewsThrowAndChangeNothing() {
        assertViewReadOnly(rel -> rel.rightsOf(1), 10, 12);
        assertViewReadOnly(rel -> rel.leftsOf(10), 1, 3);
        assertViewReadOnly(rel -> rel.rightsOf(3), 100, 7);
        assertViewReadOnly(rel -> rel.leftsOf(5_000), 3, 4);
    }

    private void assertViewReadOnly(Function<IntRelation, IntNeighborSet> viewOf, int present, int absent) {
        IntRelation rel = fixture();
        String before = snapshot(rel, 1, 2, 3, 10, 11, 12, 100, 5_000, 7, 4);
        IntNeighborSet view = viewOf.apply(rel);
        String v = "view of " + view.owner();
        uoe(v + ".add(absent)", () -> view.add(absent));
        uoe(v + ".remove(present)", () -> view.remove(present));
        uoe(v + ".clear()", view::clear);
        uoe(v + ".addAll", () -> view.addAll(new IntOpenHashSet(new int[] {absent})));
        uoe(v + ".removeAll", () -> view.removeAll(new IntOpenHashSet(new int[] {present})));
        uoe(v + ".retainAll", () -> view.retainAll(new IntOpenHashSet(new int[] {absent})));
        uoe(v + ".removeIf", () -> view.removeIf((int x) -> x == present));
        uoe(v + ".iterator().remove()", () -> {
            IntIterator it = view.iterator();
            it.nextInt();
            it.remove();
        });
        uoe(v + ".iteratorAfter(-1).remove()", () -> {
            IntIterator it = view.iteratorAfter(-1);
            it.nextInt();
            it.remove();
        });
        assertEquals(before, snapshot(rel, 1, 2, 3, 10, 11, 12, 100, 5_000, 7, 4), v + ": the relation changed");
    }

    @Test
    default void addToAnEmptyViewThrows() {
        IntRelation rel = newRelation("read_only_empty");
        IntNeighborSet view = rel.rightsOf(9);
        uoe("empty view add", () -> view.add(1));
        assertEquals(0L, rel.size());
        assertEquals(0, rel.degreeOfLeft(9));
        assertEquals(0, rel.degreeOfRight(1));
    }

    /** A view prints its ids like a {@code List} (as the typed views print their entities), not like fastutil's sets. */
    @Test
    default void viewsPrintTheirIdsLikeAList() {
        IntRelation rel = withLinks(newRelation("printed"), 1, 10, 1, 11);
        assertEquals("[10, 11]", rel.rightsOf(1).toString());
        assertEquals("[1]", rel.leftsOf(11).toString());
        assertEquals("[]", rel.rightsOf(7).toString());
    }

    private static void uoe(String what, Executable call) {
        assertThrows(UnsupportedOperationException.class, call, what);
    }
}
