package dev.junction.index;

import java.util.Arrays;

/**
 * The adjacency set of a high-degree entity: a compressed bitmap in the manner of Roaring.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Layout.</b> Ids are split into a 16-bit high key and a 16-bit low part. {@code keys} holds the
 *       distinct high keys in ascending order; for each, a container holds the low parts: a sorted
 *       {@code char[]} (array container, at most {@value #ARRAY_MAX} values, 2 bytes each) or a
 *       {@code long[1024]} bitmap (8 KiB for up to 65,536 values). Ids are non-negative, so unsigned and
 *       signed order agree and iteration is ascending.</li>
 *   <li><b>Cost.</b> {@code contains}, {@code add} and {@code remove} binary-search at most 32,768 keys, then
 *       either test a bit or search and shift an array container of at most 4,096 chars: bounded work that
 *       does not grow with the degree. This is what lets a tag with a million posts link as fast as one with
 *       ten.</li>
 *   <li><b>Transitions.</b> An array container that would exceed {@value #ARRAY_MAX} becomes a bitmap; a bitmap
 *       that drops to {@value #BITMAP_MIN} values becomes an array again (the gap avoids flapping).</li>
 *   <li><b>Failure atomicity.</b> All allocation an {@link #add} needs happens in {@link #prepare}, which does not
 *       change the set's contents; {@code add} after a successful {@code prepare} only writes. {@code remove}
 *       never needs memory: shrinking a bitmap back to an array is skipped if it cannot allocate.</li>
 * </ul>
 * Reference: D. Lemire et al., "Roaring Bitmaps: Implementation of an Optimized Software Library",
 * Software: Practice and Experience 48(4), 2018. Not thread-safe.
 */
final class LargeIntSet {

    static final int ARRAY_MAX = 4096;
    static final int BITMAP_MIN = 2048;
    private static final int BITMAP_WORDS = 1024;

    char[] keys = new char[4];
    char[][] arrays = new char[4][];
    long[][] bitmaps = new long[4][];
    int[] cards = new int[4];
    int containers;
    int size;
    /** A container allocated by {@link #prepare} for a high key not yet present. */
    private char[] spare;
    /** What {@link #prepare} found for the {@link #add} that follows: the id (-1: none), container, position. */
    private int pendingX = -1;
    private int pendingIndex;
    private int pendingPos;

    int size() {
        return size;
    }

    /** The container of high key {@code hi}, or {@code -(insertion point) - 1}. */
    private int indexOf(char hi) {
        return SortedRuns.search(keys, 0, containers, hi);
    }

    boolean contains(int x) {
        int i = indexOf((char) (x >>> 16));
        if (i < 0) return false;
        char lo = (char) x;
        char[] a = arrays[i];
        if (a != null) return SortedRuns.search(a, 0, cards[i], lo) >= 0;
        return (bitmaps[i][lo >>> 6] & (1L << lo)) != 0;
    }

    /**
     * First phase of an insertion: tells whether {@code x} is present and, if not, makes every allocation that
     * {@link #add} will need, without changing the contents. Remembers where {@code x} goes, so that the
     * {@link #add} that follows (with no change in between) does not search again.
     *
     * @return {@code false} if {@code x} is already present (nothing was done)
     * @throws OutOfMemoryError before changing anything
     */
    boolean prepare(int x) {
        pendingX = -1;
        char lo = (char) x;
        int i = indexOf((char) (x >>> 16));
        int pos = 0;
        if (i < 0) {
            if (containers == keys.length) {
                int n = Math.min(keys.length * 2, 1 << 16);
                char[] k = Arrays.copyOf(keys, n);
                char[][] a = Arrays.copyOf(arrays, n);
                long[][] b = Arrays.copyOf(bitmaps, n);
                int[] c = Arrays.copyOf(cards, n);
                keys = k; arrays = a; bitmaps = b; cards = c;
            }
            if (spare == null) spare = new char[4];
        } else {
            char[] a = arrays[i];
            if (a == null) {
                if ((bitmaps[i][lo >>> 6] & (1L << lo)) != 0) return false;
            } else {
                int card = cards[i];
                pos = SortedRuns.search(a, 0, card, lo);
                if (pos >= 0) return false;
                pos = -pos - 1;
                if (card == a.length) {
                    if (card < ARRAY_MAX) {
                        arrays[i] = Arrays.copyOf(a, Math.min(ARRAY_MAX, card + (card >> 1) + 4));
                    } else {
                        bitmaps[i] = toBitmap(a, card);
                        arrays[i] = null;
                    }
                }
            }
        }
        pendingX = x;
        pendingIndex = i;
        pendingPos = pos;
        return true;
    }

    /** Adds {@code x}, absent; requires {@link #prepare}{@code (x)} with no change since. */
    void add(int x) {
        if (pendingX != x) throw new IllegalStateException("add(" + x + ") without prepare");
        pendingX = -1;
        char lo = (char) x;
        int i = pendingIndex;
        if (i < 0) {
            i = -i - 1;
            int move = containers - i;
            System.arraycopy(keys, i, keys, i + 1, move);
            System.arraycopy(arrays, i, arrays, i + 1, move);
            System.arraycopy(bitmaps, i, bitmaps, i + 1, move);
            System.arraycopy(cards, i, cards, i + 1, move);
            char[] a = spare;
            spare = null;
            a[0] = lo;
            keys[i] = (char) (x >>> 16);
            arrays[i] = a;
            bitmaps[i] = null;
            cards[i] = 1;
            containers++;
        } else {
            char[] a = arrays[i];
            if (a != null) {
                int pos = pendingPos;
                System.arraycopy(a, pos, a, pos + 1, cards[i] - pos);
                a[pos] = lo;
            } else {
                bitmaps[i][lo >>> 6] |= 1L << lo;
            }
            cards[i]++;
        }
        size++;
    }

    /** Removes {@code x}; never allocates beyond an optional, failure-tolerant shrink. Returns false if absent. */
    boolean remove(int x) {
        pendingX = -1;
        int i = indexOf((char) (x >>> 16));
        if (i < 0) return false;
        char lo = (char) x;
        char[] a = arrays[i];
        int card = cards[i];
        if (a != null) {
            int pos = SortedRuns.search(a, 0, card, lo);
            if (pos < 0) return false;
            System.arraycopy(a, pos + 1, a, pos, card - pos - 1);
        } else {
            long[] b = bitmaps[i];
            long bit = 1L << lo;
            long w = b[lo >>> 6];
            if ((w & bit) == 0) return false;
            b[lo >>> 6] = w & ~bit;
        }
        size--;
        if (--card == 0) {
            removeContainer(i);
        } else {
            cards[i] = card;
            if (a == null && card <= BITMAP_MIN) shrinkToArray(i);
        }
        return true;
    }

    private void removeContainer(int i) {
        int move = containers - i - 1;
        System.arraycopy(keys, i + 1, keys, i, move);
        System.arraycopy(arrays, i + 1, arrays, i, move);
        System.arraycopy(bitmaps, i + 1, bitmaps, i, move);
        System.arraycopy(cards, i + 1, cards, i, move);
        containers--;
        arrays[containers] = null;
        bitmaps[containers] = null;
    }

    private void shrinkToArray(int i) {
        char[] a;
        try {
            a = new char[cards[i]];
        } catch (OutOfMemoryError e) {
            return; // a bitmap is a valid container at any cardinality; try again on a later removal
        }
        long[] b = bitmaps[i];
        int n = 0;
        for (int w = 0; w < BITMAP_WORDS; w++) {
            long word = b[w];
            while (word != 0) {
                a[n++] = (char) ((w << 6) | Long.numberOfTrailingZeros(word));
                word &= word - 1;
            }
        }
        arrays[i] = a;
        bitmaps[i] = null;
    }

    private static long[] toBitmap(char[] a, int card) {
        long[] bits = new long[BITMAP_WORDS];
        for (int j = 0; j < card; j++) {
            char v = a[j];
            bits[v >>> 6] |= 1L << v;
        }
        return bits;
    }

    /** Copies the contents, ascending, into {@code dst} starting at {@code off}; returns the count. */
    /** Copies up to {@code len} ids from rank {@code rank} on to {@code dst[off..]}; returns how many. */
    int copyRange(int rank, int[] dst, int off, int len) {
        int i = 0;
        while (i < containers && rank >= cards[i]) { // whole containers skipped by their counts
            rank -= cards[i];
            i++;
        }
        int n = off;
        int end = off + len;
        for (; i < containers && n < end; i++, rank = 0) {
            int base = keys[i] << 16;
            char[] a = arrays[i];
            if (a != null) {
                for (int j = rank, c = cards[i]; j < c && n < end; j++) dst[n++] = base | a[j];
            } else {
                long[] b = bitmaps[i];
                int w = 0;
                while (rank >= Long.bitCount(b[w])) { // whole words skipped by their counts (rank < cards[i])
                    rank -= Long.bitCount(b[w]);
                    w++;
                }
                long word = b[w];
                for (int k = 0; k < rank; k++) word &= word - 1; // drop the lowest rank bits of this word
                while (true) {
                    while (word != 0 && n < end) {
                        dst[n++] = base | (w << 6) | Long.numberOfTrailingZeros(word);
                        word &= word - 1;
                    }
                    if (n >= end || ++w >= BITMAP_WORDS) break;
                    word = b[w];
                }
            }
        }
        return n - off;
    }

    int copyTo(int[] dst, int off) {
        int n = off;
        for (int i = 0; i < containers; i++) {
            int base = keys[i] << 16;
            char[] a = arrays[i];
            if (a != null) {
                for (int j = 0, c = cards[i]; j < c; j++) dst[n++] = base | a[j];
            } else {
                long[] b = bitmaps[i];
                for (int w = 0; w < BITMAP_WORDS; w++) {
                    long word = b[w];
                    while (word != 0) {
                        dst[n++] = base | (w << 6) | Long.numberOfTrailingZeros(word);
                        word &= word - 1;
                    }
                }
            }
        }
        return n - off;
    }

    /**
     * Builds a set from {@code len} ascending distinct ids (plus room to add {@code extra} without allocating).
     *
     * @throws OutOfMemoryError with no side effect
     */
    static LargeIntSet ofSorted(int[] src, int off, int len, int extra) {
        LargeIntSet s = new LargeIntSet();
        int distinct = highKeys(src, off, len);
        int cap = Math.max(4, distinct + 1);
        s.keys = new char[cap];
        s.arrays = new char[cap][];
        s.bitmaps = new long[cap][];
        s.cards = new int[cap];
        int j = off, end = off + len;
        while (j < end) {
            int hi = src[j] >>> 16;
            int k = j;
            while (k < end && (src[k] >>> 16) == hi) k++;
            int card = k - j;
            int c = s.containers++;
            s.keys[c] = (char) hi;
            s.cards[c] = card;
            if (card <= ARRAY_MAX) {
                char[] a = new char[Math.min(ARRAY_MAX, card + Math.max(extra, card >> 3))];
                for (int t = 0; t < card; t++) a[t] = (char) src[j + t];
                s.arrays[c] = a;
            } else {
                long[] b = new long[BITMAP_WORDS];
                for (int t = j; t < k; t++) b[(src[t] & 0xFFFF) >>> 6] |= 1L << src[t];
                s.bitmaps[c] = b;
            }
            j = k;
        }
        s.size = len;
        return s;
    }

    /** Distinct 16-bit high keys among {@code len} ascending ids: the number of containers they would need. */
    static int highKeys(int[] src, int off, int len) {
        int distinct = 0, prev = -1;
        for (int j = off; j < off + len; j++) {
            int hi = src[j] >>> 16;
            if (hi != prev) { distinct++; prev = hi; }
        }
        return distinct;
    }

    // ---- cursor support: positions are (container, offset-in-container) --------------------------------

    /** Container index of the first container whose high key is >= hi. */
    int ceilContainer(int hi) {
        int i = indexOf((char) hi);
        return i >= 0 ? i : -i - 1;
    }
}
