package dev.junction.index;

import static dev.junction.index.RelationAssertions.assertSelfLinkCountsOnce;
import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.RawIndexFixture.KindUnderTest;
import org.junit.jupiter.api.Test;

/** Every contract for {@link IntRelation#directed(String)}, plus follow semantics over one id space. */
@KindUnderTest(IntRelation.Kind.DIRECTED)
class DirectedRelationTest extends RawIndexFixture implements IntRelationContracts {

    @Test
    void followingIsOneWay() {
        IntRelation follows = IntRelation.directed("follows");
        assertEquals(IntRelation.Kind.DIRECTED, follows.kind());
        assertTrue(follows.link(1, 2)); // 1 follows 2
        assertTrue(follows.contains(1, 2));
        assertFalse(follows.contains(2, 1), "2 does not follow 1");
        assertArrayEquals(new int[] {2}, rights(follows, 1), "whom 1 follows");
        assertArrayEquals(new int[] {1}, lefts(follows, 2), "followers of 2");
        assertArrayEquals(new int[0], rights(follows, 2));
        assertArrayEquals(new int[0], lefts(follows, 1));
        assertTrue(follows.link(2, 1), "following back is a second link");
        assertEquals(2L, follows.size());
        assertArrayEquals(new int[] {2}, lefts(follows, 1));
        assertTrue(follows.unlink(1, 2));
        assertTrue(follows.contains(2, 1), "unfollowing one way keeps the other");
        assertEquals(1L, follows.size());
    }

    @Test
    void followersAreTheLefts() {
        IntRelation follows = withLinks(IntRelation.directed("followers"), 10, 1, 30, 1, 20, 1, 1, 40);
        assertArrayEquals(new int[] {10, 20, 30}, lefts(follows, 1));
        assertEquals(3, follows.degreeOfRight(1), "follower count");
        assertEquals(1, follows.degreeOfLeft(1), "following count");
    }

    @Test
    void removeLeftRemovesOnlyOutgoingLinks() {
        IntRelation follows = withLinks(IntRelation.directed("outgoing"), 1, 2, 1, 3, 2, 1, 3, 1);
        assertEquals(2, follows.removeLeft(1));
        assertArrayEquals(new int[] {2, 3}, lefts(follows, 1), "followers of 1 stay");
        assertArrayEquals(new int[0], rights(follows, 1));
        assertArrayEquals(new int[] {1}, rights(follows, 2));
        assertEquals(2L, follows.size());
        assertEquals(2, follows.removeRight(1));
        assertEquals(0L, follows.size());
    }

    @Test
    void selfFollowIsOneLinkSeenFromBothSides() {
        IntRelation follows = IntRelation.directed("self");
        assertSelfLinkCountsOnce(follows, 4);
        follows.link(4, 5);
        assertEquals(2, follows.removeLeft(4));
        assertArrayEquals(new int[0], lefts(follows, 4));
        assertEquals(0L, follows.size());
    }
}
