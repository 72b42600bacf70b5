package dev.junction.index;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The search inside one small set, alone: {@link SortedRuns#search} (the index's) against the search it replaced
 * (halving with a conditional move down to eight, then a linear scan with an early exit), branch-free variants
 * (a count of the last 8 or 16 candidates), a linear scan and {@link Arrays#binarySearch}, on the same slots and
 * probes in the same run. In package
 * {@code dev.junction.index} to reach the package-private class.
 *
 * <p>Slots of {@code 1..maxDegree} sorted ids (uniform, as the Zipf workload's lefts) are laid out one after
 * another in padded 64 Ki-int chunks, {@code sets} of them (4 MiB at 200k sets: L3-resident, as the 1M-link
 * workload's left side); each op searches a random slot for a key that alternately is and is not in it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SearchBench {

    private static final int PROBES = 1 << 16;

    @Param({"200000"})
    public int sets;

    @Param({"19"})
    public int maxDegree;

    private int[][] chunks;
    private final int[] probeChunk = new int[PROBES];
    private final int[] probeFrom = new int[PROBES];
    private final int[] probeTo = new int[PROBES];
    private final int[] probeKey = new int[PROBES];
    private int cursor;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] slotChunk = new int[sets], slotFrom = new int[sets], slotLen = new int[sets];
        int chunkCount = 1, top = 0;
        for (int s = 0; s < sets; s++) {
            int n = 1 + rnd.nextInt(maxDegree);
            if (top + n + 1 > SlotArena.CHUNK_SIZE) {
                chunkCount++;
                top = 0;
            }
            slotChunk[s] = chunkCount - 1;
            slotFrom[s] = top + 1;
            slotLen[s] = n;
            top += n + 1;
        }
        chunks = new int[chunkCount][SlotArena.CHUNK_SIZE + 16]; // padded for the branch-free variants
        for (int s = 0; s < sets; s++) {
            int[] c = chunks[slotChunk[s]];
            c[slotFrom[s] - 1] = slotLen[s];
            int v = rnd.nextInt(1000);
            for (int i = 0; i < slotLen[s]; i++) {
                v += 1 + rnd.nextInt(20_000);
                c[slotFrom[s] + i] = v;
            }
        }
        for (int p = 0; p < PROBES; p++) {
            int s = rnd.nextInt(sets);
            int[] c = chunks[slotChunk[s]];
            probeChunk[p] = slotChunk[s];
            probeFrom[p] = slotFrom[s];
            probeTo[p] = slotFrom[s] + slotLen[s];
            probeKey[p] = (p & 1) == 0 ? c[slotFrom[s] + rnd.nextInt(slotLen[s])] : c[slotFrom[s] + rnd.nextInt(slotLen[s])] + 1;
        }
    }

    private int next() {
        return cursor++ & (PROBES - 1);
    }

    /** The index's search. */
    @Benchmark
    public boolean index() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return SortedRuns.search(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    @Benchmark
    public boolean count16() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return count16Search(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    /** Conditional-move halving down to 16, then all 16 candidates counted (past the run masked off). */
    static int count16Search(int[] a, int from, int to, int key) {
        int lo = from;
        int n = to - from;
        while (n > 16) {
            int half = n >>> 1;
            lo = a[lo + half] < key ? lo + half : lo;
            n -= half;
        }
        int below = 0;
        for (int i = 0; i < 16; i++) below += ((a[lo + i] - key) & (i - n)) >>> 31;
        int i = lo + below;
        return i < to & a[i] == key ? i : -(i + 1);
    }

    @Benchmark
    public boolean linearTail() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return linearTailSearch(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    @Benchmark
    public boolean binarySearch() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return Arrays.binarySearch(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    @Benchmark
    public boolean linearScan() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return linearScanSearch(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    @Benchmark
    public boolean branchyHalving() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return branchyHalvingSearch(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    @Benchmark
    public boolean count8() {
        int p = next();
        int[] c = chunks[probeChunk[p]];
        return count8Search(c, probeFrom[p], probeTo[p], probeKey[p]) >= 0;
    }

    /** An early-exit linear scan over the whole run. */
    static int linearScanSearch(int[] a, int from, int to, int key) {
        int i = from;
        while (i < to && a[i] < key) i++;
        return i < to && a[i] == key ? i : -(i + 1);
    }

    /** Binary search with branches (as Arrays.binarySearch) down to eight, then an early-exit scan. */
    static int branchyHalvingSearch(int[] a, int from, int to, int key) {
        int lo = from, hi = to - 1;
        while (hi - lo > 8) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        while (lo <= hi && a[lo] < key) lo++;
        return lo < to && a[lo] == key ? lo : -(lo + 1);
    }

    /** Two conditional-move halvings (enough for 32), then the eight last candidates counted, all branch-free. */
    static int count8Search(int[] a, int from, int to, int key) {
        int lo = from;
        int n = to - from;
        while (n > 32) {
            int half = n >>> 1;
            lo = a[lo + half] < key ? lo + half : lo;
            n -= half;
        }
        int half = n > 8 ? n >>> 1 : 0;
        lo = a[lo + half] < key ? lo + half : lo;
        n -= half;
        half = n > 8 ? n >>> 1 : 0;
        lo = a[lo + half] < key ? lo + half : lo;
        n -= half;
        int below = 0;
        for (int i = 0; i < 8; i++) below += ((a[lo + i] - key) & (i - n)) >>> 31;
        int i = lo + below;
        return i < to & a[i] == key ? i : -(i + 1);
    }

    /** The search the index used before: halving by conditional moves down to eight, then an early-exit scan. */
    static int linearTailSearch(int[] a, int from, int to, int key) {
        int lo = from;
        int n = to - from;
        while (n > 8) {
            int half = n >>> 1;
            lo = a[lo + half] < key ? lo + half : lo;
            n -= half;
        }
        int end = lo + n;
        while (lo < end && a[lo] < key) lo++;
        return lo < to && a[lo] == key ? lo : -(lo + 1);
    }
}
