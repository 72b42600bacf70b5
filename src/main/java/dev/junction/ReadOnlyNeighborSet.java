package dev.junction;

import dev.junction.index.IntNeighborSet;
import it.unimi.dsi.fastutil.ints.AbstractIntSet;
import it.unimi.dsi.fastutil.ints.IntCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.IntPredicate;

/**
 * What the engine's live neighbour sets ({@link SharedIntRelation}'s committed view, {@link DeltaRelation}'s
 * merged one) share: they are read-only, so every write throws, naming the relation and the owner, and they
 * print as a list. Links change only through the relation.
 */
abstract class ReadOnlyNeighborSet extends AbstractIntSet implements IntNeighborSet {

    /** Whether the owner is a left, so that this set holds its rights (else a right, and its lefts). */
    final boolean ownerLeft;

    ReadOnlyNeighborSet(boolean ownerLeft) {
        this.ownerLeft = ownerLeft;
    }

    /** The relation's name, for the messages. */
    abstract String relationName();

    /** The ids, ascending, listed like a {@link java.util.List}: {@code [0, 1, 5]} (one consistent read). */
    @Override
    public String toString() {
        return Arrays.toString(toIntArray());
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("relation '" + relationName() + "': the neighbour set of id "
                + owner() + " is read-only; link and unlink through the relation");
    }

    @Override public boolean add(int k) { throw readOnly(); }
    @Override public boolean remove(int k) { throw readOnly(); }
    @Override public boolean addAll(IntCollection c) { throw readOnly(); }
    @Override public boolean removeAll(IntCollection c) { throw readOnly(); }
    @Override public boolean retainAll(IntCollection c) { throw readOnly(); }
    @Override public boolean addAll(Collection<? extends Integer> c) { throw readOnly(); }
    @Override public boolean removeAll(Collection<?> c) { throw readOnly(); }
    @Override public boolean retainAll(Collection<?> c) { throw readOnly(); }
    @Override public boolean removeIf(IntPredicate filter) { throw readOnly(); }
    @Override public void clear() { throw readOnly(); }
}
