package dev.junction.index;

/**
 * Searches in sorted runs of ints and chars, tuned for the short runs that hold most adjacency sets.
 *
 * <p>{@link java.util.Arrays#binarySearch} takes an unpredictable branch per halving: for a set of ten ids that
 * is four likely mispredictions, more than the memory access it follows. Here the halving step is a select the
 * JIT compiles to a conditional move, and the last eight candidates are scanned linearly, so a short run costs
 * one misprediction at most. Same contract as {@code Arrays.binarySearch}: the index if found, else
 * {@code -(insertion point) - 1}.
 */
final class SortedRuns {

    private SortedRuns() {
    }

    /** The first index in {@code [from, to)} whose value is at least {@code key}, or {@code to}. */
    static int lowerBound(int[] a, int from, int to, int key) {
        int lo = from;
        int n = to - from;
        while (n > 8) {
            int half = n >>> 1;
            lo = a[lo + half] < key ? lo + half : lo;
            n -= half;
        }
        int end = lo + n;
        while (lo < end && a[lo] < key) lo++;
        return lo;
    }

    static int search(int[] a, int from, int to, int key) {
        int i = lowerBound(a, from, to, key);
        return i < to && a[i] == key ? i : -(i + 1);
    }

    /** The first index in {@code [from, to)} whose value is at least {@code key}, or {@code to}. */
    static int lowerBound(char[] a, int from, int to, char key) {
        int lo = from;
        int n = to - from;
        while (n > 8) {
            int half = n >>> 1;
            lo = a[lo + half] < key ? lo + half : lo;
            n -= half;
        }
        int end = lo + n;
        while (lo < end && a[lo] < key) lo++;
        return lo;
    }

    static int search(char[] a, int from, int to, char key) {
        int i = lowerBound(a, from, to, key);
        return i < to && a[i] == key ? i : -(i + 1);
    }
}
