package dev.junction.index;

import it.unimi.dsi.fastutil.ints.AbstractIntSet;
import it.unimi.dsi.fastutil.ints.IntCollection;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Collection;
import java.util.Objects;
import java.util.function.IntConsumer;

/** The live, read-only {@link IntNeighborSet} of one entity on one side of a relation. */
final class NeighborView extends AbstractIntSet implements IntNeighborSet {

    private final AdjacencyIndex index;
    private final int owner;
    private final String relation;

    NeighborView(AdjacencyIndex index, int owner, String relation) {
        this.index = index;
        this.owner = owner;
        this.relation = relation;
    }

    @Override
    public int owner() {
        return owner;
    }

    @Override
    public int size() {
        return index.degree(owner);
    }

    @Override
    public boolean isEmpty() {
        return index.degree(owner) == 0;
    }

    @Override
    public boolean contains(int k) {
        return k >= 0 && index.contains(owner, k);
    }

    @Override
    public IntIterator iterator() {
        return new NeighborCursor(index, owner, -1, relation);
    }

    @Override
    public IntIterator iteratorAfter(int after) {
        return new NeighborCursor(index, owner, after, relation);
    }

    @Override
    public void forEach(IntConsumer action) {
        Objects.requireNonNull(action, "action");
        index.forEach(owner, action, relation);
    }

    @Override
    public int copyTo(int[] dest) {
        Objects.requireNonNull(dest, "dest");
        return index.copyTo(owner, dest);
    }

    @Override
    public int copyRange(int offset, int[] dest) {
        Objects.requireNonNull(dest, "dest");
        if (offset < 0) throw new IllegalArgumentException("relation '" + relation + "': offset " + offset
                + " is negative");
        return index.copyRange(owner, offset, dest);
    }

    @Override
    public int[] toIntArray() {
        return index.toArray(owner);
    }

    /** The ids, ascending, listed like a {@link java.util.List}: {@code [0, 1, 5]} (one consistent read). */
    @Override
    public String toString() {
        return java.util.Arrays.toString(toIntArray());
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("relation '" + relation
                + "': the neighbour set of id " + owner + " is read-only; link and unlink through the relation");
    }

    @Override public boolean add(int k) { throw readOnly(); }
    @Override public boolean remove(int k) { throw readOnly(); }
    @Override public boolean addAll(IntCollection c) { throw readOnly(); }
    @Override public boolean removeAll(IntCollection c) { throw readOnly(); }
    @Override public boolean retainAll(IntCollection c) { throw readOnly(); }
    @Override public boolean addAll(Collection<? extends Integer> c) { throw readOnly(); }
    @Override public boolean removeAll(Collection<?> c) { throw readOnly(); }
    @Override public boolean retainAll(Collection<?> c) { throw readOnly(); }
    @Override public boolean removeIf(java.util.function.IntPredicate filter) { throw readOnly(); }
    @Override public void clear() { throw readOnly(); }
}
