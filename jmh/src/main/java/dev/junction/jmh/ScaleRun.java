package dev.junction.jmh;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.junction.index.IntRelation;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The scale run: builds {@code N} links (up to a billion) in one JVM with a streamed bulk load, then reports the
 * build time, the retained and peak heap per link, and the time of {@code contains}, lookups and writes on the
 * built relation. A timing harness like {@link SnapshotTiming}, not a JMH benchmark: the state takes minutes to
 * build, so each operation is timed in rounds of {@value #OPS} calls after a warm-up round, and the median round
 * is reported.
 *
 * <h2>Methodology</h2>
 * <ul>
 *   <li><b>Input.</b> {@link ScaleLinks}: a seeded Zipf-like generator (the {@code zipf-<N>} workload's shape,
 *       right domain N/10), chunk by chunk into two reused {@code int[]} buffers of {@code --chunk} pairs,
 *       shuffled inside the chunk; never more than one chunk of input exists.</li>
 *   <li><b>Load.</b> One {@link IntRelation#linkAll} per chunk into a bipartite relation. {@code build} is the
 *       time spent in {@code linkAll}; {@code generate} the time spent making the input.</li>
 *   <li><b>Memory.</b> {@code retained}: used heap after full GCs once built, minus before (input buffers
 *       dropped). {@code peak}: the largest used heap right after any GC during the load (from the GC
 *       notifications), minus the same base: an upper bound of the live peak, since objects that died since the
 *       last old collection still count. Run with {@code -Xmx} set to 1.3 × retained to prove the load fits.</li>
 *   <li><b>Operations</b> on the built relation, {@value #OPS} calls per round, median of 5 rounds:
 *       {@code contains} alternately a hit (a link regenerated from a random row) and a miss; {@code forward}
 *       visits every right of a random left ({@code forEachRight}, sum); {@code reverse} every left of a random
 *       right with links; {@code link} links a fresh pair and {@code unlink} unlinks it again (timed apart).</li>
 * </ul>
 *
 * <p>Usage: {@code java -Xmx14g -cp benchmarks.jar dev.junction.jmh.ScaleRun --links 1000m [--chunk 4m]
 * [--seed 42]}. Prints {@code SCALE} lines.
 */
public final class ScaleRun {

    static final int OPS = 1 << 20;
    private static final int ROUNDS = 5;

    private ScaleRun() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        long links = 100_000_000L;
        int chunk = 4_000_000;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--links" -> links = Workload.parseCount(args[++i]);
                case "--chunk" -> chunk = (int) Workload.parseCount(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--links N, --chunk N, --seed S)");
            }
        }
        ScaleLinks gen = new ScaleLinks(links, seed);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "SCALE\tjvm\t%s %s\tmaxHeap=%d MiB\targs=%s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), rt.maxMemory() >> 20,
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "SCALE\tinput\tlinks=%d\tleftDomain=%d\trightDomain=%d\tchunk=%d\tseed=%d%n",
                links, gen.leftDomain, gen.rightDomain, chunk, seed);

        long base = usedAfterGc();
        PeakTracker peak = PeakTracker.install();
        IntRelation rel = IntRelation.bipartite("scale");
        ScaleLinks.Stream stream = new ScaleLinks.Stream(gen);
        int[] ls = new int[chunk];
        int[] rs = new int[chunk];
        SplittableRandom shuffle = new SplittableRandom(seed ^ 0x5CA1EL);
        long genNanos = 0, buildNanos = 0, loaded = 0;
        long t0 = System.nanoTime();
        while (true) {
            long g0 = System.nanoTime();
            int n = stream.fill(ls, rs);
            if (n == 0) break;
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = ls[i]; ls[i] = ls[j]; ls[j] = t;
                t = rs[i]; rs[i] = rs[j]; rs[j] = t;
            }
            int[] l = n == chunk ? ls : Arrays.copyOf(ls, n);
            int[] r = n == chunk ? rs : Arrays.copyOf(rs, n);
            long b0 = System.nanoTime();
            loaded += rel.linkAll(l, r);
            long b1 = System.nanoTime();
            genNanos += b0 - g0;
            buildNanos += b1 - b0;
            if (loaded / 100_000_000L != (loaded - n) / 100_000_000L || n < chunk) {
                System.out.printf(Locale.ROOT, "SCALE\tprogress\t%d links\t%.1f s in linkAll\t%.1f s generating\t"
                        + "peak %.2f B/link so far%n", loaded, buildNanos / 1e9, genNanos / 1e9,
                        (double) (peak.max() - base) / loaded);
            }
        }
        long wall = System.nanoTime() - t0;
        ls = null;
        rs = null;
        long peakUsed = peak.max() - base;
        long retained = usedAfterGc() - base;
        peak.uninstall();
        if (loaded != links || rel.size() != links) {
            throw new AssertionError("loaded " + loaded + ", size " + rel.size() + ", expected " + links);
        }
        System.out.printf(Locale.ROOT, "SCALE\tbuild\tlinks=%d\tlinkAll=%.1f s (%.0f ns/link)\tgenerate=%.1f s\twall=%.1f s%n",
                links, buildNanos / 1e9, (double) buildNanos / links, genNanos / 1e9, wall / 1e9);
        System.out.printf(Locale.ROOT, "SCALE\tmemory\tretained=%.2f B/link (%d MiB)\tpeak=%.2f B/link (%d MiB)\t"
                        + "peak/retained=%.2f\tGCs=%d%n", (double) retained / links, retained >> 20,
                (double) peakUsed / links, peakUsed >> 20, (double) peakUsed / retained, peak.count());
        operations(rel, gen, stream.rowsBegun() - 1, seed);
    }

    private static void operations(IntRelation rel, ScaleLinks gen, long fullRows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        int[] row = new int[ScaleLinks.MAX_DEGREE];
        int[] probeL = new int[OPS], probeR = new int[OPS];
        long[] state = {seed * 7 + 3};
        for (int i = 0; i < OPS; i++) {
            int l = gen.leftAt(rnd.nextLong(fullRows));
            int n = gen.row(l, row);
            probeL[i] = l;
            if ((i & 1) == 0) {
                probeR[i] = row[rnd.nextInt(n)];
            } else {
                int r;
                do {
                    r = gen.zipfRight(state);
                } while (contains(row, n, r));
                probeR[i] = r;
            }
        }
        int[] lookupL = new int[OPS], lookupR = new int[OPS];
        for (int i = 0; i < OPS; i++) {
            lookupL[i] = gen.leftAt(rnd.nextLong(fullRows));
            int r;
            do {
                r = rnd.nextInt(gen.rightDomain);
            } while (rel.degreeOfRight(r) == 0);
            lookupR[i] = r;
        }
        // fresh pairs: the misses above, made distinct
        it.unimi.dsi.fastutil.longs.LongOpenHashSet seen = new it.unimi.dsi.fastutil.longs.LongOpenHashSet();
        int[] freshL = new int[OPS / 2], freshR = new int[OPS / 2];
        int fresh = 0;
        for (int i = 1; i < OPS; i += 2) {
            if (seen.add((long) probeL[i] << 32 | probeR[i])) {
                freshL[fresh] = probeL[i];
                freshR[fresh] = probeR[i];
                fresh++;
            }
        }
        for (int i = 0; i < OPS; i += 2) {
            if (!rel.contains(probeL[i], probeR[i])) throw new AssertionError("hit missing: " + probeL[i] + "," + probeR[i]);
            if (rel.contains(probeL[i + 1], probeR[i + 1])) throw new AssertionError("miss present");
        }
        final int freshCount = fresh;
        Sum sum = new Sum();
        report("contains", OPS, () -> {
            int hits = 0;
            for (int i = 0; i < OPS; i++) hits += rel.contains(probeL[i], probeR[i]) ? 1 : 0;
            return hits;
        });
        report("forward lookup (forEachRight)", OPS, () -> {
            sum.sum = 0;
            for (int i = 0; i < OPS; i++) rel.forEachRight(lookupL[i], sum);
            return sum.sum;
        });
        report("reverse lookup (forEachLeft)", OPS, () -> {
            sum.sum = 0;
            for (int i = 0; i < OPS; i++) rel.forEachLeft(lookupR[i], sum);
            return sum.sum;
        });
        long[] unlinkTimes = new long[ROUNDS + 1];
        int[] round = {0};
        report("link (fresh pair)", freshCount, () -> {
            long added = 0;
            for (int i = 0; i < freshCount; i++) added += rel.link(freshL[i], freshR[i]) ? 1 : 0;
            long u0 = System.nanoTime();
            for (int i = 0; i < freshCount; i++) added -= rel.unlink(freshL[i], freshR[i]) ? 1 : 0;
            unlinkTimes[round[0]++] = System.nanoTime() - u0;
            return added;
        });
        long[] u = Arrays.copyOfRange(unlinkTimes, 1, ROUNDS + 1);
        Arrays.sort(u);
        System.out.printf(Locale.ROOT, "SCALE\top\t%-32s\t%.1f ns/op\t(median of %d rounds of %d)%n", "unlink",
                (double) u[ROUNDS / 2] / freshCount, ROUNDS, freshCount);
        if (rel.size() != gen.links) throw new AssertionError("size changed: " + rel.size());
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return true;
        return false;
    }

    private static final class Sum implements IntConsumer {
        long sum;

        @Override
        public void accept(int value) {
            sum += value;
        }
    }

    private interface Round {
        long run();
    }

    private static long sink;

    /** One warm-up round, then {@value #ROUNDS} timed rounds; prints the median ns per op. */
    private static void report(String what, int ops, Round round) {
        long[] t = new long[ROUNDS];
        sink += round.run();
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            sink += round.run();
            t[r] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "SCALE\top\t%-32s\t%.1f ns/op\t(median of %d rounds of %d; min %.1f)%n", what,
                (double) t[ROUNDS / 2] / ops, ROUNDS, ops, (double) t[0] / ops);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** The largest heap use right after a GC, from the collectors' notifications. */
    static final class PeakTracker {
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong count = new AtomicLong();
        private final javax.management.NotificationListener listener = (notification, handback) -> {
            if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                    (CompositeData) notification.getUserData());
            long used = 0;
            for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) used += u.getUsed();
            // non-heap pools (metaspace, code cache) are small and constant; count only the heap ones
            for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                String pool = e.getKey();
                if (pool.contains("Metaspace") || pool.contains("CodeHeap") || pool.contains("Compressed Class")) {
                    used -= e.getValue().getUsed();
                }
            }
            max.accumulateAndGet(used, Math::max);
            count.incrementAndGet();
        };

        static PeakTracker install() {
            PeakTracker t = new PeakTracker();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener(t.listener, null, null);
            }
            return t;
        }

        void uninstall() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // not registered on this collector
                }
            }
        }

        long max() {
            return max.get();
        }

        long count() {
            return count.get();
        }
    }
}
