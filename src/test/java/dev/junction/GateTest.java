package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntRelation;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers' gate word ({@link Junction#gate()}): every path that changes committed storage counts a publication
 * and leaves no bit set; a transaction's thread is always turned away to its overlay; forEach's fast path keeps the
 * slow path's semantics; readers never see a torn set or table under churn (1.5 s each, fixed seeds). Written by a
 * review of the gate.
 */
class GateTest {

    @TempDir
    Path tmp;

    static long raw(Junction db) {
        try {
            Field f = ReadGate.class.getDeclaredField("gate");
            f.setAccessible(true);
            return f.getLong(db.gate);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs op; asserts the gate is clean after it and that its publication count moved. */
    static void bumps(Junction db, String what, Runnable op) {
        long before = raw(db);
        assertEquals(0, before & 3, what + ": bits set before");
        op.run();
        long after = raw(db);
        assertEquals(0, after & 3, what + ": bits left set after");
        assertTrue(after > before, what + ": changed committed storage without bumping the gate (" + before + " -> "
                + after + ")");
    }

    @Test
    void everyMutationPathBumpsTheGate() throws Exception {
        Junction db = Junction.create();
        LongTable a = db.longTable("a");
        LongTable b = db.longTable("b");
        Relation<Long, Long> rel = db.relation("r", a, b);
        Relation<Long, Long> rel2 = db.relation("r2", a, b);
        AssociationTable<Long, Long> orders = db.associationTable("orders", a, b);
        bumps(db, "table add (txn)", () -> a.add(1L));
        bumps(db, "table add (txn)", () -> b.add(1L));
        bumps(db, "typed link in place", () -> rel.link(1L, 1L));
        IntRelation ints = rel.ints();
        bumps(db, "ints link in place", () -> ints.link(0, 2));
        bumps(db, "ints linkAll in place", () -> ints.linkAll(new int[] {0, 0}, new int[] {3, 4}));
        bumps(db, "ints replaceRights in place", () -> ints.replaceRights(0, new int[] {5, 6}));
        bumps(db, "ints removeLeft in place", () -> ints.removeLeft(0));
        bumps(db, "ints clear in place", ints::clear);
        bumps(db, "typed link in place", () -> rel.link(1L, 1L));
        LinkColumn.OfLong<Long, Long>[] col = new LinkColumn.OfLong[1];
        bumps(db, "declare link column", () -> col[0] = rel.longColumn("c", 7));
        bumps(db, "link column set in place", () -> col[0].set(1L, 1L, 42));
        RowColumn.OfLong[] rc = new RowColumn.OfLong[1];
        bumps(db, "declare row column", () -> rc[0] = orders.longColumn("q", 1));
        int[] row = new int[1];
        bumps(db, "association add", () -> row[0] = orders.add(1L, 1L));
        bumps(db, "row column set in place", () -> rc[0].set(row[0], 9));
        bumps(db, "bulk load", () -> db.bulkLoad(rel2, () -> rel2.ints().linkAll(new int[] {0}, new int[] {0})));
        bumps(db, "inTransaction", () -> db.inTransaction(() -> rel.unlink(1L, 1L)));
        Transaction t = db.begin();
        rel.link(1L, 1L);
        bumps0(db, t);

        Path snap = tmp.resolve("s.snap");
        db.save(snap);
        Junction db2 = Junction.create();
        LongTable a2 = db2.longTable("a");
        LongTable b2 = db2.longTable("b");
        db2.relation("r", a2, b2).longColumn("c", 7);
        db2.relation("r2", a2, b2);
        db2.associationTable("orders", a2, b2).longColumn("q", 1);
        bumps(db2, "snapshot load", () -> {
            try {
                db2.load(snap);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        Path dir = tmp.resolve("p");
        Junction db3 = Junction.create();
        LongTable a3 = db3.longTable("a");
        try (Persistence p = Persistence.open(db3, dir, SyncPolicy.everyCommit())) {
            a3.add(5L);
            a3.add(6L);
        }
        Junction db4 = Junction.create();
        LongTable a4 = db4.longTable("a");
        bumps(db4, "journal replay", () -> {
            try {
                Persistence.open(db4, dir, SyncPolicy.everyCommit()).close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(2, a4.size());
    }

    private static void bumps0(Junction db, Transaction t) {
        long during = raw(db);
        assertEquals(2, during & 3, "TXN_OPEN while a transaction is open");
        assertEquals(0, db.gate.open());
        t.commit();
        assertEquals(0, raw(db) & 3);
        assertTrue(raw(db) > during);
    }

    /** Within its own transaction, in every context, a thread reads its overlay and the gate turns it away. */
    @Test
    void ownTransactionNeverTakesTheFastPath() {
        Schemas.Longs world = Schemas.longs("r", "a", "b");
        Junction db = world.db();
        world.lefts().add(1L);
        world.rights().add(1L);
        IntRelation ints = world.rel().ints();
        List<String> wrong = new ArrayList<>();
        // nested inTransaction
        db.inTransaction(() -> {
            ints.link(0, 0);
            db.inTransaction(() -> {
                if (!ints.contains(0, 0) || db.gate.open() != 0) wrong.add("nested inTransaction");
            });
        });
        ints.unlink(0, 0);
        // listener that opens a transaction
        db.addListener(new ChangeListener() {
            boolean inside;

            @Override
            public void linked(Relation<?, ?> r, int l, int rr) {
                if (inside) return;
                inside = true;
                try {
                    db.inTransaction(() -> {
                        ints.unlink(0, 0);
                        if (ints.contains(0, 0) || db.gate.open() != 0) wrong.add("listener transaction");
                        int[] n = {0};
                        ints.forEachRight(0, x -> n[0]++);
                        if (n[0] != 0) wrong.add("listener forEach");
                    });
                } finally {
                    inside = false;
                }
            }
        });
        ints.link(0, 0);
        assertFalse(ints.contains(0, 0));
        assertEquals(List.of(), wrong);
    }

    /** forEach: the fast path answers like the slow path. */
    @Test
    void forEachSemantics() {
        Schemas.Longs world = Schemas.longs("r", "a", "b");
        Junction db = world.db();
        IntRelation ints = world.rel().ints();
        for (int i = 0; i < 200; i++) ints.link(0, i);
        ints.link(1, 1);
        ints.link(1, 2);
        // null action, bad id
        assertThrows(NullPointerException.class, () -> ints.forEachRight(0, null));
        assertThrows(IllegalArgumentException.class, () -> ints.forEachRight(-1, x -> { }));
        // buffer growth
        AtomicInteger n = new AtomicInteger();
        ints.forEachRight(0, x -> n.incrementAndGet());
        assertEquals(200, n.get());
        // nested, with an action that changes the relation
        List<Integer> outer = new ArrayList<>();
        List<Integer> inner = new ArrayList<>();
        ints.forEachRight(1, x -> {
            outer.add(x);
            ints.forEachRight(1, inner::add);
            ints.link(1, 3);
        });
        assertEquals(List.of(1, 2), outer);
        assertEquals(List.of(1, 2, 1, 2, 3), inner);
        // exception from the action leaves the buffer usable
        assertThrows(IllegalStateException.class, () -> ints.forEachRight(1, x -> {
            throw new IllegalStateException();
        }));
        List<Integer> again = new ArrayList<>();
        ints.forEachRight(1, again::add);
        assertEquals(List.of(1, 2, 3), again);
        // inverse
        List<Integer> lefts = new ArrayList<>();
        ints.inverse().forEachRight(1, lefts::add);
        assertEquals(List.of(0, 1), lefts);
        AtomicReference<Object> seen = new AtomicReference<>();
        db.inTransaction(() -> {
            ints.unlink(1, 1);
            List<Integer> in = new ArrayList<>();
            ints.forEachRight(1, in::add);
            seen.set(in);
        });
        assertEquals(List.of(2, 3), seen.get());
    }

    /** Readers on the fast path against in-place and transactional replacements of a fixed-size set. */
    @Test
    void readersSeeWholeSetsUnderChurn() throws Exception {
        Schemas.Longs world = Schemas.longs("r", "a", "b");
        Junction db = world.db();
        IntRelation ints = world.rel().ints();
        final int K = 40;
        int[] init = new int[K];
        for (int i = 0; i < K; i++) init[i] = i;
        ints.replaceRights(0, init);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> bad = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread w = new Thread(() -> {
            java.util.Random rnd = new java.util.Random(1);
            int i = 0;
            while (!stop.get()) {
                int[] set = new int[K];
                int base = rnd.nextInt(10_000) * 100;
                for (int j = 0; j < K; j++) set[j] = base + 3 * j + rnd.nextInt(3);
                switch (i++ % 3) {
                    case 0 -> ints.replaceRights(0, set);
                    case 1 -> db.inTransaction(() -> ints.replaceRights(0, set));
                    default -> {
                        try (Transaction t = db.begin()) {
                            ints.replaceRights(0, new int[] {1});
                        } // rolled back
                    }
                }
            }
        });
        w.start();
        long end = System.nanoTime() + 1_500_000_000L;
        int[] buf = new int[K * 2];
        long reads = 0;
        while (System.nanoTime() < end && bad.size() < 5) {
            int d = ints.degreeOfLeft(0);
            if (d != K) bad.add("degree " + d);
            int[] c = {0};
            ints.forEachRight(0, x -> c[0]++);
            if (c[0] != K) bad.add("forEach " + c[0]);
            int n = ints.copyRightsTo(0, buf);
            if (n != K) bad.add("copy " + n);
            else {
                for (int j = 1; j < n; j++) if (buf[j] <= buf[j - 1]) bad.add("unsorted copy");
            }
            reads++;
        }
        stop.set(true);
        w.join();
        assertEquals(List.of(), new ArrayList<>(bad), "after " + reads + " reads");
    }

    /** Failed commits: the gate ends clean (or keeps TXN_OPEN while the transaction stays open). */
    @Test
    void failedCommitsLeaveTheGateRight() throws Exception {
        Junction db = Junction.create(java.time.Duration.ofMillis(100));
        Schemas.Longs world = Schemas.longs(db, "r", "a", "b");
        IntRelation ints = world.rel().ints();
        world.lefts().add(1L);
        world.rights().add(1L);
        // another thread's read view makes the commit time out
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread v = new Thread(() -> {
            try (ReadView rv = db.readView()) {
                open.countDown();
                done.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        v.start();
        open.await();
        Transaction t = db.begin();
        ints.link(0, 0);
        assertThrows(LockTimeoutException.class, t::commit);
        assertEquals(0, raw(db) & 3);
        assertFalse(ints.contains(0, 0));
        done.countDown();
        v.join();
        // this thread's own read view: commit refused, the transaction stays open and keeps its overlay
        Transaction t2 = db.begin();
        ints.link(0, 0);
        ReadView own = db.readView();
        assertThrows(IllegalStateException.class, t2::commit);
        assertEquals(0, db.gate.open());
        assertTrue(ints.contains(0, 0));
        own.close();
        t2.commit();
        assertTrue(ints.contains(0, 0));
        assertEquals(0, raw(db) & 3);
        // a bulk load that throws
        Relation<Long, Long> r2 = db.relation("r2", world.lefts(), world.rights());
        assertThrows(IllegalStateException.class, () -> db.bulkLoad(r2, () -> {
            r2.ints().link(0, 0);
            assertTrue(r2.ints().contains(0, 0));
            throw new IllegalStateException("boom");
        }));
        assertEquals(0, raw(db) & 3);
        assertFalse(r2.ints().contains(0, 0));
    }

    /** read0/readInt fast path: a table whose size stays N through commits and rollbacks. */
    @Test
    void tableReadsStayWholeUnderChurn() throws Exception {
        Schemas.Longs world = Schemas.longs("r", "a", "b");
        Junction db = world.db();
        LongTable a = world.lefts();
        LinkColumn.OfLong<Long, Long> c1 = world.rel().longColumn("c1", 0);
        LinkColumn.OfLong<Long, Long> c2 = world.rel().longColumn("c2", 0);
        final int N = 50;
        for (long k = 0; k < N; k++) a.add(k);
        world.rights().add(0L);
        world.rel().link(0L, 0L);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> bad = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread w = new Thread(() -> {
            long next = N;
            long v = 1;
            java.util.ArrayDeque<Long> keys = new java.util.ArrayDeque<>();
            for (long k = 1; k < N; k++) keys.add(k);
            while (!stop.get()) {
                long old = keys.poll();
                long fresh = next++;
                long vv = v++;
                db.inTransaction(() -> {
                    a.remove(old);
                    a.add(fresh);
                    c1.set(0L, 0L, vv);
                    c2.set(0L, 0L, -vv);
                });
                keys.add(fresh);
                try (Transaction t = db.begin()) {
                    a.add(-1L);
                }
                c1.set(0L, 0L, 0); // in place, then the pair again in a transaction
                c2.set(0L, 0L, 0);
            }
        });
        w.start();
        long end = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end && bad.size() < 5) {
            int s = a.size();
            if (s != N) bad.add("size " + s);
            int[] ids = a.ids();
            if (ids.length != N) bad.add("ids " + ids.length);
            if (a.contains(-1L)) bad.add("rolled-back key visible");
            db.read(() -> {
                long x = c1.get(0L, 0L), y = c2.get(0L, 0L);
                if (x != -y && x != 0) bad.add("columns " + x + " " + y);
                return null;
            });
        }
        stop.set(true);
        w.join();
        assertEquals(List.of(), new ArrayList<>(bad));
    }
}
