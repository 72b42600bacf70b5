package dev.junction.jmh;

import dev.junction.jmh.store.LinkStore;
import dev.junction.jmh.store.Stores;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk build: loads all N links of a workload, in its shuffled order, into a fresh empty store.
 *
 * <p>Methodology: single-shot mode ({@link Mode#SingleShotTime}), one build per iteration, so warm-up iterations
 * warm the JIT on full builds and each measured iteration is one cold-data build. {@code @Setup(Level.Iteration)}
 * creates the empty store (and collects the previous one's garbage) outside the timing; the workload itself is
 * built once per fork. The built store is returned so JMH's Blackhole consumes it and the build cannot be
 * eliminated. For the SQL engines this is one transaction of batched inserts; for the in-memory structures it
 * is N single links (Junction has no bulk API); {@code csr} sorts (its natural bulk build).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BulkBuildBench {

    /** Implementation name, see {@link Stores#ALL}. */
    @Param({"junction"})
    public String impl;

    /** Workload spec, see {@link Workload}. */
    @Param({"zipf-1m"})
    public String workload;

    private Workload data;
    private LinkStore store;

    /** Builds the workload once per fork. */
    @Setup(Level.Trial)
    public void loadWorkload() {
        if (Workload.linkCount(workload) > Stores.maxLinks(impl)) {
            throw new IllegalStateException(impl + " is not run at " + workload);
        }
        data = Workload.get(workload);
    }

    /** A fresh empty store before each single-shot iteration. */
    @Setup(Level.Iteration)
    public void freshStore() {
        store = Stores.create(impl);
        System.gc();
    }

    /** Drops the built store. */
    @TearDown(Level.Iteration)
    public void dropStore() {
        store.close();
        store = null;
    }

    /** Loads every link of the workload into the empty store. */
    @Benchmark
    public LinkStore bulkBuild() {
        store.bulkLoad(data.lefts, data.rights);
        return store;
    }
}
