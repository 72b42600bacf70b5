package dev.junction;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.BitSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Id bookkeeping shared by the table implementations: a bitset of live ids, a LIFO free list and a high-water
 * mark. Every id below the mark is live or free, except in a table whose ids are never reused
 * ({@link IdPolicy#NEVER_REUSE}), whose free list stays empty: there, ids below the mark that are not live are
 * retired. Subclasses hold the key → id map and the id → entity storage; a transaction's changes are in a
 * {@link TableOverlay} of the subclass's kind.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Committed state</b> ({@code live}, {@code free}, {@code highWater}, {@code size}, the subclass maps)
 *       changes only while the engine publishes a transaction under its write stamp, so readers on other threads
 *       see it whole.</li>
 *   <li><b>The overlay</b> ({@link #tx}) belongs to the open transaction that touched this table; only that
 *       transaction's thread reads it ({@link #overlay()} checks). It is kept for reuse after the transaction
 *       ends, so a small transaction allocates no new maps.</li>
 * </ul>
 */
abstract class AbstractTable<E> implements Table<E> {

    final Junction junction;
    final String name;
    /** The primary relations that use this table at one end or both (for delete cascades). */
    final java.util.List<RelationImpl<?, ?>> usedBy = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The association tables with rows of this table's entities (their rows go first when an entity does). */
    final java.util.List<AssociationTableImpl<?, ?>> associations = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether listeners are not told of this table's changes (the rows of an association table). */
    boolean quiet;
    /** Whether freed ids are retired instead of reused ({@link IdPolicy#NEVER_REUSE}): the free list stays empty. */
    final boolean neverReuse;

    final BitSet live = new BitSet();
    final IntArrayList free = new IntArrayList();
    int highWater;
    int size;
    /** Bumped by every commit that changed this table; iterators outside a transaction fail fast on it. */
    int modCount;

    /** The overlay of the open transaction that touched this table, or null; read only by its thread. */
    TableOverlay tx;
    /** The last overlay, emptied, for the next transaction; or null. */
    TableOverlay spare;
    /** Entities staged by a snapshot load (phase 1), published by {@link #restorePublish}; or null. */
    private TableOverlay restoring;

    AbstractTable(Junction junction, String name, IdPolicy ids) {
        this.junction = junction;
        this.name = name;
        this.neverReuse = java.util.Objects.requireNonNull(ids, () -> "table '" + name + "': id policy is null")
                == IdPolicy.NEVER_REUSE;
    }

    // ---- subclass hooks -------------------------------------------------------------------------------

    /**
     * The id of the entity with the same key as {@code entity} as this thread sees it (overlay included), or -1.
     *
     * @throws NullPointerException if {@code entity} or its key is null
     */
    abstract int find(Object entity);

    /** A new, empty overlay of this table's kind. */
    abstract TableOverlay newOverlay();

    /** The committed entity of a live {@code id}. */
    abstract E baseEntity(int id);

    /** Makes room in committed storage for ids up to {@code maxId}; may allocate. */
    abstract void baseReserve(int maxId);

    /**
     * Stores {@code entity} as the committed entity of the live {@code id}, whose key it has (a replacement being
     * published); one reference store, never allocates. Tables whose entities are their keys never replace.
     */
    void baseReplace(int id, Object entity) {
        throw new AssertionError("table '" + name + "' does not replace entities");
    }

    /** Maps the committed key of {@code id} back to {@code id} (undo of a publication that replaced it). */
    abstract void baseRemap(int id);

    /** Forgets the committed key (if it still maps to {@code id}) and entity of {@code id}; must not allocate. */
    abstract void dropSlot(int id);

    /**
     * Forgets every committed key and entity, whatever the live set says (undo of a failed load into a pristine
     * table, which may have stored keys of ids it never marked live).
     */
    abstract void clearStore();

    // ---- the overlay ----------------------------------------------------------------------------------

    /** The overlay this thread sees: its own transaction's, if it touched this table; else null (committed state). */
    final TableOverlay overlay() {
        TableOverlay o = tx;
        // ownTxn() second: another thread must not read an overlay its owner may be changing
        return o != null && junction.ownTxn() != null ? o : null;
    }

    /** Whether a committed id is removed in this thread's transaction. */
    final boolean hiddenByTx(int id) {
        TableOverlay o = id >= 0 ? overlay() : null;
        return o != null && o.removed.get(id);
    }

    /** Whether {@code id} is live as this thread sees it. */
    final boolean isLive(int id) {
        if (id < 0) return false;
        TableOverlay o = overlay();
        return o != null ? o.isLive(id) : live.get(id);
    }

    /** Adds {@code entity} (not present) in transaction {@code t}; returns its new id. */
    final int txInsert(Txn t, E entity) {
        return t.touch(this).insert(t, entity);
    }

    /** Removes a live id in transaction {@code t}: its links in every relation first (logged), then the entity. */
    final void txRemove(Txn t, int id) {
        TableOverlay o = t.touch(this);
        junction.writes.cascade(t, this, id);
        o.remove(t, id);
    }

    // ---- snapshots ------------------------------------------------------------------------------------

    /** The id allocator's high-water mark: every id below it is live or free (committed state). */
    final int highWaterMark() {
        return highWater;
    }

    /** The free ids, bottom of the stack first (the last is reused first). A copy. */
    final int[] freeStack() {
        return free.toIntArray();
    }

    /** The committed live ids (the set itself: read it under a read view or the locks). */
    final BitSet liveIds() {
        return live;
    }

    /** The committed entity of a live id (for snapshots). */
    final E committedEntity(int id) {
        return baseEntity(id);
    }

    /** Whether nothing was ever added (a snapshot may be loaded into it). */
    final boolean pristine() {
        return highWater == 0 && size == 0 && tx == null;
    }

    /**
     * Loading a snapshot, phase 1 (under the write lock only: key functions may run): stages the entities in an
     * overlay that no transaction uses, so no reader looks at it.
     */
    final void restoreStage(int[] ids, Object[] entities) {
        restoring = newOverlay();
        for (int i = 0; i < ids.length; i++) {
            restoring.put(ids[i], entities[i]);
        }
    }

    /**
     * Loading, phase 2 (under the write stamp): publishes the staged entities at their ids and sets the
     * allocator. Returns the id of an entity whose key another entity already had, or -1.
     */
    final int restorePublish(int[] ids, int highWaterMark, int[] freeStack) {
        TableOverlay staged = restoring != null ? restoring : newOverlay();
        if (ids.length > 0) {
            baseReserve(highWaterMark - 1);
        }
        for (int id : ids) {
            live.set(id);
            if (staged.publish(id) >= 0) {
                return id;
            }
        }
        restoreAllocator(ids, highWaterMark, freeStack);
        restoring = null;
        return -1;
    }

    /** Loading: marks {@code ids} live and sets the allocator (the subclass stored the entities itself). */
    final void restoreAllocator(int[] ids, int highWaterMark, int[] freeStack) {
        for (int id : ids) {
            live.set(id);
        }
        highWater = highWaterMark;
        free.clear();
        if (!neverReuse) { // a table that never reuses ids retires the ids a snapshot saved as free
            free.addElements(0, freeStack);
        }
        size = ids.length;
        modCount++;
    }

    /** Undoes a load that failed: empties this table (which was {@link #pristine()} before it). */
    final void restoreReset() {
        clearStore();
        live.clear();
        free.clear();
        highWater = 0;
        size = 0;
        modCount++;
        restoring = null;
    }

    // ---- Table ----------------------------------------------------------------------------------------

    /** Reads through the engine's protocol ({@link ReadGate}); non-capturing, so they allocate nothing. */
    private static final ReadGate.LongRead<AbstractTable<?>> IS_LIVE = (t, id, x, y) -> t.isLive((int) id) ? 1L : 0L;
    private static final ReadGate.LongRead<AbstractTable<?>> FIND = (t, a, entity, y) -> t.find(entity);
    private static final ReadGate.LongRead<AbstractTable<?>> SIZE = (t, a, x, y) -> t.visibleSize();
    private static final ReadGate.Read<AbstractTable<?>, Object> ENTITY = (t, id, x, y) -> t.entity((int) id);

    /** The size as this thread sees it. */
    final int visibleSize() {
        TableOverlay o = overlay();
        return o != null ? size + o.sizeDelta : size;
    }

    // ----------------------------------------------------------------------------------------

    /**
     * The id of {@code entity}, adding it if absent, in transaction {@code t}.
     *
     * @throws NullPointerException if {@code entity} or its key is null
     */
    final int findOrInsert(Txn t, E entity) {
        int id = find(entity);
        return id >= 0 ? id : txInsert(t, entity);
    }

    /** The entity of {@code id} as this thread sees it. */
    @SuppressWarnings("unchecked")
    final E entity(int id) {
        checkId(id);
        TableOverlay o = overlay();
        return o != null ? (E) o.current(id) : baseEntity(id);
    }

    /** The entity of {@code id} as this thread sees it, or null if {@code id} is not live. */
    final Object entityOrNull(int id) {
        return isLive(id) ? entity(id) : null;
    }

    /**
     * Replaces the entity of the live {@code id} by {@code entity} (same key: the caller checked) in transaction
     * {@code t}; returns the entity replaced.
     */
    final Object txReplace(Txn t, int id, Object entity) {
        return t.touch(this).replace(t, id, entity);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final IdPolicy idPolicy() {
        return neverReuse ? IdPolicy.NEVER_REUSE : IdPolicy.REUSE_FREED;
    }

    @Override
    public final Junction junction() {
        return junction;
    }

    @Override
    public final boolean containsId(int id) {
        return junction.gate.readLong(this, id, null, null, IS_LIVE, IS_LIVE) != 0L;
    }

    @Override
    public final int[] ids() {
        return junction.gate.read(() -> {
            TableOverlay o = overlay();
            int[] out = new int[o != null ? size + o.sizeDelta : size];
            int n = 0;
            // by the live bitsets, not id by id: a table that never reuses ids may have few live below a high mark
            for (int id = nextLive(0); id >= 0 && n < out.length; id = after(id)) out[n++] = id;
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        });
    }

    @Override
    public final int size() {
        return (int) junction.gate.readLong(this, 0L, null, null, SIZE, SIZE);
    }

    final void checkId(int id) {
        if (!isLive(id)) {
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
    @SuppressWarnings("unchecked")
    public final E get(int id) {
        return (E) junction.gate.read(this, id, null, null, ENTITY);
    }

    @Override
    public final int add(E entity) {
        return junction.writes.writeInt(() -> findOrInsert(junction.ownTxn(), entity));
    }

    @Override
    public final boolean contains(E entity) {
        return junction.gate.readLong(this, 0L, entity, null, FIND, FIND) >= 0L;
    }

    @Override
    public final java.util.OptionalInt findId(E entity) {
        long id = junction.gate.readLong(this, 0L, entity, null, FIND, FIND);
        return id < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of((int) id);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final java.util.stream.Stream<E> stream() {
        Object[] all = junction.gate.read(() -> {
            TableOverlay o = overlay();
            Object[] out = new Object[o != null ? size + o.sizeDelta : size];
            int n = 0;
            for (int id = nextLive(0); id >= 0 && n < out.length; id = after(id)) out[n++] = entity(id);
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        });
        return java.util.Arrays.stream((E[]) all);
    }

    @Override
    public final int idOf(E entity) {
        int id = (int) junction.gate.readLong(this, 0L, entity, null, FIND, FIND);
        if (id < 0) {
            throw missing(entity);
        }
        return id;
    }

    @Override
    public final boolean remove(E entity) {
        return junction.writes.writeBool(() -> {
            int id = find(entity);
            if (id < 0) {
                return false;
            }
            txRemove(junction.ownTxn(), id);
            return true;
        });
    }

    /** Removes {@code id} if live; the engine-level write behind the subclasses' key-based removals. */
    final boolean removeIdIfLive(int id) {
        if (!isLive(id)) {
            return false;
        }
        txRemove(junction.ownTxn(), id);
        return true;
    }

    /** The next live id at or after {@code from}, as this thread sees it, or -1. */
    private int nextLive(int from) {
        if (from < 0) return -1;
        int b = live.nextSetBit(from);
        TableOverlay o = overlay();
        if (o == null) {
            return b;
        }
        while (b >= 0 && o.removed.get(b)) {
            b = b == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(b + 1);
        }
        int a = o.added.nextSetBit(from);
        return b < 0 ? a : a < 0 ? b : Math.min(a, b);
    }

    private int after(int id) {
        return id == Integer.MAX_VALUE - 1 ? -1 : nextLive(id + 1);
    }

    /** How often this thread's overlay changed (a transaction's iterators fail fast on it); 0 without one. */
    private int overlayMod() {
        TableOverlay o = overlay();
        return o == null ? 0 : o.mod;
    }

    @Override
    public final Iterator<E> iterator() {
        long stamp0 = junction.gate.iterationStamp();
        return new Iterator<>() {
            long stamp = stamp0;
            int next = junction.gate.read(() -> nextLive(0));
            int last = -1;
            int expected = overlayMod();
            int expectedCommitted = modCount;
            final Txn madeIn = junction.ownTxn();

            private void check() {
                junction.gate.checkSameTxn(madeIn, "table", name);
                stamp = junction.gate.restamp(stamp);
                if (stamp == 0L ? overlayMod() != expected : modCount != expectedCommitted) {
                    throw new ConcurrentModificationException("table '" + name + "' changed during iteration");
                }
            }

            @Override
            public boolean hasNext() {
                check();
                return next >= 0;
            }

            @Override
            public E next() {
                check();
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                int id = next;
                E e;
                try {
                    e = entity(id);
                    next = after(id);
                } catch (RuntimeException ex) {
                    junction.gate.checkStep(stamp, "table", name);
                    throw ex;
                }
                junction.gate.checkStep(stamp, "table", name);
                last = id;
                return e;
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException();
                }
                check();
                int id = last;
                junction.writes.writeBool(() -> removeIdIfLive(id));
                stamp = junction.gate.iterationStamp(); // our own commit is not a concurrent change
                last = -1;
                expected = overlayMod();
                expectedCommitted = modCount;
            }
        };
    }

    @Override
    public String toString() {
        return junction.gate.read(() -> {
            StringBuilder sb = new StringBuilder("[");
            for (int id = nextLive(0); id >= 0; id = after(id)) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(entity(id));
            }
            return sb.append(']').toString();
        });
    }
}
