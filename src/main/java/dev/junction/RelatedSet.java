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

    /** Reads through the engine's protocol; non-capturing, so they allocate nothing. */
    private static final ReadGate.LongRead<Side<?, ?>> SIZE = (side, a, owner, y) -> {
        int o = side.ownerId(owner);
        return o < 0 ? 0 : side.degree(o);
    };
    private static final ReadGate.LongRead<Side<?, ?>> OWNER_ID = (side, a, owner, y) -> side.ownerId(owner);

    @Override
    public int size() {
        return (int) side.junction.gate.readLong(side, 0L, owner, null, SIZE, SIZE);
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
        side.junction.writes.writeBool(() -> {
            int o = side.ownerId(owner);
            return o >= 0 && side.removeAll(o) > 0;
        });
    }

    @Override
    public boolean addAll(Collection<? extends T> others) {
        return side.addAll(owner, others);
    }

    @Override
    public boolean removeAll(Collection<?> others) {
        Object[] items = side.snapshot(others);
        return side.junction.writes.writeBool(() -> {
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
        });
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
        return side.junction.writes.writeBool(() -> {
            int o = side.ownerId(owner);
            if (o < 0) {
                return false;
            }
            IntArrayList doomed = new IntArrayList();
            for (IntIterator it = side.neighbours(o).iterator(); it.hasNext(); ) {
                int x = it.nextInt();
                if (filter.test(side.otherTable.entity(x))) {
                    doomed.add(x);
                }
            }
            return unlinkAll(o, doomed);
        });
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
        long stamp = side.junction.gate.iterationStamp();
        int o = (int) side.junction.gate.readLong(side, 0L, owner, null, OWNER_ID, OWNER_ID);
        return o < 0 ? java.util.Collections.emptyIterator() : new It(o, stamp);
    }

    /**
     * Wraps the fail-fast int iterator; every step is validated against commits after it ran, whether it returned
     * or threw (see {@link ReadGate#checkStep}); {@code remove} unlinks and re-positions after the removed id. A
     * step allocates nothing but what the entity type forces (a {@code Long} box for a table of longs), and builds
     * no string unless it throws.
     */
    private final class It implements Iterator<T> {
        private final int owner;
        private final Txn madeIn = side.junction.ownTxn();
        private long stamp;
        private IntIterator ids;
        private int last = -1;

        It(int owner, long stamp) {
            this.owner = owner;
            this.stamp = stamp;
            begin();
            try {
                this.ids = side.neighbours(owner).iterator();
            } finally {
                end();
            }
        }

        private void begin() {
            side.junction.gate.checkSameTxn(madeIn, "relation", side.relation.name);
            stamp = side.junction.gate.restamp(stamp);
        }

        private void end() {
            side.junction.gate.checkStep(stamp, "relation", side.relation.name);
        }

        @Override
        public boolean hasNext() {
            begin();
            try {
                return ids.hasNext();
            } finally {
                end();
            }
        }

        @Override
        public T next() {
            begin();
            try { // throws ConcurrentModificationException / NoSuchElementException
                int x = ids.nextInt();
                last = x;
                return side.otherTable.entity(x);
            } finally {
                end();
            }
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            // The int iterator is fail-fast: hasNext() reports a change made by other means.
            hasNext();
            int x = last;
            boolean removed = side.junction.writes.writeBool(() -> side.unlink(owner, x));
            if (!removed) {
                throw new ConcurrentModificationException("relation '" + side.relation.name
                        + "': the link was removed by other means during iteration");
            }
            stamp = side.junction.gate.iterationStamp(); // our own commit is not a concurrent change
            begin();
            try {
                ids = side.neighbours(owner).iteratorAfter(x);
            } finally {
                end();
            }
            last = -1;
        }
    }

    // toString, equals and hashCode: from AbstractSet/AbstractCollection, in iteration order: "[a, b]".
}
