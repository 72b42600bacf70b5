package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntNeighborSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Link and row values under failures, undo and threads: values written by failed nested work are undone; a
 * failed column allocation at commit leaves nothing half-published and keeps its error; key functions never run
 * under the write stamp; declaring a column does not hold the engine's monitor; row views resolve their entity on
 * every call; the pairs proxy's bulk writes are atomic; undoing a void restores the values.
 */
class ColumnFailureTest {

    /** Value writes are logged, so failed nested work takes its writes back. */
    @Test
    void aValueWrittenByFailedNestedWorkIsUndone() {
        Schemas.Strings w = Schemas.strings("r", "s", "c");
        LinkColumn.OfInt<String, String> grade = w.rel().intColumn("grade", 0);
        w.rel().link("a", "x");
        try (Transaction tx = w.db().begin()) {
            grade.set("a", "x", 1);
            assertThrows(IllegalStateException.class, () -> w.db().inTransaction(() -> {
                grade.set("a", "x", 2);
                throw new IllegalStateException("boom");
            }));
            assertEquals(1, grade.get("a", "x"), "inTransaction promises the failed work is undone");
            tx.commit();
        }
    }

    /** A link with values undone by failed nested work takes its values too: linking again sees the defaults. */
    @Test
    void aLinkWithValuesUndoneByFailedNestedWorkLeavesNoValueBehind() {
        Schemas.Strings w = Schemas.strings("r", "s", "c");
        LinkColumn.OfInt<String, String> grade = w.rel().intColumn("grade", 0);
        w.lefts().add("a");
        w.rights().add("x");
        try (Transaction tx = w.db().begin()) {
            assertThrows(IllegalStateException.class, () -> w.db().inTransaction(() -> {
                w.rel().link("a", "x", grade.value(7));
                throw new IllegalStateException("boom");
            }));
            assertFalse(w.rel().contains("a", "x"));
            tx.commit();
        }
        w.rel().link("a", "x");
        assertEquals(0, grade.get("a", "x"), "a new link must start from the default");
    }

    /** The same for association rows: the next row, which reuses the id, starts with the defaults. */
    @Test
    void aRowUndoneByFailedNestedWorkLeavesNoValueForTheNextRow() {
        Schemas.Rows w = Schemas.rows("o", "cu", "pr");
        AssociationTable<String, String> o = w.rows();
        RowColumn.OfInt qty = o.intColumn("qty", 1);
        int row;
        try (Transaction tx = w.db().begin()) {
            assertThrows(IllegalStateException.class, () -> w.db().inTransaction(() -> {
                o.add("a", "x", qty.value(99));
                throw new IllegalStateException("boom");
            }));
            row = o.add("b", "y");
            tx.commit();
        }
        assertEquals(1, qty.get(row), "row added without values must have the default");
    }

    /** A commit whose column allocation fails publishes nothing and reports that failure. */
    @Test
    void aCommitWhoseColumnAllocationFailsPublishesNothing() throws Exception {
        Relation<String, String> r = Schemas.strings("r", "s", "c").rel();
        LinkColumn.OfInt<String, String> grade = r.intColumn("grade", 0);
        ColumnStore store = ((RelationImpl<?, ?>) r).columns;
        java.lang.reflect.Field f = ColumnStore.class.getDeclaredField("slots");
        f.setAccessible(true);
        it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap failing = new it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap() {
            @Override public int put(long k, int v) { throw new OutOfMemoryError("injected"); }
        };
        failing.defaultReturnValue(-1);
        f.set(store, failing);
        Throwable t = assertThrows(Throwable.class, () -> r.link("a", "x", grade.value(5)));
        f.set(store, new it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap() {{ defaultReturnValue(-1); }});
        assertFalse(r.contains("a", "x"), "failed commit must publish nothing");
        assertTrue(t instanceof OutOfMemoryError, "original error replaced by " + t);
    }

    /** {@code pairs().rightsOf(..).addAll} is one write: all or nothing. */
    @Test
    void thePairsSetsAddAllIsAllOrNothing() {
        AssociationTable<String, String> o = Schemas.rows("o", "cu", "pr").rows();
        assertThrows(NullPointerException.class, () -> o.pairs().rightsOf("a").addAll(Arrays.asList("x", null)));
        assertEquals(0, o.size(), "a method that throws changes nothing");
    }

    /** {@code rowsOfLeft} resolves its entity on every call: after a remove and a re-add it shows that entity's rows. */
    @Test
    void aRowSetResolvesItsEntityOnEveryCall() {
        Schemas.Rows w = Schemas.rows("o", "cu", "pr");
        AssociationTable<String, String> o = w.rows();
        o.add("ann", "x");
        IntNeighborSet annRows = o.rowsOfLeft("ann");
        w.lefts().remove("ann");
        int bobRow = o.add("bob", "y"); // bob takes ann's old id
        assertEquals(0, annRows.size(), "ann has no rows, view shows " + Arrays.toString(annRows.toIntArray()));
        annRows.remove(bobRow);
        assertTrue(o.contains(bobRow), "removing through ann's view deleted bob's row");
    }

    @Test
    void aRowSetOfAnEntityAddedLaterSeesItsRows() {
        AssociationTable<String, String> o = Schemas.rows("o", "cu", "pr").rows();
        IntNeighborSet zoe = o.rowsOfLeft("zoe");
        o.add("zoe", "x");
        assertEquals(1, zoe.size(), "live view");
    }

    /**
     * Declaring a column waits for the write lock without holding the engine's monitor, so a transaction's thread
     * that calls a synchronized lookup meanwhile ({@code getTable}) is not blocked by it (no lock-order inversion).
     */
    @Test
    void declaringAColumnDoesNotBlockLookupsOfTheTransactionItWaitsFor() throws Exception {
        Junction db = Junction.create(java.time.Duration.ofSeconds(2));
        Relation<String, String> r = Schemas.strings(db, "r", "s", "c").rel();
        Transaction tx = db.begin();
        Thread t2 = new Thread(() -> {
            try { r.longColumn("x", 0); } catch (RuntimeException e) { /* its lock timeout: fine either way */ }
        });
        t2.start();
        Thread.sleep(200); // t2 now holds the monitor, waiting for the writer lock
        long t0 = System.nanoTime();
        db.getTable("s"); // the transaction's own thread blocks on the monitor
        long ms = (System.nanoTime() - t0) / 1_000_000;
        tx.rollback();
        t2.join();
        assertTrue(ms < 500, "getTable waited " + ms + " ms for a declarer that waits for us");
    }

    /**
     * {@code LinkColumn.set(entity, entity, v)} outside a transaction runs key functions before the write stamp, so a
     * key function that reads the engine does not wait for itself.
     */
    @Test
    void settingAValueRunsKeyFunctionsOutsideTheWriteStamp() throws Exception {
        Junction db = Junction.create();
        Table<String> other = db.table("other");
        KeyedTable<String, String> s = db.table("s", e -> { other.size(); return e; });
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
        LinkColumn.OfInt<String, String> w = r.intColumn("w", 0);
        r.link("a", "x");      // fine: linkInPlace calls find before the stamp
        Thread t = new Thread(() -> w.set("a", "x", 3));
        t.setDaemon(true);
        t.start();
        t.join(2000);
        boolean stuck = t.isAlive();
        assertFalse(stuck, "set(entity, entity, v) self-deadlocked: key function ran under the write stamp");
    }

    @Test
    void messagesNameTheRightRoleAndNullValuesAreRefused() {
        AssociationTable<String, String> o = Schemas.rows("o", "cu", "pr").rows();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.pairs().ints().replaceLefts(-1, new int[] {0}));
        assertTrue(e.getMessage().contains("right id -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o.pairs().ints().replaceLefts(0, new int[] {-3}));
        assertTrue(e.getMessage().contains("left id -3"), e.getMessage());
        assertThrows(NullPointerException.class, () -> o.pairs().link("a", "b", (LinkColumn.Value[]) null));
        assertEquals(0, o.size());
        assertEquals(0, o.pairs().size());
    }

    @Test
    void undoingAVoidRestoresTheValues() {
        Schemas.Strings world = Schemas.strings("r", "s", "c");
        Junction db = world.db();
        Relation<String, String> r = world.rel();
        LinkColumn.OfInt<String, String> w = r.intColumn("w", 0);
        r.link("a", "x", w.value(1));
        r.link("b", "x", w.value(2));
        try (Transaction tx = db.begin()) {
            w.set("a", "x", 5);
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> { r.unlink("a", "x"); world.lefts().remove("b"); throw new IllegalStateException(); }));
            assertEquals(5, w.get("a", "x"));
            assertEquals(2, w.get("b", "x"));
            r.unlink("a", "x");
            r.link("a", "x", w.value(7));
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> { r.unlink("a", "x"); throw new IllegalStateException(); }));
            assertEquals(7, w.get("a", "x"));
            tx.commit();
        }
        assertEquals(7, w.get("a", "x"));
        assertEquals(2, w.get("b", "x"));
    }
}
