package dev.junction.index;

import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** A new relation, and ids never seen by a used one: empty views, degree 0, no links, no-op bulk calls. */
public interface EmptyRelationContract extends RelationFixture {

    int[] IDS = {0, 1, 63, 64, 65_535, 65_536, 1 << 24, 2_000_000_000, Integer.MAX_VALUE};

    @Test
    default void newRelationIsEmpty() {
        IntRelation rel = newRelation("empty");
        assertEmptyFor(rel, IDS);
    }

    @Test
    default void neverSeenIdsOfAUsedRelationAreEmpty() {
        IntRelation rel = newRelation("used");
        rel.link(5, 6);
        for (int r = 1_000; r < 2_000; r++) {
            rel.link(7, r);
        }
        assertEmptyFor(rel, IDS);
        assertEquals(1_001L, rel.size());
    }

    @Test
    default void bulkCallsOnNeverSeenIdsChangeNothing() {
        IntRelation rel = newRelation("bulk_empty");
        assertEquals(0, rel.removeLeft(3));
        assertEquals(0, rel.removeRight(3));
        assertFalse(rel.replaceRights(3, new int[0]));
        assertFalse(rel.replaceLefts(3, new int[0]));
        assertFalse(rel.unlink(3, 4));
        rel.clear();
        assertEmptyFor(rel, IDS);
        assertEmptyFor(rel, 3, 4);
    }

    @Test
    default void unlinkingTheLastLinkLeavesEmptyEntities() {
        IntRelation rel = withLinks(newRelation("emptied"), 3, 4, 70_000, 2_000_000_000);
        rel.unlink(3, 4);
        rel.removeLeft(70_000);
        assertEmptyFor(rel, 3, 4, 70_000, 2_000_000_000);
    }

    private static void assertEmptyFor(IntRelation rel, int... ids) {
        long size = rel.size();
        for (int id : ids) {
            String at = rel.name() + " id " + id;
            for (IntNeighborSet view : new IntNeighborSet[] {rel.rightsOf(id), rel.leftsOf(id)}) {
                assertTrue(view.isEmpty(), at);
                assertEquals(0, view.size(), at);
                assertEquals(id, view.owner(), at);
                assertFalse(view.iterator().hasNext(), at);
                assertThrows(NoSuchElementException.class, view.iterator()::nextInt, at);
                assertFalse(view.iteratorAfter(-1).hasNext(), at);
                assertFalse(view.contains(id), at);
                assertFalse(view.contains(0), at);
                assertArrayEquals(new int[0], view.toIntArray(), at);
            }
            assertEquals(0, rel.degreeOfLeft(id), at);
            assertEquals(0, rel.degreeOfRight(id), at);
            assertFalse(rel.contains(id, id), at);
            assertFalse(rel.contains(id, 0), at);
            assertFalse(rel.contains(0, id), at);
            int[] calls = {0};
            rel.forEachRight(id, x -> calls[0]++);
            rel.forEachLeft(id, x -> calls[0]++);
            assertEquals(0, calls[0], at);
        }
        assertEquals(size, rel.size(), "reading never-seen ids must not change the size");
    }
}
