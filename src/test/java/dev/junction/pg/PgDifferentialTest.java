package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL as the oracle: several seeded JDBC writers run random transactions (inserts, deletes, key-changing and
 * value updates, entity deletes that cascade, multi-statement transactions, rollbacks, TRUNCATE; see
 * {@link Workload.Writer}) while three replicas follow: two in memory (one never batching transactions when
 * behind), one journaled, which is closed and opened again from its journal half-way (it must resume, not copy, and
 * catch up a round of writes, batching). After every round the writers stop, the test reads
 * {@code pg_current_wal_lsn()}, waits for each replica to reach it, and compares each with a {@code SELECT} of every
 * mapped table, entity by entity, pair by pair, row by row and value by value; lost, extra and wrong entries are
 * counted and must be zero.
 *
 * <p>{@code -Djunction.pg.ops=N} (default 150) transactions per writer and round, 3 writers, 4 rounds;
 * {@code -Djunction.pg.seed=S} replays a seed (the interleaving of the writers is the scheduler's).
 */
@ExtendWith(PostgresExtension.class)
class PgDifferentialTest {

    private static final String DB = "differential";

    @TempDir
    Path dir;

    @Test
    void replicasEqualPostgresAfterEveryRound(PgServer pg) throws Exception {
        long seed = Long.getLong("junction.pg.seed", System.nanoTime());
        int ops = Integer.getInteger("junction.pg.ops", 150);
        String where = "seed " + seed + " (rerun: -Djunction.pg.seed=" + seed + ")";
        Workload.createSchema(pg, DB);
        List<Workload.Engine> engines = new ArrayList<>();
        List<PgReplica> replicas = new ArrayList<>();
        Path journal = dir.resolve("journal");
        try {
            for (int i = 0; i < 3; i++) {
                Workload.Engine e = new Workload.Engine();
                // replica 1 applies every PostgreSQL transaction in its own Junction transaction, even when behind
                PgReplica r = i == 1 ? e.builder(pg, DB, "diff_1").batchWhileBehind(false).build()
                        : e.replica(pg, DB, "diff_" + i, i == 2 ? journal : null);
                r.start();
                engines.add(e);
                replicas.add(r);
            }
            int rounds = 4;
            for (int round = 0; round < rounds; round++) {
                if (round == 2) { // the journaled replica stops and resumes from its journal
                    replicas.get(2).close();
                    Workload.Engine e = new Workload.Engine();
                    PgReplica r = e.replica(pg, DB, "diff_2", journal);
                    engines.set(2, e);
                    replicas.set(2, r);
                }
                TwinCheck twins = new TwinCheck(pg, engines.get(0), seed + round);
                twins.start();
                List<Workload.Writer> ws;
                try {
                    ws = Workload.write(pg, DB, seed + round, 3, ops);
                } finally {
                    twins.stop();
                }
                assertEquals(0, twins.violations, where + ", round " + round + ": a reader saw half of a transaction");
                assertTrue(twins.checks > 0, where + ": the reader never ran");
                if (round == 2) {
                    replicas.get(2).start(); // after a round of writes it missed: it catches up from its slot
                    assertEquals(0, replicas.get(2).copies(), where + ": the journaled replica copied again instead "
                            + "of resuming");
                }
                try (Connection c = pg.connect(DB)) {
                    long lsn = Workload.currentLsn(c);
                    TreeMap<String, String> expected = Workload.dump(c);
                    for (int i = 0; i < replicas.size(); i++) {
                        PgReplica r = replicas.get(i);
                        assertTrue(r.awaitPosition(lsn, Duration.ofSeconds(60)), where + ", round " + round
                                + ": replica " + i + " did not reach " + PgReplica.formatLsn(lsn) + " (" + r + ")");
                        assertNull(Workload.diff(expected, engines.get(i).dump()), where + ", round " + round
                                + ", replica " + i);
                    }
                    System.out.println("PgDifferentialTest " + where + " round " + round + ": " + Workload.summary(ws)
                            + "; " + expected.size() + " entries equal in " + replicas.size() + " replicas");
                }
            }
            for (PgReplica r : replicas) assertEquals(PgReplica.State.STREAMING, r.state(), r.toString());
        } finally {
            for (PgReplica r : replicas) r.closeAndDropSlot();
        }
    }

    /**
     * Readers never see half of a transaction: a writer links and unlinks posts 1000..1009 to two tags in single
     * transactions, and a reader of replica 0 checks, in a read view, that each post has both tags or neither.
     */
    private static final class TwinCheck {
        private final PgServer pg;
        private final Workload.Engine engine;
        private final java.util.Random rnd;
        private volatile boolean running = true;
        private Thread writer;
        private Thread reader;
        volatile int checks;
        volatile int violations;
        private volatile Throwable error;

        TwinCheck(PgServer pg, Workload.Engine engine, long seed) {
            this.pg = pg;
            this.engine = engine;
            this.rnd = new java.util.Random(seed);
        }

        void start() {
            writer = new Thread(() -> {
                try (Connection c = pg.connect(DB); java.sql.Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    while (running) {
                        int p = 1000 + rnd.nextInt(10);
                        if (rnd.nextBoolean()) {
                            st.execute("INSERT INTO post_tag VALUES (" + p + ", 'twin1', 1), (" + p + ", 'twin2', 2) "
                                    + "ON CONFLICT DO NOTHING");
                        } else {
                            st.execute("DELETE FROM post_tag WHERE post_id = " + p);
                        }
                        c.commit();
                    }
                } catch (Throwable e) {
                    error = e;
                }
            }, "twin-writer");
            reader = new Thread(() -> {
                while (running) {
                    engine.db.read(() -> {
                        for (long p = 1000; p < 1010; p++) {
                            if (engine.tagged.contains(p, "twin1") != engine.tagged.contains(p, "twin2")) violations++;
                        }
                        return null;
                    });
                    checks++;
                }
            }, "twin-reader");
            writer.start();
            reader.start();
        }

        void stop() throws InterruptedException {
            running = false;
            writer.join();
            reader.join();
            if (error != null) throw new AssertionError("twin writer failed", error);
        }
    }
}
