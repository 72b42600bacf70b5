package dev.junction.jmh;

import dev.junction.index.IntRelation;
import java.util.SplittableRandom;
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
 * Does a write or a membership test cost more on an entity with a million links than on one with ten? The
 * goal is at most 2×: Junction's large sets are compressed bitmaps whose updates touch one 16-bit container.
 *
 * <h2>Methodology</h2>
 * Both cases share the same background: {@value #OTHERS} rights, each linked to one of 1,000 filler lefts, so
 * that the other end of every op costs the same (a random entity, out of cache) whatever the degree. One left
 * entity ({@code HOT}) is then linked to {@code degree} of those rights, drawn at random (loaded with
 * {@code linkAll}). {@code contains(HOT, r)} searches the hot entity's own set. Each op takes the next of 65,536
 * precomputed random rights, so the only difference between the two rows is the size of the hot entity's set
 * (with {@code degree=1000000} about half the probes hit it, with {@code degree=10} almost none do):
 * <ul>
 *   <li>{@code linkUnlink}: links {@code (HOT, right)} and unlinks it again if it was new, else unlinks and relinks
 *       it: two changes of the hot entity's set per op, size unchanged.</li>
 *   <li>{@code contains}: {@code contains(HOT, right)}.</li>
 * </ul>
 * Compare the {@code degree=10} and {@code degree=1000000} rows of one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DegreeScalingBench {

    private static final int HOT = 0;
    private static final int KEYS = 1 << 16;
    private static final int OTHERS = 2_000_000;

    /** Links of the hot entity. */
    @Param({"10", "1000000"})
    public int degree;

    private IntRelation relation;
    private final int[] probes = new int[KEYS];
    private int cursor;

    /** Loads the hot entity and draws the probes. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(17);
        int[] lefts = new int[OTHERS + degree];
        int[] rights = new int[OTHERS + degree];
        for (int r = 0; r < OTHERS; r++) {
            lefts[r] = 1 + rnd.nextInt(1000);
            rights[r] = r;
        }
        boolean[] taken = new boolean[OTHERS];
        for (int i = OTHERS; i < OTHERS + degree; i++) {
            int r;
            do {
                r = rnd.nextInt(OTHERS);
            } while (taken[r]);
            taken[r] = true;
            lefts[i] = HOT;
            rights[i] = r;
        }
        relation = IntRelation.bipartite("hot");
        relation.linkAll(lefts, rights);
        for (int i = 0; i < KEYS; i++) probes[i] = rnd.nextInt(OTHERS);
    }

    private int next() {
        return probes[cursor++ & (KEYS - 1)];
    }

    /** Two changes of the hot entity's set: link then unlink a new pair, or unlink then relink a present one. */
    @Benchmark
    public boolean linkUnlink() {
        int r = next();
        if (relation.link(HOT, r)) {
            return relation.unlink(HOT, r);
        }
        relation.unlink(HOT, r);
        return relation.link(HOT, r);
    }

    /** Membership in the hot entity's set, about half hits. */
    @Benchmark
    public boolean contains() {
        return relation.contains(HOT, next());
    }
}
