package dev.junction;

import static dev.junction.EngineWorld.b;
import static dev.junction.EngineWorld.onOtherThread;
import static dev.junction.EngineWorld.snapshotFromOtherThread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.EngineWorld.Book;
import dev.junction.EngineWorld.KeyBoom;
import dev.junction.EngineWorld.KeyError;
import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transactions of the typed layer: rollback of every kind of change (explicit, by an exception escaping
 * {@link Junction#inTransaction(Runnable)}, by {@code close()} without a commit) leaves every table and
 * relation exactly as before {@link Junction#begin()}, ids and the next id handed out included; a commit
 * publishes exactly what the transaction saw; the owner sees its changes at once and other threads none of
 * them; an operation that throws inside a transaction undoes only itself. Misuse and concurrency rules are in
 * {@link TransactionMisuseTest}.
 */
class TransactionTest {

    /** How a transaction ends without committing. */
    enum Ending { ROLLBACK, EXCEPTION, CLOSE }

    /** Thrown out of {@code inTransaction} to roll it back. */
    static final class Boom extends RuntimeException {
        Boom() {
            super("boom: roll back");
        }
    }

    /**
     * A change to apply to a world. {@code sameAsDirect}: applying it without a transaction gives the same
     * state, ids included (true when no entity is added after one was removed: a transaction reuses freed ids
     * only after it commits).
     */
    record Change(String name, boolean sameAsDirect, Consumer<EngineWorld> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Change> changes() {
        List<Change> c = new ArrayList<>();
        c.add(new Change("typed link", true, w -> {
            assertTrue(w.wrote.link("a1", b(0)));
            assertFalse(w.wrote.link("a1", b(1)), "present");
            assertTrue(w.wrote.link("newAuthor", b("newBook")), "adds both entities");
            assertTrue(w.follows.link(103L, 100L));
            assertTrue(w.follows.link(104L, 104L), "directed self-link");
            assertTrue(w.friends.link(109L, 101L));
            assertFalse(w.friends.link(101L, 100L), "symmetric: present the other way");
            assertTrue(w.read.inverse().link(b(6), 104L));
            assertTrue(w.fans.link("a5", 300L), "adds user 300 into a freed id");
        }));
        c.add(new Change("typed unlink", true, w -> {
            assertTrue(w.wrote.unlink("a0", b(1)));
            assertFalse(w.wrote.unlink("a0", b(1)));
            assertFalse(w.wrote.unlink("absent", b(0)));
            assertTrue(w.follows.unlink(101L, 100L));
            assertTrue(w.follows.unlink(103L, 103L));
            assertTrue(w.friends.unlink(102L, 101L), "declared as 101-102");
            assertTrue(w.fans.inverse().unlink(102L, "a1"));
            assertTrue(w.read.inverse().unlink(b(0), 109L));
        }));
        c.add(new Change("setRights and setLefts", true, w -> {
            assertTrue(w.wrote.setRights("a0", List.of(b(2), b("new1"), b(4), b(4))));
            assertTrue(w.wrote.setLefts(b(1), List.of("a5", "newA")));
            assertTrue(w.friends.setRights(100L, List.of(102L, 103L)));
            assertTrue(w.follows.setLefts(100L, List.of()));
            assertFalse(w.read.setRights(999L, List.of()), "empty assignment to an absent entity");
            assertTrue(w.read.inverse().setRights(b(7), List.of(100L, 104L)));
        }));
        c.add(new Change("view add and addAll", true, w -> {
            assertTrue(w.wrote.rightsOf("a3").add(b(1)));
            assertTrue(w.wrote.leftsOf(b(2)).addAll(List.of("a1", "a3", "a7")));
            assertTrue(w.friends.rightsOf(104L).addAll(List.of(103L, 104L, 200L)));
            assertTrue(w.follows.leftsOf(109L).add(100L));
            assertFalse(w.follows.rightsOf(100L).addAll(Set.of(101L, 108L)), "all present");
        }));
        c.add(new Change("view remove and removeAll", true, w -> {
            assertTrue(w.wrote.rightsOf("a0").remove(b(1)));
            assertTrue(w.wrote.rightsOf("a0").removeAll(List.of(b(0), b(99))));
            assertTrue(w.follows.leftsOf(100L).removeAll(Set.of(101L, 102L)));
            assertTrue(w.friends.leftsOf(101L).remove(100L));
            assertFalse(w.read.rightsOf(101L).remove(b(7)));
        }));
        c.add(new Change("view retainAll and removeIf", true, w -> {
            assertTrue(w.read.rightsOf(102L).retainAll(List.of(b(4))));
            assertTrue(w.friends.rightsOf(100L).removeIf(u -> u > 100));
            assertTrue(w.wrote.leftsOf(b(0)).removeIf(a -> a.equals("a5")));
            assertTrue(w.follows.rightsOf(100L).retainAll(Set.of(108L)));
        }));
        c.add(new Change("view clear", true, w -> {
            w.wrote.rightsOf("a0").clear();
            w.follows.leftsOf(100L).clear();
            w.friends.rightsOf(101L).clear();
            w.read.leftsOf(b(1)).clear();
            w.fans.inverse().rightsOf(100L).clear();
        }));
        c.add(new Change("iterator remove", true, w -> {
            int n = 0;
            for (Iterator<Book> it = w.wrote.rightsOf("a0").iterator(); it.hasNext(); n++) {
                it.next();
                if (n % 2 == 0) {
                    it.remove();
                }
            }
            assertEquals(3, n);
            for (Iterator<Long> it = w.follows.rightsOf(100L).iterator(); it.hasNext(); ) {
                it.next();
                it.remove();
            }
            Iterator<Long> it = w.friends.leftsOf(100L).iterator();
            it.next();
            it.remove();
            Iterator<String> ai = w.authors.iterator();
            ai.next();
            ai.remove(); // a0, with its links
        }));
        c.add(new Change("table add", true, w -> {
            assertEquals(4, w.authors.add("a9"), "the most recently freed id");
            assertEquals(2, w.authors.add("a10"));
            assertEquals(6, w.authors.add("a11"));
            assertEquals(0, w.authors.add("a0"), "present");
            assertEquals(8, w.books.add(b(10)));
            int u300 = w.users.add(300L);
            int u301 = w.users.add(Long.valueOf(301));
            assertNotEquals(u300, u301);
            assertEquals(u300, w.users.idOf(300L));
        }));
        c.add(new Change("table remove with cascade", true, w -> {
            assertTrue(w.authors.remove("a0"));
            assertFalse(w.authors.remove("a0"));
            assertTrue(w.books.removeKey("b1"));
            assertTrue(w.books.remove(b(7)));
            assertTrue(w.users.remove(100L), "in read, follows (both ways), friends and fans");
            assertTrue(w.users.remove(Long.valueOf(103)), "self-loops in follows and friends");
            assertFalse(w.users.remove(555L));
            assertFalse(w.books.removeKey("nope"));
        }));
        c.add(new Change("entity delete across every relation", true, w -> {
            assertTrue(w.users.remove(101L));
            assertTrue(w.users.remove(109L));
            assertTrue(w.authors.remove("a1"));
            assertTrue(w.users.remove(102L));
        }));
        c.add(new Change("add, remove and re-add in one transaction", false, w -> {
            w.authors.add("x");
            w.wrote.link("x", b(0));
            w.fans.link("x", 100L);
            assertTrue(w.authors.remove("x"));
            w.authors.add("x");
            assertTrue(w.authors.remove("a1"));
            w.authors.add("a1");
            assertTrue(w.wrote.link("a1", b(2)));
            assertTrue(w.users.remove(100L));
            assertTrue(w.friends.link(100L, 100L), "re-added by the link");
            assertTrue(w.books.remove(b(0)));
            assertTrue(w.books.remove(b("never")) == false);
            w.books.add(b(0));
            w.users.add(500L);
            w.users.remove(500L);
        }));
        c.add(new Change("ints link and unlink", true, w -> {
            assertTrue(w.wrote.ints().link(w.a("a1"), w.bk(0)));
            assertTrue(w.wrote.ints().unlink(w.a("a0"), w.bk(1)));
            assertTrue(w.wrote.ints().inverse().link(w.bk(5), w.a("a0")));
            assertTrue(w.follows.ints().link(w.u(104), w.u(104)));
            assertTrue(w.follows.ints().inverse().unlink(w.u(100), w.u(101)), "101 -> 100");
            assertTrue(w.friends.ints().link(w.u(109), w.u(102)));
            assertTrue(w.friends.ints().unlink(w.u(101), w.u(100)));
            assertFalse(w.friends.ints().unlink(w.u(101), w.u(100)));
        }));
        c.add(new Change("ints linkAll", true, w -> {
            int a1 = w.a("a1");
            int a3 = w.a("a3");
            assertEquals(2, w.wrote.ints().linkAll(new int[] {a1, a1, a3, a3}, new int[] {w.bk(0), w.bk(1), w.bk(0), w.bk(0)}));
            assertEquals(2, w.friends.ints().linkAll(new int[] {w.u(100), w.u(102)}, new int[] {w.u(104), w.u(100)}));
            assertEquals(1, w.read.ints().inverse().linkAll(new int[] {w.bk(6)}, new int[] {w.u(106)}));
        }));
        c.add(new Change("ints bulk linkAll beyond the one-by-one threshold", true, w -> {
            List<Integer> us = new ArrayList<>();
            List<Integer> bs = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                us.add(w.users.add(1000L + i));
                bs.add(w.books.add(b("bulk" + i)));
            }
            int[] ls = new int[us.size() * bs.size()];
            int[] rs = new int[ls.length];
            int k = 0;
            for (int u : us) {
                for (int x : bs) {
                    ls[k] = u;
                    rs[k++] = x;
                }
            }
            assertEquals(625, w.read.ints().linkAll(ls, rs));
            assertTrue(w.users.remove(1003L));
        }));
        c.add(new Change("more than 1024 entities added, linked and some removed", true, w -> {
            for (long u = 2000; u < 3100; u++) {
                w.users.add(u);
                w.follows.link(u, 100L);
                w.authors.add("bulk" + u);
            }
            w.friends.link(2000L, 3099L);
            for (long u = 2000; u < 3100; u += 7) {
                w.users.remove(u);
            }
            w.authors.remove("a0");
        }));
        c.add(new Change("ints removeLeft and removeRight", true, w -> {
            assertEquals(3, w.wrote.ints().removeLeft(w.a("a0")));
            assertEquals(1, w.wrote.ints().removeRight(w.bk(1)));
            assertEquals(2, w.follows.ints().removeLeft(w.u(100)));
            assertEquals(3, w.follows.ints().removeRight(w.u(100)));
            assertEquals(2, w.friends.ints().removeRight(w.u(101)));
            assertEquals(2, w.read.ints().inverse().removeLeft(w.bk(0)));
        }));
        c.add(new Change("ints replaceRights and replaceLefts", true, w -> {
            assertTrue(w.wrote.ints().replaceRights(w.a("a0"), new int[] {w.bk(2), w.bk(4), w.bk(4)}));
            assertTrue(w.wrote.ints().replaceLefts(w.bk(0), new int[] {w.a("a1")}));
            assertTrue(w.friends.ints().replaceRights(w.u(100), new int[] {w.u(103), w.u(104)}));
            assertTrue(w.follows.ints().inverse().replaceRights(w.u(100), new int[] {w.u(109)}), "followers of 100");
            assertTrue(w.read.ints().replaceLefts(w.bk(7), new int[0]));
        }));
        c.add(new Change("ints clear", true, w -> {
            w.follows.ints().clear();
            w.friends.ints().clear();
            w.wrote.ints().inverse().clear();
        }));
        c.add(new Change("a mix of everything", false, w -> {
            w.wrote.link("a1", b(0));
            w.wrote.ints().unlink(w.a("a1"), w.bk(0));
            w.wrote.link("a1", b(0));
            w.follows.rightsOf(100L).add(104L);
            w.users.remove(104L);
            w.users.add(104L);
            w.friends.setRights(104L, List.of(100L, 101L));
            w.read.rightsOf(100L).clear();
            w.read.ints().linkAll(new int[] {w.u(100), w.u(100)}, new int[] {w.bk(6), w.bk(7)});
            w.books.removeKey("b6");
            w.wrote.leftsOf(b(6)).add("a3");
            w.friends.ints().removeLeft(w.u(100));
            w.fans.inverse().setRights(104L, List.of("a0", "a3"));
            w.authors.remove("a3");
            w.follows.ints().replaceLefts(w.u(108), new int[] {w.u(102), w.u(101)});
            w.wrote.rightsOf("a5").removeIf(bk -> bk.title().equals("b7"));
        }));
        for (long seed = 1; seed <= 8; seed++) {
            long s = seed;
            c.add(new Change("random ops, seed " + s, false, w -> randomOps(w, new Random(s), 40)));
        }
        return c;
    }

    /** Random writes by key (so that they do not depend on ids), all kinds mixed. */
    static void randomOps(EngineWorld w, Random rnd, int n) {
        for (int i = 0; i < n; i++) {
            String a = "a" + rnd.nextInt(9);
            Book bk = b(rnd.nextInt(11));
            long u = 100 + rnd.nextInt(13);
            long v = 100 + rnd.nextInt(13);
            switch (rnd.nextInt(18)) {
                case 0 -> w.wrote.link(a, bk);
                case 1 -> w.wrote.unlink(a, bk);
                case 2 -> w.follows.link(u, v);
                case 3 -> w.follows.unlink(u, v);
                case 4 -> w.friends.link(u, v);
                case 5 -> w.friends.inverse().unlink(u, v);
                case 6 -> w.read.leftsOf(bk).add(u);
                case 7 -> w.authors.remove(a);
                case 8 -> w.users.remove(u);
                case 9 -> w.books.remove(bk);
                case 10 -> w.users.add(u);
                case 11 -> w.wrote.setRights(a, List.of(bk, b(rnd.nextInt(11))));
                case 12 -> w.follows.leftsOf(u).clear();
                case 13 -> {
                    if (w.users.contains(u) && w.users.contains(v)) {
                        w.friends.ints().link(w.u(u), w.u(v));
                    }
                }
                case 14 -> {
                    if (w.users.contains(u)) {
                        w.follows.ints().removeLeft(w.u(u));
                    }
                }
                case 15 -> w.fans.link(a, u);
                case 16 -> w.authors.add(a);
                default -> w.read.rightsOf(u).removeIf(x -> x.title().compareTo("b5") < 0);
            }
        }
    }

    static Stream<Arguments> changesAndEndings() {
        return changes().stream().flatMap(c -> Arrays.stream(Ending.values()).map(e -> Arguments.of(c, e)));
    }

    // ---- rollback -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("changesAndEndings")
    void rollbackLeavesEverythingExactlyAsBeforeBegin(Change change, Ending ending) throws Exception {
        EngineWorld fresh = new EngineWorld();
        String before = fresh.snapshot();
        EngineWorld w = new EngineWorld();
        assertEquals(before, w.snapshot(), "worlds are deterministic");

        String[] seen = new String[2];
        Runnable work = () -> {
            change.apply().accept(w);
            seen[0] = w.snapshot();
            try {
                seen[1] = snapshotFromOtherThread(w.db);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        switch (ending) {
            case ROLLBACK -> {
                Transaction tx = w.db.begin();
                assertTrue(tx.isActive());
                work.run();
                tx.rollback();
                assertFalse(tx.isActive());
            }
            case EXCEPTION -> {
                Boom boom = new Boom();
                Boom thrown = assertThrows(Boom.class, () -> w.db.inTransaction(() -> {
                    work.run();
                    throw boom;
                }));
                assertSame(boom, thrown, "the exception propagates as is");
            }
            case CLOSE -> {
                Transaction tx;
                try (Transaction t = w.db.begin()) {
                    tx = t;
                    work.run();
                }
                assertFalse(tx.isActive());
            }
        }
        assertNotEquals(before, seen[0], "the change changed something, seen inside the transaction");
        assertEquals(before, seen[1], "another thread saw none of the open transaction");
        assertEquals(before, w.snapshot(), "after rollback, on the owner thread");
        assertEquals(before, snapshotFromOtherThread(w.db), "after rollback, on another thread");

        fresh.followUp();
        w.followUp();
        assertEquals(fresh.snapshot(), w.snapshot(), "ids handed out after the rollback, as without the transaction");
        assertTrue(w.db.begin(0, java.util.concurrent.TimeUnit.SECONDS) != null, "the write lock was released");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void commitPublishesExactlyWhatTheTransactionSaw(Change change) throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        String inside;
        String otherDuring;
        try (Transaction tx = w.db.begin()) {
            change.apply().accept(w);
            inside = w.snapshot();
            otherDuring = snapshotFromOtherThread(w.db);
            tx.commit();
            assertFalse(tx.isActive());
        }
        assertEquals(before, otherDuring, "isolation");
        assertEquals(inside, w.snapshot(), "after commit, on the owner thread");
        assertEquals(inside, snapshotFromOtherThread(w.db), "after commit, on another thread");

        EngineWorld viaCallback = new EngineWorld();
        viaCallback.db.inTransaction(() -> change.apply().accept(viaCallback));
        assertEquals(inside, viaCallback.snapshot(), "inTransaction commits the same");

        if (change.sameAsDirect()) {
            EngineWorld direct = new EngineWorld();
            change.apply().accept(direct);
            assertEquals(direct.snapshot(), inside, "a transaction gives what the writes give one by one");
            direct.followUp();
            w.followUp();
            assertEquals(direct.snapshot(), w.snapshot(), "freed ids are reused after the commit, LIFO");
        }
    }

    // ---- inside a transaction -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("ends")
    void theOwnerSeesItsChangesAtOnceOnBothSidesTypedAndInts(End ending) throws Exception {
        EngineWorld w = new EngineWorld();
        Transaction tx = w.db.begin();
        try {
            assertTrue(w.wrote.link("a1", b(0)));
            int a1 = w.a("a1");
            int b0 = w.bk(0);
            assertTrue(w.wrote.rightsOf("a1").contains(b(0)));
            assertTrue(w.wrote.leftsOf(b(0)).contains("a1"));
            assertEquals(List.of("a0", "a1", "a5"), new ArrayList<>(w.wrote.leftsOf(b(0))));
            assertEquals(3, w.wrote.inverse().rightsOf(b(0)).size());
            assertTrue(w.wrote.ints().contains(a1, b0));
            assertTrue(w.wrote.ints().leftsOf(b0).contains(a1));
            assertTrue(w.wrote.ints().inverse().rightsOf(b0).contains(a1));
            assertEquals(3, w.wrote.ints().degreeOfRight(b0));
            assertEquals(10, w.wrote.size());

            assertTrue(w.wrote.ints().link(a1, w.bk(2)));
            assertTrue(w.wrote.rightsOf("a1").contains(b(2)), "an ints() write is seen by the typed layer");
            assertEquals(List.of(b(0), b(1), b(2), b(4)), new ArrayList<>(w.wrote.rightsOf("a1")));

            assertTrue(w.users.remove(100L));
            assertFalse(w.users.contains(100L));
            assertFalse(w.friends.rightsOf(101L).contains(100L));
            assertFalse(w.follows.leftsOf(101L).contains(100L));
            assertEquals(List.of("a0", "a1", "a5"), new ArrayList<>(w.wrote.leftsOf(b(0))));
            assertEquals(List.of(), new ArrayList<>(w.read.rightsOf(100L)));
            int fresh = w.users.add(700L);
            assertEquals(fresh, w.users.idOf(700L));
            assertEquals(700L, w.users.keyOf(fresh));
            assertTrue(w.friends.link(700L, 101L));
            assertTrue(w.friends.ints().contains(w.u(101), fresh));

            String other = snapshotFromOtherThread(w.db);
            assertEquals(new EngineWorld().snapshot(), other, "another thread sees none of it");
            assertTrue(onOtherThread("reader", () -> w.users.contains(100L) && !w.users.contains(700L)
                    && !w.wrote.contains("a1", b(0)) && w.wrote.ints().degreeOfRight(b0) == 2));
        } catch (Throwable t) {
            tx.close();
            throw t;
        }
        switch (ending) {
            case ROLLBACK -> tx.rollback();
            case CLOSE -> tx.close();
            case COMMIT -> tx.commit();
        }
        EngineWorld expected = new EngineWorld();
        if (ending == End.COMMIT) {
            expected.db.inTransaction(() -> {
                expected.wrote.link("a1", b(0));
                expected.wrote.link("a1", b(2));
                expected.users.remove(100L);
                expected.users.add(700L);
                expected.friends.link(700L, 101L);
            });
        }
        assertEquals(expected.snapshot(), w.snapshot());
    }

    /** How a transaction ends, for tests that also commit. */
    enum End { COMMIT, ROLLBACK, CLOSE }

    static Stream<End> ends() {
        return Stream.of(End.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ends")
    void anOperationThatThrowsInsideATransactionUndoesOnlyItself(End ending) throws Exception {
        EngineWorld w = new EngineWorld();
        EngineWorld expected = new EngineWorld();
        Consumer<EngineWorld> good1 = x -> {
            x.wrote.link("a1", b(0));
            x.users.remove(101L);
        };
        Consumer<EngineWorld> good2 = x -> {
            x.wrote.link("newA", b(1));
            x.friends.link(104L, 108L);
        };
        Transaction tx = w.db.begin();
        good1.accept(w);
        String afterGood1 = w.snapshot();
        Book boom = b("BOOM!");

        assertThrows(KeyBoom.class, () -> w.wrote.rightsOf("newA").addAll(List.of(b(20), b(21), boom)),
                "newA, b20 and b21 were added and linked before the key function threw");
        assertEquals(afterGood1, w.snapshot());
        assertThrows(NullPointerException.class, () -> w.wrote.rightsOf("newA").addAll(Arrays.asList(b(22), null)));
        assertThrows(KeyBoom.class, () -> w.wrote.setRights("a0", List.of(b(9), boom)));
        assertThrows(KeyBoom.class, () -> w.wrote.setLefts(boom, List.of("a0")));
        assertThrows(KeyBoom.class, () -> w.wrote.link("newB", boom));
        assertThrows(KeyBoom.class, () -> w.read.leftsOf(boom).add(100L));
        assertThrows(KeyBoom.class, () -> w.books.add(boom));
        assertThrows(KeyBoom.class, () -> w.books.remove(boom));
        assertEquals(afterGood1, w.snapshot());
        assertThrows(IllegalStateException.class, () -> w.wrote.rightsOf("a0").removeIf(x -> {
            if (x.equals(b(1))) {
                throw new IllegalStateException("predicate");
            }
            return true;
        }));
        assertThrows(IllegalStateException.class, () -> w.wrote.rightsOf("a0").retainAll(new ThrowingCollection()));
        assertThrows(IllegalArgumentException.class, () -> w.wrote.ints().link(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> w.wrote.ints().linkAll(new int[] {w.a("a1"), -1},
                new int[] {w.bk(2), w.bk(4)}));
        assertThrows(IllegalArgumentException.class, () -> w.wrote.ints().replaceRights(w.a("a0"), new int[] {1, -2}));
        assertThrows(NullPointerException.class, () -> w.friends.ints().replaceLefts(w.u(100), null));
        assertEquals(afterGood1, w.snapshot(), "every failed operation undid itself, and only itself");
        assertTrue(tx.isActive());

        good2.accept(w);
        String inside = w.snapshot();
        switch (ending) {
            case ROLLBACK -> tx.rollback();
            case CLOSE -> tx.close();
            case COMMIT -> tx.commit();
        }
        if (ending == End.COMMIT) {
            expected.db.inTransaction(() -> {
                good1.accept(expected);
                good2.accept(expected);
            });
            assertEquals(expected.snapshot(), inside);
        }
        assertEquals(expected.snapshot(), w.snapshot());
        assertEquals(expected.snapshot(), snapshotFromOtherThread(w.db));
    }

    /** A collection whose {@code contains} throws. */
    static final class ThrowingCollection extends java.util.AbstractCollection<Object> {
        @Override
        public boolean contains(Object o) {
            throw new IllegalStateException("contains");
        }

        @Override
        public Iterator<Object> iterator() {
            return List.of().iterator();
        }

        @Override
        public int size() {
            return 0;
        }
    }

    @org.junit.jupiter.api.Test
    void anErrorInsideATransactionMakesItRollbackOnly() throws Exception {
        inATransactionThatLinkedA1ToB0((w, before, tx) -> {
            assertThrows(KeyError.class, () -> w.wrote.link("a1", b("ERROR")));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.wrote.link("a3", b(0)));
            assertTrue(e.getMessage().contains("rollback-only"), e.getMessage());
            assertTrue(w.wrote.contains("a1", b(0)), "reads still work, and still see the transaction");
            e = assertThrows(IllegalStateException.class, tx::commit);
            assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
            assertFalse(tx.isActive());
            assertEquals(before, w.snapshot());
            assertEquals(before, snapshotFromOtherThread(w.db));
            assertTrue(onOtherThread("writer", () -> w.wrote.link("a3", b(0))), "the write lock was released");
        });
    }

    @org.junit.jupiter.api.Test
    void anErrorInASingleWriteOutsideATransactionChangesNothing() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        assertThrows(KeyError.class, () -> w.wrote.link("newA", b("ERROR")));
        assertThrows(KeyBoom.class, () -> w.wrote.rightsOf("newA").addAll(List.of(b(30), b("BOOM"))));
        assertEquals(before, w.snapshot());
        assertTrue(w.wrote.link("newA", b(30)), "the engine is usable");
    }

    @org.junit.jupiter.api.Test
    void nestedInTransactionIsPartOfTheOuterOneAndItsExceptionUndoesOnlyItself() throws Exception {
        EngineWorld w = new EngineWorld();
        EngineWorld expected = new EngineWorld();
        w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            Boom boom = assertThrows(Boom.class, () -> w.db.inTransaction(() -> {
                w.wrote.link("a1", b(2));
                w.users.remove(100L);
                w.authors.add("inner");
                throw new Boom();
            }));
            assertTrue(boom != null);
            assertFalse(w.wrote.contains("a1", b(2)));
            assertTrue(w.users.contains(100L));
            assertTrue(w.friends.contains(100L, 101L), "the cascade was undone too");
            assertFalse(w.authors.contains("inner"));
            int result = w.db.inTransaction(() -> {
                w.wrote.link("a3", b(0));
                return 42;
            });
            assertEquals(42, result);
        });
        expected.wrote.link("a1", b(0));
        expected.wrote.link("a3", b(0));
        assertEquals(expected.snapshot(), w.snapshot());
        assertEquals(expected.snapshot(), snapshotFromOtherThread(w.db));
    }

    @org.junit.jupiter.api.Test
    void inTransactionReturnsItsResultAndRethrowsCheckedLikeExceptionsAsIs() {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        assertEquals("done", w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            return "done";
        }));
        assertTrue(w.wrote.contains("a1", b(0)));
        AssertionError err = assertThrows(AssertionError.class, () -> w.db.inTransaction(() -> {
            w.users.remove(100L);
            throw new AssertionError("an Error escapes too");
        }));
        assertEquals("an Error escapes too", err.getMessage());
        assertTrue(w.users.contains(100L), "rolled back on an Error as well");
        assertNotEquals(before, w.snapshot());
    }

    @org.junit.jupiter.api.Test
    void anEmptyTransactionCommitsAndRollsBack() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        w.db.begin().commit();
        w.db.begin().rollback();
        try (Transaction tx = w.db.begin()) {
            assertTrue(tx.isActive());
        }
        w.db.inTransaction(() -> { });
        assertEquals(before, w.snapshot());
        // reads only, inside a transaction
        try (Transaction tx = w.db.begin()) {
            assertEquals(before, w.snapshot());
            tx.commit();
        }
        assertEquals(before, snapshotFromOtherThread(w.db));
    }

    @org.junit.jupiter.api.Test
    void idsFreedInATransactionAreReusedOnlyAfterItCommits() {
        EngineWorld w = new EngineWorld();
        int a0 = w.a("a0");
        try (Transaction tx = w.db.begin()) {
            assertTrue(w.authors.remove("a0"));
            int x = w.authors.add("x");
            assertNotEquals(a0, x, "not reused inside the transaction");
            assertEquals(4, x, "the committed free list, top first");
            tx.commit();
        }
        assertEquals(a0, w.authors.add("y"), "freed by the commit, so next");
        assertEquals(2, w.authors.add("z"));
    }

    @org.junit.jupiter.api.Test
    void removingAndReAddingAKeyInATransactionMovesItToANewId() throws Exception {
        EngineWorld w = new EngineWorld();
        int old = w.u(100);
        try (Transaction tx = w.db.begin()) {
            w.users.remove(100L);
            int now = w.users.add(100L);
            assertNotEquals(old, now);
            assertFalse(w.users.containsId(old));
            assertEquals(List.of(), new ArrayList<>(w.friends.rightsOf(100L)), "the new entity has no links");
            w.friends.link(100L, 104L);
            tx.commit();
        }
        int now = w.u(100);
        assertNotEquals(old, now);
        assertFalse(w.users.containsId(old));
        assertEquals(List.of(104L), new ArrayList<>(w.friends.rightsOf(100L)));
        assertEquals(0, w.friends.ints().degreeOfLeft(old));
        assertEquals(1, w.friends.ints().degreeOfLeft(now));
        assertEquals(w.snapshot(), snapshotFromOtherThread(w.db));
    }

    // ---- live int-level views across a transaction's boundary --------------------------------------------

    /**
     * {@link dev.junction.index.IntNeighborSet} is documented as live: it "reflects every later change of the
     * relation". A set taken outside a transaction and read inside one (same thread) must show the
     * transaction's changes, as {@code size()} and {@code contains} already do.
     */
    @org.junit.jupiter.api.Test
    void anIntSetTakenBeforeBeginShowsTheTransactionsChangesOnItsThread() {
        EngineWorld w = new EngineWorld();
        int a0 = w.a("a0");
        dev.junction.index.IntNeighborSet s = w.wrote.ints().rightsOf(a0);
        int[] expected = {w.bk(0), w.bk(1), w.bk(2), w.bk(5)};
        try (Transaction tx = w.db.begin()) {
            assertTrue(w.wrote.ints().link(a0, w.bk(5)));
            assertEquals(4, s.size());
            assertTrue(s.contains(w.bk(5)));
            assertArrayEquals(expected, drain(s), "iteration agrees with size() and contains()");
            int[] dest = new int[8];
            assertEquals(4, s.copyTo(dest));
            assertArrayEquals(expected, Arrays.copyOf(dest, 4), "copyTo agrees with size()");
            // toIntArray() is not called here: with the bug it loops forever (size() and copyTo() disagree)
            tx.rollback();
        }
    }

    /** Inside a transaction, int sets of a relation it has not written (yet) iterate like any other. */
    @org.junit.jupiter.api.Test
    void anIntSetOfARelationTheTransactionHasNotWrittenIteratesInsideIt() {
        EngineWorld w = new EngineWorld();
        int a0 = w.a("a0");
        int[] expected = {w.bk(0), w.bk(1), w.bk(2)};
        try (Transaction tx = w.db.begin()) {
            assertArrayEquals(expected, drain(w.wrote.ints().rightsOf(a0)), "no write at all yet");
            w.users.remove(100L); // writes other relations and tables, not 'wrote'
            assertArrayEquals(expected, drain(w.wrote.ints().rightsOf(a0)), "other relations written");
            it.unimi.dsi.fastutil.ints.IntIterator it = w.wrote.ints().rightsOf(a0).iterator();
            assertEquals(w.bk(0), it.nextInt());
            w.wrote.ints().link(a0, w.bk(5)); // this entity's links change: fail fast, or show the change
            try {
                List<Integer> rest = new ArrayList<>();
                while (it.hasNext()) {
                    rest.add(it.nextInt());
                }
                assertEquals(List.of(w.bk(1), w.bk(2), w.bk(5)), rest);
            } catch (java.util.ConcurrentModificationException fine) {
                // fail-fast
            }
            assertArrayEquals(new int[] {w.bk(0), w.bk(1), w.bk(2), w.bk(5)}, drain(w.wrote.ints().rightsOf(a0)));
            tx.rollback();
        }
    }

    /** A set taken inside a transaction before its first write must show the later writes. */
    @org.junit.jupiter.api.Test
    void anIntSetTakenInATransactionBeforeItsFirstWriteShowsLaterWrites() {
        inATransactionOnA0((w, a0, tx) -> {
            dev.junction.index.IntNeighborSet s = w.wrote.ints().rightsOf(a0);
            assertEquals(3, s.size());
            assertTrue(w.wrote.ints().link(a0, w.bk(5)));
            assertEquals(4, s.size(), "live");
            assertTrue(s.contains(w.bk(5)), "live");
            tx.rollback();
        });
    }

    /** A set taken inside a transaction and used after it ended must show the committed state. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ends")
    void anIntSetTakenInATransactionShowsTheCommittedStateAfterItEnds(End ending) {
        EngineWorld w = new EngineWorld();
        int a0 = w.a("a0");
        dev.junction.index.IntNeighborSet s;
        try (Transaction tx = w.db.begin()) {
            assertTrue(w.wrote.ints().link(a0, w.bk(5)));
            s = w.wrote.ints().rightsOf(a0);
            assertEquals(4, s.size());
            if (ending == End.COMMIT) {
                tx.commit();
            } else if (ending == End.ROLLBACK) {
                tx.rollback();
            }
        }
        int[] expected = ending == End.COMMIT ? new int[] {w.bk(0), w.bk(1), w.bk(2), w.bk(5)}
                : new int[] {w.bk(0), w.bk(1), w.bk(2)};
        assertEquals(expected.length, s.size(), "degree after the transaction ended (" + ending + ")");
        assertArrayEquals(expected, drain(s), "iteration after the transaction ended (" + ending + ")");
        assertEquals(ending == End.COMMIT, s.contains(w.bk(5)));
    }

    /**
     * {@code forEachRight} outside a transaction copies the set into a per-thread scratch buffer before calling
     * the action; a nested {@code forEachRight} on the same thread (a two-hop walk) must not overwrite the
     * outer call's ids.
     */
    @org.junit.jupiter.api.Test
    void nestedForEachOutsideATransactionWalksTwoHopsCorrectly() {
        Junction db = Junction.create();
        LongTable nodes = db.longTable("nodes");
        Relation<Long, Long> edges = db.directed("edges", nodes);
        for (long x = 1; x <= 3; x++) {
            edges.link(0L, x);
            for (long y = 0; y < 5; y++) {
                edges.link(x, 10 * x + y);
            }
        }
        IntRelation ir = edges.ints();
        List<String> walked = new ArrayList<>();
        ir.forEachRight(nodes.idOf(0L), mid -> ir.forEachRight(mid, far ->
                walked.add(nodes.keyOf(mid) + "->" + nodes.keyOf(far))));
        List<String> expected = new ArrayList<>();
        for (long x = 1; x <= 3; x++) {
            for (long y = 0; y < 5; y++) {
                expected.add(x + "->" + (10 * x + y));
            }
        }
        assertEquals(expected, walked);
        List<Long> viaSets = new ArrayList<>();
        ir.rightsOf(nodes.idOf(0L)).forEach((int mid) -> ir.rightsOf(mid).forEach((int far) -> viaSets.add(nodes.keyOf(far))));
        assertEquals(15, viaSets.size());
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 20L, 21L, 22L, 23L, 24L, 30L, 31L, 32L, 33L, 34L), viaSets);
    }

    /**
     * Iterators are fail-fast on changes of <em>their</em> entity's links only (IntNeighborSet, Relation#rightsOf).
     * Inside a transaction, copying one author's books to another while iterating must work as it does
     * outside one.
     */
    @ParameterizedTest(name = "in a transaction: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void iteratingOneEntitysLinksWhileLinkingAnotherEntityWorksInATransactionToo(boolean inTransaction) {
        EngineWorld w = new EngineWorld();
        Transaction tx = inTransaction ? w.db.begin() : null;
        try {
            w.wrote.link("a3", b(4)); // the transaction has changed this relation already
            List<Book> copied = new ArrayList<>();
            for (Book book : w.wrote.rightsOf("a0")) {
                w.wrote.link("a1", book); // another entity's links
                copied.add(book);
            }
            assertEquals(List.of(b(0), b(1), b(2)), copied);
            assertEquals(List.of(b(0), b(1), b(2), b(4)), new ArrayList<>(w.wrote.rightsOf("a1")));
            int a0 = w.a("a0");
            it.unimi.dsi.fastutil.ints.IntIterator ii = w.wrote.ints().rightsOf(a0).iterator();
            ii.nextInt();
            w.wrote.ints().link(w.a("a5"), w.bk(5));
            assertEquals(w.bk(1), ii.nextInt(), "int level: another entity's change does not fail the iterator");
        } finally {
            if (tx != null) {
                tx.rollback();
            }
        }
    }

    /** {@code iteratorAfter(Integer.MAX_VALUE)} is empty (no id is greater), inside a transaction too. */
    @org.junit.jupiter.api.Test
    void iteratorAfterTheLargestIntIsEmptyInATransaction() {
        inATransactionOnA0((w, a0, tx) -> {
            w.wrote.ints().link(a0, w.bk(5));
            assertArrayEquals(new int[0], drain(w.wrote.ints().rightsOf(a0).iteratorAfter(Integer.MAX_VALUE)));
            assertArrayEquals(new int[] {w.bk(5)}, drain(w.wrote.ints().rightsOf(a0).iteratorAfter(w.bk(2))));
            assertArrayEquals(new int[0], drain(w.wrote.ints().leftsOf(w.bk(5)).iteratorAfter(Integer.MAX_VALUE)));
        });
    }

    /** A test that starts where several do: a new world, its snapshot, an open transaction that linked a1 to b0. */
    @FunctionalInterface
    private interface AfterLinkingA1ToB0 {
        void run(EngineWorld w, String before, Transaction tx) throws Exception;
    }

    private static void inATransactionThatLinkedA1ToB0(AfterLinkingA1ToB0 test) throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        test.run(w, before, tx);
    }

    /** A test of the int-level views inside a transaction, on a new world with author a0 (books 0, 1, 2). */
    @FunctionalInterface
    private interface OnA0 {
        void run(EngineWorld w, int a0, Transaction tx);
    }

    private static void inATransactionOnA0(OnA0 test) {
        EngineWorld w = new EngineWorld();
        int a0 = w.a("a0");
        try (Transaction tx = w.db.begin()) {
            test.run(w, a0, tx);
        }
    }

        private static int[] drain(it.unimi.dsi.fastutil.ints.IntIterator it) {
        it.unimi.dsi.fastutil.ints.IntArrayList out = new it.unimi.dsi.fastutil.ints.IntArrayList();
        while (it.hasNext()) {
            out.add(it.nextInt());
        }
        return out.toIntArray();
    }

    /**
     * An iterator taken before {@code begin()} and used after the transaction removed the element it would
     * return next: {@code hasNext()} said true, so {@code next()} must return an element or fail fast with
     * {@link java.util.ConcurrentModificationException} (the entity was removed "by other means"), never throw
     * {@link java.util.NoSuchElementException}.
     */
    @org.junit.jupiter.api.Test
    void iteratorsTakenBeforeBeginFailFastOrAgreeWithTheTransaction() {
        EngineWorld w = new EngineWorld();
        Iterator<String> tableIt = w.authors.iterator();
        assertEquals("a0", tableIt.next());
        Iterator<Book> viewIt = w.wrote.rightsOf("a0").iterator();
        assertEquals(b(0), viewIt.next());
        try (Transaction tx = w.db.begin()) {
            w.authors.remove("a1");
            w.books.remove(b(1));
            for (Iterator<?> it : List.of(tableIt, viewIt)) {
                try {
                    if (it.hasNext()) {
                        Object next = it.next();
                        assertFalse(next.equals("a1") || next.equals(b(1)), "returned an entity the transaction removed");
                    }
                } catch (java.util.ConcurrentModificationException expected) {
                    // fail-fast: fine
                } catch (java.util.NoSuchElementException e) {
                    throw new AssertionError("hasNext() was true but next() threw " + e, e);
                }
            }
            tx.rollback();
        }
    }

    /**
     * Nothing needs to wait when no other thread writes or reads: a write or a commit on a thread whose interrupt
     * flag is set should go through (keeping the flag), not fail with a LockTimeoutException that claims it was
     * "waiting for read views to close". If interruption is meant to abort writes, Transaction.commit() must
     * document it; in any case the commit is all or nothing and the flag is kept.
     */
    @org.junit.jupiter.api.Test
    void anInterruptedThreadCanStillWriteAndCommitWhenNothingIsContended() {
        EngineWorld w = new EngineWorld();
        Transaction tx = w.db.begin();
        w.wrote.link("a3", b(0));
        Thread.currentThread().interrupt();
        try {
            RuntimeException failure = null;
            try {
                tx.commit();
            } catch (LockTimeoutException e) {
                failure = e;
            }
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            assertFalse(tx.isActive());
            assertEquals(failure == null, w.wrote.contains("a3", b(0)), "all or nothing");
            assertEquals(null, failure == null ? null : failure.toString(), "an uncontended commit failed");
            assertTrue(w.wrote.link("a1", b(0)), "an uncontended single write");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    /** A key whose {@code hashCode} can be made to throw for names starting with "bad" (armed at commit). */
    static final class Fragile {
        static volatile boolean armed;
        final String name;

        Fragile(String name) {
            this.name = name;
        }

        @Override
        public int hashCode() {
            if (armed && name.startsWith("bad")) {
                throw new IllegalStateException("hashCode of " + name + " fails");
            }
            return name.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fragile f && f.name.equals(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Transaction#commit: "a failure inside commit() ... leave[s] every table and relation exactly as [before]". */
    @org.junit.jupiter.api.Test
    void aCommitThatFailsWhilePublishingLeavesEverythingAsBeforeBegin() throws Exception {
        java.util.function.Supplier<Object[]> build = () -> {
            Junction db = Junction.create();
            Table<String> plain = db.table("plain");
            Table<Fragile> fragile = db.table("fragile");
            Relation<String, Fragile> rel = db.relation("rel", plain, fragile);
            Relation<String, String> dir = db.directed("dir", plain);
            for (int i = 0; i < 6; i++) {
                rel.link("p" + i, new Fragile("f" + i));
                dir.link("p" + i, "p" + ((i + 1) % 6));
            }
            plain.remove("p5");
            fragile.remove(new Fragile("f4"));
            return new Object[] {db, plain, fragile, rel, dir};
        };
        Object[] world = build.get();
        Junction db = (Junction) world[0];
        @SuppressWarnings("unchecked") Table<String> plain = (Table<String>) world[1];
        @SuppressWarnings("unchecked") Table<Fragile> fragile = (Table<Fragile>) world[2];
        @SuppressWarnings("unchecked") Relation<String, Fragile> rel = (Relation<String, Fragile>) world[3];
        @SuppressWarnings("unchecked") Relation<String, String> dir = (Relation<String, String>) world[4];
        ListenerTest.Recorder rec = new ListenerTest.Recorder();
        db.addListener(rec);
        String before = EngineWorld.snapshot(db);
        Transaction tx = db.begin();
        try {
            plain.add("n1");
            rel.link("n1", new Fragile("good"));
            rel.link("p0", new Fragile("bad"));
            dir.link("n1", "p0");
            assertTrue(plain.remove("p1"));
            assertTrue(fragile.remove(new Fragile("f2")));
            rel.unlink("p3", new Fragile("f3"));
            Fragile.armed = true;
            IllegalStateException e = assertThrows(IllegalStateException.class, tx::commit);
            assertTrue(e.getMessage().contains("hashCode of bad"), e.getMessage());
        } finally {
            Fragile.armed = false;
            tx.close();
        }
        assertFalse(tx.isActive());
        assertEquals(List.of(), rec.events, "no events for a failed commit");
        assertEquals(before, EngineWorld.snapshot(db), "as before begin");
        assertEquals(before, snapshotFromOtherThread(db));
        // the next ids handed out are those of an engine that never saw the transaction
        Object[] twin = build.get();
        @SuppressWarnings("unchecked") Table<String> twinPlain = (Table<String>) twin[1];
        @SuppressWarnings("unchecked") Table<Fragile> twinFragile = (Table<Fragile>) twin[2];
        @SuppressWarnings("unchecked") Relation<String, Fragile> twinRel = (Relation<String, Fragile>) twin[3];
        for (Object[] x : List.of(new Object[] {plain, fragile, rel}, new Object[] {twinPlain, twinFragile, twinRel})) {
            @SuppressWarnings("unchecked") Relation<String, Fragile> r = (Relation<String, Fragile>) x[2];
            r.link("later", new Fragile("later"));
            r.link("later2", new Fragile("good"));
        }
        assertEquals(EngineWorld.snapshot((Junction) twin[0]), EngineWorld.snapshot(db));
        assertTrue(onOtherThread("w", () -> db.begin(0, java.util.concurrent.TimeUnit.SECONDS) != null), "no lock left");
    }

    private static int[] drain(dev.junction.index.IntNeighborSet s) {
        it.unimi.dsi.fastutil.ints.IntArrayList out = new it.unimi.dsi.fastutil.ints.IntArrayList();
        for (it.unimi.dsi.fastutil.ints.IntIterator it = s.iterator(); it.hasNext(); ) {
            out.add(it.nextInt());
        }
        return out.toIntArray();
    }

    // ---- misuse ---------------------------------------------------------------------------------------

    @org.junit.jupiter.api.Test
    void commitTwiceOrRollbackAfterCommitThrowsClearlyAndChangesNothing() throws Exception {
        EngineWorld w = new EngineWorld();
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        tx.commit();
        String committed = w.snapshot();
        IllegalStateException e = assertThrows(IllegalStateException.class, tx::commit);
        assertTrue(e.getMessage().contains("ended"), e.getMessage());
        e = assertThrows(IllegalStateException.class, tx::rollback);
        assertTrue(e.getMessage().contains("ended"), e.getMessage());
        tx.close(); // a no-op after the end
        assertFalse(tx.isActive());
        assertEquals(committed, w.snapshot());
        assertTrue(w.wrote.contains("a1", b(0)), "the commit stands");
        assertTrue(onOtherThread("writer", () -> w.wrote.link("a3", b(0))), "no lock left behind");

        Transaction rolledBack = w.db.begin();
        w.users.remove(100L);
        rolledBack.rollback();
        assertThrows(IllegalStateException.class, rolledBack::rollback);
        assertThrows(IllegalStateException.class, rolledBack::commit);
        assertTrue(w.users.contains(100L), "a commit after the rollback does not resurrect the change");
        assertTrue(rolledBack.toString().contains("ended"), rolledBack.toString());
    }

    @org.junit.jupiter.api.Test
    void commitRollbackOrCloseFromAnotherThreadThrowsAndTheOwnerCanStillCommit() throws Exception {
        inATransactionThatLinkedA1ToB0((w, before, tx) -> {
            String owner = Thread.currentThread().getName();
            for (String what : List.of("commit", "rollback", "close")) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> onOtherThread("intruder", () -> {
                    switch (what) {
                        case "commit" -> tx.commit();
                        case "rollback" -> tx.rollback();
                        default -> tx.close();
                    }
                    return null;
                }), what);
                assertTrue(e.getMessage().contains(owner) && e.getMessage().contains("intruder"),
                        what + ": the message names both threads: " + e.getMessage());
                assertTrue(tx.isActive(), what);
                assertEquals(before, snapshotFromOtherThread(w.db), what + ": nothing published");
                assertTrue(w.wrote.contains("a1", b(0)), what + ": the owner still sees its change");
            }
            w.users.remove(100L);
            tx.commit();
            EngineWorld expected = new EngineWorld();
            expected.db.inTransaction(() -> {
                expected.wrote.link("a1", b(0));
                expected.users.remove(100L);
            });
            assertEquals(expected.snapshot(), snapshotFromOtherThread(w.db));
            assertTrue(onOtherThread("late", () -> {
                tx.close(); // ended: a no-op from any thread
                return true;
            }));
        });
    }

    @org.junit.jupiter.api.Test
    void beginOrWriteWhileHoldingAReadViewThrowsAndChangesNothing() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        try (ReadView v = w.db.readView()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, w.db::begin);
            assertTrue(e.getMessage().contains("read view"), e.getMessage());
            List<Runnable> writes = List.of(
                    () -> w.wrote.link("a1", b(0)),
                    () -> w.wrote.link("new", b("new")),
                    () -> w.wrote.unlink("a0", b(0)),
                    () -> w.wrote.rightsOf("a0").clear(),
                    () -> w.wrote.rightsOf("a0").add(b(5)),
                    () -> w.wrote.setRights("a0", List.of()),
                    () -> w.authors.add("x"),
                    () -> w.authors.remove("a0"),
                    () -> w.users.add(5L),
                    () -> w.users.remove(100L),
                    () -> w.wrote.ints().link(w.a("a1"), w.bk(0)),
                    () -> w.wrote.ints().unlink(w.a("a0"), w.bk(0)),
                    () -> w.wrote.ints().linkAll(new int[] {0}, new int[] {5}),
                    () -> w.wrote.ints().removeLeft(0),
                    () -> w.wrote.ints().replaceRights(0, new int[0]),
                    () -> w.wrote.ints().clear(),
                    () -> w.db.inTransaction(() -> { }));
            for (int i = 0; i < writes.size(); i++) {
                e = assertThrows(IllegalStateException.class, writes.get(i)::run, "write #" + i);
                assertTrue(e.getMessage().contains("read view"), "write #" + i + ": " + e.getMessage());
            }
            try (ReadView nested = w.db.readView()) {
                assertThrows(IllegalStateException.class, () -> w.wrote.link("a1", b(0)), "in a nested view");
            }
            assertThrows(IllegalStateException.class, () -> w.wrote.link("a1", b(0)), "the outer view is still open");
            assertEquals(before, w.snapshot());
        }
        assertThrows(IllegalStateException.class, () -> w.db.read(() -> w.wrote.link("a1", b(0))));
        assertEquals(before, w.snapshot());
        assertTrue(w.wrote.link("a1", b(0)), "after the view closed");
        w.db.begin().rollback();
    }

    @org.junit.jupiter.api.Test
    void aReadViewInsideTheOwnTransactionSeesItAndDoesNotBlockItsWrites() throws Exception {
        inATransactionThatLinkedA1ToB0((w, before, tx) -> {
            try (ReadView v = w.db.readView()) {
                assertTrue(w.wrote.contains("a1", b(0)));
                assertTrue(w.wrote.link("a3", b(0)), "the owner of the write lock may write in its view");
            }
            tx.commit();
            assertTrue(onOtherThread("r", () -> w.wrote.contains("a1", b(0)) && w.wrote.contains("a3", b(0))));

            // commit with the own view still open: refused; whatever happens, all or nothing and no lock left
            Transaction tx2 = w.db.begin();
            w.users.remove(100L);
            ReadView v = w.db.readView();
            IllegalStateException e = assertThrows(IllegalStateException.class, tx2::commit);
            assertTrue(e.getMessage().contains("read view"), e.getMessage());
            v.close();
            if (tx2.isActive()) {
                tx2.commit();
                assertFalse(w.users.contains(100L));
            } else {
                assertTrue(w.users.contains(100L), "rolled back as a whole");
            }
            assertNotEquals(before, w.snapshot());
            assertTrue(onOtherThread("w", () -> w.users.add(100L) >= 0), "no lock left behind");
        });
    }

    /**
     * The callback form's commit refused because the work left a read view open: nobody holds the transaction, so
     * it is rolled back, the write lock is released and the thread has no transaction left (found by review: it
     * used to stay open for good, holding the lock, and later writes on the thread silently joined it).
     */
    @org.junit.jupiter.api.Test
    void callbackWhoseCommitIsRefusedForAnOpenViewRollsBackAndReleasesTheLock() throws Exception {
        EngineWorld w = new EngineWorld(Junction.create(java.time.Duration.ofMillis(100)));
        String before = w.snapshot();
        ReadView[] leaked = new ReadView[1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.db.inTransaction(() -> {
            w.users.add(9100L);
            w.wrote.link("a1", b(0));
            leaked[0] = w.db.readView();
        }));
        assertTrue(e.getMessage().contains("read view") && e.getMessage().contains("rolled back"), e.getMessage());
        leaked[0].close();
        assertEquals(before, w.snapshot(), "rolled back as a whole");
        assertEquals(before, snapshotFromOtherThread(w.db), "nothing published");
        assertTrue(onOtherThread("w", () -> w.users.add(9101L) >= 0), "no lock left behind");
        w.users.add(9102L); // on this thread: a transaction of its own, committed at once
        assertTrue(onOtherThread("r", () -> w.users.contains(9101L) && w.users.contains(9102L)
                && !w.users.contains(9100L)));
    }

    @org.junit.jupiter.api.Test
    void aSecondWriterWaitsThenGetsLockTimeoutExceptionWithAClearMessage() throws Exception {
        EngineWorld w = new EngineWorld(Junction.create(java.time.Duration.ofMillis(100)));
        String before = w.snapshot();
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        String owner = Thread.currentThread().getName();
        List<Runnable> writes = List.of(
                () -> w.db.begin(),
                () -> w.db.inTransaction(() -> w.wrote.link("a3", b(0))),
                () -> w.wrote.link("a3", b(0)),
                () -> w.wrote.link("new", b("new")),
                () -> w.wrote.ints().link(0, 5),
                () -> w.wrote.ints().removeLeft(0),
                () -> w.authors.add("x"),
                () -> w.users.remove(100L),
                () -> w.wrote.rightsOf("a0").clear());
        for (int i = 0; i < writes.size(); i++) {
            int k = i;
            long[] elapsed = new long[1];
            LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> onOtherThread("second-writer", () -> {
                long t0 = System.nanoTime();
                try {
                    writes.get(k).run();
                } finally {
                    elapsed[0] = (System.nanoTime() - t0) / 1_000_000;
                }
                return null;
            }), "write #" + i);
            assertTrue(elapsed[0] >= 95, "write #" + i + " waited " + elapsed[0] + " ms for the 100 ms timeout");
            assertTrue(e.getMessage().contains("100 ms") && e.getMessage().contains(owner)
                    && e.getMessage().contains(w.db.toString()), "write #" + i + ": " + e.getMessage());
            assertTrue(e instanceof IllegalStateException);
        }
        assertTrue(tx.isActive());
        assertEquals(before, snapshotFromOtherThread(w.db), "the failed writers changed nothing");
        tx.commit();
        assertTrue(onOtherThread("second-writer", () -> w.wrote.link("a3", b(0))), "after the commit");
        EngineWorld expected = new EngineWorld();
        expected.wrote.link("a1", b(0));
        expected.wrote.link("a3", b(0));
        assertEquals(expected.snapshot(), w.snapshot());
    }

    @org.junit.jupiter.api.Test
    void aSecondWriterWaitsForTheCommitAndThenSeesIt() throws Exception {
        EngineWorld w = new EngineWorld();
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        java.util.concurrent.FutureTask<Boolean> second = new java.util.concurrent.FutureTask<>(() ->
                w.db.inTransaction(() -> {
                    boolean sawFirst = w.wrote.contains("a1", b(0)) && !w.users.contains(100L);
                    w.wrote.link("a3", b(0));
                    return sawFirst;
                }));
        Thread t = new Thread(second, "second-writer");
        t.start();
        EngineWorld.awaitBlocked(t);
        assertFalse(second.isDone());
        w.users.remove(100L);
        tx.commit();
        assertTrue(second.get(10, java.util.concurrent.TimeUnit.SECONDS), "began after the commit and saw all of it");
        assertTrue(w.wrote.contains("a3", b(0)));
    }

    @org.junit.jupiter.api.Test
    void beginWithAZeroTimeoutFailsAtOnceWhenAnotherThreadWrites() throws Exception {
        EngineWorld w = new EngineWorld(); // 10 s lock timeout: waiting for it would show
        Transaction tx = w.db.begin();
        for (long timeout : new long[] {0, -5}) {
            long[] elapsed = new long[1];
            LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> onOtherThread("impatient", () -> {
                long t0 = System.nanoTime();
                try {
                    return w.db.begin(timeout, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    elapsed[0] = (System.nanoTime() - t0) / 1_000_000;
                }
            }));
            assertTrue(elapsed[0] < 2000, "timeout " + timeout + ": waited " + elapsed[0] + " ms");
            assertTrue(e.getMessage().contains(Thread.currentThread().getName()), e.getMessage());
        }
        long[] elapsed = new long[1];
        assertThrows(LockTimeoutException.class, () -> onOtherThread("patient", () -> {
            long t0 = System.nanoTime();
            try {
                return w.db.begin(60, java.util.concurrent.TimeUnit.MILLISECONDS);
            } finally {
                elapsed[0] = (System.nanoTime() - t0) / 1_000_000;
            }
        }));
        assertTrue(elapsed[0] >= 55 && elapsed[0] < 5000, "waited " + elapsed[0] + " ms for 60 ms");
        tx.rollback();
        assertTrue(onOtherThread("free", () -> {
            Transaction t = w.db.begin(0, java.util.concurrent.TimeUnit.SECONDS);
            t.rollback();
            return true;
        }), "a zero timeout succeeds when nobody writes");
        assertThrows(NullPointerException.class, () -> w.db.begin(1, null));
    }

    @org.junit.jupiter.api.Test
    void aReadViewClosedFromAnotherThreadThrowsAndStaysOpen() throws Exception {
        EngineWorld w = new EngineWorld(Junction.create(java.time.Duration.ofMillis(100)));
        ReadView v = w.db.readView();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> onOtherThread("closer", () -> {
            v.close();
            return null;
        }));
        assertTrue(e.getMessage().contains("closer") && e.getMessage().contains(Thread.currentThread().getName()),
                e.getMessage());
        LockTimeoutException lt = assertThrows(LockTimeoutException.class, () -> onOtherThread("writer",
                () -> w.wrote.link("a1", b(0))), "the view still holds commits back");
        assertTrue(lt.getMessage().contains("read view"), lt.getMessage());
        assertFalse(w.wrote.contains("a1", b(0)));
        v.close();
        v.close(); // a second close does nothing
        assertTrue(onOtherThread("writer", () -> w.wrote.link("a1", b(0))));
        assertTrue(w.wrote.contains("a1", b(0)), "the owner's view is closed: it sees the commit");
    }

    @org.junit.jupiter.api.Test
    void aCommitWaitsForReadViewsOfOtherThreadsAndRollsBackAfterTheTimeout() throws Exception {
        EngineWorld w = new EngineWorld(Junction.create(java.time.Duration.ofMillis(100)));
        String before = w.snapshot();
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (ReadView v = w.db.readView()) {
                open.countDown();
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "viewer");
        reader.start();
        assertTrue(open.await(10, java.util.concurrent.TimeUnit.SECONDS));
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        w.users.remove(100L);
        long t0 = System.nanoTime();
        LockTimeoutException e = assertThrows(LockTimeoutException.class, tx::commit);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 95, "waited " + ms + " ms");
        assertTrue(e.getMessage().contains("read views") && e.getMessage().contains("rolled back"), e.getMessage());
        assertFalse(tx.isActive());
        assertEquals(before, w.snapshot(), "rolled back");
        Transaction again = w.db.begin(0, java.util.concurrent.TimeUnit.SECONDS);
        again.rollback();
        release.countDown();
        reader.join(10_000);
        assertEquals(before, snapshotFromOtherThread(w.db));
    }

    @org.junit.jupiter.api.Test
    void aCommitWaitsForAReadViewThatKeepsItsStateUntilClosed() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        java.util.concurrent.CountDownLatch inTx = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch viewOpen = new java.util.concurrent.CountDownLatch(1);
        String[] inside = new String[1];
        Thread writer = new Thread(() -> {
            Transaction tx = w.db.begin();
            w.wrote.link("a1", b(0));
            w.users.remove(100L);
            inside[0] = w.snapshot();
            inTx.countDown();
            EngineWorld.uninterrupted(viewOpen::await);
            tx.commit();
        }, "committer");
        writer.start();
        assertTrue(inTx.await(10, java.util.concurrent.TimeUnit.SECONDS));
        try (ReadView v = w.db.readView()) {
            viewOpen.countDown();
            EngineWorld.awaitBlocked(writer); // waiting for this view
            assertEquals(before, w.snapshot(), "the view holds the state before the commit");
            assertTrue(writer.isAlive());
        }
        writer.join(10_000);
        assertFalse(writer.isAlive());
        assertEquals(inside[0], w.snapshot(), "then all of it at once");
    }

    @org.junit.jupiter.api.Test
    void anotherThreadSeesNoneOfATransactionUntilItCommitsThenAllOfIt() throws Exception {
        EngineWorld w = new EngineWorld();
        String before = w.snapshot();
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);
        String[] inside = new String[1];
        java.util.concurrent.FutureTask<Void> writer = new java.util.concurrent.FutureTask<>(() -> {
            try (Transaction tx = w.db.begin()) {
                TransactionTest.randomOps(w, new Random(7), 60);
                w.wrote.link("a1", b(0));
                w.users.remove(100L);
                w.read.ints().linkAll(new int[] {w.u(101), w.u(102)}, new int[] {w.bk(6), w.bk(6)});
                inside[0] = w.snapshot();
                changed.countDown();
                assertTrue(checked.await(10, java.util.concurrent.TimeUnit.SECONDS));
                tx.commit();
            }
            committed.countDown();
            return null;
        });
        new Thread(writer, "writer").start();
        assertTrue(changed.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(before, w.snapshot(), "no part of the open transaction, read by read");
        assertEquals(before, w.db.read(w::snapshot), "nor in a view");
        assertTrue(w.users.contains(100L));
        assertFalse(w.wrote.contains("a1", b(0)));
        assertEquals(2, w.wrote.ints().degreeOfRight(w.bk(0)));
        checked.countDown();
        assertTrue(committed.await(10, java.util.concurrent.TimeUnit.SECONDS));
        writer.get();
        assertNotEquals(before, inside[0]);
        assertEquals(inside[0], w.snapshot(), "all of it after the commit");
    }

    @org.junit.jupiter.api.Test
    void iteratorsOutsideAViewFailFastOnACommitThatTouchesTheirSetOnly() throws Exception {
        EngineWorld w = new EngineWorld();
        Iterator<Book> it = w.wrote.rightsOf("a0").iterator();
        assertEquals(b(0), it.next());
        assertTrue(onOtherThread("w", () -> w.wrote.link("a3", b(0))), "another set");
        assertEquals(b(1), it.next(), "a commit elsewhere does not disturb the iterator");
        assertTrue(onOtherThread("w", () -> w.wrote.link("a0", b(5))));
        assertThrows(java.util.ConcurrentModificationException.class, it::next);

        dev.junction.index.IntNeighborSet set = w.wrote.ints().rightsOf(w.a("a1"));
        it.unimi.dsi.fastutil.ints.IntIterator ii = set.iterator();
        ii.nextInt();
        assertTrue(onOtherThread("w", () -> w.wrote.unlink("a1", b(4))));
        assertThrows(java.util.ConcurrentModificationException.class, ii::hasNext);

        try (ReadView v = w.db.readView()) {
            Iterator<Book> inView = w.wrote.rightsOf("a0").iterator();
            inView.next();
            java.util.concurrent.FutureTask<Boolean> f = new java.util.concurrent.FutureTask<>(() -> w.wrote.link("a0", b(6)));
            Thread t = new Thread(f, "w");
            t.start();
            EngineWorld.awaitBlocked(t);
            List<Book> rest = new ArrayList<>();
            inView.forEachRemaining(rest::add);
            assertEquals(List.of(b(1), b(2), b(5)), rest, "a view holds commits back: no failure");
        }
    }

    @org.junit.jupiter.api.Test
    void nullAndNegativeArgumentsOfTheConcurrencyApi() {
        assertThrows(NullPointerException.class, () -> Junction.create(null));
        assertThrows(IllegalArgumentException.class, () -> Junction.create(java.time.Duration.ofMillis(-1)));
        Junction db = Junction.create(java.time.Duration.ofDays(365 * 1000)); // saturates, does not overflow
        assertThrows(NullPointerException.class, () -> db.inTransaction((Runnable) null));
        assertThrows(NullPointerException.class, () -> db.inTransaction((java.util.function.Supplier<Object>) null));
        assertThrows(NullPointerException.class, () -> db.read(null));
        assertThrows(NullPointerException.class, () -> db.addListener(null));
        assertFalse(db.removeListener(new ChangeListener() { }));
        Table<String> t = db.table("t");
        Junction.create(java.time.Duration.ZERO).begin().commit();
        assertEquals(7, db.read(() -> 7));
        db.inTransaction(() -> t.add("x"));
        assertTrue(t.contains("x"));
    }
}
