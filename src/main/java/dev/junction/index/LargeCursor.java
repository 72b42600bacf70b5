package dev.junction.index;

/**
 * Ascending iteration over a {@link LargeIntSet}, kept apart from {@link NeighborCursor} on purpose: the
 * container-walking code is too big to inline, and a cursor passed to a method that is not inlined escapes and
 * is allocated. With this state in its own object, the common small-set cursor stays small enough for the JIT
 * to scalar-replace (no allocation), and only iterations over large sets (more than 64 ids) allocate this one
 * object.
 */
final class LargeCursor {

    private static final int WORDS = 1024;

    private final LargeIntSet set;
    private int container;
    private int base;
    private char[] array;
    private int arrayPos;
    private int arrayCard;
    private long[] bits;
    private int word;
    private long current;

    /** Positions the cursor at the first element greater than {@code after} (any int). */
    LargeCursor(LargeIntSet set, int after) {
        this.set = set;
        if (after < 0) {
            open(0, 0);
            return;
        }
        int hi = after >>> 16;
        int c = set.ceilContainer(hi);
        if (c < set.containers && set.keys[c] == hi) {
            open(c, (after & 0xFFFF) + 1);
        } else {
            open(c, 0);
        }
    }

    /** Opens container {@code c} at low value {@code fromLow} (65536 means: nothing left in it). */
    private void open(int c, int fromLow) {
        container = c;
        if (c >= set.containers) return;
        base = set.keys[c] << 16;
        array = set.arrays[c];
        if (array != null) {
            arrayCard = set.cards[c];
            arrayPos = fromLow == 0 ? 0 : fromLow > 0xFFFF ? arrayCard
                    : SortedRuns.lowerBound(array, 0, arrayCard, (char) fromLow);
            bits = null;
        } else {
            bits = set.bitmaps[c];
            if (fromLow > 0xFFFF) {
                word = WORDS;
                current = 0;
            } else {
                word = fromLow >>> 6;
                current = bits[word] & (-1L << fromLow);
            }
        }
    }

    /** The next element in ascending order, or -1 when there is none. Small, so that it inlines. */
    int next() {
        char[] a = array;
        if (a != null) {
            if (arrayPos < arrayCard) return base | a[arrayPos++];
        } else {
            long cur = current;
            if (cur != 0) {
                current = cur & (cur - 1);
                return base | (word << 6) | Long.numberOfTrailingZeros(cur);
            }
        }
        return advance();
    }

    /** The rest of {@link #next}: the next bitmap word or the next container. */
    private int advance() {
        while (container < set.containers) {
            if (array != null) {
                if (arrayPos < arrayCard) return base | array[arrayPos++];
            } else {
                long cur = current;
                int w = word;
                while (cur == 0 && ++w < WORDS) cur = bits[w];
                if (cur != 0) {
                    current = cur & (cur - 1);
                    word = w;
                    return base | (w << 6) | Long.numberOfTrailingZeros(cur);
                }
                word = WORDS;
                current = 0;
            }
            open(container + 1, 0);
        }
        return -1;
    }
}
