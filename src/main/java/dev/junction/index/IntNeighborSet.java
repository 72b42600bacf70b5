package dev.junction.index;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntSet;

/**
 * A live, read-only view of the ids linked to one entity of an {@link IntRelation}: the rights of a left
 * entity, or the lefts of a right entity.
 *
 * <p>The view is <em>live</em>: it reflects every later change of the relation, and a view of an entity
 * with no links is simply empty. It iterates in <strong>ascending id order</strong>, and never boxes:
 * use {@link #iterator()} with {@link IntIterator#nextInt()}, or {@link #forEach(java.util.function.IntConsumer)}.
 *
 * <p>Complexity: {@link #size()} is O(1); {@link #contains(int)} is O(log d) for an entity of degree d;
 * a full iteration is O(d); {@link #iteratorAfter(int)} positions itself in O(log d).
 *
 * <p>Mutators: on the neighbour sets of an {@link IntRelation} ({@code rightsOf}, {@code leftsOf}, of the raw index
 * or of an engine relation's {@code ints()}), every mutator ({@code add}, {@code remove}, {@code clear},
 * {@code addAll}, {@code removeAll}, {@code retainAll}, {@code removeIf}, the iterator's {@code remove}) throws
 * {@link UnsupportedOperationException} and changes nothing: change the relation through {@link IntRelation}
 * instead, so that both sides always change together. The one exception is documented where it is made: the row
 * sets of an association table ({@code AssociationTable.rowsOfLeft}/{@code rowsOfRight}), whose
 * {@code remove(row)} and {@code clear()} delete rows (their other mutators throw). Iterators are fail-fast: if the
 * entity's links change while an iterator is in use, its next call throws
 * {@link java.util.ConcurrentModificationException}.
 *
 * <p>{@code toString()} lists the ids like a {@link java.util.List}, ascending: {@code [0, 1, 5]}, as the typed
 * views list their entities.
 *
 * <p>Thread-safety: as the relation that made it.
 */
public interface IntNeighborSet extends IntSet {

    /**
     * Returns an iterator over the ids of this set that are strictly greater than {@code after}, in
     * ascending order: the keyset cursor for paging ({@code after = -1} starts at the beginning).
     *
     * @param after the exclusive lower bound; any int, including negative values
     * @return a fail-fast iterator positioned in O(log d)
     */
    IntIterator iteratorAfter(int after);

    /**
     * Copies the ids of this set, ascending, to the start of {@code dest} if they fit, in one bulk copy per
     * sorted run or container: the fastest way to take the whole set out.
     *
     * @param dest the array to fill from index 0
     * @return the size of this set; if it is greater than {@code dest.length}, nothing was copied
     * @throws NullPointerException if {@code dest} is null
     */
    int copyTo(int[] dest);

    /**
     * Copies the ids of ranks {@code offset}, {@code offset + 1}, ... (0 is the smallest id) to the start of
     * {@code dest}, as many as fit and exist: an offset page. On the index it skips to the offset in O(1) for a
     * sorted run and O(containers) for a compressed bitmap, not by iterating; this default iterates.
     *
     * @return how many ids were copied ({@code 0} if {@code offset >= size()})
     * @throws IllegalArgumentException if {@code offset} is negative
     * @throws NullPointerException if {@code dest} is null
     */
    default int copyRange(int offset, int[] dest) {
        java.util.Objects.requireNonNull(dest, "dest");
        if (offset < 0) throw new IllegalArgumentException("offset " + offset + " is negative");
        it.unimi.dsi.fastutil.ints.IntIterator it = iterator();
        for (int i = 0; i < offset && it.hasNext(); i++) it.nextInt();
        int n = 0;
        while (n < dest.length && it.hasNext()) dest[n++] = it.nextInt();
        return n;
    }

    /**
     * The number of ids of this set smaller than {@code id} (the rank {@code id} has or would have): with
     * {@link #copyRange} it positions a page anywhere, for instance a descending keyset page before {@code id}.
     * By binary search over ranks, one single-id {@link #copyRange} per step: on the index O(log d) for a sorted
     * run and O(containers &middot; log d) for a compressed bitmap; O(d log d) where {@code copyRange} iterates.
     *
     * @param id any int; {@link Integer#MAX_VALUE} counts every id of the set
     */
    default int countBelow(int id) {
        int lo = 0;
        int hi = size();
        int[] one = new int[1];
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (copyRange(mid, one) == 0) {
                hi = mid; // nothing at mid: the set shrank meanwhile (a read outside one consistent read state)
            } else if (one[0] < id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The id of the entity whose links this set shows. */
    int owner();
}
