package dev.junction;

import static dev.junction.EngineWorld.b;
import static dev.junction.EngineWorld.onOtherThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.EngineWorld.KeyBoom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangeListener}: delivered after commit, in commit order and in the order of the changes within a
 * transaction, naming the relation as declared and the ids of its tables; never for rolled-back changes or
 * an operation undone inside a transaction; a throwing listener goes to the delivering thread's
 * {@link Thread.UncaughtExceptionHandler} and stops nothing; a listener may write.
 */
class ListenerTest {

    /** Records every event as text, with the relation / table objects and the delivering thread. */
    static final class Recorder implements ChangeListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Object> targets = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        private void record(String e, Object target) {
            events.add(e);
            targets.add(target);
            threads.add(Thread.currentThread());
        }

        @Override
        public void linked(Relation<?, ?> relation, int left, int right) {
            record("link " + relation.name() + " " + left + " " + right, relation);
        }

        @Override
        public void unlinked(Relation<?, ?> relation, int left, int right) {
            record("unlink " + relation.name() + " " + left + " " + right, relation);
        }

        @Override
        public void added(Table<?> table, int id, Object entity) {
            record("add " + table.name() + " " + id + " " + entity, table);
        }

        @Override
        public void removed(Table<?> table, int id, Object entity) {
            record("remove " + table.name() + " " + id + " " + entity, table);
        }

        List<String> take() {
            List<String> out = new ArrayList<>(events);
            events.clear();
            targets.clear();
            threads.clear();
            return out;
        }
    }

    private EngineWorld w;
    /** The ids of authors a0 and a1 and of books 0 and 1 in {@link #w} as setUp makes it. */
    private int a0, a1, b0, b1;
    private Recorder rec;
    private Thread.UncaughtExceptionHandler savedHandler;

    @BeforeEach
    void setUp() {
        w = new EngineWorld();
        a0 = w.a("a0");
        a1 = w.a("a1");
        b0 = w.bk(0);
        b1 = w.bk(1);
        rec = new Recorder();
        w.db.addListener(rec);
        savedHandler = Thread.currentThread().getUncaughtExceptionHandler();
    }

    @AfterEach
    void restoreHandler() {
        Thread.currentThread().setUncaughtExceptionHandler(savedHandler);
    }

    private static String link(String rel, int l, int r) {
        return "link " + rel + " " + l + " " + r;
    }

    private static String unlink(String rel, int l, int r) {
        return "unlink " + rel + " " + l + " " + r;
    }

    @Test
    void eventsComeAfterCommitInTheOrderOfTheChanges() {
        Transaction tx = w.db.begin();
        assertTrue(w.wrote.link("a1", b(0)));
        assertTrue(w.wrote.unlink("a0", b(1)));
        int x = w.authors.add("x");
        assertTrue(w.wrote.ints().link(x, b1));
        assertTrue(w.wrote.unlink("a1", b(0)), "made and removed in the same transaction");
        assertFalse(w.wrote.link("a0", b(0)), "a no-op is no event");
        assertEquals(List.of(), rec.events, "nothing before the commit");
        tx.commit();
        assertEquals(List.of(link("wrote", a1, b0), unlink("wrote", a0, b1), "add authors " + x + " x",
                link("wrote", x, b1), unlink("wrote", a1, b0)), rec.events, "delivered before commit returned");
        assertTrue(rec.threads.stream().allMatch(t -> t == Thread.currentThread()), "by the committing thread");
        assertTrue(rec.targets.get(0) == w.wrote && rec.targets.get(2) == w.authors);
    }

    @Test
    void changesMadeThroughTheInverseReportTheDeclaredRelationAndOrientation() {
        int a3 = w.a("a3");
        int u100 = w.u(100);
        int u104 = w.u(104);
        w.db.inTransaction(() -> {
            w.wrote.inverse().link(b(0), "a3");
            w.wrote.inverse().rightsOf(b(0)).remove("a3");
            w.wrote.ints().inverse().link(b0, a3);
            w.follows.inverse().link(104L, 100L); // 100 follows 104
            w.follows.ints().inverse().unlink(u104, u100);
            w.follows.leftsOf(104L).add(100L);
        });
        assertEquals(List.of(link("wrote", a3, b0), unlink("wrote", a3, b0), link("wrote", a3, b0),
                link("follows", u100, u104), unlink("follows", u100, u104), link("follows", u100, u104)), rec.events);
        for (int i = 0; i < 3; i++) {
            assertSame(w.wrote, rec.targets.get(i), "as declared, never the inverse");
        }
        for (int i = 3; i < 6; i++) {
            assertSame(w.follows, rec.targets.get(i));
        }
        rec.take();
        w.wrote.inverse().unlink(b(0), "a3"); // single write outside a transaction, in place
        w.follows.ints().inverse().unlink(u104, u100);
        assertEquals(List.of(unlink("wrote", a3, b0), unlink("follows", u100, u104)), rec.events);
        assertSame(w.wrote, rec.targets.get(0));
        assertSame(w.follows, rec.targets.get(1));
    }

    @Test
    void symmetricLinksAreReportedOnceAsMade() {
        int u100 = w.u(100);
        int u104 = w.u(104);
        w.friends.link(104L, 100L);
        assertFalse(w.friends.link(100L, 104L));
        w.friends.inverse().unlink(100L, 104L);
        assertEquals(2, rec.events.size(), rec.events.toString());
        assertTrue(rec.events.get(0).equals(link("friends", u104, u100)) || rec.events.get(0).equals(link("friends", u100, u104)),
                rec.events.get(0));
        assertTrue(rec.events.get(1).startsWith("unlink friends "), rec.events.get(1));
        assertSame(w.friends, rec.targets.get(0));
    }

    @Test
    void removingAnEntityReportsTheUnlinksOfItsLinksFirstThenItsRemoval() {
        int u = w.u(100);
        Set<String> expectedUnlinks = new HashSet<>();
        expectedUnlinks.add(unlink("read", u, w.bk(0)));
        expectedUnlinks.add(unlink("read", u, w.bk(1)));
        expectedUnlinks.add(unlink("follows", u, w.u(101)));
        expectedUnlinks.add(unlink("follows", u, w.u(108)));
        expectedUnlinks.add(unlink("follows", w.u(101), u));
        expectedUnlinks.add(unlink("follows", w.u(102), u));
        expectedUnlinks.add(unlink("follows", w.u(106), u));
        expectedUnlinks.add(unlink("fans", w.a("a0"), u));
        assertTrue(w.users.remove(100L));
        List<String> events = rec.take();
        assertEquals("remove users " + u + " 100", events.get(events.size() - 1), "the removal comes last");
        List<String> unlinks = events.subList(0, events.size() - 1);
        Set<String> friends = new HashSet<>();
        Set<String> others = new HashSet<>();
        for (String e : unlinks) {
            (e.startsWith("unlink friends ") ? friends : others).add(e);
        }
        assertEquals(expectedUnlinks, others);
        assertEquals(unlinks.size(), new HashSet<>(unlinks).size(), "each link once");
        assertEquals(2, friends.size(), "friends 100-101 and 100-109: " + friends);
        for (String e : friends) {
            assertTrue(e.contains(" " + u + " ") || e.endsWith(" " + u), e);
        }

        // the same in a transaction, with a directed and a symmetric self-link
        int u103 = w.u(103);
        w.db.inTransaction(() -> w.users.remove(103L));
        assertEquals(List.of(unlink("follows", u103, u103), unlink("friends", u103, u103), "remove users " + u103 + " 103"),
                sortedUnlinksThenRest(rec.take()));
    }

    private static List<String> sortedUnlinksThenRest(List<String> events) {
        List<String> unlinks = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        boolean sawOther = false;
        for (String e : events) {
            if (e.startsWith("unlink ") && !sawOther) {
                unlinks.add(e);
            } else {
                sawOther = true;
                rest.add(e);
            }
        }
        Collections.sort(unlinks);
        unlinks.addAll(rest);
        return unlinks;
    }

    @Test
    void anEntityAddedAndRemovedInOneTransactionIsReportedBoth() {
        w.db.inTransaction(() -> {
            w.wrote.link("x", b(0));
            w.authors.remove("x");
        });
        List<String> ev = rec.take();
        assertEquals(4, ev.size(), ev.toString());
        assertTrue(ev.get(0).startsWith("add authors ") && ev.get(0).endsWith(" x"), ev.toString());
        assertTrue(ev.get(1).startsWith("link wrote "));
        assertTrue(ev.get(2).startsWith("unlink wrote "));
        assertTrue(ev.get(3).startsWith("remove authors ") && ev.get(3).endsWith(" x"));
    }

    @Test
    void nothingIsDeliveredForRolledBackTransactionsOrUndoneOperations() {
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        w.users.remove(100L);
        tx.rollback();
        assertThrows(TransactionTest.Boom.class, () -> w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            throw new TransactionTest.Boom();
        }));
        try (Transaction t = w.db.begin()) {
            w.authors.add("never");
        }
        assertEquals(List.of(), rec.events);

        w.db.inTransaction(() -> {
            assertThrows(KeyBoom.class, () -> w.wrote.rightsOf("a1").addAll(List.of(b(40), b(41), b("BOOM"))));
            assertThrows(KeyBoom.class, () -> w.wrote.link("newbie", b("BOOM")));
            assertThrows(TransactionTest.Boom.class, () -> w.db.inTransaction(() -> {
                w.users.remove(101L);
                throw new TransactionTest.Boom();
            }));
            w.wrote.link("a1", b(0));
        });
        assertEquals(List.of(link("wrote", a1, b0)), rec.events, "only what was kept");
        rec.take();
        assertThrows(KeyBoom.class, () -> w.wrote.rightsOf("a3").addAll(List.of(b(50), b("BOOM"))));
        assertEquals(List.of(), rec.events, "a failed single write outside a transaction");
    }

    @Test
    void aThrowingListenerUndoesNothingAndStopsNothing() throws Exception {
        List<Throwable> caught = new CopyOnWriteArrayList<>();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> caught.add(e));
        w.db.removeListener(rec);
        AtomicInteger calls = new AtomicInteger();
        ChangeListener thrower = new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener fails on " + left + "," + right);
            }

            @Override
            public void added(Table<?> table, int id, Object entity) {
                throw new AssertionError("an Error from a listener");
            }
        };
        w.db.addListener(thrower);
        w.db.addListener(rec); // after the thrower
        Transaction tx = w.db.begin();
        w.wrote.link("a1", b(0));
        w.wrote.link("x", b(1));
        w.users.remove(101L);
        tx.commit(); // does not throw
        assertEquals(2, calls.get(), "the thrower was called for every link");
        assertTrue(w.wrote.contains("a1", b(0)), "the commit stands");
        assertTrue(onOtherThread("r", () -> w.wrote.contains("x", b(1)) && !w.users.contains(101L)));
        assertEquals(3, caught.size(), "each failure went to the handler: " + caught);
        assertTrue(caught.get(0) instanceof IllegalStateException);
        assertTrue(caught.get(1) instanceof AssertionError, "Errors too");
        List<String> ev = rec.take();
        assertTrue(ev.size() >= 6, "the other listener got every event: " + ev);
        assertTrue(ev.get(ev.size() - 1).startsWith("remove users "));

        caught.clear();
        assertTrue(w.wrote.link("a3", b(0)), "single write outside a transaction");
        assertEquals(1, caught.size());
        assertEquals(1, rec.take().size(), "later events still flow");
        assertTrue(w.wrote.contains("a3", b(0)));
    }

    @Test
    void aFailingUncaughtExceptionHandlerDoesNotStopDeliveryEither() {
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
            throw new IllegalStateException("handler fails");
        });
        w.db.removeListener(rec);
        w.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                throw new IllegalStateException("listener fails");
            }
        });
        w.db.addListener(rec);
        w.wrote.link("a1", b(0));
        w.wrote.link("a3", b(0));
        assertEquals(2, rec.events.size());
    }

    @Test
    void aListenerMayWriteAndItsWriteIsDeliveredAfterTheCurrentBatch() {
        List<String> order = new CopyOnWriteArrayList<>();
        w.db.removeListener(rec);
        w.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                order.add("saw " + relation.name() + " " + left + " " + right);
                if (relation == w.wrote) {
                    // reads see at least the committed state
                    assertTrue(w.wrote.ints().contains(left, right));
                    String author = w.authors.get(left);
                    assertTrue(w.fans.link(author, 100L), "a write from a listener");
                    order.add("wrote fan " + author);
                }
            }
        });
        w.db.addListener(rec);
        int a3 = w.a("a3");
        int u100 = w.u(100);
        w.db.inTransaction(() -> {
            w.wrote.link("a1", b(0));
            w.wrote.link("a3", b(0));
        });
        assertEquals(List.of(
                "saw wrote " + a1 + " " + w.bk(0), "wrote fan a1",
                "saw wrote " + a3 + " " + w.bk(0), "wrote fan a3",
                "saw fans " + a1 + " " + u100, "saw fans " + a3 + " " + u100), order);
        assertEquals(List.of(link("wrote", a1, w.bk(0)), link("wrote", a3, w.bk(0)), link("fans", a1, u100),
                link("fans", a3, u100)), rec.events, "the listeners' writes after the whole batch");
        assertTrue(w.fans.contains("a1", 100L) && w.fans.contains("a3", 100L));
    }

    @Test
    void singleWritesOutsideTransactionsAreEachDelivered() {
        assertTrue(w.wrote.link("a1", b(0)));
        assertFalse(w.wrote.link("a1", b(0)), "no-op");
        assertTrue(w.wrote.ints().unlink(a1, b0));
        assertFalse(w.wrote.ints().unlink(a1, b0), "no-op");
        assertTrue(w.wrote.ints().link(a1, b0));
        assertEquals(List.of(link("wrote", a1, b0), unlink("wrote", a1, b0), link("wrote", a1, b0)), rec.take());

        int x = w.authors.add("x");
        assertEquals(List.of("add authors " + x + " x"), rec.take());
        assertTrue(w.wrote.link("y", b(1)), "a link that adds an entity");
        List<String> ev = rec.take();
        assertEquals(2, ev.size(), ev.toString());
        assertTrue(ev.get(0).startsWith("add authors ") && ev.get(0).endsWith(" y"));
        int y = w.a("y");
        assertEquals(link("wrote", y, b1), ev.get(1));

        assertEquals(3, w.wrote.ints().removeLeft(a0));
        assertEquals(Set.of(unlink("wrote", a0, b0), unlink("wrote", a0, b1), unlink("wrote", a0, w.bk(2))),
                new HashSet<>(rec.take()));
        assertEquals(2, w.wrote.ints().linkAll(new int[] {a0, a0, a1}, new int[] {b0, b1, b0}));
        assertEquals(Set.of(link("wrote", a0, b0), link("wrote", a0, b1)), new HashSet<>(rec.take()));
        assertTrue(w.wrote.ints().replaceRights(a0, new int[] {b1, w.bk(2)}));
        assertEquals(Set.of(unlink("wrote", a0, b0), link("wrote", a0, w.bk(2))), new HashSet<>(rec.take()));
        w.follows.ints().clear();
        assertEquals(7, rec.take().size(), "one unlink per link of follows");
        w.wrote.setRights("a0", List.of(b(4)));
        assertEquals(Set.of(unlink("wrote", a0, b1), unlink("wrote", a0, w.bk(2)), link("wrote", a0, w.bk(4))),
                new HashSet<>(rec.take()));
    }

    @Test
    void registrationTwiceDeliversTwiceAndRemovalStopsDelivery() {
        w.db.addListener(rec);
        w.wrote.link("a1", b(0));
        assertEquals(2, rec.take().size());
        assertTrue(w.db.removeListener(rec));
        w.wrote.link("a3", b(0));
        assertEquals(1, rec.take().size());
        assertTrue(w.db.removeListener(rec));
        assertFalse(w.db.removeListener(rec));
        w.wrote.link("a5", b(1));
        assertEquals(List.of(), rec.events);
    }

    @Test
    void transactionsOfSeveralThreadsAreDeliveredWholeInCommitOrder() throws Exception {
        // A transaction holds the write lock from begin to end, so the order in which transactions run their
        // bodies is their commit order: each body takes a ticket, and its events must come in ticket order,
        // each transaction's events together.
        w.db.removeListener(rec);
        LongTable nodes = w.db.longTable("nodes");
        Relation<Long, Long> edges = w.db.directed("edges", nodes);
        for (long i = 0; i < 1000; i++) {
            nodes.add(i);
        }
        List<Long> delivered = new ArrayList<>(); // written one deliverer at a time
        AtomicInteger delivering = new AtomicInteger();
        List<String> problems = new CopyOnWriteArrayList<>();
        w.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                if (delivering.incrementAndGet() != 1) {
                    problems.add("two threads deliver at once");
                }
                delivered.add(nodes.keyOf(left) * 1000 + nodes.keyOf(right));
                delivering.decrementAndGet();
            }
        });
        AtomicInteger tickets = new AtomicInteger();
        int threads = 4;
        int perThread = 50;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        w.db.inTransaction(() -> {
                            long ticket = tickets.getAndIncrement();
                            for (long k = 0; k < 3; k++) {
                                edges.link(ticket, k); // ticket -> 0, 1, 2
                            }
                        });
                    }
                } catch (Throwable e) {
                    problems.add(e.toString());
                }
            }, "committer-" + t);
            ts.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : ts) {
            th.join(20_000);
            assertFalse(th.isAlive());
        }
        assertEquals(List.of(), problems);
        List<Long> expected = new ArrayList<>();
        for (long ticket = 0; ticket < (long) threads * perThread; ticket++) {
            for (long k = 0; k < 3; k++) {
                expected.add(ticket * 1000 + k);
            }
        }
        synchronized (delivered) {
            assertEquals(expected, delivered);
        }
    }

    @Test
    void aListenerOnAnotherThreadsCommitRunsOnThatThread() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            w.wrote.link("a1", b(0));
            done.countDown();
        }, "other-committer");
        t.start();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        t.join(10_000);
        assertEquals(1, rec.events.size());
        assertSame(t, rec.threads.get(0));
    }

    @Test
    void eventsReplayedOnAModelGiveTheFinalState() {
        // a random workload, all event kinds; replaying the events must rebuild every relation's pairs
        Set<String> pairs = new HashSet<>();
        w.db.removeListener(rec);
        // start from the current pairs
        for (Relation<?, ?> r : w.db.relations()) {
            r.ints().forEachLink((l, x) -> pairs.add(key(r, l, x)));
        }
        w.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                assertTrue(pairs.add(key(relation, left, right)), "linked twice: " + key(relation, left, right));
            }

            @Override
            public void unlinked(Relation<?, ?> relation, int left, int right) {
                assertTrue(pairs.remove(key(relation, left, right)), "unlinked absent: " + key(relation, left, right));
            }

            @Override
            public void removed(Table<?> table, int id, Object entity) {
                for (String p : pairs) {
                    assertFalse(touches(p, table, id),
                            "removed " + entity + " still has link " + p);
                }
            }
        });
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> failures.add(e));
        java.util.Random rnd = new java.util.Random(99);
        for (int i = 0; i < 40; i++) {
            if (i % 3 == 0) {
                TransactionTest.randomOps(w, rnd, 5);
            } else {
                java.util.Random r2 = new java.util.Random(rnd.nextLong());
                boolean rollback = i % 5 == 1;
                try {
                    w.db.inTransaction(() -> {
                        TransactionTest.randomOps(w, r2, 15);
                        if (rollback) {
                            throw new TransactionTest.Boom();
                        }
                    });
                } catch (TransactionTest.Boom expected) {
                    // rolled back
                }
            }
        }
        assertEquals(List.of(), failures);
        Set<String> actual = new HashSet<>();
        for (Relation<?, ?> r : w.db.relations()) {
            r.ints().forEachLink((l, x) -> actual.add(key(r, l, x)));
        }
        assertEquals(actual, pairs);
    }

    private final java.util.Map<String, Relation<?, ?>> byName = new java.util.HashMap<>();

    private String key(Relation<?, ?> r, int l, int x) {
        byName.put(r.name(), r);
        if (r.kind() == dev.junction.index.IntRelation.Kind.SYMMETRIC && l > x) {
            int t = l;
            l = x;
            x = t;
        }
        return r.name() + " " + l + " " + x;
    }

    private boolean touches(String pair, Table<?> table, int id) {
        String[] p = pair.split(" ");
        Relation<?, ?> r = byName.get(p[0]);
        return (r.leftTable() == table && Integer.parseInt(p[1]) == id)
                || (r.rightTable() == table && Integer.parseInt(p[2]) == id);
    }
}
