package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntNeighborSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Regressions found in review of link columns and association tables: values written by failed nested work are
 * undone; a failed column allocation at commit leaves nothing half-published and keeps its error; key functions
 * never run under the write stamp; declaring a column does not hold the engine's monitor; row views resolve
 * their entity on every call; the pairs proxy's bulk writes are atomic; undoing a void restores the values.
 */
class ColumnRegressionTest {

    // Regression (a bug found in review): a value written by nested work that fails is not undone (puts are not logged)
    @Test
    void nestedFailureKeepsLinkValue() {
        Junction db = Junction.create();
        Table<String> s = db.table("s");
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
        LinkColumn.OfInt<String, String> grade = r.intColumn("grade", 0);
        r.link("a", "x");
        try (Transaction tx = db.begin()) {
            grade.set("a", "x", 1);
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> {
                grade.set("a", "x", 2);
                throw new IllegalStateException("boom");
            }));
            assertEquals(1, grade.get("a", "x"), "inTransaction promises the failed work is undone");
            tx.commit();
        }
    }

    // Regression: link-with-values undone by a failed nested op leaves the value behind; relinking sees it
    @Test
    void nestedFailureLeaksValueIntoRelink() {
        Junction db = Junction.create();
        Table<String> s = db.table("s");
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
        LinkColumn.OfInt<String, String> grade = r.intColumn("grade", 0);
        s.add("a");
        c.add("x");
        try (Transaction tx = db.begin()) {
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> {
                r.link("a", "x", grade.value(7));
                throw new IllegalStateException("boom");
            }));
            assertFalse(r.contains("a", "x"));
            tx.commit();
        }
        r.link("a", "x");
        assertEquals(0, grade.get("a", "x"), "a new link must start from the default");
    }

    // Regression: the same for association rows: the next row reuses the id and inherits the stale value
    @Test
    void nestedFailureLeaksRowValueIntoNextRow() {
        Junction db = Junction.create();
        Table<String> cu = db.table("cu");
        Table<String> pr = db.table("pr");
        AssociationTable<String, String> o = db.associationTable("o", cu, pr);
        RowColumn.OfInt qty = o.intColumn("qty", 1);
        int row;
        try (Transaction tx = db.begin()) {
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> {
                o.add("a", "x", qty.value(99));
                throw new IllegalStateException("boom");
            }));
            row = o.add("b", "y");
            tx.commit();
        }
        assertEquals(1, qty.get(row), "row added without values must have the default");
    }

    // Regression: publish: made[columnsDone++] = publishAllocate(...) increments before the call
    @Test
    void failedColumnAllocationLeavesHalfAppliedCommit() throws Exception {
        Junction db = Junction.create();
        Table<String> s = db.table("s");
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
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

    // Regression: pairs().rightsOf(..).addAll is not all-or-nothing
    @Test
    void proxySetAddAllNotAtomic() {
        Junction db = Junction.create();
        Table<String> cu = db.table("cu");
        Table<String> pr = db.table("pr");
        AssociationTable<String, String> o = db.associationTable("o", cu, pr);
        assertThrows(NullPointerException.class, () -> o.pairs().rightsOf("a").addAll(Arrays.asList("x", null)));
        assertEquals(0, o.size(), "a method that throws changes nothing");
    }

    // Regression: rowsOfLeft resolves the entity id once: after remove + re-add, the view shows another entity's rows
    @Test
    void rowSetBoundToStaleId() {
        Junction db = Junction.create();
        Table<String> cu = db.table("cu");
        Table<String> pr = db.table("pr");
        AssociationTable<String, String> o = db.associationTable("o", cu, pr);
        o.add("ann", "x");
        IntNeighborSet annRows = o.rowsOfLeft("ann");
        cu.remove("ann");
        int bobRow = o.add("bob", "y"); // bob takes ann's old id
        assertEquals(0, annRows.size(), "ann has no rows, view shows " + Arrays.toString(annRows.toIntArray()));
        annRows.remove(bobRow);
        assertTrue(o.contains(bobRow), "removing through ann's view deleted bob's row");
    }

    @Test
    void rowSetOfAbsentEntityNeverLive() {
        Junction db = Junction.create();
        Table<String> cu = db.table("cu");
        Table<String> pr = db.table("pr");
        AssociationTable<String, String> o = db.associationTable("o", cu, pr);
        IntNeighborSet zoe = o.rowsOfLeft("zoe");
        o.add("zoe", "x");
        assertEquals(1, zoe.size(), "live view");
    }

    // Regression: declareColumn holds the engine monitor while waiting for the writer lock; a transaction that then
    // calls any synchronized engine method (getTable, relation, table...) waits for the monitor: lock-order inversion
    @Test
    void declareColumnMonitorInversion() throws Exception {
        Junction db = Junction.create(java.time.Duration.ofSeconds(2));
        Table<String> s = db.table("s");
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
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

    // Regression: LinkColumn.set(entity, entity, v) outside a transaction runs the key function under the write stamp;
    // a key function that reads the engine then waits for itself forever (linkInPlace resolves ids before the stamp)
    @Test
    void setRunsUserCodeUnderWriteStamp() throws Exception {
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
        Junction db = Junction.create();
        Table<String> cu = db.table("cu");
        Table<String> pr = db.table("pr");
        AssociationTable<String, String> o = db.associationTable("o", cu, pr);
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
    void rewindOfVoidRestores() {
        Junction db = Junction.create();
        Table<String> s = db.table("s");
        Table<String> c = db.table("c");
        Relation<String, String> r = db.relation("r", s, c);
        LinkColumn.OfInt<String, String> w = r.intColumn("w", 0);
        r.link("a", "x", w.value(1));
        r.link("b", "x", w.value(2));
        try (Transaction tx = db.begin()) {
            w.set("a", "x", 5);
            assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> { r.unlink("a", "x"); s.remove("b"); throw new IllegalStateException(); }));
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
