package dev.junction;

import dev.junction.index.IntNeighborSet;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The live {@link java.util.Set} of the entities linked to one owner: {@code rightsOf(owner)} or
 * {@code leftsOf(owner)}. Holds the owner object, not its id, and resolves the id on every operation.
 */
final class RelatedSet<O, T> extends AbstractSet<T> {

    private final Side<O, T> side;
    private final O owner;

    RelatedSet(Side<O, T> side, O owner) {
        this.side = side;
        this.owner = side.checkOwner(owner);
    }

    @Override
    public int size() {
        int o = side.ownerId(owner);
        return o < 0 ? 0 : side.degree(o);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean contains(Object other) {
        return side.contains(owner, other);
    }

    @Override
    public boolean add(T other) {
        return side.add(owner, other);
    }

    @Override
    public boolean remove(Object other) {
        return side.remove(owner, other);
    }

    @Override
    public void clear() {
        int o = side.ownerId(owner);
        if (o >= 0) {
            side.removeAll(o);
        }
    }

    @Override
    public boolean addAll(Collection<? extends T> others) {
        return side.addAll(owner, others);
    }

    @Override
    public boolean removeAll(Collection<?> others) {
        Object[] items = side.snapshot(others);
        int o = side.ownerId(owner);
        if (o < 0) {
            return false;
        }
        IntArrayList doomed = new IntArrayList();
        for (Object item : items) {
            int x = side.otherTable.find(item);
            if (x >= 0 && side.linked(o, x)) {
                doomed.add(x);
            }
        }
        return unlinkAll(o, doomed);
    }

    @Override
    public boolean retainAll(Collection<?> keep) {
        Objects.requireNonNull(keep, () -> "relation '" + side.relation.name + "': collection is null");
        return removeMatching(e -> !keep.contains(e));
    }

    @Override
    public boolean removeIf(Predicate<? super T> filter) {
        Objects.requireNonNull(filter, () -> "relation '" + side.relation.name + "': predicate is null");
        return removeMatching(filter);
    }

    /** Decides for every neighbour first (nothing changes if the predicate throws), then unlinks. */
    private boolean removeMatching(Predicate<? super T> filter) {
        int o = side.ownerId(owner);
        if (o < 0) {
            return false;
        }
        IntArrayList doomed = new IntArrayList();
        for (IntIterator it = side.neighbours(o).iterator(); it.hasNext(); ) {
            int x = it.nextInt();
            if (filter.test(side.otherTable.get(x))) {
                doomed.add(x);
            }
        }
        return unlinkAll(o, doomed);
    }

    private boolean unlinkAll(int o, IntArrayList doomed) {
        boolean changed = false;
        for (int i = 0, n = doomed.size(); i < n; i++) {
            changed |= side.unlink(o, doomed.getInt(i));
        }
        return changed;
    }

    @Override
    public Iterator<T> iterator() {
        int o = side.ownerId(owner);
        return o < 0 ? java.util.Collections.emptyIterator() : new It(o);
    }

    /** Wraps the fail-fast int iterator; {@code remove} unlinks and re-positions after the removed id. */
    private final class It implements Iterator<T> {
        private final int owner;
        private final IntNeighborSet set;
        private IntIterator ids;
        private int last = -1;

        It(int owner) {
            this.owner = owner;
            this.set = side.neighbours(owner);
            this.ids = set.iterator();
        }

        @Override
        public boolean hasNext() {
            return ids.hasNext();
        }

        @Override
        public T next() {
            int x = ids.nextInt(); // throws ConcurrentModificationException / NoSuchElementException
            last = x;
            return side.otherTable.get(x);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            // The int iterator is fail-fast: hasNext() or a later call reports a change made by other means.
            ids.hasNext();
            if (!side.unlink(owner, last)) {
                throw new ConcurrentModificationException("relation '" + side.relation.name
                        + "': the link was removed by other means during iteration");
            }
            ids = set.iteratorAfter(last);
            last = -1;
        }
    }

    // toString, equals and hashCode: from AbstractSet/AbstractCollection, in iteration order: "[a, b]".
}
