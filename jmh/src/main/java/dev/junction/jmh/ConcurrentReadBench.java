package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.index.IntRelation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Reads of the engine's thread-safe int facade ({@link Relation#ints()}, StampedLock optimistic reads of the
 * committed storage) against the raw single-threaded index ({@link IntRelation#bipartite(String)}), uncontended
 * and with several reader threads.
 *
 * <h2>Methodology</h2>
 * <ul>
 *   <li><b>Data.</b> One {@code @State(Scope.Benchmark)} per fork, built in {@code @Setup(Level.Trial)} from the
 *       {@link Workload} ({@code zipf-1m}: 1M links, ~100k lefts, 100k rights). {@code impl=raw} bulk-loads it
 *       into {@code IntRelation.bipartite("raw")}; {@code impl=shared} creates an engine with two
 *       {@link LongTable}s, adds keys {@code 0..N-1} and {@code 0..M-1} in one transaction (so ids are the keys),
 *       a {@link Relation} between them, and bulk-loads the links through {@code rel.ints().linkAll}; the
 *       benchmark then reads {@code rel.ints()}. Only the one asked for is built, so each fork holds one copy.</li>
 *   <li><b>Queries.</b> Precomputed, read-only {@value #KEYS}-entry arrays shared by all threads (random lefts,
 *       random rights, and contains probes alternating a hit and a miss, as in {@link RelationBench}); each thread
 *       walks them with its own cursor ({@link Cursor}, {@code @State(Scope.Thread)}), starting at a different
 *       offset, so threads query different entities and nothing is written to shared memory on the hot path.
 *       No allocation or {@code Random} in the measured code.</li>
 *   <li><b>Mode.</b> Throughput in ops/µs, summed over threads by JMH, so thread scaling is the ratio of the
 *       {@code -t 2} and {@code -t 1} scores. Time per op of one thread is {@code threads × 1000 / score} ns.</li>
 *   <li><b>Lookups</b> sum every neighbour id through a per-thread sink, so every neighbour is really read.</li>
 *   <li><b>Reads under a concurrent writer</b> ({@code *UnderWriter}, {@code impl=shared} only: the raw index is
 *       not thread-safe for writes): {@link BackgroundWriter} runs one extra, non-JMH thread for the whole trial
 *       that links and unlinks fresh pairs through {@code rel.ints()} (each write a commit of its own, bumping the
 *       lock's stamp), pausing {@code writerPauseUs} µs between writes. Readers whose optimistic read overlaps a
 *       commit retry under the read lock. The writer prints its commit rate at teardown (the whole trial,
 *       warmup included).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConcurrentReadBench {

    /** Size of every query array (a power of two). */
    static final int KEYS = 1 << 16;

    /** {@code raw}: {@code IntRelation.bipartite}; {@code shared}: the engine's {@code rel.ints()}. */
    @Param({"raw", "shared"})
    public String impl;

    /** Workload spec, see {@link Workload}. */
    @Param({"zipf-1m"})
    public String workload;

    /** The relation read by every benchmark. */
    IntRelation relation;
    /** The engine behind {@link #relation} when {@code impl=shared}, else null. */
    Junction db;
    Workload data;
    final int[] lookupLefts = new int[KEYS];
    final int[] lookupRights = new int[KEYS];
    final int[] probeLefts = new int[KEYS];
    final int[] probeRights = new int[KEYS];

    /** Builds the workload, loads the relation under test and draws the queries, once per fork. */
    @Setup(Level.Trial)
    public void setUp() {
        data = Workload.get(workload);
        switch (impl) {
            case "raw" -> {
                relation = IntRelation.bipartite("raw");
                relation.linkAll(data.lefts, data.rights);
            }
            case "shared" -> {
                db = Junction.create();
                LongTable a = db.longTable("a");
                LongTable b = db.longTable("b");
                Relation<Long, Long> rel = db.relation("rel", a, b);
                db.inTransaction(() -> {
                    for (int i = 0; i < data.numLefts; i++) {
                        checkDense(a.add(i), i, "a");
                    }
                    for (int i = 0; i < data.numRights; i++) {
                        checkDense(b.add(i), i, "b");
                    }
                });
                rel.ints().linkAll(data.lefts, data.rights);
                relation = rel.ints();
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl + " (raw, shared)");
        }
        if (relation.size() != data.size()) {
            throw new IllegalStateException(impl + ": loaded " + relation.size() + " links, expected " + data.size());
        }
        System.arraycopy(data.randomLefts(KEYS, 1), 0, lookupLefts, 0, KEYS);
        System.arraycopy(data.randomRights(KEYS, 2), 0, lookupRights, 0, KEYS);
        int[] hitL = new int[KEYS / 2];
        int[] hitR = new int[KEYS / 2];
        int[] missL = new int[KEYS / 2];
        int[] missR = new int[KEYS / 2];
        data.randomLinks(KEYS / 2, 4, hitL, hitR);
        data.absentPairs(KEYS / 2, 5, missL, missR);
        for (int i = 0; i < KEYS / 2; i++) {
            probeLefts[2 * i] = hitL[i];
            probeRights[2 * i] = hitR[i];
            probeLefts[2 * i + 1] = missL[i];
            probeRights[2 * i + 1] = missR[i];
        }
        for (int i = 0; i < 1024; i++) { // same answers as the workload, whichever impl
            int l = lookupLefts[i];
            if (relation.degreeOfLeft(l) != data.rightsOf(l).length
                    || relation.contains(probeLefts[i], probeRights[i]) != ((i & 1) == 0)) {
                throw new IllegalStateException(impl + " disagrees with the workload at query " + i);
            }
        }
        System.gc(); // collect the load's garbage now, not during the first measured iterations
    }

    /** The engine behind {@link #relation()} ({@code impl=shared}), else null; for controls in other packages. */
    public Junction engine() {
        return db;
    }

    /** The relation under test, after {@link #setUp()}. */
    public IntRelation relation() {
        return relation;
    }

    /** The random lefts the lookups query. */
    public int[] lookupLefts() {
        return lookupLefts;
    }

    private static void checkDense(int id, int key, String table) {
        if (id != key) {
            throw new IllegalStateException("table " + table + ": key " + key + " got id " + id + ", expected dense ids");
        }
    }

    /** Preallocated, per-thread consumer: sums through a field, so no capturing lambda per call. */
    public static final class SumSink implements IntConsumer {
        /** The running sum. */
        public long sum;

        @Override
        public void accept(int value) {
            sum += value;
        }
    }

    /** Each thread's position in the query arrays, and its sink. Threads start {@code KEYS / threads} apart. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;
        final SumSink sink = new SumSink();

        /** Spreads the threads' starting points over the query arrays. */
        @Setup(Level.Trial)
        public void setUp(ThreadParams threads) {
            start(threads.getThreadIndex() * (KEYS / Math.max(1, threads.getThreadCount())));
        }

        void start(int offset) {
            i = offset;
        }

        /** The next query index. */
        public int next() {
            return i++ & (KEYS - 1);
        }

        /** This thread's sink. */
        public SumSink sink() {
            return sink;
        }
    }

    /** {@code contains(l, r)}: alternately a hit (an existing link) and a miss (an absent pair of popular ids). */
    @Benchmark
    public boolean contains(Cursor c) {
        int i = c.next();
        return relation.contains(probeLefts[i], probeRights[i]);
    }

    /** {@code degreeOfLeft(l)} of a random left. */
    @Benchmark
    public int degreeOfLeft(Cursor c) {
        return relation.degreeOfLeft(lookupLefts[c.next()]);
    }

    /** Lookup: {@code forEachRight(l, sink)} over every right of a random left (sum of ids). */
    @Benchmark
    public long forEachRight(Cursor c) {
        SumSink s = c.sink;
        s.sum = 0;
        relation.forEachRight(lookupLefts[c.next()], s);
        return s.sum;
    }

    /** Reverse lookup: {@code forEachLeft(r, sink)} over every left of a random right (sum of ids). */
    @Benchmark
    public long forEachLeft(Cursor c) {
        SumSink s = c.sink;
        s.sum = 0;
        relation.forEachLeft(lookupRights[c.next()], s);
        return s.sum;
    }

    /** Reads under a concurrent writer: {@link #contains} while {@link BackgroundWriter} commits. */
    @Benchmark
    public boolean containsUnderWriter(Cursor c, BackgroundWriter w) {
        return contains(c);
    }

    /** Reads under a concurrent writer: {@link #forEachRight} while {@link BackgroundWriter} commits. */
    @Benchmark
    public long forEachRightUnderWriter(Cursor c, BackgroundWriter w) {
        return forEachRight(c);
    }

    /**
     * One background thread, outside JMH's timing, that keeps committing single writes through
     * {@code rel.ints()}: links a fresh pair (absent from the workload), pauses, unlinks it, pauses, next pair.
     * So the relation stays within one link of its loaded size. Only for {@code impl=shared}.
     */
    @State(Scope.Benchmark)
    public static class BackgroundWriter {
        /** Pause between two writes (each one commit), in µs; 0 = back to back. */
        @Param({"50"})
        public int writerPauseUs;

        /**
         * {@code false}: a control thread that keeps the writer's park/wake-up pattern but writes nothing, to tell
         * the cost of commits from the cost of one more thread waking up every {@code writerPauseUs}.
         */
        @Param({"true"})
        public boolean writerWrites;

        /** System property naming a file the writer appends its commit rate to (set by {@link ConcurrencyMain}). */
        static final String RATE_FILE_PROPERTY = "junction.bench.writerRateFile";

        private Thread thread;
        private volatile boolean stop;
        private volatile long commits;
        private volatile long wakeUps;
        /** Time spent inside the writes (lock acquisition, write, publication), summed. */
        private volatile long writeNanos;
        private long startNanos;

        /** Starts the writer thread. */
        @Setup(Level.Trial)
        public void start(ConcurrentReadBench b) {
            if (b.db == null) {
                throw new IllegalStateException("reads under a concurrent writer run with impl=shared only; "
                        + "the raw index is not thread-safe for writes");
            }
            int[] fl = new int[KEYS];
            int[] fr = new int[KEYS];
            b.data.absentPairs(KEYS, 6, fl, fr);
            IntRelation rel = b.relation;
            long pause = TimeUnit.MICROSECONDS.toNanos(writerPauseUs);
            boolean writes = writerWrites;
            thread = new Thread(() -> {
                long n = 0;
                long busy = 0;
                int k = 0;
                while (!stop) {
                    int i = k++ & (KEYS - 1);
                    if (writes) {
                        long t0 = System.nanoTime();
                        rel.link(fl[i], fr[i]);
                        busy += System.nanoTime() - t0;
                        n++;
                    }
                    if (pause > 0) LockSupport.parkNanos(pause);
                    if (writes) {
                        long t0 = System.nanoTime();
                        rel.unlink(fl[i], fr[i]);
                        busy += System.nanoTime() - t0;
                        n++;
                    }
                    commits = n;
                    writeNanos = busy;
                    wakeUps = 2L * k;
                    if (pause > 0) LockSupport.parkNanos(pause);
                }
            }, "background-writer");
            thread.setDaemon(true);
            startNanos = System.nanoTime();
            thread.start();
        }

        /** Stops the writer; prints its commit rate and appends it to the {@link #RATE_FILE_PROPERTY} file if set. */
        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stop = true;
            thread.join();
            double secs = (System.nanoTime() - startNanos) / 1e9;
            String line = String.format(Locale.ROOT, "background-writer: %d commits in %.1f s = %.0f commits/s"
                    + " (%.0f wake-ups/s; %.1f µs per write call, writes busy %.1f%% of the time)%n", commits, secs,
                    commits / secs, wakeUps / secs, commits == 0 ? 0.0 : writeNanos / 1e3 / commits,
                    writeNanos / 1e7 / secs);
            System.out.print(line);
            String file = System.getProperty(RATE_FILE_PROPERTY);
            if (file != null) {
                try {
                    Files.writeString(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    System.out.println("background-writer: cannot write " + file + ": " + e);
                }
            }
        }
    }
}
