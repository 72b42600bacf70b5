package dev.junction;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Id bookkeeping shared by the table implementations: a bitset of live ids, a LIFO free list and a high-water
 * mark. Subclasses hold the key → id map and the id → entity storage.
 *
 * <p>Insertion protocol (subclasses): {@link #peekId()}, grow own storage, {@link #markLive(int)}, put the key
 * (on failure {@link #unmarkLive(int)}), write the slot, {@link #commitId()}. Every step that may allocate
 * comes before the first change that would need undoing.
 */
abstract class AbstractTable<E> implements Table<E> {

    final Junction junction;
    final String name;
    /** The primary relations that use this table at one end or both (for delete cascades). */
    final ArrayList<RelationImpl<?, ?>> usedBy = new ArrayList<>(2);

    private final BitSet live = new BitSet();
    private final IntArrayList free = new IntArrayList();
    private int highWater;
    private int size;
    int modCount;

    AbstractTable(Junction junction, String name) {
        this.junction = junction;
        this.name = name;
    }

    // ---- subclass hooks -------------------------------------------------------------------------------

    /**
     * The id of the entity with the same key as {@code entity}, or -1.
     *
     * @throws NullPointerException if {@code entity} or its key is null
     */
    abstract int find(Object entity);

    /**
     * The id of {@code entity}, adding it if absent; a new id is recorded in {@code undo} if not null.
     *
     * @throws NullPointerException if {@code entity} or its key is null
     */
    abstract int findOrInsert(E entity, Undo undo);

    /** Forgets the key and entity stored under a live {@code id}; must not allocate. */
    abstract void dropSlot(int id);

    // ---- id bookkeeping -------------------------------------------------------------------------------

    /** The id the next insertion will use. */
    final int peekId() {
        if (!free.isEmpty()) {
            return free.getInt(free.size() - 1);
        }
        if (highWater == Integer.MAX_VALUE) {
            throw new IllegalStateException("table '" + name + "' is full: all " + Integer.MAX_VALUE
                    + " ids are in use");
        }
        return highWater;
    }

    final void markLive(int id) {
        live.set(id);
    }

    final void unmarkLive(int id) {
        live.clear(id);
    }

    /** Consumes the id returned by the last {@link #peekId()}; never allocates. */
    final void commitId() {
        if (!free.isEmpty()) {
            free.popInt();
        } else {
            highWater++;
        }
        size++;
        modCount++;
    }

    /** Removes a live id with the cascade: every link in every relation of the engine, then the slot. */
    final void removeId(int id) {
        free.ensureCapacity(free.size() + 1); // the only allocation; done before any change
        junction.cascade(this, id);
        dropSlot(id);
        live.clear(id);
        free.push(id);
        size--;
        modCount++;
    }

    /**
     * Undoes the insertion of {@code id} (which has no links left), restoring the id allocator so that later
     * insertions get the ids they would have got without the failed operation. Undo must run in reverse
     * insertion order.
     */
    final void undoInsert(int id) {
        dropSlot(id);
        live.clear(id);
        if (free.isEmpty() && id == highWater - 1) {
            highWater--;
        } else {
            free.push(id);
        }
        size--;
        modCount--;
    }

    // ---- Table ----------------------------------------------------------------------------------------

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Junction junction() {
        return junction;
    }

    @Override
    public final boolean containsId(int id) {
        return id >= 0 && live.get(id);
    }

    @Override
    public final int size() {
        return size;
    }

    final void checkId(int id) {
        if (id < 0 || !live.get(id)) {
            throw new NoSuchElementException("no entity with id " + id + " in table '" + name + "'");
        }
    }

    final NoSuchElementException missing(Object what) {
        return new NoSuchElementException(what + " is not in table '" + name + "'");
    }

    final String nullEntity() {
        return "table '" + name + "': entity is null";
    }

    @Override
    public final boolean contains(E entity) {
        return find(entity) >= 0;
    }

    @Override
    public final int idOf(E entity) {
        int id = find(entity);
        if (id < 0) {
            throw missing(entity);
        }
        return id;
    }

    @Override
    public final boolean remove(E entity) {
        int id = find(entity);
        if (id < 0) {
            return false;
        }
        removeId(id);
        return true;
    }

    @Override
    public final Iterator<E> iterator() {
        return new Iterator<>() {
            int next = live.nextSetBit(0);
            int last = -1;
            int expected = modCount;

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public E next() {
                if (modCount != expected) {
                    throw new ConcurrentModificationException("table '" + name + "' changed during iteration");
                }
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                last = next;
                next = last == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(last + 1);
                return get(last);
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException();
                }
                if (modCount != expected) {
                    throw new ConcurrentModificationException("table '" + name + "' changed during iteration");
                }
                removeId(last);
                last = -1;
                expected = modCount;
            }
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int id = live.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(id + 1)) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(get(id));
        }
        return sb.append(']').toString();
    }
}
