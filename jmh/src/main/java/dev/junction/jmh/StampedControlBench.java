package dev.junction.jmh;

import dev.junction.index.IntRelation;
import dev.junction.jmh.ConcurrentReadBench.Cursor;
import dev.junction.jmh.ConcurrentReadBench.SumSink;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
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
 * A control for {@link ConcurrentReadBench}, not a product path: the raw index read inside a bare StampedLock
 * optimistic read ({@code tryOptimisticRead}, read, {@code validate}, fallback under {@code readLock}) with no
 * transaction check, no copy and no per-thread buffer. It is the floor of what validated reads can cost, so
 * {@code shared − control} is what the facade adds on top of the validation itself. The lookups call the action
 * on unvalidated data (unsafe under writers; fine here, nothing writes): they measure cost only.
 *
 * <p>Same data, queries and cursors as {@link ConcurrentReadBench} ({@code impl=raw}); throughput in ops/µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StampedControlBench {

    /** Workload spec, see {@link Workload}. */
    @Param({"zipf-1m"})
    public String workload;

    private IntRelation relation;
    private final StampedLock lock = new StampedLock();
    private int[] lookupLefts;
    private int[] lookupRights;
    private int[] probeLefts;
    private int[] probeRights;

    /** Loads the raw index and the queries exactly as {@link ConcurrentReadBench} does. */
    @Setup(Level.Trial)
    public void setUp() {
        ConcurrentReadBench b = new ConcurrentReadBench();
        b.impl = "raw";
        b.workload = workload;
        b.setUp();
        relation = b.relation;
        lookupLefts = b.lookupLefts;
        lookupRights = b.lookupRights;
        probeLefts = b.probeLefts;
        probeRights = b.probeRights;
    }

    /** {@code contains} inside an optimistic read. */
    @Benchmark
    public boolean contains(Cursor c) {
        int i = c.next();
        int l = probeLefts[i];
        int r = probeRights[i];
        long st = lock.tryOptimisticRead();
        if (st != 0L) {
            try {
                boolean v = relation.contains(l, r);
                if (lock.validate(st)) return v;
            } catch (RuntimeException e) {
                if (lock.validate(st)) throw e;
            }
        }
        st = lock.readLock();
        try {
            return relation.contains(l, r);
        } finally {
            lock.unlockRead(st);
        }
    }

    /** {@code degreeOfLeft} inside an optimistic read. */
    @Benchmark
    public int degreeOfLeft(Cursor c) {
        int l = lookupLefts[c.next()];
        long st = lock.tryOptimisticRead();
        if (st != 0L) {
            try {
                int v = relation.degreeOfLeft(l);
                if (lock.validate(st)) return v;
            } catch (RuntimeException e) {
                if (lock.validate(st)) throw e;
            }
        }
        st = lock.readLock();
        try {
            return relation.degreeOfLeft(l);
        } finally {
            lock.unlockRead(st);
        }
    }

    /** {@code forEachRight} straight into the sink, bracketed by an optimistic read (cost floor only). */
    @Benchmark
    public long forEachRight(Cursor c) {
        SumSink s = c.sink;
        s.sum = 0;
        int l = lookupLefts[c.next()];
        long st = lock.tryOptimisticRead();
        relation.forEachRight(l, s);
        if (!lock.validate(st)) {
            s.sum = -1;
        }
        return s.sum;
    }

    /** {@code forEachLeft} straight into the sink, bracketed by an optimistic read (cost floor only). */
    @Benchmark
    public long forEachLeft(Cursor c) {
        SumSink s = c.sink;
        s.sum = 0;
        int r = lookupRights[c.next()];
        long st = lock.tryOptimisticRead();
        relation.forEachLeft(r, s);
        if (!lock.validate(st)) {
            s.sum = -1;
        }
        return s.sum;
    }
}
