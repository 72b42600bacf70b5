package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while writers run (seeded, {@link Workload.Background}): a replica killed with SIGKILL and restarted from
 * its journal, the server crashed and restarted, the replication connections terminated, the slot dropped. Each
 * ends with every replica equal to a {@code SELECT} of the mapped tables: lost, extra and wrong entries are counted
 * and must be zero; and the replica must have resumed (not copied again) where it could, and copied again, saying
 * so in its log, where it could not. {@code -Djunction.pg.kills=N} (default 3) kills of the child replica.
 */
@ExtendWith(PostgresExtension.class)
class PgFaultsTest {

    @TempDir
    Path dir;

    private static long seed() {
        return Long.getLong("junction.pg.seed", System.nanoTime());
    }

    /** A scenario's name and seed, for its messages: the seed reruns it. */
    private static String where(String scenario, long seed) {
        return "PgFaultsTest " + scenario + ", seed " + seed + " (rerun: -Djunction.pg.seed=" + seed + ")";
    }

    /** What a scenario does to PostgreSQL or to its replicas while the writers run. */
    @FunctionalInterface
    private interface Fault {
        void strike() throws Exception;
    }

    /** Runs {@code fault} while two writers seeded with {@code seed} write to {@code db}; returns their counts. */
    private static String whileWriting(PgServer pg, String db, long seed, Fault fault) throws Exception {
        Workload.Background writers = new Workload.Background(pg, db, seed, 2);
        String counts;
        try {
            fault.strike();
        } finally {
            counts = writers.stop();
        }
        return counts;
    }

    /** Counts the connections {@code r} loses into {@code disconnects}. */
    private static void countDisconnects(PgReplica r, AtomicInteger disconnects) {
        r.addListener(new PgReplica.Listener() {
            @Override
            public void disconnected(Throwable cause, Duration retryIn) {
                disconnects.incrementAndGet();
            }
        });
    }

    /**
     * Two replicas of the workload's schema in one database, one in memory and one journaled, as the fault scenarios
     * run them; closing drops their slots.
     */
    private final class TwoReplicas implements AutoCloseable {
        final PgServer pg;
        final String db;
        final long seed = seed();
        final String where;
        final List<String> slots;
        final List<Workload.Engine> engines = List.of(new Workload.Engine(), new Workload.Engine());
        final List<PgReplica> replicas;
        final Random rnd;

        TwoReplicas(PgServer pg, String scenario, String db, String memorySlot, String journalSlot) throws Exception {
            this.pg = pg;
            this.db = db;
            where = where(scenario, seed);
            Workload.createSchema(pg, db);
            slots = List.of(memorySlot, journalSlot);
            replicas = List.of(engines.get(0).replica(pg, db, memorySlot, null),
                    engines.get(1).replica(pg, db, journalSlot, dir.resolve("journal")));
            rnd = new Random(seed);
        }

        /** Starts the replicas, then runs {@code fault} while the writers write; returns the writers' counts. */
        String startAndStrike(Fault fault) throws Exception {
            for (PgReplica r : replicas) r.start();
            return whileWriting(pg, db, seed, fault);
        }

        /** Each replica reaches PostgreSQL's position and equals it; {@code detail} goes into the messages. */
        void assertEqualToPostgres(String detail) throws Exception {
            assertEqual(pg, db, where + " (" + detail + ")", engines, replicas);
        }

        @Override
        public void close() {
            for (PgReplica r : replicas) r.closeAndDropSlot();
        }
    }

    /** Waits for the replicas to reach PostgreSQL's position and compares each with PostgreSQL. */
    private static void assertEqual(PgServer pg, String db, String where, List<Workload.Engine> engines,
                                    List<PgReplica> replicas) throws Exception {
        try (Connection c = pg.connect(db)) {
            long lsn = Workload.currentLsn(c);
            TreeMap<String, String> expected = Workload.dump(c);
            for (int i = 0; i < replicas.size(); i++) {
                PgReplica r = replicas.get(i);
                assertTrue(r.awaitPosition(lsn, Duration.ofSeconds(60)), where + ": replica " + i + " did not reach "
                        + PgReplica.formatLsn(lsn) + " (" + r + ")");
                assertNull(Workload.diff(expected, engines.get(i).dump()), where + ", replica " + i);
            }
            System.out.println(where + ": " + expected.size() + " entries equal in " + replicas.size() + " replicas");
        }
    }

    @Test
    void killedReplicaResumesFromItsJournal(PgServer pg) throws Exception {
        long seed = seed();
        String where = where("kill", seed);
        String db = "faults_kill";
        Workload.createSchema(pg, db);
        Path journal = dir.resolve("journal");
        int kills = Integer.getInteger("junction.pg.kills", 3);
        Random rnd = new Random(seed);
        String counts = whileWriting(pg, db, seed, () -> {
            for (int k = 0; k < kills; k++) {
                Process child = startChild(pg.url(db), "faults_kill", journal);
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                String first = out.readLine();
                assertTrue(first != null && first.startsWith("READY "), where + ", start " + k + ": child said " + first
                        + childErrors());
                String[] f = first.split(" ");
                assertEquals(k == 0 ? 1 : 0, Integer.parseInt(f[1]), where + ", start " + k + ": "
                        + (k == 0 ? "the first start copies" : "a restart resumes from the journal, without copying"));
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + rnd.nextInt(700));
                long at = Long.parseLong(f[2]);
                while (System.nanoTime() < until) {
                    String line = out.readLine();
                    if (line == null) break;
                    if (line.startsWith("FAILED")) fail(where + ": the child replica stopped: " + line);
                    if (line.startsWith("AT ")) at = Long.parseLong(line.substring(3));
                }
                child.toHandle().destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                System.out.println(where + ": killed the replica at about " + PgReplica.formatLsn(at));
            }
        });
        // the last state the child left, resumed in this JVM
        Workload.Engine e = new Workload.Engine();
        PgReplica r = e.replica(pg, db, "faults_kill", journal);
        try {
            r.start();
            assertEquals(0, r.copies(), where + ": the journal's replica copied again instead of resuming");
            assertEqual(pg, db, where + " (" + counts + ")", List.of(e), List.of(r));
        } finally {
            r.closeAndDropSlot();
        }
    }

    private Process startChild(String url, String slot, Path journal) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
                ReplicaChild.class.getName(), url, slot, journal.toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "child-stderr.txt")));
        return pb.start();
    }

    private String childErrors() throws IOException {
        Path f = dir.resolve("child-stderr.txt");
        return Files.exists(f) ? "; stderr: " + Files.readString(f) : "";
    }

    @Test
    void serverCrashesAndRestartsMidStream(PgServer pg) throws Exception {
        try (TwoReplicas t = new TwoReplicas(pg, "restart", "faults_restart", "restart_mem", "restart_journal")) {
            AtomicInteger disconnects = new AtomicInteger();
            for (PgReplica r : t.replicas) countDisconnects(r, disconnects);
            String counts = t.startAndStrike(() -> {
                for (int i = 0; i < 2; i++) {
                    Thread.sleep(300 + t.rnd.nextInt(500));
                    pg.stop(i == 0); // a crash (immediate: recovery at start), then a fast shutdown
                    Thread.sleep(100 + t.rnd.nextInt(300));
                    pg.startAgain();
                }
                Thread.sleep(500);
            });
            t.assertEqualToPostgres(counts);
            for (PgReplica r : t.replicas) {
                assertEquals(PgReplica.State.STREAMING, r.state(), t.where);
                assertEquals(1, r.copies(), t.where + ": " + r + " copied again instead of resuming");
            }
            assertTrue(disconnects.get() >= 4, t.where + ": each replica should have lost its connection twice, heard "
                    + disconnects.get());
        }
    }

    @Test
    void terminatedConnectionsAreResumed(PgServer pg) throws Exception {
        try (TwoReplicas t = new TwoReplicas(pg, "terminate", "faults_terminate", "term_mem", "term_journal")) {
            AtomicInteger terminated = new AtomicInteger();
            String counts = t.startAndStrike(() -> {
                try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                    for (int i = 0; i < 6; i++) {
                        Thread.sleep(150 + t.rnd.nextInt(300));
                        try (ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(active_pid) FROM "
                                + "pg_replication_slots WHERE slot_name IN ('term_mem', 'term_journal') AND active")) {
                            while (rs.next()) if (rs.getBoolean(1)) terminated.incrementAndGet();
                        }
                    }
                }
            });
            assertTrue(terminated.get() >= 6, t.where + ": terminated only " + terminated + " connections");
            t.assertEqualToPostgres(counts + ", " + terminated + " replication connections terminated");
            for (PgReplica r : t.replicas) assertEquals(1, r.copies(), t.where + ": " + r + " copied again");
        }
    }

    @Test
    void droppedSlotMeansACopyAndALogLine(PgServer pg) throws Exception {
        try (TwoReplicas t = new TwoReplicas(pg, "drop slot", "faults_slot", "slot_mem", "slot_journal")) {
            List<String> log = new CopyOnWriteArrayList<>();
            Logger jul = Logger.getLogger(PgReplica.class.getName());
            Handler h = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    log.add(r.getMessage());
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            jul.addHandler(h);
            try {
                String counts = t.startAndStrike(() -> {
                    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                        Thread.sleep(500);
                        for (String slot : t.slots) {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                            while (true) {
                                st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE "
                                        + "slot_name = '" + slot + "' AND active");
                                try {
                                    st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                                    break;
                                } catch (java.sql.SQLException e) {
                                    if (System.nanoTime() > deadline) throw e;
                                    Thread.sleep(2);
                                }
                            }
                        }
                        for (PgReplica r : t.replicas) {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                            while (r.copies() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
                            assertEquals(2, r.copies(), t.where + ": " + r + " did not copy again after its slot was "
                                    + "dropped");
                        }
                        Thread.sleep(300);
                    }
                });
                t.assertEqualToPostgres(counts);
                for (String slot : t.slots) {
                    assertTrue(log.stream().anyMatch(m -> m.contains("slot " + slot) && m.contains("copying")
                            && m.contains("does not exist")), t.where + ": no log line says why " + slot
                            + " copied again: " + log);
                }
            } finally {
                jul.removeHandler(h);
            }
        }
    }

    @Test
    void aLargeTransactionCutOffMidStreamIsAppliedOnceWhole(PgServer pg) throws Exception {
        String db = "faults_large";
        pg.createDatabase(db);
        pg.sql(db, "CREATE TABLE big (a bigint, b bigint, v bigint NOT NULL, PRIMARY KEY (a, b))",
                "CREATE PUBLICATION pub FOR TABLE big");
        dev.junction.Junction engine = dev.junction.Junction.create();
        dev.junction.LongTable as = engine.longTable("a");
        dev.junction.Relation<Long, Long> big = engine.relation("big", as, engine.longTable("b"));
        dev.junction.LinkColumn.OfLong<Long, Long> v = big.longColumn("v", -1);
        AtomicInteger disconnects = new AtomicInteger();
        AtomicInteger visibleSizes = new AtomicInteger(); // sizes a reader saw other than 0 and the whole transaction
        int rows = 150_000;
        try (PgReplica r = PgReplica.builder(engine, pg.url(db)).user(PgServer.SUPERUSER).slot("faults_large")
                .publication("pub").reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
                .relation("big", big, "a", "b", PgReplica.column("v", v)).build()) {
            countDisconnects(r, disconnects);
            r.start();
            Thread reader = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long n = big.size();
                    if (n != 0 && n != rows) visibleSizes.incrementAndGet();
                }
            });
            reader.start();
            long before = r.appliedTransactions();
            try (Connection c = pg.connect(db); Statement st = c.createStatement();
                 Connection admin = pg.connect("postgres"); Statement kill = admin.createStatement()) {
                st.execute("INSERT INTO big SELECT g / 1000, g % 1000, g FROM generate_series(0, " + (rows - 1) + ") g");
                long lsn = Workload.currentLsn(c);
                // cut the stream twice while the replica receives the transaction: terminated, then a server crash
                Thread.sleep(150);
                kill.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = "
                        + "'faults_large' AND active");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (disconnects.get() < 1 && System.nanoTime() < deadline) Thread.sleep(5);
                Thread.sleep(300);
                pg.stop(true);
                pg.startAgain();
                assertTrue(r.awaitPosition(lsn, Duration.ofSeconds(120)), r.toString());
            } finally {
                reader.interrupt();
                reader.join();
            }
            assertTrue(disconnects.get() >= 2, "the stream was cut " + disconnects.get() + " times");
            assertEquals(rows, big.size());
            assertEquals(1, r.appliedTransactions() - before, "one PostgreSQL transaction, applied once");
            assertEquals(0, visibleSizes.get(), "a reader saw part of the transaction");
            for (long g : new long[] {0, 1, 12_345, rows - 1}) assertEquals(g, v.get(g / 1000, g % 1000));
            assertEquals(1, r.copies());
            r.closeAndDropSlot();
        }
    }

    /** Keeps the names of the tests' databases apart from other test classes. */
    static List<String> databases() {
        return new ArrayList<>(List.of("faults_kill", "faults_restart", "faults_terminate", "faults_slot"));
    }
}
