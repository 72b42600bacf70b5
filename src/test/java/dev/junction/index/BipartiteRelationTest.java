package dev.junction.index;

import static dev.junction.index.RelationAssertions.forEachLefts;
import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.RawIndexFixture.KindUnderTest;
import org.junit.jupiter.api.Test;

/** Every contract for {@link IntRelation#bipartite(String)}, plus what is particular to two id spaces. */
@KindUnderTest(IntRelation.Kind.BIPARTITE)
class BipartiteRelationTest extends RawIndexFixture implements IntRelationContracts {

    @Test
    void theTwoIdSpacesAreIndependent() {
        IntRelation rel = IntRelation.bipartite("author_books");
        assertTrue(rel.link(1, 1), "left 1 and right 1 are different entities");
        assertTrue(rel.link(5, 7));
        assertTrue(rel.contains(5, 7));
        assertFalse(rel.contains(7, 5), "bipartite links have a side");
        assertArrayEquals(new int[] {7}, rights(rel, 5));
        assertArrayEquals(new int[0], lefts(rel, 5), "left 5 is not a right");
        assertArrayEquals(new int[0], rights(rel, 7), "right 7 is not a left");
        assertArrayEquals(new int[] {1}, rights(rel, 1));
        assertArrayEquals(new int[] {1}, lefts(rel, 1));
        assertEquals(2L, rel.size());
        assertEquals(0, rel.removeLeft(7), "7 is only a right");
        assertEquals(1, rel.removeRight(7));
        assertEquals(1L, rel.size());
        assertEquals(IntRelation.Kind.BIPARTITE, rel.kind());
    }

    @Test
    void removeLeftAndRemoveRightOfTheSameIdAreDifferent() {
        IntRelation rel = withLinks(IntRelation.bipartite("ab"), 3, 4, 4, 3, 3, 3);
        assertEquals(2, rel.removeLeft(3)); // (3,4), (3,3)
        assertArrayEquals(new int[] {4}, forEachLefts(rel, 3));
        assertEquals(1L, rel.size());
    }
}
