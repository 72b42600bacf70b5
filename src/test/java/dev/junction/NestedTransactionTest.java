package dev.junction;

import static dev.junction.EngineWorld.b;
import static dev.junction.EngineWorld.onOtherThread;
import static dev.junction.EngineWorld.snapshotFromOtherThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.EngineWorld.KeyError;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nesting, one model for {@code begin()} and {@code inTransaction} ({@link Transaction}, "Nesting"): a transaction
 * begun inside another is a savepoint of it. Its rollback restores exactly the state at its begin (ids and the
 * next ids handed out included), its commit keeps its changes in the enclosing transaction, nothing is published,
 * heard or journaled before the outermost commit, and misuse throws and changes nothing.
 */
class NestedTransactionTest {

    static final class Boom extends RuntimeException {
        Boom() {
            super("boom");
        }
    }

    @TempDir
    Path dir;

    @Test
    void aNestedBeginIsASavepointOfTheOpenTransaction() throws Exception {
        EngineWorld w = new EngineWorld();
        EngineWorld expected = new EngineWorld();
        String committed = w.snapshot();
        try (Transaction tx = w.db.begin()) {
            w.wrote.link("a1", b(0));
            String atInner = w.snapshot();
            try (Transaction inner = w.db.begin()) {
                assertTrue(inner.isActive());
                w.wrote.link("a1", b(2));
                w.users.remove(100L); // with its links, in every relation
                w.authors.add("inner");
                w.books.remove(b(0));
                inner.rollback();
                assertFalse(inner.isActive());
            }
            assertEquals(atInner, w.snapshot(), "rolled back to exactly the state at its begin");
            try (Transaction kept = w.db.begin()) {
                w.wrote.link("a3", b(0));
                kept.commit();
                assertFalse(kept.isActive());
            }
            assertTrue(w.wrote.contains("a3", b(0)), "a nested commit keeps its changes in the enclosing one");
            assertEquals(committed, snapshotFromOtherThread(w.db), "nothing published before the outer commit");
            tx.commit();
        }
        expected.wrote.link("a1", b(0));
        expected.wrote.link("a3", b(0));
        assertEquals(expected.snapshot(), w.snapshot());
        assertEquals(expected.snapshot(), snapshotFromOtherThread(w.db));
        w.followUp();
        expected.followUp();
        assertEquals(expected.snapshot(), w.snapshot(), "the ids handed out afterwards are the same too");
    }

    @Test
    void nestedInTransactionAndBeginFollowOneModelAtAnyDepth() {
        EngineWorld w = new EngineWorld();
        EngineWorld expected = new EngineWorld();
        w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            String level1 = w.snapshot();
            Transaction t2 = w.db.begin();
            w.wrote.link("a1", b(2));
            assertThrows(Boom.class, () -> w.db.inTransaction(() -> { // level 3 inside the nested begin
                w.users.remove(101L);
                throw new Boom();
            }));
            assertTrue(w.users.contains(101L), "level 3 undone");
            w.db.inTransaction(() -> w.users.remove(102L)); // level 3 kept, in level 2
            try (Transaction t3 = w.db.begin()) {
                w.authors.add("deep");
                t3.commit();
            }
            assertFalse(w.users.contains(102L));
            t2.rollback(); // undoes level 2 and everything nested in it, committed or not
            assertEquals(level1, w.snapshot());
        });
        expected.wrote.link("a1", b(0));
        assertEquals(expected.snapshot(), w.snapshot());
    }

    @Test
    void anUncaughtExceptionRollsBackEveryEnclosingTransaction() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        assertThrows(Boom.class, () -> w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            w.db.inTransaction(() -> {
                w.users.remove(100L);
                throw new Boom();
            });
        }));
        assertEquals(before, w.snapshot());
        assertEquals(before, snapshotFromOtherThread(w.db));
        assertTrue(onOtherThread("w", () -> w.users.add(9000L) >= 0), "no lock left behind");
    }

    @Test
    void listenersHearOnlyWhatWasKeptOnceTheOutermostCommits() {
        EngineWorld w = new EngineWorld();
        List<String> heard = new ArrayList<>();
        w.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                heard.add("link " + relation.name() + " " + left + "-" + right);
            }

            @Override
            public void added(Table<?> table, int id, Object entity) {
                heard.add("add " + table.name() + " " + entity);
            }
        });
        try (Transaction tx = w.db.begin()) {
            try (Transaction inner = w.db.begin()) {
                w.authors.add("gone");
            } // closed without commit: rolled back
            try (Transaction inner = w.db.begin()) {
                w.wrote.link("a1", b(0));
                inner.commit();
            }
            assertEquals(List.of(), heard, "nothing before the outermost commit");
            tx.commit();
        }
        assertEquals(List.of("link wrote " + w.a("a1") + "-" + w.bk(0)), heard);
    }

    @Test
    void misuseThrowsAndChangesNothing() throws Exception {
        EngineWorld w = new EngineWorld();
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        Transaction inner = w.db.begin();
        w.wrote.link("a1", b(2));
        String state = w.snapshot();
        IllegalStateException open = assertThrows(IllegalStateException.class, tx::commit);
        assertTrue(open.getMessage().contains("nested"), open.getMessage());
        assertTrue(tx.isActive() && inner.isActive());
        assertEquals(state, w.snapshot(), "the refused commit changed nothing");
        Transaction deeper = w.db.begin();
        assertThrows(IllegalStateException.class, inner::commit, "a transaction nested in it is open");
        assertTrue(deeper.isActive() && inner.isActive());
        IllegalStateException otherThread = assertThrows(IllegalStateException.class,
                () -> onOtherThread("other", () -> {
                    deeper.rollback();
                    return null;
                }));
        assertTrue(otherThread.getMessage().contains("thread"), otherThread.getMessage());
        deeper.commit();
        inner.commit();
        assertThrows(IllegalStateException.class, inner::commit, "ended");
        assertThrows(IllegalStateException.class, inner::rollback, "ended");
        inner.close(); // a no-op once ended
        tx.commit();
        assertTrue(onOtherThread("r", () -> w.wrote.contains("a1", b(2))));

        // rolling back the enclosing transaction ends and undoes the nested ones
        String before = w.snapshot();
        Transaction outer = w.db.begin();
        Transaction n1 = w.db.begin();
        w.users.remove(100L);
        outer.rollback();
        assertFalse(n1.isActive());
        assertThrows(IllegalStateException.class, n1::commit);
        assertEquals(before, w.snapshot());

        // nested work that returns with a transaction it began still open: undone, and refused
        Transaction t = w.db.begin();
        w.wrote.link("a5", b(1));
        IllegalStateException leaked = assertThrows(IllegalStateException.class, () -> w.db.inTransaction(() -> {
            w.users.remove(101L);
            w.db.begin();
        }));
        assertTrue(leaked.getMessage().contains("still open"), leaked.getMessage());
        assertTrue(w.users.contains(101L), "its work was undone");
        assertTrue(w.wrote.contains("a5", b(1)), "the enclosing transaction goes on");
        t.commit();
        // the same at the top: the whole transaction is rolled back and the lock released
        String top = w.snapshot();
        assertThrows(IllegalStateException.class, () -> w.db.inTransaction(() -> {
            w.users.remove(101L);
            w.db.begin();
        }));
        assertEquals(top, w.snapshot());
        assertTrue(onOtherThread("w", () -> w.users.add(9001L) >= 0), "no lock left behind");
    }

    @Test
    void aRollbackOnlyTransactionRefusesNestedOnes() {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        Transaction tx = w.db.begin();
        Transaction inner = w.db.begin();
        assertThrows(KeyError.class, () -> w.wrote.link("a1", b("ERROR")), "an Error: rollback-only");
        assertThrows(IllegalStateException.class, w.db::begin);
        assertThrows(IllegalStateException.class, () -> w.db.inTransaction(() -> w.wrote.link("a1", b(0))));
        IllegalStateException e = assertThrows(IllegalStateException.class, inner::commit);
        assertTrue(e.getMessage().contains("rollback-only"), e.getMessage());
        assertFalse(inner.isActive());
        assertThrows(IllegalStateException.class, tx::commit);
        assertFalse(tx.isActive());
        assertEquals(before, w.snapshot());
    }

    static final ValueCodec<EngineWorld.Book> BOOKS = TestCodecs.of(EngineWorld.Book.class,
            (b, out) -> out.writeUTF(b.title()), in -> new EngineWorld.Book(in.readUTF()));

    /** A journaled engine writes only what the outermost transaction kept; replay gives the same state. */
    @Test
    void theJournalHoldsOnlyWhatWasKept() throws Exception {
        EngineWorld w = new EngineWorld(Junction.create(), false);
        w.db.registerCodec(BOOKS);
        String expectedState;
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            w.populate();
            w.db.inTransaction(() -> {
                w.wrote.link("a1", b(0));
                try (Transaction inner = w.db.begin()) {
                    w.users.remove(100L);
                    w.authors.add("never");
                }
                assertThrows(Boom.class, () -> w.db.inTransaction(() -> {
                    w.books.remove(b(1));
                    throw new Boom();
                }));
                w.db.inTransaction(() -> w.users.add(4242L));
            });
            expectedState = w.snapshot();
        }
        EngineWorld back = new EngineWorld(Junction.create(), false);
        back.db.registerCodec(BOOKS);
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit())) {
            assertEquals(expectedState, back.snapshot());
        }
    }

    /**
     * A seeded random walk of writes, nested begins, commits and rollbacks (of both forms): after every rollback
     * the state is exactly the state at that transaction's begin; the outermost commit publishes exactly the
     * state reached.
     */
    @Test
    void randomNestingKeepsTheSavepointInvariant() throws Exception {
        long seed = Long.getLong("junction.nested.seed", System.nanoTime());
        System.out.println("NestedTransactionTest.randomNestingKeepsTheSavepointInvariant seed " + seed);
        Random rnd = new Random(seed);
        for (int round = 0; round < 20; round++) {
            EngineWorld w = new EngineWorld();
            Deque<Transaction> open = new ArrayDeque<>();
            Deque<String> at = new ArrayDeque<>();
            open.push(w.db.begin());
            at.push(w.snapshot());
            for (int step = 0; step < 60; step++) {
                String where = "seed " + seed + ", round " + round + ", step " + step;
                int op = rnd.nextInt(10);
                if (op < 5) {
                    randomWrite(w, rnd);
                } else if (op < 7) {
                    at.push(w.snapshot());
                    open.push(w.db.begin());
                } else if (op == 7 && open.size() > 1) {
                    open.pop().commit();
                    at.pop();
                } else if (op == 8 && open.size() > 1) {
                    open.pop().rollback();
                    assertEquals(at.pop(), w.snapshot(), where + ": a nested rollback restores its begin");
                } else if (op == 9) {
                    String s = w.snapshot();
                    assertThrows(Boom.class, () -> w.db.inTransaction(() -> {
                        randomWrite(w, rnd);
                        randomWrite(w, rnd);
                        throw new Boom();
                    }));
                    assertEquals(s, w.snapshot(), where + ": a failed nested inTransaction changes nothing");
                }
            }
            while (open.size() > 1) open.pop().commit();
            String reached = w.snapshot();
            open.pop().commit();
            assertEquals(reached, snapshotFromOtherThread(w.db), "seed " + seed + ", round " + round);
        }
    }

    private static void randomWrite(EngineWorld w, Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0 -> w.wrote.link("a" + rnd.nextInt(7), b(rnd.nextInt(10)));
            case 1 -> w.wrote.unlink("a" + rnd.nextInt(7), b(rnd.nextInt(10)));
            case 2 -> w.users.remove(100L + rnd.nextInt(12));
            case 3 -> w.friends.link(100L + rnd.nextInt(12), 100L + rnd.nextInt(12));
            default -> w.authors.add("x" + rnd.nextInt(5));
        }
    }
}
