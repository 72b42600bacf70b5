package dev.junction.index;

import it.unimi.dsi.fastutil.longs.LongArrays;

/**
 * Sorts pairs of ids by {@code (owner, other)} for bulk loads.
 *
 * <p>When the ids of both columns fall in dense ranges (the usual case: ids handed out by a table), two
 * stable counting sorts, by {@code other} and then by {@code owner}, do it in O(n + range) with sequential
 * passes: the way a CSR is built, several times faster than a comparison or 64-bit radix sort. Sparse ids fall
 * back to fastutil's radix sort on packed longs.
 */
final class PairSort {

    private PairSort() {
    }

    /** The first {@code n} pairs sorted by {@code (owner, other)}, with duplicates: {@code {owners, others}}. */
    static int[][] sort(int[] owners, int[] others, int n) {
        int[] k1 = new int[n], v1 = new int[n];
        if (countingSort(others, owners, n, k1, v1)) {
            int[] k2 = new int[n], v2 = new int[n];
            if (countingSort(v1, k1, n, k2, v2)) return new int[][] {k2, v2};
        }
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) packed[i] = (long) owners[i] << 32 | (others[i] & 0xFFFF_FFFFL);
        LongArrays.radixSort(packed);
        for (int i = 0; i < n; i++) {
            k1[i] = (int) (packed[i] >>> 32);
            v1[i] = (int) packed[i];
        }
        return new int[][] {k1, v1};
    }

    /** Whether the pairs are in ascending (owner, other) order, duplicates allowed. O(n). */
    static boolean isSorted(int[] owners, int[] others) {
        for (int i = 1; i < owners.length; i++) {
            int o = owners[i - 1], p = owners[i];
            if (p < o || (p == o && others[i] < others[i - 1])) return false;
        }
        return true;
    }

    /**
     * The first {@code n} pairs ({@code keys[i]}, {@code vals[i]}), given in ascending order of {@code vals}
     * (then keys), sorted by (key, val): one stable counting sort by key keeps the vals ascending within a key;
     * the general sort when the keys are too spread out for counting.
     */
    static int[][] sortByKeyOfSorted(int[] keys, int[] vals, int n) {
        int[] k = new int[n], v = new int[n];
        if (countingSort(keys, vals, n, k, v)) return new int[][] {k, v};
        return sort(keys, vals, n);
    }

    /**
     * Stable counting sort of the first {@code n} pairs by {@code key}, into {@code outKey}/{@code outVal}, if the
     * keys span at most {@code 2n + 1024} values; returns {@code false} (and writes nothing) otherwise.
     */
    static boolean countingSort(int[] key, int[] val, int n, int[] outKey, int[] outVal) {
        int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            int k = key[i];
            if (k < min) min = k;
            if (k > max) max = k;
        }
        if (n == 0) return true;
        long range = (long) max - min + 1;
        if (range > 2L * n + 1024) return false;
        int[] start = new int[(int) range + 1];
        for (int i = 0; i < n; i++) start[key[i] - min + 1]++;
        for (int i = 1; i <= range; i++) start[i] += start[i - 1];
        for (int i = 0; i < n; i++) {
            int k = key[i];
            int p = start[k - min]++;
            outKey[p] = k;
            outVal[p] = val[i];
        }
        return true;
    }
}
