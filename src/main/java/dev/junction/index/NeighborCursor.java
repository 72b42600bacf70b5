package dev.junction.index;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A fail-fast ascending iterator over one entity's set, for both storage forms.
 *
 * <p>One class serves the arena and the large form, so that call sites stay monomorphic and the JIT can
 * scalar-replace the cursor. It reads one element ahead; before each step it checks the side's change
 * counter (one field read) and, only if that moved, the entity's own counter.
 */
final class NeighborCursor implements IntIterator {

    private final AdjacencyIndex index;
    private final int owner;
    private final String relation;
    private final int expectedMod;
    private int expectedSide;

    private boolean has;
    private int next;

    // arena form
    private int[] chunk;
    private int pos;
    private int end;

    // large form
    private LargeIntSet set;
    private int container;
    private char[] array;
    private int arrayPos;
    private int arrayCard;
    private long[] bits;
    private int word;
    private long current;
    private int base;

    NeighborCursor(AdjacencyIndex index, int owner, int after, String relation) {
        this.index = index;
        this.owner = owner;
        this.relation = relation;
        this.expectedSide = index.modCount;
        long w = index.wordOf(owner);
        this.expectedMod = AdjacencyIndex.modOf(w);
        int c = AdjacencyIndex.clsOf(w);
        if (c == 0) return;
        int a = AdjacencyIndex.addrOf(w);
        if (c == AdjacencyIndex.LARGE) {
            set = index.large[a];
            seekLarge(after);
        } else {
            chunk = index.chunkOf(a);
            int off = a & SlotArena.CHUNK_MASK;
            int from = off + 1;
            end = from + chunk[off];
            if (after < 0) {
                pos = from;
            } else {
                int p = SortedRuns.search(chunk, from, end, after);
                pos = p >= 0 ? p + 1 : -p - 1;
            }
            if (pos < end) {
                has = true;
                next = chunk[pos++];
            }
        }
    }

    private void seekLarge(int after) {
        if (after < 0) {
            container = 0;
            openContainer(0);
        } else {
            int hi = after >>> 16;
            container = set.ceilContainer(hi);
            if (container < set.containers && set.keys[container] == hi) {
                openContainer((after & 0xFFFF) + 1);
            } else {
                openContainer(0);
            }
        }
        advanceLarge();
    }

    /** Opens container {@code container} at low value {@code fromLow} (may be 65536: nothing left in it). */
    private void openContainer(int fromLow) {
        if (container >= set.containers) return;
        base = set.keys[container] << 16;
        array = set.arrays[container];
        if (array != null) {
            arrayCard = set.cards[container];
            if (fromLow == 0) {
                arrayPos = 0;
            } else if (fromLow > 0xFFFF) {
                arrayPos = arrayCard;
            } else {
                int p = SortedRuns.search(array, 0, arrayCard, (char) fromLow);
                arrayPos = p >= 0 ? p : -p - 1;
            }
            bits = null;
        } else {
            bits = set.bitmaps[container];
            if (fromLow > 0xFFFF) {
                word = bits.length;
                current = 0;
            } else {
                word = fromLow >>> 6;
                current = bits[word] & (-1L << fromLow);
            }
        }
    }

    private void advanceLarge() {
        while (container < set.containers) {
            if (array != null) {
                if (arrayPos < arrayCard) {
                    next = base | array[arrayPos++];
                    has = true;
                    return;
                }
            } else {
                while (true) {
                    if (current != 0) {
                        next = base | (word << 6) | Long.numberOfTrailingZeros(current);
                        current &= current - 1;
                        has = true;
                        return;
                    }
                    if (++word >= bits.length) break;
                    current = bits[word];
                }
            }
            container++;
            openContainer(0);
        }
        has = false;
    }

    private void checkForComodification() {
        if (index.modCount != expectedSide) {
            expectedSide = index.check(owner, expectedMod, relation);
        }
    }

    @Override
    public boolean hasNext() {
        checkForComodification();
        return has;
    }

    @Override
    public int nextInt() {
        checkForComodification();
        if (!has) throw new NoSuchElementException("relation '" + relation + "': no more ids linked to " + owner);
        int v = next;
        if (set != null) {
            advanceLarge();
        } else if (pos < end) {
            next = chunk[pos++];
        } else {
            has = false;
        }
        return v;
    }

    @Override
    public void remove() {
        throw new UnsupportedOperationException(
                "relation '" + relation + "': neighbour sets are read-only; use unlink on the relation");
    }
}
