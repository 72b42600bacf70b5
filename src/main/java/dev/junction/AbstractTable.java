package dev.junction;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.BitSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Id bookkeeping shared by the table implementations: a bitset of live ids, a LIFO free list and a high-water
 * mark; and the transaction overlay of all three. Subclasses hold the key → id map and the id → entity storage,
 * committed and transaction-local.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Committed state</b> ({@code live}, {@code free}, {@code highWater}, the subclass maps) changes only
 *       while the engine publishes a transaction under its write stamp, so readers on other threads see it
 *       whole.</li>
 *   <li><b>Overlay</b> (the {@code tx*} fields), used only by the thread of the open transaction: ids added
 *       ({@code txAdded}, with their keys and entities in the subclass's transaction maps) and committed ids
 *       removed ({@code txRemoved}). New ids come from the committed free list, top first ({@code txFreeUsed}
 *       of them), then from {@code txHigh}; ids freed in the transaction ({@code txFreed}) are reused only after
 *       it commits. Every overlay change is logged, and undone exactly in reverse order.</li>
 *   <li><b>Publication</b>: {@link #txApplyAdds()} (allocation, undone by {@link #txUndoApplyAdds()}), then
 *       {@link #txApplyRemoves()} (no allocation).</li>
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

    private final BitSet live = new BitSet();
    private final IntArrayList free = new IntArrayList();
    private int highWater;
    private int size;
    /** Bumped by every commit that changed this table; iterators outside a transaction fail fast on it. */
    int modCount;

    boolean txTouched;
    private final BitSet txAdded = new BitSet();
    private final BitSet txRemoved = new BitSet();
    private final IntArrayList txFreed = new IntArrayList();
    private int txFreeUsed;
    private int txHigh;
    private int txSizeDelta;
    int txMod;

    AbstractTable(Junction junction, String name) {
        this.junction = junction;
        this.name = name;
    }

    // ---- subclass hooks -------------------------------------------------------------------------------

    /**
     * The id of the entity with the same key as {@code entity} as this thread sees it (overlay included), or -1.
     *
     * @throws NullPointerException if {@code entity} or its key is null
     */
    abstract int find(Object entity);

    /** Adds {@code entity} (absent) to the overlay under {@code id}. */
    abstract void txPut(int id, E entity);

    /** Removes the overlay entry of {@code id}, added in this transaction. */
    abstract void txDrop(int id);

    /** The entity stored in the overlay under {@code id}. */
    abstract E txEntity(int id);

    /** The committed entity of a live {@code id}. */
    abstract E baseEntity(int id);

    /** Makes room in committed storage for ids up to {@code maxId}; may allocate. */
    abstract void baseReserve(int maxId);

    /**
     * Stores the overlay entry of {@code id} in committed storage (room reserved); may allocate in its map.
     * Returns the id its key was mapped to before (a committed id removed in this transaction), or -1.
     */
    abstract int baseInsert(int id);

    /** Maps the committed key of {@code id} back to {@code id} (undo of a {@link #baseInsert} that replaced it). */
    abstract void baseRemap(int id);

    /** Forgets the committed key (if it still maps to {@code id}) and entity of {@code id}; must not allocate. */
    abstract void dropSlot(int id);

    /** Forgets every overlay entry. */
    abstract void txClear();

    /**
     * Forgets every committed key and entity, whatever the live set says (undo of a failed load into a pristine
     * table, which may have stored keys of ids it never marked live).
     */
    abstract void clearStore();

    // ---- overlay --------------------------------------------------------------------------------------

    /** The open transaction of this thread if it has touched this table, else null (read committed state). */
    final Txn overlay() {
        return txTouched ? junction.ownTxn() : null;
    }

    /** Starts using the overlay in the current transaction. */
    final void txBegin() {
        txTouched = true;
        txHigh = highWater;
        txFreeUsed = 0;
        txSizeDelta = 0;
    }

    /** Whether a committed id is removed in this thread's transaction. */
    final boolean hiddenByTx(int id) {
        // ownTxn() first: other threads must not touch the overlay's bitsets, which its owner may be resizing
        return id >= 0 && txTouched && junction.ownTxn() != null && txRemoved.get(id);
    }

    /** Whether {@code id} is live as this thread sees it. */
    final boolean isLive(int id) {
        if (id < 0) return false;
        if (overlay() != null) {
            return txAdded.get(id) || (live.get(id) && !txRemoved.get(id));
        }
        return live.get(id);
    }

    /** Adds {@code entity} (not present) in transaction {@code t}; returns its new id. */
    final int txInsert(Txn t, E entity) {
        t.touch(this);
        int id;
        boolean fromFree = txFreeUsed < free.size();
        if (fromFree) {
            id = free.getInt(free.size() - 1 - txFreeUsed);
        } else {
            if (txHigh == Integer.MAX_VALUE) {
                throw new IllegalStateException("table '" + name + "' is full: all " + Integer.MAX_VALUE
                        + " ids are in use");
            }
            id = txHigh;
        }
        txPut(id, entity);
        try {
            t.record(Txn.ADD, this, id, 0, entity);
        } catch (Throwable e) {
            txDrop(id);
            throw e;
        }
        if (fromFree) txFreeUsed++; else txHigh++;
        txAdded.set(id);
        txSizeDelta++;
        txMod++;
        return id;
    }

    /** Reverts the last {@link #txInsert}. */
    final void txUndoAdd(int id) {
        txDrop(id);
        txAdded.clear(id);
        if (txHigh > highWater && id == txHigh - 1) { // ids from the free list are all below highWater
            txHigh--;
        } else {
            txFreeUsed--;
        }
        txSizeDelta--;
        txMod++;
    }

    /** Removes a live id in transaction {@code t}: its links in every relation first (logged), then the entity. */
    final void txRemove(Txn t, int id) {
        t.touch(this);
        junction.cascade(t, this, id);
        boolean fresh = txAdded.get(id);
        E entity = fresh ? txEntity(id) : baseEntity(id);
        txFreed.add(id);
        try {
            t.record(fresh ? Txn.REMOVE_NEW : Txn.REMOVE, this, id, 0, entity);
        } catch (Throwable e) {
            txFreed.popInt();
            throw e;
        }
        if (fresh) {
            txDrop(id);
            txAdded.clear(id);
        } else {
            txRemoved.set(id);
        }
        txSizeDelta--;
        txMod++;
    }

    /** Reverts the last {@link #txRemove} (its cascade is reverted by the log entries before it). */
    @SuppressWarnings("unchecked")
    final void txUndoRemove(int id, Object entity, boolean fresh) {
        txFreed.popInt();
        if (fresh) {
            txPut(id, (E) entity);
            txAdded.set(id);
        } else {
            txRemoved.clear(id);
        }
        txSizeDelta++;
        txMod++;
    }

    /** Commit, phase 1: stores the added entities in committed storage. All allocation happens here. */
    final void txApplyAdds() {
        if (!txAdded.isEmpty()) {
            baseReserve(txAdded.length() - 1);
        }
        free.ensureCapacity(free.size() - txFreeUsed + txFreed.size());
        replaced.clear();
        try {
            for (int id = txAdded.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : txAdded.nextSetBit(id + 1)) {
                replaced.add(-1);
                int prev = baseInsert(id);
                replaced.set(replaced.size() - 1, prev);
                live.set(id);
            }
        } catch (Throwable e) {
            txUndoApplyAdds();
            throw e;
        }
    }

    /** Committed ids whose keys {@link #txApplyAdds()} re-mapped, in {@code txAdded} order (-1: none). */
    private final IntArrayList replaced = new IntArrayList();

    /** Reverts {@link #txApplyAdds()} (or the part of it that ran). */
    final void txUndoApplyAdds() {
        int i = 0;
        for (int id = txAdded.nextSetBit(0); id >= 0 && i < replaced.size();
             id = id == Integer.MAX_VALUE - 1 ? -1 : txAdded.nextSetBit(id + 1), i++) {
            if (live.get(id)) {
                dropSlot(id);
                live.clear(id);
            }
            if (replaced.getInt(i) >= 0) {
                baseRemap(replaced.getInt(i));
            }
        }
        replaced.clear();
    }

    /** Commit, phase 2: removals and the id allocator; never allocates. */
    final void txApplyRemoves() {
        for (int id = txRemoved.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : txRemoved.nextSetBit(id + 1)) {
            dropSlot(id);
            live.clear(id);
        }
        free.size(free.size() - txFreeUsed);
        highWater = txHigh;
        for (int i = 0, n = txFreed.size(); i < n; i++) {
            free.add(txFreed.getInt(i));
        }
        size += txSizeDelta;
        if (!txAdded.isEmpty() || !txFreed.isEmpty()) {
            modCount++;
        }
    }

    /** Forgets the overlay (after a commit has applied it, or on rollback). */
    final void txDiscard() {
        txTouched = false;
        replaced.clear();
        txAdded.clear();
        txRemoved.clear();
        txFreed.clear();
        txFreeUsed = 0;
        txSizeDelta = 0;
        txMod++;
        txClear();
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
        return highWater == 0 && size == 0 && !txTouched;
    }

    /**
     * Loading a snapshot, phase 1 (under the write lock only: key functions may run): stages the entities in
     * the overlay maps, which no reader looks at because no transaction uses them.
     */
    @SuppressWarnings("unchecked")
    final void restoreStage(int[] ids, Object[] entities) {
        for (int i = 0; i < ids.length; i++) {
            txPut(ids[i], (E) entities[i]);
        }
    }

    /**
     * Loading, phase 2 (under the write stamp): publishes the staged entities at their ids and sets the
     * allocator. Returns the id of an entity whose key another entity already had, or -1.
     */
    final int restorePublish(int[] ids, int highWaterMark, int[] freeStack) {
        if (ids.length > 0) {
            baseReserve(highWaterMark - 1);
        }
        for (int id : ids) {
            live.set(id);
            if (baseInsert(id) >= 0) {
                return id;
            }
        }
        restoreAllocator(ids, highWaterMark, freeStack);
        txClear();
        return -1;
    }

    /** Loading: marks {@code ids} live and sets the allocator (the subclass stored the entities itself). */
    final void restoreAllocator(int[] ids, int highWaterMark, int[] freeStack) {
        for (int id : ids) {
            live.set(id);
        }
        highWater = highWaterMark;
        free.clear();
        free.addElements(0, freeStack);
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
        txClear();
    }

    // ---- Table ----------------------------------------------------------------------------------------

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
    final E entity(int id) {
        checkId(id);
        return overlay() != null && txAdded.get(id) ? txEntity(id) : baseEntity(id);
    }

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
        return junction.readBool(() -> isLive(id));
    }

    @Override
    public final int[] ids() {
        return junction.read0(() -> {
            int[] out = new int[overlay() != null ? size + txSizeDelta : size];
            int n = 0;
            int hw = overlay() != null ? Math.max(txHigh, highWater) : highWater;
            for (int id = 0; id < hw && n < out.length; id++) {
                if (isLive(id)) out[n++] = id;
            }
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        });
    }

    @Override
    public final int size() {
        return junction.readInt(() -> overlay() != null ? size + txSizeDelta : size);
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
    public final E get(int id) {
        return junction.read0(() -> entity(id));
    }

    @Override
    public final int add(E entity) {
        return junction.writeInt(() -> findOrInsert(junction.ownTxn(), entity));
    }

    @Override
    public final boolean contains(E entity) {
        return junction.readBool(() -> find(entity) >= 0);
    }

    @Override
    public final int idOf(E entity) {
        int id = junction.readInt(() -> find(entity));
        if (id < 0) {
            throw missing(entity);
        }
        return id;
    }

    @Override
    public final boolean remove(E entity) {
        return junction.writeBool(() -> {
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
        if (overlay() == null) {
            return b;
        }
        while (b >= 0 && txRemoved.get(b)) {
            b = b == Integer.MAX_VALUE - 1 ? -1 : live.nextSetBit(b + 1);
        }
        int a = txAdded.nextSetBit(from);
        return b < 0 ? a : a < 0 ? b : Math.min(a, b);
    }

    private int after(int id) {
        return id == Integer.MAX_VALUE - 1 ? -1 : nextLive(id + 1);
    }

    @Override
    public final Iterator<E> iterator() {
        long stamp0 = junction.iterationStamp();
        return new Iterator<>() {
            long stamp = stamp0;
            int next = junction.read0(() -> nextLive(0));
            int last = -1;
            int expected = txMod;
            int expectedCommitted = modCount;
            final Txn madeIn = junction.ownTxn();

            private void check() {
                junction.checkSameTxn(madeIn, "table '" + name + "'");
                stamp = junction.restamp(stamp);
                if (stamp == 0L ? txMod != expected : modCount != expectedCommitted) {
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
                    junction.checkStep(stamp, "table '" + name + "'");
                    throw ex;
                }
                junction.checkStep(stamp, "table '" + name + "'");
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
                junction.writeBool(() -> removeIdIfLive(id));
                stamp = junction.iterationStamp(); // our own commit is not a concurrent change
                last = -1;
                expected = txMod;
                expectedCommitted = modCount;
            }
        };
    }

    @Override
    public String toString() {
        return junction.read0(() -> {
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
