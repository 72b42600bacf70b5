package dev.junction;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntRBTreeSet;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A sorted set of non-negative ints for a transaction's per-entity deltas ({@link DeltaRelation}): the ids one
 * entity gained or lost in the transaction, iterated in ascending order to merge with the committed set.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Small first.</b> Most deltas hold one or a few ids. They live in a sorted {@code int[]} searched by
 *       binary search: 16 bytes of array for the first ids, where a fastutil AVL or red-black tree allocates a
 *       node per id plus, on its first insertion, two 64-slot path arrays (about 400 bytes per set).</li>
 *   <li><b>Large later.</b> An insertion into the array shifts its tail, O(n); past {@value #TREE_AT} ids the set
 *       moves to an {@link IntRBTreeSet} (O(log n) per change), so a transaction that gives one entity many
 *       links in random order stays O(n log n) overall.</li>
 *   <li>Not thread-safe: used by the transaction's thread only. Its iterators do not check for changes: the
 *       merging iterator of {@link DeltaRelation} does, before it reads on.</li>
 * </ul>
 */
final class SortedIntSet {

    /** The size past which the set becomes a tree. */
    static final int TREE_AT = 512;

    private int[] ids = new int[2];
    private int size;
    /** The tree the set became past {@link #TREE_AT} ids, or null while it is an array. */
    private IntRBTreeSet tree;

    /** Adds {@code x}; returns whether it was absent. */
    boolean add(int x) {
        if (tree != null) return tree.add(x);
        int i = Arrays.binarySearch(ids, 0, size, x);
        if (i >= 0) return false;
        i = -i - 1;
        if (size == TREE_AT) {
            tree = new IntRBTreeSet(ids, 0, size);
            ids = null;
            return tree.add(x);
        }
        if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
        System.arraycopy(ids, i, ids, i + 1, size - i);
        ids[i] = x;
        size++;
        return true;
    }

    /** Removes {@code x}; returns whether it was present. */
    boolean remove(int x) {
        if (tree != null) return tree.remove(x);
        int i = Arrays.binarySearch(ids, 0, size, x);
        if (i < 0) return false;
        System.arraycopy(ids, i + 1, ids, i, size - i - 1);
        size--;
        return true;
    }

    boolean contains(int x) {
        return tree != null ? tree.contains(x) : Arrays.binarySearch(ids, 0, size, x) >= 0;
    }

    int size() {
        return tree != null ? tree.size() : size;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** The ids of at least {@code min}, ascending. */
    IntIterator iteratorFrom(int min) {
        if (tree != null) return min <= 0 ? tree.iterator() : tree.tailSet(min).iterator();
        int start = min <= 0 ? 0 : Arrays.binarySearch(ids, 0, size, min);
        if (start < 0) start = -start - 1;
        return new ArrayIterator(ids, start, size);
    }

    /** Ascending over {@code ids[from, to)}. */
    private static final class ArrayIterator implements IntIterator {
        private final int[] ids;
        private final int to;
        private int next;

        ArrayIterator(int[] ids, int from, int to) {
            this.ids = ids;
            this.next = from;
            this.to = to;
        }

        @Override
        public boolean hasNext() {
            return next < to;
        }

        @Override
        public int nextInt() {
            if (next >= to) throw new NoSuchElementException();
            return ids[next++];
        }
    }
}
