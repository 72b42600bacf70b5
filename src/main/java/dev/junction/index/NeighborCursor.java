package dev.junction.index;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.NoSuchElementException;

/**
 * A fail-fast ascending iterator over one entity's set, for both storage forms.
 *
 * <p>Kept small so that the JIT inlines it and scalar-replaces it: iterating a small set allocates nothing. A
 * large set's walk lives in a {@link LargeCursor}, allocated only for sets of more than 64 ids. It reads one
 * element ahead; before each step it checks the side's change counter (one field read) and, only if that moved,
 * the entity's own counter.
 */
final class NeighborCursor implements IntIterator {

    private final AdjacencyIndex index;
    private final int owner;
    private final String relation;
    private final int expectedMod;
    private int expectedSide;

    private boolean has;
    private int next;

    // arena form: chunk[pos..end) are the ids still to come
    private int[] chunk;
    private int pos;
    private int end;

    // large form
    private LargeCursor large;

    NeighborCursor(AdjacencyIndex index, int owner, int after, String relation) {
        this.index = index;
        this.owner = owner;
        this.relation = relation;
        this.expectedSide = index.modCount;
        long w = index.wordOf(owner);
        this.expectedMod = index.modStamp(w);
        int c = AdjacencyIndex.clsOf(w);
        if (c == 0) return;
        int a = AdjacencyIndex.addrOf(w);
        if (c == AdjacencyIndex.LARGE) {
            large = new LargeCursor(index.large[a], after);
            int v = large.next();
            has = v >= 0;
            next = v;
            return;
        }
        chunk = index.chunkOf(a);
        int from = (a & SlotArena.CHUNK_MASK) + 1;
        end = from + chunk[from - 1];
        if (after < 0) {
            pos = from;
        } else if (after == Integer.MAX_VALUE) {
            pos = end;
        } else {
            pos = SortedRuns.lowerBound(chunk, from, end, after + 1);
        }
        if (pos < end) {
            has = true;
            next = chunk[pos++];
        }
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
        if (large != null) {
            int n = large.next();
            has = n >= 0;
            next = n;
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
