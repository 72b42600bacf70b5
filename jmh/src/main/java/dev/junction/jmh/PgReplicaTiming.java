package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.SyncPolicy;
import dev.junction.Transaction;
import dev.junction.index.IntRelation;
import dev.junction.pg.PgReplica;
import dev.junction.query.SetAlgebra;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jol.info.GraphLayout;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * What following PostgreSQL costs and saves, measured against a local PostgreSQL (a throwaway server this harness
 * starts, or {@code --url}): a wall-clock harness, since each measurement is a multi-second operation with a server
 * in the loop.
 *
 * <ol>
 *   <li><b>Initial copy</b>: a table of {@code --links} (Zipf workload, default 1M) links with a {@code bigint}
 *       column copied into an empty engine (a relation between two {@code LongTable}s with a {@code long} link
 *       column): the time of {@code start()} (connect, checks, slot, COPY, bulk load, commit), best and median of
 *       {@code --copies} runs; then one run measuring the live heap (after full collections) just before the copy
 *       commits (its peak) and after, against the heap before.</li>
 *   <li><b>Apply throughput</b>: the engine's write lock is held while PostgreSQL commits {@code --single}
 *       single-row transactions (or {@code --batches} transactions of 1,000 rows); released, the replica's catch-up
 *       time gives rows per second, end to end (walsender decoding, network, decoding, applying), for an in-memory
 *       and a journaled replica ({@code everyCommit}, in the system temporary directory); the replica thread's CPU
 *       time gives what the replica alone needs per row.</li>
 *   <li><b>Lag</b>: a writer commits single-row transactions at {@code --lag-rate} per second for
 *       {@code --lag-seconds}; for each, the time from its commit timestamp on PostgreSQL to its being visible in the
 *       engine (the replica's listener, right after the Junction commit). Then read-your-writes: commit, read
 *       {@code pg_current_wal_lsn()}, {@code awaitPosition}.</li>
 *   <li><b>Reads</b> on the copied table, the same queries against PostgreSQL through JDBC (prepared statements,
 *       the table with {@code (l, r)} and {@code (r, l)} indexes) and against the engine: a membership check, a
 *       neighbour list, the intersection of two popular rights. Answers are checked equal.</li>
 * </ol>
 *
 * <p>Usage: {@code java -Xmx6g -cp benchmarks.jar dev.junction.jmh.PgReplicaTiming [--links 1m] [--copies 3]
 * [--single 50000] [--batches 200] [--lag-rate 2000] [--lag-seconds 15] [--read-seconds 3] [--url jdbc:...]
 * [--parts copy,reads,apply,lag] [--batch false]} ({@code --batch false}: the apply replicas apply each
 * PostgreSQL transaction in its own Junction transaction even when behind).
 * Prints {@code PG} lines, then a Markdown summary.
 */
public final class PgReplicaTiming {

    private PgReplicaTiming() {
    }

    private static final List<String> SUMMARY = new ArrayList<>();
    /** Whether the apply replicas batch transactions while behind ({@code --batch false}: one per transaction). */
    private static boolean batching = true;

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        String links = arg(args, "--links", "1m");
        int copies = Integer.parseInt(arg(args, "--copies", "3"));
        int single = Integer.parseInt(arg(args, "--single", "50000"));
        int batches = Integer.parseInt(arg(args, "--batches", "200"));
        int lagRate = Integer.parseInt(arg(args, "--lag-rate", "2000"));
        double lagSeconds = Double.parseDouble(arg(args, "--lag-seconds", "15"));
        double readSeconds = Double.parseDouble(arg(args, "--read-seconds", "3"));
        String url = arg(args, "--url", null);
        List<String> parts = List.of(arg(args, "--parts", "copy,reads,apply,lag").split(","));
        batching = Boolean.parseBoolean(arg(args, "--batch", "true"));
        machine();
        LocalPostgres local = null;
        if (url == null) {
            local = LocalPostgres.start();
            url = local.url("postgres");
        }
        try {
            Workload w = Workload.get("zipf-" + links);
            load(url, w);
            if (parts.contains("copy")) copyTiming(url, w, copies);
            if (parts.contains("copy") || parts.contains("reads")) {
                Junction db = copyMemory(url, w);
                if (parts.contains("reads")) reads(url, w, db, readSeconds);
            }
            if (parts.contains("apply")) apply(url, single, batches);
            if (parts.contains("lag")) lag(url, lagRate, lagSeconds);
        } finally {
            if (local != null) local.close();
        }
        System.out.println();
        System.out.println("| measurement | result |");
        System.out.println("|---|---:|");
        for (String s : SUMMARY) System.out.println(s);
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return def;
    }

    private static void report(String what, String value) {
        System.out.println("PG\t" + what + "\t" + value);
        SUMMARY.add("| " + what + " | " + value + " |");
    }

    private static void machine() throws Exception {
        String cpu = "?";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        System.out.println("MACHINE\t" + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpu + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    }

    // ---- setup -----------------------------------------------------------------------------------------------

    private static void load(String url, Workload w) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS links, stream1, stream1000, lagtab CASCADE");
            st.execute("DROP PUBLICATION IF EXISTS bench");
            st.execute("CREATE TABLE links (l bigint, r bigint, v bigint NOT NULL, PRIMARY KEY (l, r))");
            st.execute("CREATE TABLE stream1 (l bigint, r bigint, v bigint NOT NULL, PRIMARY KEY (l, r))");
            st.execute("CREATE TABLE stream1000 (l bigint, r bigint, v bigint NOT NULL, PRIMARY KEY (l, r))");
            st.execute("CREATE TABLE lagtab (l bigint, r bigint, v bigint NOT NULL, PRIMARY KEY (l, r))");
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY links FROM STDIN");
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
            for (int i = 0; i < w.size(); i++) {
                buf.write((w.lefts[i] + "\t" + w.rights[i] + "\t" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                if (buf.size() > (1 << 20) - 64) {
                    in.writeToCopy(buf.toByteArray(), 0, buf.size());
                    buf.reset();
                }
            }
            in.writeToCopy(buf.toByteArray(), 0, buf.size());
            in.endCopy();
            st.execute("CREATE INDEX links_rl ON links (r, l)");
            st.execute("VACUUM ANALYZE links");
            st.execute("CREATE PUBLICATION bench FOR TABLE links, stream1, stream1000, lagtab");
            st.execute("CREATE OR REPLACE PROCEDURE gen_single(n int) LANGUAGE plpgsql AS $$ BEGIN "
                    + "FOR i IN 1..n LOOP INSERT INTO stream1 VALUES (i, i % 1000, i); COMMIT; END LOOP; END $$");
            st.execute("CREATE OR REPLACE PROCEDURE gen_batch(n int) LANGUAGE plpgsql AS $$ BEGIN "
                    + "FOR i IN 0..n - 1 LOOP INSERT INTO stream1000 SELECT i * 1000 + k, k, k FROM "
                    + "generate_series(0, 999) k; COMMIT; END LOOP; END $$");
        }
        System.out.printf(Locale.ROOT, "LOAD\t%d links into PostgreSQL in %.1f s%n", w.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** An engine with one relation between two LongTables and a long link column. */
    private static final class Engine {
        final Junction db;
        final LongTable lefts;
        final LongTable rights;
        final Relation<Long, Long> rel;
        final LinkColumn.OfLong<Long, Long> v;

        Engine(String name, Duration lockTimeout) {
            db = Junction.create(lockTimeout);
            lefts = db.longTable("l");
            rights = db.longTable("r");
            rel = db.relation(name, lefts, rights);
            v = rel.longColumn("v", -1);
        }

        PgReplica.Builder replica(String url, String slot, String table) {
            return PgReplica.builder(db, url).slot(slot).publication("bench")
                    .relation(table, rel, "l", "r", PgReplica.column("v", v));
        }
    }

    // ---- 1. copy -------------------------------------------------------------------------------------------

    private static void copyTiming(String url, Workload w, int runs) {
        double[] secs = new double[runs];
        for (int i = 0; i < runs; i++) {
            Engine e = new Engine("links", Duration.ofSeconds(10));
            PgReplica r = e.replica(url, "bench_copy", "links").build();
            long t0 = System.nanoTime();
            r.start();
            secs[i] = (System.nanoTime() - t0) / 1e9;
            if (e.rel.size() != w.size()) throw new IllegalStateException("copied " + e.rel.size() + " links");
            r.closeAndDropSlot();
            System.out.printf(Locale.ROOT, "COPY\trun %d\t%.2f s%n", i, secs[i]);
            System.gc();
        }
        Arrays.sort(secs);
        report("initial copy of " + w.size() + " links with a long column (start() to streaming)",
                String.format(Locale.ROOT, "best %.2f s, median %.2f s (%d runs)", secs[0], secs[runs / 2], runs));
    }

    private static Junction copyMemory(String url, Workload w) {
        Engine e = new Engine("links", Duration.ofSeconds(10));
        long base = liveHeap();
        long[] peak = {0};
        PgReplica r = e.replica(url, "bench_copy", "links").build();
        r.addListener(new PgReplica.Listener() {
            @Override
            public void copyProgress(long rows) {
                if (rows == w.size()) peak[0] = Math.max(peak[0], liveHeap()); // all read, not yet committed
            }
        });
        r.start();
        r.closeAndDropSlot();
        long after = liveHeap();
        long jol = GraphLayout.parseInstance(e.db).totalSize();
        double n = w.size();
        System.out.printf(Locale.ROOT, "MEM\tbefore commit %.1f B/link, after %.1f B/link, JOL engine %.1f B/link%n",
                (peak[0] - base) / n, (after - base) / n, jol / n);
        report("copy: live heap just before commit / after (above the heap before)", String.format(Locale.ROOT,
                "%.1f / %.1f B/link (peak %.2fx the loaded engine; JOL: engine %.1f B/link)", (peak[0] - base) / n,
                (after - base) / n, (double) (peak[0] - base) / (after - base), jol / n));
        return e.db;
    }

    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- 4. reads ------------------------------------------------------------------------------------------

    private static void reads(String url, Workload w, Junction db, double seconds) throws Exception {
        LongTable lefts = (LongTable) db.getTable("l");
        LongTable rights = (LongTable) db.getTable("r");
        IntRelation ints = db.getRelation("links").ints();
        int n = 4096;
        int[] ql = new int[n];
        int[] qr = new int[n];
        int[] hl = new int[n / 2];
        int[] hr = new int[n / 2];
        int[] ml = new int[n / 2];
        int[] mr = new int[n / 2];
        w.randomLinks(n / 2, 21, hl, hr);
        w.absentPairs(n / 2, 22, ml, mr);
        for (int i = 0; i < n / 2; i++) {
            ql[2 * i] = hl[i];
            qr[2 * i] = hr[i];
            ql[2 * i + 1] = ml[i];
            qr[2 * i + 1] = mr[i];
        }
        int[] lookups = w.randomLefts(n, 23);
        // pairs of popular rights ("tags"): among the 200 most linked
        Integer[] byDegree = new Integer[w.numRights];
        for (int i = 0; i < w.numRights; i++) byDegree[i] = i;
        Arrays.sort(byDegree, (a, b) -> Integer.compare(w.rightDegree(b), w.rightDegree(a)));
        SplittableRandom rnd = new SplittableRandom(24);
        int[] ta = new int[n];
        int[] tb = new int[n];
        for (int i = 0; i < n; i++) {
            ta[i] = byDegree[rnd.nextInt(200)];
            do {
                tb[i] = byDegree[rnd.nextInt(200)];
            } while (tb[i] == ta[i]);
        }
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement contains = c.prepareStatement("SELECT 1 FROM links WHERE l = ? AND r = ?");
             PreparedStatement neighbours = c.prepareStatement("SELECT r FROM links WHERE l = ?");
             PreparedStatement intersect = c.prepareStatement("SELECT count(*) FROM (SELECT l FROM links WHERE r = ? "
                     + "INTERSECT SELECT l FROM links WHERE r = ?) s")) {
            // membership
            Op pgContains = i -> {
                contains.setLong(1, ql[i & (n - 1)]);
                contains.setLong(2, qr[i & (n - 1)]);
                try (ResultSet rs = contains.executeQuery()) {
                    return rs.next() ? 1 : 0;
                }
            };
            Op jContains = i -> {
                long l = ql[i & (n - 1)];
                long r = qr[i & (n - 1)];
                if (!lefts.contains(l) || !rights.contains(r)) return 0;
                return ints.contains(lefts.idOf(l), rights.idOf(r)) ? 1 : 0;
            };
            compare("membership check (half hits)", pgContains, jContains, n, seconds);
            // neighbour list
            Op pgNeighbours = i -> {
                neighbours.setLong(1, lookups[i & (n - 1)]);
                long sum = 0;
                try (ResultSet rs = neighbours.executeQuery()) {
                    while (rs.next()) sum += rs.getLong(1);
                }
                return sum;
            };
            long[] acc = {0};
            Op jNeighbours = i -> {
                acc[0] = 0;
                ints.forEachRight(lefts.idOf(lookups[i & (n - 1)]), r -> acc[0] += rights.keyOf(r));
                return acc[0];
            };
            compare("neighbour list of a left (~10 rights)", pgNeighbours, jNeighbours, n, seconds);
            // intersection of two popular rights
            Op pgIntersect = i -> {
                intersect.setLong(1, ta[i & (n - 1)]);
                intersect.setLong(2, tb[i & (n - 1)]);
                try (ResultSet rs = intersect.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            };
            Op jIntersect = i -> SetAlgebra.andCardinality(ints.leftsOf(rights.idOf(ta[i & (n - 1)])),
                    ints.leftsOf(rights.idOf(tb[i & (n - 1)])));
            compare("lefts linked to two popular rights (INTERSECT)", pgIntersect, jIntersect, n, seconds);
        }
    }

    /** One operation of a read loop, answering a number (checked equal between PostgreSQL and Junction). */
    private interface Op {
        long run(int i) throws SQLException;
    }

    private static void compare(String what, Op pg, Op junction, int n, double seconds) throws SQLException {
        for (int i = 0; i < n; i++) {
            long a = pg.run(i);
            long b = junction.run(i);
            if (a != b) throw new IllegalStateException(what + ": query " + i + ": PostgreSQL " + a + ", Junction " + b);
        }
        double pgNs = time(pg, seconds);
        double jNs = time(junction, seconds);
        report("read: " + what, String.format(Locale.ROOT, "PostgreSQL %s, replica %s (%.0fx)", ns(pgNs), ns(jNs),
                pgNs / jNs));
    }

    private static double time(Op op, double seconds) throws SQLException {
        long sink = 0;
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        int i = 0;
        while (System.nanoTime() < warm) sink += op.run(i++);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds / 3 * 1e9);
            long ops = 0;
            long now;
            do {
                for (int k = 0; k < 64; k++) sink += op.run(i++);
                ops += 64;
            } while ((now = System.nanoTime()) < end);
            best = Math.min(best, (now - t0) / (double) ops);
        }
        if (sink == 42) System.out.print("");
        return best;
    }

    private static String ns(double ns) {
        if (ns >= 1e6) return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        if (ns >= 1e3) return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    // ---- 2. apply throughput -------------------------------------------------------------------------------

    private static void apply(String url, int single, int batches) throws Exception {
        Path dir = Files.createTempDirectory("junction-pg-bench-journal-");
        try {
            for (String table : List.of("stream1", "stream1000")) {
                Engine mem = new Engine(table, Duration.ofMinutes(30));
                Engine jour = new Engine(table, Duration.ofMinutes(30));
                PgReplica rm = mem.replica(url, "bench_apply_mem", table).batchWhileBehind(batching).build();
                PgReplica rj = jour.replica(url, "bench_apply_journal", table).batchWhileBehind(batching)
                        .journal(dir.resolve(table), SyncPolicy.everyCommit()).build();
                rm.start();
                rj.start();
                Holder holdM = Holder.hold(mem.db);
                Holder holdJ = Holder.hold(jour.db);
                long rows;
                long t0 = System.nanoTime();
                long target;
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    if (table.equals("stream1")) {
                        st.execute("CALL gen_single(" + single + ")");
                        rows = single;
                    } else {
                        st.execute("CALL gen_batch(" + batches + ")");
                        rows = batches * 1000L;
                    }
                    target = currentLsn(st);
                }
                double gen = (System.nanoTime() - t0) / 1e9;
                String kind = table.equals("stream1") ? "1-row transactions" : "1,000-row transactions";
                System.out.printf(Locale.ROOT, "APPLY\t%s: PostgreSQL committed %d rows in %.1f s (%.0f rows/s)%n", kind,
                        rows, gen, rows / gen);
                for (int k = 0; k < 2; k++) {
                    PgReplica r = k == 0 ? rm : rj;
                    Engine e = k == 0 ? mem : jour;
                    Holder hold = k == 0 ? holdM : holdJ;
                    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                    long tid = threadId("junction-pg-replica-" + r.slot());
                    long cpu0 = mx.getThreadCpuTime(tid);
                    long s0 = System.nanoTime();
                    hold.release();
                    if (!r.awaitPosition(target, Duration.ofMinutes(10))) throw new IllegalStateException("no catch-up");
                    double secs = (System.nanoTime() - s0) / 1e9;
                    double cpu = (mx.getThreadCpuTime(tid) - cpu0) / 1e9;
                    if (e.rel.size() != rows) throw new IllegalStateException(r + " has " + e.rel.size() + " links");
                    report("apply " + kind + ", " + (k == 0 ? "in memory" : "journaled (everyCommit)")
                            + (batching ? "" : ", unbatched"),
                            String.format(Locale.ROOT, "%.0f rows/s end to end (%d rows in %.2f s); replica thread: "
                                    + "%.0f rows per CPU-second", rows / secs, rows, secs, rows / cpu));
                }
                rm.closeAndDropSlot();
                rj.closeAndDropSlot();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    private static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals(name)) return t.getId();
        throw new IllegalStateException("no thread " + name);
    }

    /**
     * Holds an engine's write lock: a thread that opens a transaction and rolls it back when released (a transaction
     * belongs to its thread), so that the replica waits to apply while PostgreSQL commits the backlog.
     */
    private static final class Holder extends Thread {
        private final Junction db;
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        Holder(Junction db) {
            super("lock-holder");
            this.db = db;
            setDaemon(true);
        }

        static Holder hold(Junction db) throws InterruptedException {
            Holder h = new Holder(db);
            h.start();
            h.held.await();
            return h;
        }

        @Override
        public void run() {
            Transaction t = db.begin();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                t.rollback();
            }
        }

        void release() {
            release.countDown();
        }
    }

    private static long currentLsn(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return PgReplica.parseLsn(rs.getString(1));
        }
    }

    // ---- 3. lag ------------------------------------------------------------------------------------------------

    private static void lag(String url, int rate, double seconds) throws Exception {
        Engine e = new Engine("lagtab", Duration.ofSeconds(10));
        PgReplica r = e.replica(url, "bench_lag", "lagtab").build();
        long[] lags = new long[(int) (rate * seconds * 1.2) + 16];
        int[] count = {0};
        r.addListener(new PgReplica.Listener() {
            @Override
            public void applied(long endLsn, long commitTimeMicros, int changes) {
                Instant now = Instant.now();
                long us = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
                if (count[0] < lags.length) lags[count[0]++] = us - commitTimeMicros;
            }
        });
        r.start();
        int written = 0;
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ins = c.prepareStatement("INSERT INTO lagtab VALUES (?, ?, ?)")) {
            long t0 = System.nanoTime();
            long period = 1_000_000_000L / rate;
            long end = t0 + (long) (seconds * 1e9);
            long next = t0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) break;
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                ins.setLong(1, written);
                ins.setLong(2, written % 1000);
                ins.setLong(3, written);
                ins.executeUpdate();
                written++;
                next += period;
            }
            double achieved = written / ((System.nanoTime() - t0) / 1e9);
            try (Statement st = c.createStatement()) {
                r.awaitPosition(currentLsn(st), Duration.ofSeconds(30));
            }
            long[] l = Arrays.copyOf(lags, count[0]);
            Arrays.sort(l);
            report(String.format(Locale.ROOT, "lag, PostgreSQL commit to visible, %.0f single-row commits/s for %.0f s",
                    achieved, seconds), String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d transactions)",
                    pct(l, 0.50), pct(l, 0.99), l.length == 0 ? 0 : l[l.length - 1] / 1000.0, l.length));
            // read your writes: commit, ask for the WAL position, wait for it
            long[] ryw = new long[500];
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < ryw.length; i++) {
                    ins.setLong(1, written + i);
                    ins.setLong(2, 7);
                    ins.setLong(3, i);
                    ins.executeUpdate();
                    long t = System.nanoTime();
                    long lsn = currentLsn(st);
                    if (!r.awaitPosition(lsn, Duration.ofSeconds(10))) throw new IllegalStateException("timeout");
                    ryw[i] = (System.nanoTime() - t) / 1000;
                    Thread.sleep(2);
                }
            }
            Arrays.sort(ryw);
            report("read your writes: after commit, pg_current_wal_lsn() + awaitPosition", String.format(Locale.ROOT,
                    "p50 %.2f ms, p99 %.2f ms (%d commits, 2 ms apart)", pct(ryw, 0.5), pct(ryw, 0.99), ryw.length));
        } finally {
            r.closeAndDropSlot();
        }
    }

    private static double pct(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) return 0;
        return sortedMicros[Math.min(sortedMicros.length - 1, (int) (p * sortedMicros.length))] / 1000.0;
    }

    /** The replica's logger, held so that its level (warnings only: the figures are what this prints) stays set. */
    private static final java.util.logging.Logger REPLICA_LOG = java.util.logging.Logger.getLogger(
            "dev.junction.pg.PgReplica");

    static {
        REPLICA_LOG.setLevel(java.util.logging.Level.WARNING);
    }
}
