package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.junction.index.IntRelation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Junction#bulkLoad}: links and link values staged in private storage and moved into the empty relation
 * at commit. Checks what it shares with any transaction (all or nothing, isolation, the journal) and where it
 * differs (only as the first step of a transaction, net events in order after the rest, rollback-only after a
 * failed operation that changed the relation), plus a seeded random comparison against a map model with the two-way invariant after every step.
 */
class BulkLoadTest {

    Junction db;
    LongTable users;
    LongTable roles;
    Relation<Long, Long> grants;
    LinkColumn.OfLong<Long, Long> since;
    LinkColumn.OfObject<Long, Long, String> by;

    @BeforeEach
    void setUp() {
        db = Junction.create();
        users = db.longTable("users");
        roles = db.longTable("roles");
        grants = db.relation("grants", users, roles);
        since = grants.longColumn("since", -1);
        by = grants.objectColumn("by", String.class, "nobody");
    }

    /** Loads users u0.. × roles by a fixed rule, in batches through linkAll, with values. */
    private void load(int nUsers, int batch) {
        db.bulkLoad(grants, () -> {
            List<int[]> pairs = new ArrayList<>();
            for (long u = 0; u < nUsers; u++) {
                int l = users.add(u);
                for (long r = u % 3; r < 10; r += 3) {
                    pairs.add(new int[] {l, roles.add(r)});
                }
            }
            for (int from = 0; from < pairs.size(); from += batch) {
                int n = Math.min(batch, pairs.size() - from);
                int[] ls = new int[n];
                int[] rs = new int[n];
                for (int i = 0; i < n; i++) {
                    ls[i] = pairs.get(from + i)[0];
                    rs[i] = pairs.get(from + i)[1];
                }
                grants.ints().linkAll(ls, rs);
                for (int i = 0; i < n; i++) {
                    since.setByIds(ls[i], rs[i], 1000L * ls[i] + rs[i]);
                }
            }
        });
    }

    private static void assertTwoWay(IntRelation rel) {
        long[] count = {0};
        rel.forEachLink((l, r) -> {
            count[0]++;
            assertTrue(rel.leftsOf(r).contains(l), "left " + l + " missing from leftsOf(" + r + ")");
            assertTrue(rel.rightsOf(l).contains(r));
        });
        assertEquals(rel.size(), count[0]);
    }

    private long expectedLinks(int nUsers) {
        long n = 0;
        for (long u = 0; u < nUsers; u++) {
            for (long r = u % 3; r < 10; r += 3) n++;
        }
        return n;
    }

    @Test
    void loadsLinksAndValuesVisibleFromBothSides() {
        load(500, 64);
        assertEquals(expectedLinks(500), grants.size());
        assertEquals(500, users.size());
        assertEquals(10, roles.size());
        assertTwoWay(grants.ints());
        assertTrue(grants.contains(7L, 1L));
        assertFalse(grants.contains(7L, 0L));
        assertTrue(grants.inverse().rightsOf(1L).contains(7L));
        int l = users.idOf(7L);
        int r = roles.idOf(1L);
        assertEquals(1000L * l + r, since.get(7L, 1L));
        assertEquals("nobody", by.get(7L, 1L));
        // the relation is an ordinary one afterwards: in-place writes, unlink drops values, transactions
        assertTrue(grants.unlink(7L, 1L));
        assertTrue(grants.link(7L, 1L));
        assertEquals(-1, since.get(7L, 1L));
        assertTwoWay(grants.ints());
    }

    @Test
    void otherThreadsSeeNothingUntilCommitThenEverything() throws Exception {
        long[] seen = new long[2];
        db.bulkLoad(grants, () -> {
            users.add(1L);
            roles.add(2L);
            grants.link(1L, 2L);
            since.set(1L, 2L, 99L);
            assertTrue(grants.contains(1L, 2L), "the loading thread sees its own load");
            assertEquals(99L, since.get(1L, 2L));
            Thread reader = new Thread(() -> {
                seen[0] = grants.size();
                seen[1] = users.size();
            });
            reader.start();
            EngineWorld.uninterrupted(reader::join);
        });
        assertEquals(0, seen[0]);
        assertEquals(0, seen[1]);
        long[] after = new long[1];
        Thread reader = new Thread(() -> after[0] = grants.size() * 1000 + since.get(1L, 2L));
        reader.start();
        reader.join();
        assertEquals(1099, after[0]);
    }

    @Test
    void exceptionRollsBackEverythingAndTheRelationCanBeLoadedAgain() {
        users.add(42L); // committed before: stays
        RuntimeException boom = new RuntimeException("boom");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> db.bulkLoad(grants, () -> {
            users.add(1L);
            roles.add(2L);
            grants.link(1L, 2L);
            since.set(1L, 2L, 5L);
            throw boom;
        }));
        assertEquals(boom, thrown);
        assertEquals(0, grants.size());
        assertEquals(1, users.size());
        assertEquals(0, roles.size());
        assertTrue(users.contains(42L));
        load(20, 7);
        assertEquals(expectedLinks(20), grants.size());
        assertTwoWay(grants.ints());
    }

    @Test
    void refusesARelationWithLinksOrOneNotDeclaredByThisEngine() {
        grants.link(1L, 1L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> fail("ran")));
        assertTrue(e.getMessage().contains("grants") && e.getMessage().contains("1 links"), e.getMessage());
        assertEquals(1, grants.size());

        Junction other = Junction.create();
        Relation<Long, Long> foreign = other.relation("foreign", other.longTable("a"), other.longTable("b"));
        assertThrows(IllegalArgumentException.class, () -> db.bulkLoad(foreign, () -> fail("ran")));
        AssociationTable<Long, Long> orders = db.associationTable("orders", users, roles);
        IllegalArgumentException pairs = assertThrows(IllegalArgumentException.class,
                () -> db.bulkLoad(orders.pairs(), () -> fail("ran")));
        assertTrue(pairs.getMessage().contains("not a relation declared"), pairs.getMessage());
        assertThrows(NullPointerException.class, () -> db.bulkLoad(null, () -> { }));
    }

    @Test
    void aLoadInsideATransactionIsItsFirstStepAndAFailedOneLeavesItEmptyAndUsable() {
        Relation<Long, Long> follows = db.relation("follows", users, users);
        db.inTransaction(() -> {
            assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> {
                users.add(1L);
                roles.add(9L);
                grants.link(1L, 9L);
                since.set(1L, 9L, 3L);
                throw new IllegalStateException("inner");
            }));
            // the failed load is undone whole: the transaction is as empty as it began, and can load again
            assertEquals(0, grants.size());
            assertFalse(roles.contains(9L));
            assertFalse(users.contains(1L));
            db.bulkLoad(grants, () -> {
                users.add(2L);
                roles.add(8L);
                grants.link(2L, 8L);
            });
            grants.link(2L, roles.get(roles.add(7L))); // the relation stays staged for the rest of the transaction
            users.add(1L);
            follows.link(1L, 2L);
        });
        assertTrue(follows.contains(1L, 2L));
        assertEquals(2, grants.size());
        assertTrue(grants.contains(2L, 8L) && grants.contains(2L, 7L));
        assertEquals(-1, since.get(2L, 8L));
    }

    /** After any change, even of another relation, a load would have to be undone change by change: refused. */
    @Test
    void aLoadAfterOtherChangesInTheSameTransactionIsRefusedAndRunsNothing() {
        Relation<Long, Long> follows = db.relation("follows", users, users);
        users.add(7L);
        db.inTransaction(() -> {
            users.add(3L);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> db.bulkLoad(grants, () -> fail("ran")));
            assertTrue(e.getMessage().contains("first step") && e.getMessage().contains("'grants'"), e.getMessage());
            follows.link(3L, 7L); // the transaction goes on
        });
        assertTrue(follows.contains(3L, 7L));
        db.inTransaction(() -> {
            users.remove(7L); // a cascade that changes nothing in grants is still a change of the transaction
            assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> fail("ran")));
        });
        assertFalse(users.contains(7L));
        db.bulkLoad(grants, () -> { // a second load in the same transaction
            users.add(1L);
            roles.add(1L);
            grants.link(1L, 1L);
            assertThrows(IllegalStateException.class, () -> db.bulkLoad(follows, () -> fail("ran")));
            assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> fail("ran")));
        });
        assertEquals(1, grants.size());
    }

    /** A call that changed nothing (an unlink of an absent pair) leaves the transaction free to load. */
    @Test
    void aLoadAfterCallsThatChangedNothingIsTheFirstStep() {
        users.add(1L);
        roles.add(1L);
        db.inTransaction(() -> {
            grants.unlink(1L, 1L);
            db.bulkLoad(grants, () -> grants.link(1L, 1L));
        });
        assertEquals(1, grants.size());
    }

    /** A failed operation escaping the load's work: the load is undone whole and the transaction goes on. */
    @Test
    void aFailedOperationEscapingALoadLeavesTheTransactionUsable() {
        KeyedTable<String, String> names = db.table("names", x -> {
            if (x.startsWith("bad")) throw new IllegalArgumentException("rejected key " + x);
            return x;
        });
        Relation<Long, String> called = db.relation("called", users, names);
        db.inTransaction(() -> {
            assertThrows(IllegalArgumentException.class, () -> db.bulkLoad(called, () -> {
                called.rightsOf(1L).addAll(List.of("ok", "bad")); // links (1, ok), then the key function throws
            }));
            assertEquals(0, called.size());
            users.add(42L); // the transaction's own change after the failed load
        });
        assertTrue(users.contains(42L));
        assertFalse(users.contains(1L));
    }

    /**
     * The commit decides whether listeners hear the loaded links once: a listener registered while the commit
     * waits for another thread's read view hears all of the load or nothing of it, never its entities alone.
     */
    @Test
    void aListenerRegisteredWhileALoadCommitsHearsAllOfItOrNothing() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        ReadView view = db.readView(); // the commit's write stamp waits for this view
        Thread loader = new Thread(() -> db.bulkLoad(grants, () -> {
            users.add(1L);
            roles.add(2L);
            grants.link(1L, 2L);
        }), "loader");
        loader.start();
        long until = System.nanoTime() + 5_000_000_000L;
        while (loader.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) Thread.sleep(5);
        Thread.sleep(100); // it is waiting for the stamp, past the decision
        db.addListener(new LambdaListener(
                (relation, left, right) -> events.add("link " + left + "-" + right),
                LambdaListener.NO_PAIR,
                (table, id, entity) -> events.add("add " + table.name() + " " + entity),
                LambdaListener.NO_ENTITY));
        view.close();
        loader.join();
        assertEquals(1, grants.size());
        assertTrue(events.isEmpty() || events.contains("link 0-0"), "heard " + events);
    }

    @Test
    void aFailedOperationThatChangedTheLoadMakesItRollbackOnly() {
        Relation<Long, Long> follows = db.relation("follows", users, users);
        users.add(1L);
        users.add(2L);
        follows.link(1L, 2L);
        db.addListener(new LambdaListener(LambdaListener.NO_PAIR, LambdaListener.NO_PAIR, LambdaListener.NO_ENTITY,
                (table, id, entity) -> {
                    throw new AssertionError("nothing commits");
                }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> {
            roles.add(5L);
            grants.link(1L, 5L);
            // an operation that fails after changing the loaded relation (as a cascade failing half-way would)
            assertThrows(IllegalArgumentException.class, () -> db.writes.within(db.ownTxn(), () -> {
                grants.unlink(1L, 5L);
                throw new IllegalArgumentException("late failure");
            }));
        }));
        assertTrue(e.getMessage().contains("rollback-only"), e.getMessage());
        assertTrue(String.valueOf(e.getCause()).contains("bulk-loaded"), String.valueOf(e.getCause()));
        assertEquals(0, grants.size());
        assertFalse(roles.contains(5L));
        assertTrue(follows.contains(1L, 2L));
    }

    @Test
    void aFailedOperationThatChangedNothingKeepsTheLoadGoing() {
        db.bulkLoad(grants, () -> {
            users.add(1L);
            roles.add(2L);
            grants.link(1L, 2L);
            assertThrows(IllegalArgumentException.class, () -> grants.ints().link(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> grants.ints().linkAll(new int[] {0, -3}, new int[] {0, 0}));
            grants.link(1L, roles.get(roles.add(3L)));
        });
        assertEquals(2, grants.size());
    }

    @Test
    void listenersHearTheNetLinksInOrderAfterTheOtherEventsAndNothingOnRollback() {
        List<String> events = new ArrayList<>();
        db.addListener(new LambdaListener(
                (relation, left, right) -> events.add("link " + relation.name() + " " + left + "-" + right),
                (relation, left, right) -> events.add("unlink " + left + "-" + right),
                (table, id, entity) -> events.add("add " + table.name() + " " + entity),
                (table, id, entity) -> events.add("remove " + table.name() + " " + entity)));
        db.bulkLoad(grants, () -> {
            int a = users.add(10L);
            int b = users.add(11L);
            int x = roles.add(20L);
            int y = roles.add(21L);
            grants.ints().linkAll(new int[] {b, a, a}, new int[] {x, y, x});
            grants.ints().unlink(a, y); // net: gone, so never heard
            users.remove(11L); // cascades (b, x) away
        });
        assertEquals(List.of("add users 10", "add users 11", "add roles 20", "add roles 21", "remove users 11",
                "link grants 0-0"), events);
        events.clear();
        assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, () -> { }));
        Relation<Long, Long> fresh = db.relation("fresh", users, roles);
        assertThrows(RuntimeException.class, () -> db.bulkLoad(fresh, () -> {
            fresh.link(10L, 21L);
            throw new RuntimeException("rolled back");
        }));
        assertEquals(List.of(), events);
    }

    @Test
    void aJournaledLoadSurvivesReopening(@TempDir Path dir) throws Exception {
        try (Persistence p = Persistence.open(db, dir, SyncPolicy.everyCommit())) {
            users.add(1000L); // a commit before the load
            load(300, 50);
            grants.link(1000L, 3L); // and one after
            since.set(1000L, 3L, 7L);
        }
        Junction again = Junction.create();
        LongTable u2 = again.longTable("users");
        LongTable r2 = again.longTable("roles");
        Relation<Long, Long> g2 = again.relation("grants", u2, r2);
        LinkColumn.OfLong<Long, Long> s2 = g2.longColumn("since", -1);
        g2.objectColumn("by", String.class, "nobody");
        try (Persistence p = Persistence.open(again, dir, SyncPolicy.everyCommit())) {
            assertEquals(grants.size(), g2.size());
            assertEquals(users.size(), u2.size());
            grants.ints().forEachLink((l, r) -> {
                Long u = users.get(l);
                Long role = roles.get(r);
                assertTrue(g2.contains(u, role));
                assertEquals(since.get(u, role), s2.get(u, role));
            });
            assertTwoWay(g2.ints());
        }
    }

    @Test
    void symmetricAndDirectedRelationsLoadToo() {
        LongTable people = db.longTable("people");
        Relation<Long, Long> friends = db.symmetric("friends", people);
        Relation<Long, Long> follows = db.directed("follows", people);
        db.bulkLoad(friends, () -> {
            for (long i = 0; i < 50; i++) people.add(i);
            for (long i = 0; i < 50; i++) {
                friends.link(i, (i * 7) % 50);
                friends.link((i * 7) % 50, i); // the same pair again: no change
            }
        });
        db.bulkLoad(follows, () -> {
            for (long i = 0; i < 50; i++) follows.link(i, (i + 1) % 50);
        });
        for (long i = 0; i < 50; i++) {
            assertTrue(friends.contains(i, (i * 7) % 50));
            assertTrue(friends.contains((i * 7) % 50, i));
            assertTrue(follows.contains(i, (i + 1) % 50));
            assertFalse(follows.contains((i + 1) % 50, i));
        }
        assertTwoWay(friends.ints());
        assertTwoWay(follows.ints());
    }

    @Test
    void seededRandomLoadMatchesAMapModel() {
        for (int round = 0; round < 30; round++) {
            long seed = 0xB01DL * 31 + round;
            setUp();
            try {
                randomLoad(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
    }

    private void randomLoad(long seed) {
        Random rnd = new Random(seed);
        TreeMap<Long, Long> model = new TreeMap<>(); // (user << 32 | role) -> since
        Map<Long, Boolean> liveUsers = new HashMap<>();
        boolean commit = rnd.nextInt(4) != 0;
        AtomicLong steps = new AtomicLong();
        Runnable work = () -> {
            for (int step = 0; step < 300; step++) {
                steps.incrementAndGet();
                long u = rnd.nextInt(30);
                long r = rnd.nextInt(12);
                long k = u << 32 | r;
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> {
                        users.add(u);
                        roles.add(r);
                        liveUsers.put(u, true);
                        assertEquals(!model.containsKey(k), grants.link(u, r));
                        model.putIfAbsent(k, -1L);
                    }
                    case 2 -> {
                        if (users.contains(u) && roles.contains(r)) {
                            assertEquals(model.remove(k) != null, grants.unlink(u, r));
                        }
                    }
                    case 3 -> {
                        if (model.containsKey(k)) {
                            long v = rnd.nextInt(1000);
                            since.set(u, r, v);
                            model.put(k, v);
                        }
                    }
                    case 4 -> {
                        if (rnd.nextInt(5) == 0 && users.contains(u)) {
                            users.remove(u);
                            liveUsers.remove(u);
                            model.keySet().removeIf(key -> key >>> 32 == u);
                        }
                    }
                    default -> { // a batch through linkAll
                        int n = 1 + rnd.nextInt(8);
                        int[] ls = new int[n];
                        int[] rs = new int[n];
                        for (int i = 0; i < n; i++) {
                            long bu = rnd.nextInt(30);
                            long br = rnd.nextInt(12);
                            ls[i] = users.add(bu);
                            rs[i] = roles.add(br);
                            liveUsers.put(bu, true);
                            model.putIfAbsent(bu << 32 | br, -1L);
                        }
                        grants.ints().linkAll(ls, rs);
                    }
                }
                assertMatches(model);
            }
            if (!commit) throw new IllegalStateException("roll back on purpose");
        };
        if (commit) {
            db.bulkLoad(grants, work);
            assertMatches(model);
        } else {
            assertThrows(IllegalStateException.class, () -> db.bulkLoad(grants, work));
            assertMatches(new TreeMap<>());
            assertEquals(0, users.size());
        }
        assertEquals(300, steps.get());
    }

    private void assertMatches(TreeMap<Long, Long> model) {
        assertEquals(model.size(), grants.size());
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            long u = e.getKey() >>> 32;
            long r = e.getKey() & 0xFFFFFFFFL;
            assertTrue(grants.contains(u, r), "missing " + u + "-" + r);
            assertEquals((long) e.getValue(), since.get(u, r), "since of " + u + "-" + r);
        }
        assertTwoWay(grants.ints());
    }
}
