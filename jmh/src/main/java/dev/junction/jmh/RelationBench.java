package dev.junction.jmh;

import dev.junction.jmh.store.LinkStore;
import dev.junction.jmh.store.Stores;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Steady-state operations on a populated relation, the same for every implementation behind {@link LinkStore}.
 *
 * <h2>Methodology</h2>
 * <ul>
 *   <li><b>State.</b> One {@code @State(Scope.Benchmark)} instance per fork: {@code @Setup(Level.Trial)} builds the
 *       {@link Workload} (seeded, so identical for every implementation), bulk-loads it into a fresh store, and
 *       precomputes key arrays of {@value #KEYS} entries (random lefts, random rights, existing links, contains
 *       probes). Each call takes the next key ({@code i++ & mask}), so successive calls touch different,
 *       unpredictable entities and the relation is not served from one hot cache line. Building happens once per
 *       trial and is never timed.</li>
 *   <li><b>Consuming results.</b> Lookups return the sum of every neighbour id and {@code contains}/{@code link}
 *       return their boolean; JMH hands returned values to a {@link Blackhole}, and loops consume into an explicit
 *       one, so the JIT cannot prove the work dead and remove it. Summing forces every neighbour to be read.</li>
 *   <li><b>Keeping the size stable.</b> {@link #link} links a batch of {@value #LINK_BATCH} fresh pairs (pairs absent
 *       from the workload, drawn in advance) per invocation and reports time per link
 *       ({@code @OperationsPerInvocation}); an untimed {@code @TearDown(Level.Invocation)} unlinks them again, so
 *       the relation never drifts more than one batch from its loaded size. Batches rotate over a pool of
 *       {@value #KEYS} fresh pairs. {@link #removeLeft} does the same with batches of {@value #REMOVE_BATCH}
 *       distinct lefts, restored (relinked from the workload) in the untimed teardown.
 *       {@link #unlinkRelink} unlinks an existing link and links it back in the same op, so it times both.
 *       (Level.Invocation hooks are fine here: one invocation is a batch of tens of microseconds or more.)</li>
 *   <li><b>contains</b> alternates a hit (an existing link) and a miss (an absent pair of popular entities).</li>
 *   <li><b>Applicability.</b> {@code csr} is immutable: only lookups and contains run on it (its setup throws for
 *       the others); {@code junction-iter} differs from {@code junction} only in lookups. The driver
 *       ({@link BenchMain}) only schedules meaningful combinations and size limits ({@link Stores#maxLinks}).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelationBench {

    /** Size of every key array and of the fresh-pair pool (a power of two). */
    static final int KEYS = 1 << 16;
    /** Links per timed invocation of {@link #link}. */
    static final int LINK_BATCH = 1024;
    /** Lefts removed per timed invocation of {@link #removeLeft}. */
    static final int REMOVE_BATCH = 256;

    /** Implementation name, see {@link Stores#ALL}. */
    @Param({"junction"})
    public String impl;

    /** Workload spec, see {@link Workload}. */
    @Param({"zipf-1m"})
    public String workload;

    LinkStore store;
    Workload data;
    private final int[] lookupLefts = new int[KEYS];
    private final int[] lookupRights = new int[KEYS];
    private final int[] pairLefts = new int[KEYS];
    private final int[] pairRights = new int[KEYS];
    private final int[] probeLefts = new int[KEYS];
    private final int[] probeRights = new int[KEYS];
    final int[] freshLefts = new int[KEYS];
    final int[] freshRights = new int[KEYS];
    int[] removableLefts;
    private int hotRight;
    private int cursor;

    /** Builds the workload and the populated store once per fork. */
    @Setup(Level.Trial)
    public void setUp() {
        long links = Workload.linkCount(workload);
        if (links > Stores.maxLinks(impl)) {
            throw new IllegalStateException(impl + " is not run at " + workload + " (limit "
                    + Stores.maxLinks(impl) + " links)");
        }
        data = Workload.get(workload);
        store = Stores.create(impl);
        store.bulkLoad(data.lefts, data.rights);
        System.arraycopy(data.randomLefts(KEYS, 1), 0, lookupLefts, 0, KEYS);
        System.arraycopy(data.randomRights(KEYS, 2), 0, lookupRights, 0, KEYS);
        data.randomLinks(KEYS, 3, pairLefts, pairRights);
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
        data.absentPairs(KEYS, 6, freshLefts, freshRights);
        removableLefts = data.shuffledLefts(7);
        hotRight = data.hottestRight();
        System.gc(); // collect the load's garbage now, not during the first measured iterations
    }

    /** Closes the store (database connections). */
    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    private int next() {
        return cursor++ & (KEYS - 1);
    }

    /** Forward lookup: visits every right of a random left (sum of ids). */
    @Benchmark
    public long lookupForward() {
        return store.sumRights(lookupLefts[next()]);
    }

    /** Reverse lookup: visits every left of a random right (uniform over rights with links). */
    @Benchmark
    public long lookupReverse() {
        return store.sumLefts(lookupRights[next()]);
    }

    /** Reverse lookup of the single hottest (highest-degree) right. */
    @Benchmark
    public long lookupReverseHot() {
        return store.sumLefts(hotRight);
    }

    /** Membership test: alternately a hit and a miss. */
    @Benchmark
    public boolean contains() {
        int i = next();
        return store.contains(probeLefts[i], probeRights[i]);
    }

    /** Unlinks an existing link and links it back: two changes per op, size unchanged. */
    @Benchmark
    public void unlinkRelink(Blackhole bh) {
        int i = next();
        bh.consume(store.unlink(pairLefts[i], pairRights[i]));
        bh.consume(store.link(pairLefts[i], pairRights[i]));
    }

    /** Links {@value #LINK_BATCH} fresh pairs; {@link LinkBatch} unlinks them after the invocation (untimed). */
    @Benchmark
    @OperationsPerInvocation(LINK_BATCH)
    public void link(LinkBatch batch, Blackhole bh) {
        int base = batch.base;
        for (int i = 0; i < LINK_BATCH; i++) {
            bh.consume(store.link(freshLefts[base + i], freshRights[base + i]));
        }
    }

    /** Removes {@value #REMOVE_BATCH} lefts with all their links; {@link RemoveBatch} restores them (untimed). */
    @Benchmark
    @OperationsPerInvocation(REMOVE_BATCH)
    public void removeLeft(RemoveBatch batch, Blackhole bh) {
        int base = batch.base;
        int[] lefts = removableLefts;
        for (int i = 0; i < REMOVE_BATCH; i++) {
            bh.consume(store.removeLeft(lefts[base + i]));
        }
    }

    /** Per-thread cursor over the fresh-pair pool; undoes each batch of {@link #link} outside the timing. */
    @State(Scope.Thread)
    public static class LinkBatch {
        int base;

        /** Unlinks the batch just linked and moves to the next slice of the pool. */
        @TearDown(Level.Invocation)
        public void undo(RelationBench b) {
            for (int i = 0; i < LINK_BATCH; i++) {
                b.store.unlink(b.freshLefts[base + i], b.freshRights[base + i]);
            }
            base = (base + LINK_BATCH) % KEYS;
        }
    }

    /** Per-thread cursor over distinct lefts; restores each batch of {@link #removeLeft} outside the timing. */
    @State(Scope.Thread)
    public static class RemoveBatch {
        int base;

        /** Relinks every removed left to its workload rights, then moves to the next slice. */
        @TearDown(Level.Invocation)
        public void restore(RelationBench b) {
            for (int i = 0; i < REMOVE_BATCH; i++) {
                int left = b.removableLefts[base + i];
                for (int right : b.data.rightsOf(left)) {
                    b.store.link(left, right);
                }
            }
            int slices = Math.max(1, Math.min(b.removableLefts.length, KEYS) / REMOVE_BATCH);
            base = (base / REMOVE_BATCH + 1) % slices * REMOVE_BATCH;
        }
    }
}
