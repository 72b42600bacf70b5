package dev.junction;

import dev.junction.index.IntRelation;
import dev.junction.jmh.ConcurrentReadBench;
import dev.junction.jmh.ConcurrentReadBench.Cursor;
import dev.junction.jmh.ConcurrentReadBench.SumSink;
import dev.junction.jmh.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Controls for {@link ConcurrentReadBench}, not product paths: what the thread-safe read path costs, taken apart,
 * on the engine's own committed storage. In package {@code dev.junction} to reach it (package-private).
 *
 * <ul>
 *   <li>{@code store*}: the committed storage read directly, with no protection (what the raw index costs when it
 *       is the engine's).</li>
 *   <li>{@code ownerCheck*}: the storage read after one plain load from a holder object and a null test. This is
 *       the least any design can add if, as the engine must, a transaction's thread reads its own uncommitted
 *       changes through the same relation object: even immutable published versions would need it.</li>
 *   <li>{@code gate*}: the engine's fast path inlined here: an acquire load of the gate word, the read, a second
 *       load of the word ({@link ReadGate#open()}, {@link ReadGate#unchanged}).</li>
 *   <li>{@code shared*}: {@code rel.ints()} itself.</li>
 *   <li>{@code copyThenDeliver}: {@code forEachRight} as copy the set into a buffer, then call the action: the
 *       cost of handing user code only a validated set, without the gate or the per-thread buffer lookup.</li>
 * </ul>
 * Same workload, queries and cursors as {@link ConcurrentReadBench}; average time per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReadFloorBench {

    /** Workload spec, see {@link Workload}. */
    @Param({"zipf-1m"})
    public String workload;

    private Junction db;
    private IntRelation shared;
    private IntRelation store;
    private Holder holder;
    private int[] lookupLefts;
    private int[] buffer = new int[64];

    /** Holds what a reader would check before reading: no transaction's owner here, ever. */
    static final class Holder {
        Thread owner;
    }

    /** Loads the engine exactly as {@link ConcurrentReadBench} with {@code impl=shared} does. */
    @Setup(Level.Trial)
    public void setUp() {
        ConcurrentReadBench b = new ConcurrentReadBench();
        b.impl = "shared";
        b.workload = workload;
        b.setUp();
        db = b.engine();
        shared = b.relation();
        store = ((RelationImpl<?, ?>) db.getRelation("rel")).store;
        holder = new Holder();
        lookupLefts = b.lookupLefts();
    }

    /** {@code degreeOfLeft} on the committed storage, unprotected. */
    @Benchmark
    public int storeDegree(Cursor c) {
        return store.degreeOfLeft(lookupLefts[c.next()]);
    }

    /** {@code degreeOfLeft} after the least check a transaction's own reads need. */
    @Benchmark
    public int ownerCheckDegree(Cursor c) {
        int l = lookupLefts[c.next()];
        if (holder.owner != null) {
            return -1;
        }
        return store.degreeOfLeft(l);
    }

    /** {@code degreeOfLeft} inside the gate, as the engine does it. */
    @Benchmark
    public int gateDegree(Cursor c) {
        int l = lookupLefts[c.next()];
        long g = db.gate.open();
        if (g != 0L) {
            int v = store.degreeOfLeft(l);
            if (db.gate.unchanged(g)) {
                return v;
            }
        }
        return shared.degreeOfLeft(l);
    }

    /** {@code rel.ints().degreeOfLeft}. */
    @Benchmark
    public int sharedDegree(Cursor c) {
        return shared.degreeOfLeft(lookupLefts[c.next()]);
    }

    /** {@code forEachRight} on the committed storage, unprotected. */
    @Benchmark
    public long storeForEach(Cursor c) {
        SumSink s = c.sink();
        s.sum = 0;
        store.forEachRight(lookupLefts[c.next()], s);
        return s.sum;
    }

    /** {@code forEachRight} as copy, then deliver, unprotected (one thread: a field buffer). */
    @Benchmark
    public long copyThenDeliver(Cursor c) {
        SumSink s = c.sink();
        s.sum = 0;
        int l = lookupLefts[c.next()];
        int[] buf = buffer;
        int n;
        while ((n = store.copyRightsTo(l, buf)) > buf.length) {
            buffer = buf = new int[n];
        }
        for (int i = 0; i < n; i++) {
            s.accept(buf[i]);
        }
        return s.sum;
    }

    /** {@code rel.ints().forEachRight}. */
    @Benchmark
    public long sharedForEach(Cursor c) {
        SumSink s = c.sink();
        s.sum = 0;
        shared.forEachRight(lookupLefts[c.next()], s);
        return s.sum;
    }
}
