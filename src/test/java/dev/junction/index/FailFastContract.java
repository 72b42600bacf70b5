package dev.junction.index;

import static dev.junction.index.RelationAssertions.drain;
import static dev.junction.index.RelationAssertions.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Fail-fast iteration: changing the owner entity's links while one of its iterators is in use makes the
 * iterator's next call throw {@link ConcurrentModificationException}; a forEach action that changes the entity
 * makes forEachRight/forEachLeft throw it (or, where {@link #forEachFailsFast()} says so, walk a snapshot).
 * Checked for a small and a large set.
 */
public interface FailFastContract extends RelationFixture {

    int SMALL_OWNER = 1;
    int LARGE_OWNER = 2;
    int RIGHT_OWNER = 1_000_000;

    private IntRelation fixture() {
        IntRelation rel = newRelation("fail_fast");
        for (int r = 10; r < 15; r++) {
            rel.link(SMALL_OWNER, r);
        }
        for (int r = 100; r < 6_100; r++) {
            rel.link(LARGE_OWNER, r);
        }
        for (int l = 20; l < 25; l++) {
            rel.link(l, RIGHT_OWNER);
        }
        return rel;
    }

    private void assertRightsIteratorFails(int owner, Consumer<IntRelation> change, String what) {
        IntRelation rel = fixture();
        IntIterator it = rel.rightsOf(owner).iterator();
        it.nextInt();
        it.nextInt();
        change.accept(rel);
        assertThrows(ConcurrentModificationException.class, it::nextInt, what + " on rightsOf(" + owner + ")");

        IntRelation rel2 = fixture();
        IntIterator after = rel2.rightsOf(owner).iteratorAfter(-1);
        after.nextInt();
        change.accept(rel2);
        assertThrows(ConcurrentModificationException.class, after::nextInt,
                what + " on rightsOf(" + owner + ").iteratorAfter");
    }

    @Test
    default void linkOfOwnerFailsItsRightsIterator() {
        assertRightsIteratorFails(SMALL_OWNER, r -> r.link(SMALL_OWNER, 99), "link");
        assertRightsIteratorFails(LARGE_OWNER, r -> r.link(LARGE_OWNER, 99_999), "link");
        assertRightsIteratorFails(LARGE_OWNER, r -> r.link(LARGE_OWNER, 5), "link before the cursor");
    }

    @Test
    default void unlinkOfOwnerFailsItsRightsIterator() {
        assertRightsIteratorFails(SMALL_OWNER, r -> r.unlink(SMALL_OWNER, 14), "unlink");
        assertRightsIteratorFails(LARGE_OWNER, r -> r.unlink(LARGE_OWNER, 6_000), "unlink");
    }

    @Test
    default void bulkChangesOfOwnerFailItsRightsIterator() {
        assertRightsIteratorFails(SMALL_OWNER, r -> r.removeLeft(SMALL_OWNER), "removeLeft");
        assertRightsIteratorFails(LARGE_OWNER, r -> r.removeLeft(LARGE_OWNER), "removeLeft");
        assertRightsIteratorFails(SMALL_OWNER, r -> r.replaceRights(SMALL_OWNER, ints(10, 11, 12, 77)),
                "replaceRights");
        assertRightsIteratorFails(LARGE_OWNER, r -> r.replaceRights(LARGE_OWNER, ints(1, 2, 3)), "replaceRights");
        assertRightsIteratorFails(SMALL_OWNER, r -> r.removeRight(14), "removeRight of a neighbour");
        assertRightsIteratorFails(SMALL_OWNER, IntRelation::clear, "clear");
    }

    @Test
    default void changesOfOwnerFailItsLeftsIterator() {
        List<Consumer<IntRelation>> changes = List.of(
                r -> r.link(30, RIGHT_OWNER),
                r -> r.unlink(24, RIGHT_OWNER),
                r -> r.removeRight(RIGHT_OWNER),
                r -> r.replaceLefts(RIGHT_OWNER, ints(20, 21)),
                r -> r.removeLeft(23));
        for (int i = 0; i < changes.size(); i++) {
            IntRelation rel = fixture();
            IntIterator it = rel.leftsOf(RIGHT_OWNER).iterator();
            assertEquals(20, it.nextInt());
            changes.get(i).accept(rel);
            assertThrows(ConcurrentModificationException.class, it::nextInt, "change #" + i);
        }
    }

    @Test
    default void forEachRightWhoseActionChangesTheEntityFails() {
        assertForEachFailsFast(List.of(
                rel -> rel.forEachRight(SMALL_OWNER, r -> rel.link(SMALL_OWNER, 1_000 + r)),
                rel -> rel.forEachRight(LARGE_OWNER, r -> rel.unlink(LARGE_OWNER, r))));
    }

    /**
     * A large set whose containers are arrays (5,000 ids spread over 77 high keys), changed by the action: the
     * check after each block of ids must still catch it, whether the change adds a container, grows one or
     * empties one.
     */
    @Test
    default void forEachOverArrayContainersWhoseActionChangesTheEntityFails() {
        int owner = 3;
        java.util.function.Function<IntRelation, IntRelation> spread = rel -> {
            int[] ls = new int[5_000], rs = new int[5_000];
            for (int i = 0; i < 5_000; i++) {
                ls[i] = owner;
                rs[i] = i * 1_000;
            }
            rel.linkAll(ls, rs);
            return rel;
        };
        if (!forEachFailsFast()) return; // the snapshot contract is checked on the other fixtures' sets
        List<Consumer<IntRelation>> calls = List.of(
                rel -> rel.forEachRight(owner, r -> rel.link(owner, 90_000_000 + r)),
                rel -> rel.forEachRight(owner, r -> rel.link(owner, r + 1)),
                rel -> rel.forEachRight(owner, r -> rel.unlink(owner, r)));
        for (int i = 0; i < calls.size(); i++) {
            IntRelation rel = spread.apply(newRelation("fail_fast_arrays"));
            Consumer<IntRelation> call = calls.get(i);
            assertThrows(ConcurrentModificationException.class, () -> call.accept(rel), "call #" + i);
        }
    }

    @Test
    default void forEachLeftWhoseActionChangesTheEntityFails() {
        assertForEachFailsFast(List.of(
                rel -> rel.forEachLeft(RIGHT_OWNER, l -> rel.unlink(l, RIGHT_OWNER)),
                rel -> rel.forEachLeft(RIGHT_OWNER, l -> rel.link(l + 100, RIGHT_OWNER))));
    }

    /**
     * Each call, on a fresh fixture, throws {@link ConcurrentModificationException}; where the implementation's
     * forEach walks a validated copy ({@link #forEachFailsFast()} is false), the snapshot contract is checked.
     */
    private void assertForEachFailsFast(List<Consumer<IntRelation>> calls) {
        if (!forEachFailsFast()) {
            assertForEachWalksASnapshot();
            return;
        }
        for (int i = 0; i < calls.size(); i++) {
            IntRelation rel = fixture();
            Consumer<IntRelation> call = calls.get(i);
            assertThrows(ConcurrentModificationException.class, () -> call.accept(rel), "call #" + i);
        }
    }

    @Test
    default void readOnlyUseDoesNotFail() {
        IntRelation rel = fixture();
        IntIterator it = rel.rightsOf(SMALL_OWNER).iterator();
        it.nextInt();
        rel.link(SMALL_OWNER, 10); // already present: nothing changes
        rel.unlink(SMALL_OWNER, 99); // absent: nothing changes
        rel.contains(SMALL_OWNER, 11);
        rel.rightsOf(SMALL_OWNER).size();
        int[] rest = drain(it);
        assertEquals(4, rest.length, "no-op calls must not invalidate an iterator");
        assertEquals(11, rest[0]);
        int[] count = {0};
        rel.forEachRight(LARGE_OWNER, r -> count[0] += rel.contains(LARGE_OWNER, r) ? 1 : 0);
        assertEquals(6_000, count[0]);
    }

    /** The snapshot contract: every id present at the start is visited once, and the action's writes stick. */
    private void assertForEachWalksASnapshot() {
        IntRelation rel = fixture();
        int[] before = rel.rightsOf(SMALL_OWNER).toIntArray();
        it.unimi.dsi.fastutil.ints.IntArrayList seen = new it.unimi.dsi.fastutil.ints.IntArrayList();
        rel.forEachRight(SMALL_OWNER, r -> {
            seen.add(r);
            rel.link(SMALL_OWNER, 1_000_000 + r);
        });
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, seen.toIntArray());
        for (int r : before) {
            org.junit.jupiter.api.Assertions.assertTrue(rel.contains(SMALL_OWNER, 1_000_000 + r));
            org.junit.jupiter.api.Assertions.assertTrue(rel.leftsOf(1_000_000 + r).contains(SMALL_OWNER));
        }
    }
}
