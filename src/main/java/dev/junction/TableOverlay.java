package dev.junction;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.BitSet;

/**
 * A transaction's changes to one table, seen only by the transaction's thread until commit: ids added (their keys
 * and entities kept by the subclass, one per table kind), committed ids removed, and the id allocator as the
 * transaction sees it.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Ids.</b> New ids come from the committed free list, top first ({@link #freeUsed} of them), then from
 *       {@link #high}; ids freed in the transaction ({@link #freed}) are reused only after it commits, so an
 *       undo never has to take an id back from a later insert. Every change is logged ({@link TxnLog}) and
 *       undone exactly in reverse order.</li>
 *   <li><b>Replacements</b> ({@link #replace}): an entity added in the transaction is replaced in the
 *       subclass's storage; a committed one in {@link #swapped}, read before committed storage by
 *       {@link #current}. The key is unchanged, so no key map moves; publication is one reference store per id.</li>
 *   <li><b>Publication</b>: {@link #applyAdds()} (all allocation, undone by {@link #undoAdds()}), then
 *       {@link #applyRemoves()} (replacements and removals, no allocation), under the engine's write stamp.</li>
 * </ul>
 */
abstract class TableOverlay {

    final AbstractTable<?> table;
    final BitSet added = new BitSet();
    final BitSet removed = new BitSet();
    final IntArrayList freed = new IntArrayList();
    int freeUsed;
    int high;
    int sizeDelta;
    /** Bumped by every change; iterators made in the transaction fail fast on it. */
    int mod;
    /** Committed ids whose keys {@link #applyAdds()} re-mapped, in {@link #added} order (-1: none). */
    private final IntArrayList replaced = new IntArrayList();
    /**
     * Committed ids whose entity this transaction replaced (same key, same id), with the replacement; null until
     * the first replacement, so a transaction that replaces nothing allocates nothing for it.
     */
    it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<Object> swapped;

    TableOverlay(AbstractTable<?> table) {
        this.table = table;
    }

    // ---- the subclass's storage of added entities ----------------------------------------------------------

    /** Stores {@code entity} (absent) under {@code id}. */
    abstract void put(int id, Object entity);

    /** Forgets the entity stored under {@code id}. */
    abstract void drop(int id);

    /** The entity stored under {@code id}. */
    abstract Object entity(int id);

    /**
     * Moves the entity of {@code id} into the table's committed storage (room reserved); may allocate in its
     * map. Returns the id its key was mapped to before (a committed id removed in this transaction), or -1.
     */
    abstract int publish(int id);

    /** Forgets every stored entity. */
    abstract void clearStorage();

    // ---- the transaction's view ----------------------------------------------------------------------------

    /** Starts the overlay for a transaction (a new or reused one). */
    final void begin() {
        high = table.highWater;
        freeUsed = 0;
        sizeDelta = 0;
        mod = 0;
    }

    final boolean isLive(int id) {
        return added.get(id) || (table.live.get(id) && !removed.get(id));
    }

    /** Adds {@code entity} (not present); returns its new id. */
    final int insert(Txn t, Object entity) {
        IntArrayList free = table.free;
        int id;
        boolean fromFree = freeUsed < free.size();
        if (fromFree) {
            id = free.getInt(free.size() - 1 - freeUsed);
        } else {
            if (high == Integer.MAX_VALUE) {
                throw new IllegalStateException(table.neverReuse
                        ? "table '" + table.name + "' is full: all " + Integer.MAX_VALUE + " ids were handed out and "
                                + "it never reuses ids (IdPolicy.NEVER_REUSE); " + table.visibleSize() + " are live"
                        : "table '" + table.name + "' is full: all " + Integer.MAX_VALUE + " ids are in use");
            }
            id = high;
        }
        put(id, entity);
        try {
            t.log.added(this, id, entity);
        } catch (Throwable e) {
            drop(id);
            throw e;
        }
        if (fromFree) freeUsed++; else high++;
        added.set(id);
        sizeDelta++;
        mod++;
        return id;
    }

    /** Reverts the last {@link #insert}. */
    final void undoAdd(int id) {
        drop(id);
        added.clear(id);
        if (high > table.highWater && id == high - 1) { // ids from the free list are all below highWater
            high--;
        } else {
            freeUsed--;
        }
        sizeDelta--;
        mod++;
    }

    /** The entity of a live id as this transaction sees it: added here, replaced here, or committed. */
    final Object current(int id) {
        if (added.get(id)) return entity(id);
        if (swapped != null) {
            Object e = swapped.get(id);
            if (e != null) return e;
        }
        return table.baseEntity(id);
    }

    /**
     * Replaces the entity of a live id by {@code entity}, whose key is the same (the caller checked): the id, its
     * links and values stay. Returns the entity it replaced.
     */
    final Object replace(Txn t, int id, Object entity) {
        boolean fresh = added.get(id);
        Object previous = current(id);
        boolean hadSwap = !fresh && swapped != null && swapped.containsKey(id);
        t.log.replaced(this, id, previous, entity, hadSwap);
        if (fresh) {
            put(id, entity);
        } else {
            if (swapped == null) swapped = new it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<>();
            swapped.put(id, entity);
        }
        mod++;
        return previous;
    }

    /** Reverts the last {@link #replace} of {@code id}. */
    final void undoReplace(int id, Object previous, boolean hadSwap) {
        if (added.get(id)) {
            put(id, previous);
        } else if (hadSwap) {
            swapped.put(id, previous);
        } else {
            swapped.remove(id);
        }
        mod++;
    }

    /** Removes a live id (its links are gone already: the table cascaded first). */
    final void remove(Txn t, int id) {
        boolean fresh = added.get(id);
        Object entity = current(id);
        freed.add(id);
        try {
            t.log.removed(this, id, entity, fresh);
        } catch (Throwable e) {
            freed.popInt();
            throw e;
        }
        if (fresh) {
            drop(id);
            added.clear(id);
        } else {
            removed.set(id);
        }
        sizeDelta--;
        mod++;
    }

    /** Reverts the last {@link #remove} (its cascade is reverted by the log entries before it). */
    final void undoRemove(int id, Object entity, boolean fresh) {
        freed.popInt();
        if (fresh) {
            put(id, entity);
            added.set(id);
        } else {
            removed.clear(id);
        }
        sizeDelta++;
        mod++;
    }

    // ---- publication ---------------------------------------------------------------------------------------

    /** Commit, phase 1: stores the added entities in committed storage. All allocation happens here. */
    final void applyAdds() {
        if (!added.isEmpty()) {
            table.baseReserve(added.length() - 1);
        }
        if (!table.neverReuse) table.free.ensureCapacity(table.free.size() - freeUsed + freed.size());
        replaced.clear();
        try {
            for (int id = added.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : added.nextSetBit(id + 1)) {
                replaced.add(-1);
                int prev = publish(id);
                replaced.set(replaced.size() - 1, prev);
                table.live.set(id);
            }
        } catch (Throwable e) {
            undoAdds();
            throw e;
        }
    }

    /** Reverts {@link #applyAdds()} (or the part of it that ran). */
    final void undoAdds() {
        int i = 0;
        for (int id = added.nextSetBit(0); id >= 0 && i < replaced.size();
             id = id == Integer.MAX_VALUE - 1 ? -1 : added.nextSetBit(id + 1), i++) {
            if (table.live.get(id)) {
                table.dropSlot(id);
                table.live.clear(id);
            }
            if (replaced.getInt(i) >= 0) {
                table.baseRemap(replaced.getInt(i));
            }
        }
        replaced.clear();
    }

    /** Commit, phase 2: replacements, removals and the id allocator; never allocates. */
    final void applyRemoves() {
        if (swapped != null && !swapped.isEmpty()) {
            for (var e : swapped.int2ObjectEntrySet()) {
                int id = e.getIntKey();
                if (!removed.get(id)) table.baseReplace(id, e.getValue()); // one reference store: old or new, whole
            }
            table.modCount++;
        }
        for (int id = removed.nextSetBit(0); id >= 0; id = id == Integer.MAX_VALUE - 1 ? -1 : removed.nextSetBit(id + 1)) {
            table.dropSlot(id);
            table.live.clear(id);
        }
        IntArrayList free = table.free;
        free.size(free.size() - freeUsed);
        table.highWater = high;
        if (!table.neverReuse) { // else the freed ids are retired
            for (int i = 0, n = freed.size(); i < n; i++) {
                free.add(freed.getInt(i));
            }
        }
        table.size += sizeDelta;
        if (!added.isEmpty() || !freed.isEmpty()) {
            table.modCount++;
        }
    }

    /** The transaction ended (committed or rolled back): the overlay is emptied and kept for the next one. */
    final void end() {
        replaced.clear();
        added.clear();
        removed.clear();
        freed.clear();
        freeUsed = 0;
        sizeDelta = 0;
        mod++;
        if (swapped != null) {
            if (swapped.size() > 1024) swapped = null; else swapped.clear(); // a large transaction's map is not kept
        }
        clearStorage();
        table.tx = null;
        table.spare = this;
    }
}
