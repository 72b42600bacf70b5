package dev.junction.index;

import static dev.junction.index.RelationAssertions.assertSelfLinkCountsOnce;
import static dev.junction.index.RelationAssertions.drain;
import static dev.junction.index.RelationAssertions.lefts;
import static dev.junction.index.RelationAssertions.rights;
import static dev.junction.index.RelationAssertions.withLinks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.RawIndexFixture.KindUnderTest;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ConcurrentModificationException;
import org.junit.jupiter.api.Test;

/** Every contract for {@link IntRelation#symmetric(String)}, plus friendship semantics. */
@KindUnderTest(IntRelation.Kind.SYMMETRIC)
class SymmetricRelationTest extends RawIndexFixture implements IntRelationContracts {

    @Test
    void linkMakesEachTheOthersFriend() {
        IntRelation friends = IntRelation.symmetric("friends");
        assertEquals(IntRelation.Kind.SYMMETRIC, friends.kind());
        assertTrue(friends.link(1, 2));
        assertFalse(friends.link(2, 1), "the same link the other way round");
        assertEquals(1L, friends.size());
        assertTrue(friends.contains(1, 2));
        assertTrue(friends.contains(2, 1));
        assertArrayEquals(new int[] {2}, rights(friends, 1));
        assertArrayEquals(new int[] {2}, lefts(friends, 1));
        assertArrayEquals(new int[] {1}, rights(friends, 2));
        assertArrayEquals(new int[] {1}, lefts(friends, 2));
        assertEquals(friends.rightsOf(1), friends.leftsOf(1));
        assertEquals(1, friends.degreeOfLeft(2));
        assertEquals(1, friends.degreeOfRight(2));
    }

    @Test
    void unlinkEitherWayRemovesBoth() {
        IntRelation friends = withLinks(IntRelation.symmetric("unfriend"), 1, 2, 3, 1);
        assertTrue(friends.unlink(2, 1));
        assertFalse(friends.unlink(1, 2));
        assertFalse(friends.contains(1, 2));
        assertFalse(friends.contains(2, 1));
        assertTrue(friends.unlink(1, 3));
        assertEquals(0L, friends.size());
        assertArrayEquals(new int[0], rights(friends, 1));
        assertArrayEquals(new int[0], lefts(friends, 3));
    }

    @Test
    void selfLinkCountsOnce() {
        IntRelation friends = IntRelation.symmetric("self");
        assertSelfLinkCountsOnce(friends, 3);
        friends.link(3, 4);
        assertEquals(2L, friends.size());
        assertEquals(2, friends.removeLeft(3), "self-link counts once in the removed count");
        assertEquals(0L, friends.size());
        assertTrue(friends.link(5, 5));
        assertTrue(friends.unlink(5, 5));
        assertEquals(0L, friends.size());
        assertArrayEquals(new int[0], rights(friends, 5));
    }

    @Test
    void removeLeftIsRemoveRight() {
        IntRelation friends = withLinks(IntRelation.symmetric("remove"), 1, 2, 1, 3, 4, 1);
        assertEquals(3, friends.removeRight(1));
        assertEquals(0L, friends.size());
        friends.link(1, 2);
        friends.link(4, 1);
        assertEquals(2, friends.removeLeft(1));
        assertArrayEquals(new int[0], rights(friends, 4));
        assertArrayEquals(new int[0], lefts(friends, 2));
    }

    @Test
    void replaceRightsAndReplaceLeftsUpdateTheFriendsToo() {
        IntRelation friends = IntRelation.symmetric("replace");
        friends.link(1, 9);
        assertTrue(friends.replaceRights(1, new int[] {2, 3, 2}));
        assertArrayEquals(new int[] {1}, rights(friends, 2));
        assertArrayEquals(new int[] {1}, lefts(friends, 3));
        assertArrayEquals(new int[0], rights(friends, 9));
        assertEquals(2L, friends.size());
        assertTrue(friends.replaceLefts(1, new int[] {5, 1}));
        assertArrayEquals(new int[] {1, 5}, rights(friends, 1));
        assertArrayEquals(new int[0], lefts(friends, 2));
        assertArrayEquals(new int[] {1}, rights(friends, 5));
        assertEquals(2L, friends.size(), "1-5 and the self-link 1-1");
        assertFalse(friends.replaceRights(5, new int[] {1}), "already 5's only friend");
    }

    @Test
    void linkFromTheOtherEndFailsTheOwnersIterator() {
        IntRelation friends = withLinks(IntRelation.symmetric("ff"), 1, 2, 1, 3);
        IntIterator it = friends.rightsOf(1).iterator();
        it.nextInt();
        friends.link(7, 1); // changes 1's links although 1 is the second argument
        assertThrows(ConcurrentModificationException.class, it::nextInt);
        IntIterator it2 = friends.leftsOf(1).iterator();
        it2.nextInt();
        friends.unlink(3, 1);
        assertThrows(ConcurrentModificationException.class, it2::nextInt);
        assertArrayEquals(new int[] {2, 7}, drain(friends.rightsOf(1).iterator()));
    }
}
