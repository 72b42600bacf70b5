package dev.junction;

import java.util.Arrays;

/**
 * A transaction's log of changes, in the order made: the changes themselves (links, unlinks, entities added,
 * replaced and removed), told to listeners and written to the journal after commit, and the bookkeeping of column overlays,
 * kept only to undo a failed operation.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Layout.</b> Parallel arrays (kind, target, two ints, one object), grown by doubling: one entry costs
 *       no object of its own, which matters for transactions of millions of changes. The arrays and kinds are
 *       private: writers call a typed {@code record*} method, readers get typed calls back
 *       ({@link #forEachChange}, {@link #rewindTo}).</li>
 *   <li><b>Undo</b> reverts entries newest first through the owning overlay ({@link DeltaRelation},
 *       {@link TableOverlay}, {@link ColumnStore.Overlay}), each of which restores exactly its state before the
 *       change.</li>
 * </ul>
 * Confined to the transaction's thread.
 */
final class TxnLog {

    private static final byte LINK = 0, UNLINK = 1, ADD = 2, REMOVE = 3, REMOVE_ADDED = 4;
    /** An entity replaced by one with the same key (extra: {previous, replacement}; b: 1 if it was swapped before). */
    private static final byte REPLACE = 5;
    /** Not a change: the values of a key were voided in a column overlay (undone by restoring them). */
    private static final byte VOID = 6;
    /** Not a change: a value was written in a column overlay (undone by restoring the overlay slot). */
    private static final byte SET = 7;
    /** Not a change: one column's value of an existing overlay slot was replaced (undone by putting it back). */
    private static final byte OVERWRITE = 8;

    private byte[] kinds = new byte[4];
    private Object[] targets = new Object[4];
    private int[] as = new int[4];
    private int[] bs = new int[4];
    private Object[] extras = new Object[4];
    private int size;
    /** The ends' entities of each link and unlink entry (2 per entry), once {@link #resolveEnds} ran; or null. */
    private Object[] ends;
    /** Marks an id in {@link #resolveEnds}'s walk that had no entity yet (before the entry that added it). */
    private static final Object NONE = new Object();

    /** The number of entries (a mark for {@link #rewindTo}). */
    int size() {
        return size;
    }

    /** The number of changes (not column bookkeeping), in O(size). */
    long changeCount() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (kinds[i] < VOID) n++;
        }
        return n;
    }

    /** Whether the log holds a change (not only column bookkeeping). */
    boolean hasChanges() {
        for (int i = 0; i < size; i++) {
            if (kinds[i] < VOID) return true;
        }
        return false;
    }

    void linked(RelationImpl<?, ?> relation, int left, int right) {
        add(LINK, relation, left, right, null);
    }

    void unlinked(RelationImpl<?, ?> relation, int left, int right) {
        add(UNLINK, relation, left, right, null);
    }

    void added(TableOverlay table, int id, Object entity) {
        add(ADD, table, id, 0, entity);
    }

    /** {@code addedHere}: the entity was added by this same transaction. */
    void removed(TableOverlay table, int id, Object entity, boolean addedHere) {
        add(addedHere ? REMOVE_ADDED : REMOVE, table, id, 0, entity);
    }

    /** The entity of {@code id} was replaced; {@code swappedBefore}: the overlay had replaced it already. */
    void replaced(TableOverlay table, int id, Object previous, Object entity, boolean swappedBefore) {
        add(REPLACE, table, id, swappedBefore ? 1 : 0, new Object[] {previous, entity});
    }

    /** The values of {@code key} were voided; {@code saved} is what {@link ColumnStore.Overlay#unvoid} needs. */
    void voided(ColumnStore.Overlay overlay, long key, Object[] saved) {
        add(VOID, overlay, (int) (key >>> 32), (int) key, saved);
    }

    /** A value of {@code key} is about to be written; {@code saved}: its overlay slot before, or null. */
    void written(ColumnStore.Overlay overlay, long key, ColumnStore saved) {
        add(SET, overlay, (int) (key >>> 32), (int) key, saved);
    }

    /** One column's value of {@code key}'s overlay slot is about to be replaced; {@code previous} puts it back. */
    void overwritten(ColumnStore.Overlay overlay, long key, ColumnStore.PreviousValue previous) {
        add(OVERWRITE, overlay, (int) (key >>> 32), (int) key, previous);
    }

    private void add(byte kind, Object target, int a, int b, Object extra) {
        if (size == kinds.length) {
            int n = size * 2;
            kinds = Arrays.copyOf(kinds, n);
            targets = Arrays.copyOf(targets, n);
            as = Arrays.copyOf(as, n);
            bs = Arrays.copyOf(bs, n);
            extras = Arrays.copyOf(extras, n);
        }
        kinds[size] = kind;
        targets[size] = target;
        as[size] = a;
        bs[size] = b;
        extras[size] = extra;
        size++;
    }

    /** Calls {@code v} for every change, in the order made (column bookkeeping is not a change). */
    void forEachChange(Txn.ChangeVisitor v) {
        for (int i = 0; i < size; i++) {
            switch (kinds[i]) {
                case LINK, UNLINK -> v.link((RelationImpl<?, ?>) targets[i], as[i], bs[i], kinds[i] == LINK,
                        ends == null ? null : ends[2 * i], ends == null ? null : ends[2 * i + 1]);
                case ADD -> v.add(((TableOverlay) targets[i]).table, as[i], extras[i]);
                case REMOVE, REMOVE_ADDED -> v.remove(((TableOverlay) targets[i]).table, as[i], extras[i],
                        kinds[i] == REMOVE_ADDED);
                case REPLACE -> {
                    Object[] pair = (Object[]) extras[i];
                    v.replace(((TableOverlay) targets[i]).table, as[i], pair[0], pair[1]);
                }
                default -> { } // column bookkeeping
            }
        }
    }

    /**
     * Resolves, for every link and unlink entry of a relation listeners hear, its ends' entities as they were when
     * the entry was made (what listeners get, so an unlink caused by a removal still names the removed entity).
     * Walks the log newest first from the transaction's final state (call it at commit, before publication, on the
     * transaction's thread): an entry that removed or replaced an entity gives back the entity before it, one that
     * added an entity gives back none. O(log size); allocates only when the log links or unlinks.
     */
    void resolveEnds() {
        java.util.IdentityHashMap<AbstractTable<?>, it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<Object>> asOf = null;
        Object[] out = null;
        for (int i = size - 1; i >= 0; i--) {
            byte k = kinds[i];
            if (k == LINK || k == UNLINK) {
                RelationImpl<?, ?> r = (RelationImpl<?, ?>) targets[i];
                if (r.eventTarget == null) continue; // an association's internal part: nobody hears it
                if (out == null) out = new Object[2 * size];
                out[2 * i] = entityAsOf(asOf, r.left, as[i]);
                out[2 * i + 1] = entityAsOf(asOf, r.right, bs[i]);
            } else if (k == ADD || k == REMOVE || k == REMOVE_ADDED || k == REPLACE) {
                AbstractTable<?> table = ((TableOverlay) targets[i]).table;
                if (table.quiet) continue; // rows: no links of users' relations end at them
                if (asOf == null) asOf = new java.util.IdentityHashMap<>();
                Object before = k == ADD ? NONE : k == REPLACE ? ((Object[]) extras[i])[0] : extras[i];
                asOf.computeIfAbsent(table, x -> new it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<>())
                        .put(as[i], before);
            }
        }
        ends = out;
    }

    /** The entity of {@code id} at the walk's current point: a remembered one, or the transaction's final one. */
    private static Object entityAsOf(java.util.IdentityHashMap<AbstractTable<?>,
            it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<Object>> asOf, AbstractTable<?> table, int id) {
        if (asOf != null) {
            var m = asOf.get(table);
            if (m != null && m.containsKey(id)) {
                Object e = m.get(id);
                return e == NONE ? null : e;
            }
        }
        return table.entityOrNull(id);
    }

    /** Reverts the entries after position {@code mark}, newest first; {@code txn} holds the relations' overlays. */
    void rewindTo(int mark, Txn txn) {
        while (size > mark) {
            size--;
            Object t = targets[size];
            int a = as[size];
            int b = bs[size];
            long key = ((long) a << 32) | (b & 0xFFFFFFFFL);
            switch (kinds[size]) {
                case LINK -> txn.deltas.get(t).undoLink(a, b);
                case UNLINK -> txn.deltas.get(t).undoUnlink(a, b);
                case ADD -> ((TableOverlay) t).undoAdd(a);
                case REPLACE -> ((TableOverlay) t).undoReplace(a, ((Object[]) extras[size])[0], b == 1);
                case VOID -> ((ColumnStore.Overlay) t).unvoid(key, (Object[]) extras[size]);
                case SET -> ((ColumnStore.Overlay) t).unwrite(key, (ColumnStore) extras[size]);
                case OVERWRITE -> ((ColumnStore.Overlay) t).restore(key, (ColumnStore.PreviousValue) extras[size]);
                default -> ((TableOverlay) t).undoRemove(a, extras[size], kinds[size] == REMOVE_ADDED);
            }
            targets[size] = null;
            extras[size] = null;
        }
    }
}
