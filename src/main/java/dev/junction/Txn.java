package dev.junction;

import java.util.ArrayList;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.objects.Reference2ObjectOpenHashMap;

/**
 * The state of one transaction: the overlays of the relations and tables it touched, and the log of its
 * changes in order (for events after commit, and for undoing one operation that failed inside it).
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Overlays, not in-place writes.</b> Writes go to one overlay per part the transaction touched: a
 *       {@link TableOverlay} per table, a {@link DeltaRelation} per relation, a {@link ColumnStore.Overlay} per
 *       column store, each created on first use ({@link #touch}, {@link #delta}, {@link #columns}) and found
 *       again by the reads of this thread. Committed storage is untouched until the engine publishes the
 *       transaction under its write stamp, so readers on other threads never see part of it and rollback is
 *       dropping the overlays.</li>
 *   <li><b>Log</b> ({@link TxnLog}): every change in order, typed. An operation that throws rewinds to its
 *       {@link #mark()} by reverting entries in reverse order; {@link #failed} marks the transaction
 *       rollback-only when that cannot be trusted (an {@link Error} escaped).</li>
 *   <li><b>Bulk loads.</b> A relation staged by {@link #stage} (only as the first step of a transaction) logs no
 *       links and its columns no values; each staged change only bumps {@link #stagedChanges}. An operation
 *       that fails after a staged change cannot be undone change by change, so the transaction becomes
 *       rollback-only; a load whose work fails is undone whole ({@link #discardAll}), which is exact because the
 *       transaction was empty when it began. Events and journal records read the staged index at commit.</li>
 * </ul>
 * Confined to its owner thread; the engine's write lock is held from begin to end.
 */
final class Txn extends ConfinedTransaction implements EventQueue.Batch {

    final boolean implicit;
    final Reference2ObjectOpenHashMap<RelationImpl<?, ?>, DeltaRelation> deltas = new Reference2ObjectOpenHashMap<>(2);
    final ArrayList<RelationImpl<?, ?>> relations = new ArrayList<>();
    /** The table overlays, in the order first touched. */
    final ArrayList<TableOverlay> tables = new ArrayList<>();
    /** The column overlays, by committed store, in the order first touched. */
    final Reference2ObjectOpenHashMap<ColumnStore, ColumnStore.Overlay> columnOverlays = new Reference2ObjectOpenHashMap<>(2);
    final ArrayList<ColumnStore.Overlay> columnOrder = new ArrayList<>();
    /** No events at commit (a journal record replayed on open: listeners heard it when it first committed). */
    boolean quiet;
    Throwable failed;
    /** Changes made to staged relations (unlogged): an operation that failed after one cannot be undone alone. */
    long stagedChanges;

    final TxnLog log = new TxnLog();
    /** The nested transactions open on it, outermost first ({@link Nested}); empty unless some were begun. */
    final ArrayList<Nested> nested = new ArrayList<>(0);

    Txn(Junction junction, boolean implicit) {
        super(junction, Thread.currentThread());
        this.implicit = implicit;
    }

    /** The overlay of a primary relation, created on first use. */
    DeltaRelation delta(RelationImpl<?, ?> primary) {
        DeltaRelation d = deltas.get(primary);
        if (d == null) {
            DeltaRelation.Log reports = new DeltaRelation.Log() {
                @Override
                public void linked(int left, int right) {
                    log.linked(primary, left, right);
                }

                @Override
                public void unlinked(int left, int right) {
                    log.unlinked(primary, left, right);
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
            };
            d = primary.spareDelta;
            if (d != null) {
                primary.spareDelta = null;
                d.reopen(reports);
            } else {
                d = new DeltaRelation(primary.store, reports);
            }
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
        staging(primary);
    }

    /**
     * Stages {@code primary} (an association table's internal relation) if its committed storage is empty and
     * this transaction has not touched it: an association table's bulk add, whose checks all come first, so
     * only an {@link Error} can interrupt it (and then the transaction is rollback-only). Returns whether it did.
     */
    boolean stageIfFresh(RelationImpl<?, ?> primary) {
        if (primary.store.size() != 0 || deltas.containsKey(primary)) return false;
        staging(primary);
        return true;
    }

    /**
     * Stages the row values of an association table along with its staged internal relation {@code primary}
     * (see {@link #stageIfFresh}), if its committed row store never held a value and this transaction has not
     * written it: the values then go, unlogged, into a dense private store that the commit swaps in whole.
     */
    void stageRows(ColumnStore store, RelationImpl<?, ?> primary) {
        if (!store.dense || !store.isEmpty() || columnOverlays.containsKey(store)) return;
        ColumnStore.Overlay o = new ColumnStore.Overlay(store, true);
        o.stagedFor = primary;
        columnOverlays.put(store, o);
        columnOrder.add(o);
    }

    private void staging(RelationImpl<?, ?> primary) {
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
        if (log.size() > 0) return false;
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
        for (TableOverlay o : tables) o.end();
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
            d.base.forEachLink((l, rr) -> log.linked(r, l, rr));
            d.expanded = true;
        }
    }

    /** What a transaction changed, change by change, in the order made: what listeners and the journal see. */
    interface ChangeVisitor {
        /**
         * A link made ({@code linked}) or removed; {@code leftEntity}, {@code rightEntity}: its ends' entities as
         * they were when it changed, if resolved ({@link TxnLog#resolveEnds}, only when listeners hear the
         * commit), else null (also for an id that is no entity, which only {@link Relation#ints()} can link).
         */
        void link(RelationImpl<?, ?> relation, int left, int right, boolean linked, Object leftEntity,
                  Object rightEntity);

        void add(AbstractTable<?> table, int id, Object entity);

        /** {@code addedHere}: the entity was added by this same transaction. */
        void remove(AbstractTable<?> table, int id, Object entity, boolean addedHere);

        /** The entity of {@code id} ({@code previous}) was replaced by {@code entity}, which has the same key. */
        void replace(AbstractTable<?> table, int id, Object previous, Object entity);
    }

    /**
     * Visits every change in the order made, then the links of every bulk-loaded relation not yet listed as
     * changes ({@link #expandStaged}), ascending; column values are not changes (see {@link #columnOverlays()}).
     */
    @Override
    public void forEachChange(ChangeVisitor v) {
        log.forEachChange(v);
        for (RelationImpl<?, ?> r : relations) {
            DeltaRelation d = deltas.get(r);
            if (d.staged && !d.expanded) d.base.forEachLink((l, rr) -> v.link(r, l, rr, true, null, null));
        }
    }

    /** Whether this transaction changed anything: a logged change, a bulk-loaded link, or a column value. */
    boolean hasChanges() {
        if (log.hasChanges()) return true;
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
        return log.hasChanges();
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
            log.voided(o, key, saved);
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
    /**
     * The overlay slot of {@code key} in {@code store} for writing the value of one column ({@code type},
     * {@code k}), logged first: the slot's creation (undone by dropping it), or else only that column's previous
     * value (undone by putting it back). Cheaper than {@link #slotForWrite} when one column changes.
     */
    int slotForValue(ColumnStore store, long key, byte type, int k) {
        ColumnStore.Overlay o = columns(store);
        if (o.stagedFor != null) {
            stagedChanges++;
            return o.slotForWrite(key);
        }
        int s = o.own.slot(key);
        if (s < 0) {
            log.written(o, key, null);
            return o.slotForWrite(key); // if this throws, undoing the entry above changes nothing
        }
        log.overwritten(o, key, new ColumnStore.PreviousValue(type, k,
                type == ColumnStore.OBJECT ? 0L : o.own.bits(type, k, s), type == ColumnStore.OBJECT ? o.own.objects[k][s] : null));
        return s;
    }

    int slotForWrite(ColumnStore store, long key) {
        ColumnStore.Overlay o = columns(store);
        if (o.stagedFor != null) {
            stagedChanges++;
            return o.slotForWrite(key);
        }
        ColumnStore saved = o.own.slot(key) >= 0 ? o.copyOf(key) : null;
        log.written(o, key, saved);
        return o.slotForWrite(key); // if this throws, undoing the entry above changes nothing
    }

    /** The overlay of {@code table} in this transaction, created (or a spare one reused) on first use. */
    TableOverlay touch(AbstractTable<?> table) {
        TableOverlay o = table.tx;
        if (o == null) {
            o = table.spare != null ? table.spare : table.newOverlay();
            table.spare = null;
            o.begin();
            table.tx = o;
            tables.add(o);
        }
        return o;
    }

    /** A mark for {@link #rewind}: the count of staged changes (high 32 bits) and the log's size (low 32 bits). */
    long mark() {
        return stagedChanges << 32 | log.size();
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

    /**
     * Undoes what was done after {@code mark} because the caller asked (a nested transaction rolled back, nested
     * work that returned with a nested transaction still open): as {@link #rewind}, with a cause of its own.
     */
    void rollbackTo(long mark, String why) {
        rewind(mark, new IllegalStateException(why));
    }

    // ---- nested transactions ----------------------------------------------------------------------------

    /**
     * Begins a transaction nested in this one: a savepoint at the current {@link #mark()}. Every change made
     * while it is open (on this thread: changes belong to the innermost open transaction) is undone if it is
     * rolled back, and becomes part of this transaction if it commits. Nothing is published before the outermost
     * transaction commits.
     *
     * @throws IllegalStateException if this transaction is rollback-only
     */
    Nested nest() {
        if (failed != null) {
            throw new IllegalStateException(junction + ": the transaction is rollback-only after " + failed
                    + "; roll it back", failed);
        }
        Nested n = new Nested(this, mark(), nested.size());
        nested.add(n);
        return n;
    }

    /** Ends the nested transactions from {@code depth} on (their changes stay as they are). */
    void endNestedFrom(int depth) {
        for (int i = nested.size() - 1; i >= depth; i--) {
            nested.remove(i).active = false;
        }
    }

    /**
     * A transaction begun while this thread had one open: a savepoint of it. See {@link Transaction}'s
     * "Nesting"; confined to the owner thread like the transaction it is nested in.
     */
    static final class Nested extends ConfinedTransaction {
        final Txn outer;
        final long mark;
        final int depth;

        Nested(Txn outer, long mark, int depth) {
            super(outer.junction, outer.owner);
            this.outer = outer;
            this.mark = mark;
            this.depth = depth;
        }

        @Override
        String noun() {
            return "nested transaction";
        }

        @Override
        String howEnded() {
            return " (itself, or with the transaction it was nested in)";
        }

        /** Ends it: its changes become part of the enclosing transaction, which goes on. Publishes nothing. */
        @Override
        public void commit() {
            checkUsable("commit");
            if (outer.nested.size() > depth + 1) {
                throw new IllegalStateException(outer.junction + ": cannot commit a nested transaction while a "
                        + "transaction nested in it is still open; end that one first");
            }
            if (outer.failed != null) {
                Throwable f = outer.failed;
                rollback();
                throw new IllegalStateException(outer.junction + ": the nested transaction was rolled back: the "
                        + "transaction is rollback-only after " + f, f);
            }
            outer.endNestedFrom(depth);
        }

        /** Undoes every change made since it began (those of transactions nested in it included), and ends it. */
        @Override
        public void rollback() {
            checkUsable("roll back");
            outer.endNestedFrom(depth);
            outer.rollbackTo(mark, "nested transaction rolled back");
        }

        @Override
        public String toString() {
            return "nested transaction (depth " + (depth + 1) + ") of " + outer;
        }
    }

    /** Reverts the log entries after position {@code mark}, newest first. */
    private void rewindLog(int mark) {
        log.rewindTo(mark, this);
    }

    // ---- Transaction ------------------------------------------------------------------------------------

    @Override
    String noun() {
        return "transaction";
    }

    @Override
    String howEnded() {
        return "";
    }

    @Override
    public void commit() {
        checkUsable("commit");
        junction.writes.commit(this);
    }

    @Override
    public void rollback() {
        checkUsable("roll back");
        junction.writes.end(this);
    }

    @Override
    public String toString() {
        return "transaction of " + junction + " on thread '" + owner.getName() + "' (" + (active ? "active" : "ended")
                + ", " + log.size() + " log entries)";
    }
}
