package dev.junction;

import java.util.ArrayList;
import java.util.Arrays;
import dev.junction.index.IntRelation;
import java.util.IdentityHashMap;

/**
 * The state of one transaction: the overlays of the relations and tables it touched, and the log of its
 * changes in order (for events after commit, and for undoing one operation that failed inside it).
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Overlays, not in-place writes.</b> Writes go to a {@link DeltaRelation} per relation and to the
 *       tables' transaction-local state; committed storage is untouched until {@link Junction} publishes the
 *       transaction under its write stamp, so readers on other threads never see part of it and rollback is
 *       dropping the overlays.</li>
 *   <li><b>Log.</b> Parallel arrays of (kind, target, a, b, entity), grown by doubling. An operation that throws
 *       rewinds to its {@link #mark()} by reverting entries in reverse order; {@link #failed} marks the
 *       transaction rollback-only when that cannot be trusted (an {@link Error} escaped).</li>
 *   <li><b>Bulk loads.</b> A relation staged by {@link #stage} (only as the first step of a transaction) logs no
 *       links and its columns no values; each staged change only bumps {@link #stagedChanges}. An operation
 *       that fails after a staged change cannot be undone change by change, so the transaction becomes
 *       rollback-only; a load whose work fails is undone whole ({@link #discardAll}), which is exact because the
 *       transaction was empty when it began. Events and journal records read the staged index at commit.</li>
 * </ul>
 * Confined to its owner thread; the engine's write lock is held from begin to end.
 */
final class Txn implements Transaction {

    static final byte LINK = 0, UNLINK = 1, ADD = 2, REMOVE = 3, REMOVE_NEW = 4;
    /** Not an event: the values of a key were voided in a column overlay (undone by restoring them). */
    static final byte VOID = 5;
    /** Not an event: a value was written in a column overlay (undone by restoring the overlay slot). */
    static final byte SET = 6;

    final Junction junction;
    final Thread owner;
    final boolean implicit;
    final IdentityHashMap<RelationImpl<?, ?>, DeltaRelation> deltas = new IdentityHashMap<>();
    final ArrayList<RelationImpl<?, ?>> relations = new ArrayList<>();
    final ArrayList<AbstractTable<?>> tables = new ArrayList<>();
    /** The column overlays, by committed store, in the order first touched. */
    final IdentityHashMap<ColumnStore, ColumnStore.Overlay> columnOverlays = new IdentityHashMap<>();
    final ArrayList<ColumnStore.Overlay> columnOrder = new ArrayList<>();
    boolean active = true;
    /** No events at commit (a journal record replayed on open: listeners heard it when it first committed). */
    boolean quiet;
    Throwable failed;
    /** Changes made to staged relations (unlogged): an operation that failed after one cannot be undone alone. */
    long stagedChanges;

    byte[] kinds = new byte[16];
    Object[] targets = new Object[16];
    int[] as = new int[16];
    int[] bs = new int[16];
    Object[] entities = new Object[16];
    int size;

    Txn(Junction junction, boolean implicit) {
        this.junction = junction;
        this.owner = Thread.currentThread();
        this.implicit = implicit;
    }

    /** The overlay of a primary relation, created on first use. */
    DeltaRelation delta(RelationImpl<?, ?> primary) {
        DeltaRelation d = deltas.get(primary);
        if (d == null) {
            d = new DeltaRelation(primary.store, new DeltaRelation.Log() {
                @Override
                public void linked(int left, int right) {
                    record(LINK, primary, left, right, null);
                }

                @Override
                public void unlinked(int left, int right) {
                    record(UNLINK, primary, left, right, null);
                    ColumnStore c = primary.columns;
                    if (c != null) {
                        voidKey(c, primary.pairKey(left, right));
                    }
                }

                @Override
                public void staged() {
                    throw new AssertionError("not a staged overlay");
                }

                @Override
                public void stagedUnlinked(int left, int right) {
                    throw new AssertionError("not a staged overlay");
                }
            });
            deltas.put(primary, d);
            relations.add(primary);
        }
        return d;
    }

    /**
     * Puts {@code primary} in staged mode for a bulk load ({@link DeltaRelation}'s design notes): its links and
     * link values go to private storage laid out as the committed one, unlogged, and move in at commit. Only as
     * the first step of a transaction.
     *
     * @throws IllegalStateException if the relation has committed links, or this transaction changed anything
     */
    void stage(RelationImpl<?, ?> primary) {
        if (primary.store.size() != 0) {
            throw new IllegalStateException("relation '" + primary.name + "' has " + primary.store.size()
                    + " links: a bulk load goes into an empty relation");
        }
        if (!changedNothing()) {
            throw new IllegalStateException("relation '" + primary.name + "': a bulk load is a transaction of its own, "
                    + "or the first step of one; this transaction has made changes already");
        }
        IntRelation store = primary.store;
        IntRelation staging = switch (store.kind()) {
            case BIPARTITE -> IntRelation.bipartite(store.name());
            case DIRECTED -> IntRelation.directed(store.name());
            case SYMMETRIC -> IntRelation.symmetric(store.name());
        };
        DeltaRelation d = new DeltaRelation(store, staging, new DeltaRelation.Log() {
            @Override
            public void linked(int left, int right) {
                throw new AssertionError("a staged overlay logs no links");
            }

            @Override
            public void unlinked(int left, int right) {
                throw new AssertionError("a staged overlay logs no links");
            }

            @Override
            public void staged() {
                stagedChanges++;
            }

            @Override
            public void stagedUnlinked(int left, int right) {
                ColumnStore c = primary.columns;
                if (c != null) {
                    voidKey(c, primary.pairKey(left, right));
                }
            }
        });
        DeltaRelation previous = deltas.put(primary, d); // an empty overlay (a no-op unlink made it) is replaced
        if (previous != null) {
            previous.ended = true;
        } else {
            relations.add(primary);
        }
        ColumnStore c = primary.columns;
        if (c != null) {
            columns(c).stagedFor = primary;
        }
    }

    /**
     * Whether this transaction has changed nothing yet: no logged change and nothing staged (calls that changed
     * nothing, such as an unlink of an absent pair, may have left empty overlays).
     */
    private boolean changedNothing() {
        if (size > 0) return false;
        for (DeltaRelation d : deltas.values()) {
            if (d.staged) return false;
        }
        return true;
    }

    /**
     * Undoes everything this transaction did (a bulk load whose work failed, as the transaction's first step):
     * the logged changes in reverse, then the staged overlays and every table overlay are dropped, leaving the
     * transaction as empty as it began.
     */
    void discardAll() {
        rewindLog(0);
        for (DeltaRelation d : deltas.values()) d.ended = true;
        deltas.clear();
        relations.clear();
        columnOverlays.clear();
        columnOrder.clear();
        for (AbstractTable<?> table : tables) table.txDiscard();
        tables.clear();
        stagedChanges = 0;
        failed = null;
    }

    /** The staged overlays, for the journal and for events: relation by relation, in the order first touched. */
    java.util.List<RelationImpl<?, ?>> stagedRelations() {
        java.util.List<RelationImpl<?, ?>> out = new ArrayList<>();
        for (RelationImpl<?, ?> r : relations) {
            if (deltas.get(r).staged) out.add(r);
        }
        return out;
    }

    /**
     * Logs a {@link #LINK} for every link of every staged relation (ascending by left, then right), after
     * everything else, so listeners hear the load; the staged relations are then no longer read by the journal.
     */
    void expandStaged() {
        for (RelationImpl<?, ?> r : stagedRelations()) {
            DeltaRelation d = deltas.get(r);
            if (d.expanded) continue;
            d.base.forEachLink((l, rr) -> record(LINK, r, l, rr, null));
            d.expanded = true;
        }
    }

    /** What a transaction changed, change by change, in the order made: what listeners and the journal see. */
    interface ChangeVisitor {
        /** A link made ({@code linked}) or removed. */
        void link(RelationImpl<?, ?> relation, int left, int right, boolean linked);

        void add(AbstractTable<?> table, int id, Object entity);

        /** {@code addedHere}: the entity was added by this same transaction. */
        void remove(AbstractTable<?> table, int id, Object entity, boolean addedHere);
    }

    /**
     * Visits every change in the order made, then the links of every bulk-loaded relation not yet listed as
     * changes ({@link #expandStaged}), ascending; column values are not changes (see {@link #columnOverlays()}).
     */
    void forEachChange(ChangeVisitor v) {
        for (int i = 0; i < size; i++) {
            switch (kinds[i]) {
                case LINK, UNLINK -> v.link((RelationImpl<?, ?>) targets[i], as[i], bs[i], kinds[i] == LINK);
                case ADD -> v.add((AbstractTable<?>) targets[i], as[i], entities[i]);
                case REMOVE, REMOVE_NEW -> v.remove((AbstractTable<?>) targets[i], as[i], entities[i],
                        kinds[i] == REMOVE_NEW);
                default -> { } // column bookkeeping: not changes
            }
        }
        for (RelationImpl<?, ?> r : relations) {
            DeltaRelation d = deltas.get(r);
            if (d.staged && !d.expanded) d.base.forEachLink((l, rr) -> v.link(r, l, rr, true));
        }
    }

    /** Whether this transaction changed anything: a logged change, a bulk-loaded link, or a column value. */
    boolean hasChanges() {
        for (int i = 0; i < size; i++) {
            if (kinds[i] < VOID) return true;
        }
        for (RelationImpl<?, ?> r : relations) {
            DeltaRelation d = deltas.get(r);
            if (d.staged && d.size() > 0) return true;
        }
        for (ColumnStore.Overlay o : columnOrder) {
            if (!o.voided.isEmpty() || o.own.size() > 0) return true;
        }
        return false;
    }

    /** Whether anything would be delivered to listeners (the log holds a change). */
    boolean hasEvents() {
        for (int i = 0; i < size; i++) {
            if (kinds[i] < VOID) return true;
        }
        return false;
    }

    /** The column overlays, in the order first touched. */
    java.util.List<ColumnStore.Overlay> columnOverlays() {
        return columnOrder;
    }

    /** The overlay of a column store, created on first use. */
    ColumnStore.Overlay columns(ColumnStore store) {
        ColumnStore.Overlay o = columnOverlays.get(store);
        if (o == null) {
            o = new ColumnStore.Overlay(store);
            columnOverlays.put(store, o);
            columnOrder.add(o);
        }
        return o;
    }

    /** Voids the values of {@code key} (its link or row is gone), logged so a failed operation can restore them. */
    void voidKey(ColumnStore store, long key) {
        ColumnStore.Overlay o = columns(store);
        if (o.stagedFor != null) { // staged values, unlogged; the committed store is empty, so nothing to void there
            stagedChanges++;
            o.own.drop(key);
            return;
        }
        Object[] saved = o.voidKey(key);
        try {
            record(VOID, o, (int) (key >>> 32), (int) key, saved);
        } catch (Throwable e) {
            o.unvoid(key, saved);
            throw e;
        }
    }

    /**
     * The overlay slot of {@code key} in {@code store} for writing a value, logged first so that a failed
     * operation (or failed nested work) can restore the slot as it was: dropped if this write made it, else its
     * previous values.
     */
    int slotForWrite(ColumnStore store, long key) {
        ColumnStore.Overlay o = columns(store);
        if (o.stagedFor != null) {
            stagedChanges++;
            return o.slotForWrite(key);
        }
        Object saved = o.own.slot(key) >= 0 ? o.copyOf(key) : null;
        record(SET, o, (int) (key >>> 32), (int) key, saved);
        return o.slotForWrite(key); // if this throws, undoing the entry above changes nothing
    }

    /** Registers a table whose overlay this transaction uses. */
    void touch(AbstractTable<?> table) {
        if (!table.txTouched) {
            table.txBegin();
            tables.add(table);
        }
    }

    void record(byte kind, Object target, int a, int b, Object entity) {
        if (size == kinds.length) {
            int n = size * 2;
            kinds = Arrays.copyOf(kinds, n);
            targets = Arrays.copyOf(targets, n);
            as = Arrays.copyOf(as, n);
            bs = Arrays.copyOf(bs, n);
            entities = Arrays.copyOf(entities, n);
        }
        kinds[size] = kind;
        targets[size] = target;
        as[size] = a;
        bs[size] = b;
        entities[size] = entity;
        size++;
    }

    /** A mark for {@link #rewind}: the count of staged changes (high 32 bits) and the log's size (low 32 bits). */
    long mark() {
        return stagedChanges << 32 | size;
    }

    /**
     * Reverts the changes logged after {@code mark}, newest first. An operation that threw calls this, so the
     * transaction goes on as if it had not been called. If reverting itself fails, {@code cause} is an
     * {@link Error}, or the operation changed a staged relation (whose changes are not logged one by one), the
     * transaction becomes rollback-only.
     */
    void rewind(long mark, Throwable cause) {
        if ((int) (mark >>> 32) != (int) stagedChanges && failed == null) {
            failed = new IllegalStateException("an operation failed after changing a relation that is being "
                    + "bulk-loaded: its changes are not logged one by one, so the transaction can only roll back",
                    cause);
        }
        try {
            rewindLog((int) mark);
        } catch (Throwable t) {
            cause.addSuppressed(t);
            failed = cause;
            return;
        }
        if (cause instanceof Error) {
            failed = cause;
        }
    }

    /** Reverts the log entries after position {@code mark}, newest first. */
    private void rewindLog(int mark) {
        while (size > mark) {
            size--;
            Object t = targets[size];
            int a = as[size], b = bs[size];
            switch (kinds[size]) {
                case LINK -> deltas.get(t).undoLink(a, b);
                case UNLINK -> deltas.get(t).undoUnlink(a, b);
                case ADD -> ((AbstractTable<?>) t).txUndoAdd(a);
                case VOID -> ((ColumnStore.Overlay) t).unvoid(((long) a << 32) | (b & 0xFFFFFFFFL),
                        (Object[]) entities[size]);
                case SET -> ((ColumnStore.Overlay) t).unwrite(((long) a << 32) | (b & 0xFFFFFFFFL),
                        (ColumnStore) entities[size]);
                default -> ((AbstractTable<?>) t).txUndoRemove(a, entities[size], kinds[size] == REMOVE_NEW);
            }
            targets[size] = null;
            entities[size] = null;
        }
    }

    // ---- Transaction ------------------------------------------------------------------------------------

    private void checkUsable(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(junction + ": cannot " + what + " a transaction of thread '"
                    + owner.getName() + "' from thread '" + Thread.currentThread().getName() + "'");
        }
        if (!active) {
            throw new IllegalStateException(junction + ": cannot " + what + " a transaction that has ended");
        }
    }

    @Override
    public void commit() {
        checkUsable("commit");
        junction.commit(this);
    }

    @Override
    public void rollback() {
        checkUsable("roll back");
        junction.end(this);
    }

    @Override
    public void close() {
        if (active && Thread.currentThread() == owner) {
            junction.end(this);
        } else if (active) {
            checkUsable("close");
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public String toString() {
        return "transaction of " + junction + " on thread '" + owner.getName() + "' (" + (active ? "active" : "ended")
                + ", " + size + " changes)";
    }
}
