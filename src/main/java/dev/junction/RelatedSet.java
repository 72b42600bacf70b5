package dev.junction;

import dev.junction.index.IntNeighborSet;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The live {@link java.util.Set} of the entities linked to one owner: {@code rightsOf(owner)} or
 * {@code leftsOf(owner)}. Holds the owner object, not its id, and resolves the id on every operation.
 * Keyset pages are positioned on the index ({@link IntNeighborSet#iteratorAfter},
 * {@link IntNeighborSet#countBelow} and {@link IntNeighborSet#copyRange}), in one read of the engine.
 */
final class RelatedSet<O, T> extends PagedNeighborSet<T> {

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
     * Wraps the fail-fast int iterator, reading it in batches of up to {@link #BATCH} ids whose entities are
     * resolved in the same step, validated against commits once, after it was read, whether it returned or threw
     * ({@link ReadGate#checkStep}). Every step between batches checks what a step of the int iterator would: that
     * this thread began or ended no transaction, and, only if a commit happened since (one volatile read says),
     * that it did not change this set (the int iterator fails fast). So a step of the caller's loop is a check and
     * an array read. {@code remove} unlinks and goes on after the buffered ids. Allocates the iterator, its two
     * small buffers and what the entity type forces (a {@code Long} box for a table of longs); no string is built
     * unless a step throws.
     */
    private final class It implements Iterator<T> {
        private static final int BATCH = 16;
        private final int owner;
        private final Txn madeIn = side.junction.ownTxn();
        private long stamp;
        private IntIterator ids;
        private final int[] idBuf = new int[BATCH];
        private final Object[] entityBuf = new Object[BATCH];
        private int pos;
        private int count;
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

        /** Reads the next batch of ids and their entities in one validated step. */
        private void refill() {
            pos = 0;
            count = 0;
            begin();
            try { // throws ConcurrentModificationException if the set changed by other means
                while (count < BATCH && ids.hasNext()) {
                    int x = ids.nextInt();
                    idBuf[count] = x;
                    entityBuf[count] = side.otherTable.entity(x);
                    count++;
                }
            } finally {
                end();
            }
        }

        /** Between batches: fails as a step of the int iterator would, and costs a volatile read when nothing changed. */
        private void verify() {
            side.junction.gate.checkSameTxn(madeIn, "relation", side.relation.name);
            // in a transaction (stamp 0) the overlay may change at any step; outside one, only if a commit happened
            if (stamp == 0L || side.junction.gate.changedSince(stamp)) {
                begin();
                try {
                    ids.hasNext(); // the int iterator fails fast if this owner's set changed
                } finally {
                    end();
                }
            }
        }

        @Override
        public boolean hasNext() {
            if (pos == count) {
                refill();
            } else {
                verify();
            }
            return pos < count;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            last = idBuf[pos];
            T e = (T) entityBuf[pos];
            entityBuf[pos++] = null;
            return e;
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            verify(); // a change of the set by other means fails here, as the int iterator would
            int x = last;
            boolean removed = side.junction.writes.writeBool(() -> side.unlink(owner, x));
            if (!removed) {
                throw new ConcurrentModificationException("relation '" + side.relation.name
                        + "': the link was removed by other means during iteration");
            }
            stamp = side.junction.gate.iterationStamp(); // our own commit is not a concurrent change
            int resumeAfter = count > 0 ? idBuf[count - 1] : x; // the ids after x in the buffer are still ahead
            begin();
            try {
                ids = side.neighbours(owner).iteratorAfter(resumeAfter);
            } finally {
                end();
            }
            last = -1;
        }
    }

    // ---- keyset pages -------------------------------------------------------------------------------------

    /** Positioned on the cursor's id, in one read of the engine. */
    @Override
    @SuppressWarnings("unchecked")
    List<T> page(Object cursor, boolean hasCursor, int limit, boolean descending) {
        String name = side.relation.name;
        if (limit < 0) throw new IllegalArgumentException("relation '" + name + "': page limit " + limit + " < 0");
        if (hasCursor) Objects.requireNonNull(cursor, () -> "relation '" + name + "': page cursor is null");
        Object[] entities = side.junction.gate.read(() -> {
            int at = descending ? Integer.MAX_VALUE : -1; // no id reaches either bound
            if (hasCursor) {
                at = side.otherTable.find(cursor);
                if (at < 0) {
                    throw new java.util.NoSuchElementException("relation '" + name + "': page cursor " + cursor
                            + " is not in table '" + side.otherTable.name + "'");
                }
            }
            int o = side.ownerId(owner);
            if (o < 0 || limit == 0) return new Object[0];
            IntNeighborSet set = side.neighbours(o);
            int[] ids;
            if (descending) {
                int below = set.countBelow(at);
                int from = Math.max(0, below - limit);
                ids = new int[below - from];
                int n = set.copyRange(from, ids);
                if (n < ids.length) ids = java.util.Arrays.copyOf(ids, n);
            } else {
                ids = new int[Math.min(limit, set.size())];
                int n = 0;
                for (IntIterator it = set.iteratorAfter(at); n < ids.length && it.hasNext(); ) ids[n++] = it.nextInt();
                if (n < ids.length) ids = java.util.Arrays.copyOf(ids, n);
            }
            Object[] out = new Object[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[descending ? ids.length - 1 - i : i] = side.otherTable.entity(ids[i]);
            }
            return out;
        });
        return (List<T>) new java.util.ArrayList<>(java.util.Arrays.asList(entities));
    }

    // toString, equals and hashCode: from AbstractSet/AbstractCollection, in iteration order: "[a, b]".
}
