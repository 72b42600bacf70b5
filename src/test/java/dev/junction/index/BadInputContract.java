package dev.junction.index;

import static dev.junction.index.RelationAssertions.ints;
import static dev.junction.index.RelationAssertions.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Negative ids and null arguments, for every method: the right exception, a message naming the offending value
 * and the relation, and a relation exactly as it was (all or nothing, also for replace with a bad element in
 * the middle of a large argument).
 */
public interface BadInputContract extends RelationFixture {

    String NAME = "bad_input_rel";
    int[] BAD_IDS = {-7, -123_457, Integer.MIN_VALUE};
    /** Every id the fixture touches; a snapshot over them captures the whole relation. */
    int[] KNOWN = {1, 2, 3, 10, 11, 12, 1_000, 1_001, 1_199, 70_000};

    /** A relation with small sets and one large set (left 1 has 200 rights), so a partial change would show. */
    private IntRelation fixture() {
        IntRelation rel = newRelation(NAME);
        for (int r = 1_000; r < 1_200; r++) {
            rel.link(1, r);
        }
        rel.link(1, 10);
        rel.link(2, 10);
        rel.link(2, 11);
        rel.link(3, 70_000);
        return rel;
    }

    private static String fullSnapshot(IntRelation rel) {
        int[] ids = new int[KNOWN.length + 200];
        System.arraycopy(KNOWN, 0, ids, 0, KNOWN.length);
        for (int i = 0; i < 200; i++) {
            ids[KNOWN.length + i] = 1_000 + i;
        }
        return snapshot(rel, ids) + " 1~10=" + rel.contains(1, 10);
    }

    /** Each call, made with one negative id (or an argument holding it). */
    private static List<Object[]> negativeIdCalls(int bad) {
        List<Object[]> calls = new ArrayList<>();
        add(calls, "link(bad, 10)", r -> r.link(bad, 10));
        add(calls, "link(1, bad)", r -> r.link(1, bad));
        add(calls, "unlink(bad, 10)", r -> r.unlink(bad, 10));
        add(calls, "unlink(1, bad)", r -> r.unlink(1, bad));
        add(calls, "contains(bad, 10)", r -> r.contains(bad, 10));
        add(calls, "contains(1, bad)", r -> r.contains(1, bad));
        add(calls, "rightsOf(bad)", r -> r.rightsOf(bad));
        add(calls, "leftsOf(bad)", r -> r.leftsOf(bad));
        add(calls, "forEachRight(bad, ..)", r -> r.forEachRight(bad, x -> { }));
        add(calls, "forEachLeft(bad, ..)", r -> r.forEachLeft(bad, x -> { }));
        add(calls, "copyRightsTo(bad, ..)", r -> r.copyRightsTo(bad, new int[4]));
        add(calls, "copyLeftsTo(bad, ..)", r -> r.copyLeftsTo(bad, new int[4]));
        add(calls, "degreeOfLeft(bad)", r -> r.degreeOfLeft(bad));
        add(calls, "degreeOfRight(bad)", r -> r.degreeOfRight(bad));
        add(calls, "removeLeft(bad)", r -> r.removeLeft(bad));
        add(calls, "removeRight(bad)", r -> r.removeRight(bad));
        add(calls, "replaceRights(bad, {10})", r -> r.replaceRights(bad, ints(10)));
        add(calls, "replaceLefts(bad, {1})", r -> r.replaceLefts(bad, ints(1)));
        add(calls, "replaceRights(1, {12, 11, bad, 10})", r -> r.replaceRights(1, ints(12, 11, bad, 10)));
        add(calls, "replaceRights(1, {bad})", r -> r.replaceRights(1, ints(bad)));
        add(calls, "replaceLefts(10, {3, bad, 1})", r -> r.replaceLefts(10, ints(3, bad, 1)));
        add(calls, "replaceLefts(10, {.. 5000 ids .., bad})", r -> r.replaceLefts(10, largeWithBadAt(bad, 4_999)));
        add(calls, "replaceRights(1, {.. 2500 ids, bad, 2500 ids ..})",
                r -> r.replaceRights(1, largeWithBadAt(bad, 2_500)));
        add(calls, "replaceRights(3, {.. bad first ..})", r -> r.replaceRights(3, largeWithBadAt(bad, 0)));
        return calls;
    }

    /** 5000 ids (new ones and present ones, so that applying a prefix would change the relation) with one bad. */
    private static int[] largeWithBadAt(int bad, int index) {
        int[] a = new int[5_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 3 == 0 ? 1_000 + i % 200 : 5_000 + i;
        }
        a[index] = bad;
        return a;
    }

    private static void add(List<Object[]> calls, String name, Consumer<IntRelation> call) {
        calls.add(new Object[] {name, call});
    }

    @Test
    @SuppressWarnings("unchecked")
    default void negativeIdsThrowIllegalArgumentNamingValueAndRelationAndChangeNothing() {
        for (int bad : BAD_IDS) {
            for (Object[] c : negativeIdCalls(bad)) {
                String what = c[0] + " with bad=" + bad;
                Consumer<IntRelation> call = (Consumer<IntRelation>) c[1];
                IntRelation rel = fixture();
                String before = fullSnapshot(rel);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.accept(rel),
                        what);
                assertMessageNames(e, String.valueOf(bad), what);
                assertEquals(before, fullSnapshot(rel), what + ": the relation changed");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    default void failedCallsDoNotInvalidateOpenIterators() {
        // "A method that throws leaves the relation exactly as it was": an iterator in use must go on.
        for (Object[] c : negativeIdCalls(-7)) {
            IntRelation rel = fixture();
            IntIterator rightsOf1 = rel.rightsOf(1).iterator();
            IntIterator leftsOf10 = rel.leftsOf(10).iterator();
            assertEquals(10, rightsOf1.nextInt());
            leftsOf10.nextInt();
            assertThrows(IllegalArgumentException.class, () -> ((Consumer<IntRelation>) c[1]).accept(rel));
            assertEquals(1_000, rightsOf1.nextInt(), c[0] + " invalidated an iterator of rightsOf(1)");
            assertEquals(2, leftsOf10.nextInt(), c[0] + " invalidated an iterator of leftsOf(10)");
        }
    }

    @Test
    default void nullArgumentsThrowNullPointerNamingTheRelationAndChangeNothing() {
        IntRelation rel = fixture();
        String before = fullSnapshot(rel);
        // each method with an id of the fixture and an unseen one of its side: lefts 1 and 5, rights 10 and 12
        assertNpeForSeenAndUnseenId(rel, "replaceRights", 1, 5, (r, id) -> r.replaceRights(id, null));
        assertNpeForSeenAndUnseenId(rel, "replaceLefts", 10, 12, (r, id) -> r.replaceLefts(id, null));
        assertNpeForSeenAndUnseenId(rel, "forEachRight", 1, 5, (r, id) -> r.forEachRight(id, null));
        assertNpeForSeenAndUnseenId(rel, "forEachLeft", 10, 12, (r, id) -> r.forEachLeft(id, null));
        assertNpeForSeenAndUnseenId(rel, "copyRightsTo", 1, 5, (r, id) -> r.copyRightsTo(id, null));
        assertNpeForSeenAndUnseenId(rel, "copyLeftsTo", 10, 12, (r, id) -> r.copyLeftsTo(id, null));
        assertEquals(before, fullSnapshot(rel));
    }

    /** {@code method(seen, null)} and {@code method(unseen, null) of an unseen id}, each through {@link #assertNpe}. */
    private static void assertNpeForSeenAndUnseenId(IntRelation rel, String method, int seen, int unseen,
            ObjIntConsumer<IntRelation> callWithNull) {
        assertNpe(rel, method + "(" + seen + ", null)", () -> callWithNull.accept(rel, seen));
        assertNpe(rel, method + "(" + unseen + ", null) of an unseen id", () -> callWithNull.accept(rel, unseen));
    }

    private static void assertNpe(IntRelation rel, String what, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call, what);
        assertNotNull(e.getMessage(), what + ": the message must name the relation");
        assertTrue(e.getMessage().contains(NAME), what + ": message '" + e.getMessage() + "' must name " + NAME);
    }

    private static void assertMessageNames(Exception e, String value, String what) {
        String m = e.getMessage();
        assertNotNull(m, what + ": no message");
        assertTrue(m.contains(value), what + ": message '" + m + "' must name the value " + value);
        assertTrue(m.contains(NAME), what + ": message '" + m + "' must name the relation " + NAME);
    }
}
