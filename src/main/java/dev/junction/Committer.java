package dev.junction;

import dev.junction.index.IntRelation;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The write path of an engine: the one writer, transactions from begin to commit, the journal, and every change
 * of committed storage.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>One writer.</b> {@link #writer} is held by an open transaction from begin to end, or by a single write
 *       outside one; other writers wait up to the lock timeout. Readers never take it ({@link ReadGate}).</li>
 *   <li><b>Two paths, one decision.</b> A write outside a transaction goes in place (straight to committed
 *       storage, no overlay, no log) or through a transaction of its own; {@link #decide} chooses, under the
 *       write lock, so a journal attached or a listener added meanwhile is seen: journaled engines always take
 *       the transaction path (every change must be a record), and bulk writes do too when listeners need the
 *       exact list of changes or link values must be dropped with their links.</li>
 *   <li><b>One publication.</b> Every change of committed storage, in place or a commit, runs through
 *       {@link #publish}: under the write stamp, which the read gate counts, so no read overlapping it is
 *       believed.</li>
 *   <li><b>Commit</b> ({@link #commit}): under the stamp, the journal record first (write-ahead), then the
 *       overlays: everything that allocates, undone on failure, then everything that cannot fail. Then the
 *       transaction ends, the group-commit force is awaited without the lock, and listeners are told.</li>
 * </ul>
 */
final class Committer {

    /** How a write outside a transaction goes. */
    enum WritePath {
        /** Straight to committed storage under the write stamp: no overlay, no log. */
        IN_PLACE,
        /** Through a transaction of its own: an overlay, a log, a journal record, exact events. */
        TRANSACTION
    }

    /** What kind of write asks {@link #decide}. */
    enum WriteKind {
        /** One link or unlink: its event and the dropping of its values are done in place too. */
        SINGLE_LINK,
        /** Many links at once (linkAll, removeLeft, replace, clear). */
        BULK_LINKS,
        /** A column value. */
        VALUE
    }

    /** What a single in-place link or unlink did. */
    enum Outcome {
        CHANGED, UNCHANGED,
        /** Nothing was done: the write needs a transaction (the engine is journaled, or an entity must be added). */
        NEEDS_TRANSACTION
    }

    private final Junction db;
    private final String label;
    private final ReadGate gate;
    private final EventQueue events;
    private final long lockTimeoutNanos;
    /** Held by the one writer: an open transaction, or a single write outside one. */
    private final ReentrantLock writer = new ReentrantLock();
    /** The journal every commit is written to, or null (in memory only); set under the write lock. */
    volatile JournalFile journal;

    Committer(Junction db, String label, ReadGate gate, EventQueue events, long lockTimeoutNanos) {
        this.db = db;
        this.label = label;
        this.gate = gate;
        this.events = events;
        this.lockTimeoutNanos = lockTimeoutNanos;
    }

    // ---- the write lock ------------------------------------------------------------------------------------

    private void acquireWriter(long timeoutNanos) {
        if (writer.tryLock()) {
            return; // uncontended: no wait, so an interrupt does not matter, and nothing for JFR
        }
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.LOCK_WAIT) : null;
        boolean acquired = false;
        try {
            acquired = writer.tryLock(Math.max(0L, timeoutNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException(label + ": interrupted while waiting for the write lock");
        } finally {
            if (jfr != null) JfrEvents.lockWait(jfr, label, acquired);
        }
        if (acquired) {
            return;
        }
        Txn holder = gate.anyTxn();
        throw new LockTimeoutException(label + ": another writer" + (holder == null ? "" : " (a transaction of thread '"
                + holder.owner.getName() + "')") + " held the write lock for more than "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }

    /** Runs {@code op} under the write lock (not in a transaction): I/O such as a checkpoint's journal switch. */
    <T> T underLock(String what, Junction.IOSupplier<T> op) throws IOException {
        if (gate.ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot " + what + " inside a transaction");
        }
        gate.checkNoView(what);
        acquireWriter(lockTimeoutNanos);
        try {
            return op.get();
        } finally {
            writer.unlock();
        }
    }

    // ---- publication ---------------------------------------------------------------------------------------

    /**
     * Changes committed storage: {@code op} runs under the write stamp (the caller holds the write lock), which
     * the read gate counts as a publication. The one way committed storage changes.
     */
    <T> T publish(Supplier<T> op) {
        long st = gate.acquireStamp();
        try {
            return op.get();
        } finally {
            gate.releaseStamp(st);
        }
    }

    /** A change of committed storage under both locks (not in a transaction), e.g. a failed load's reset. */
    <T> T publishLocked(Supplier<T> op) {
        gate.checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        try {
            return publish(op);
        } finally {
            writer.unlock();
        }
    }

    // ---- transactions --------------------------------------------------------------------------------------

    /**
     * Opens a transaction on this thread, or one nested in the thread's open transaction (see
     * {@link Junction#begin(long, TimeUnit)}).
     */
    Transaction begin(long timeoutNanos) {
        Txn own = gate.ownTxn();
        if (own != null) {
            return own.nest();
        }
        gate.checkNoView("begin a transaction");
        acquireWriter(timeoutNanos);
        Txn t = new Txn(db, false);
        gate.openTxn(t);
        return t;
    }

    /**
     * Runs a write: inside this thread's transaction (undoing its own changes if it throws), or as a transaction
     * of its own.
     */
    <T> T write(Supplier<T> op) {
        Txn t = gate.ownTxn();
        if (t != null) {
            return within(t, op);
        }
        gate.checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        t = new Txn(db, true);
        gate.openTxn(t);
        T result;
        try {
            result = op.get();
        } catch (Throwable e) {
            end(t);
            throw e;
        }
        try {
            commit(t);
        } catch (IllegalStateException e) {
            if (!t.active) {
                throw e;
            }
            // refused before it began (a read view the work left open): nobody else can commit this transaction
            end(t);
            throw new IllegalStateException(e.getMessage() + "; the transaction was rolled back", e);
        }
        return result;
    }

    boolean writeBool(BooleanSupplier op) {
        return write(op::getAsBoolean);
    }

    int writeInt(IntSupplier op) {
        return write(op::getAsInt);
    }

    /**
     * Runs an operation, or nested work, inside {@code t}: if it throws, what it changed is undone and the
     * transaction goes on. A transaction nested (begun) inside it and still open when it returns is refused the
     * same way: its changes are undone too, and it throws.
     */
    <T> T within(Txn t, Supplier<T> op) {
        if (t.failed != null) {
            throw new IllegalStateException(label + ": the transaction is rollback-only after " + t.failed, t.failed);
        }
        long mark = t.mark();
        int depth = t.nested.size();
        T result;
        try {
            result = op.get();
        } catch (Throwable e) {
            t.endNestedFrom(depth);
            t.rewind(mark, e);
            throw e;
        }
        if (t.nested.size() > depth) {
            t.endNestedFrom(depth);
            t.rollbackTo(mark, "nested work left a nested transaction open");
            throw new IllegalStateException(label + ": the work returned with a transaction it began still open; "
                    + "what it did was undone (end every transaction you begin: commit, or close with "
                    + "try-with-resources)");
        }
        return result;
    }

    /**
     * A bulk load of {@code primary}: a transaction of its own, or the first step of this thread's open one
     * (undone whole if {@code work} throws); see {@link Junction#bulkLoad(Relation, Supplier)}.
     */
    <T> T bulkLoad(RelationImpl<?, ?> primary, Supplier<T> work) {
        Txn t = gate.ownTxn();
        if (t == null) {
            return write(() -> {
                gate.ownTxn().stage(primary);
                return work.get();
            });
        }
        if (t.failed != null) {
            throw new IllegalStateException(label + ": the transaction is rollback-only after " + t.failed, t.failed);
        }
        t.stage(primary);
        try {
            return work.get();
        } catch (Throwable e) {
            t.discardAll();
            throw e;
        }
    }

    /** Publishes {@code t} under the write stamp, then ends it and delivers its events. */
    void commit(Txn t) {
        if (!t.nested.isEmpty()) { // before anything: the transaction stays open, to be committed after ending them
            throw new IllegalStateException(label + ": cannot commit while " + t.nested.size() + " transaction(s) "
                    + "nested in it are open; commit or roll back the nested ones first");
        }
        if (t.failed != null) {
            end(t);
            throw new IllegalStateException(label + ": the transaction was rolled back: it was rollback-only after "
                    + t.failed, t.failed);
        }
        gate.checkNoView("commit"); // before the try: the transaction stays open, to be committed after closing the view
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.COMMIT) : null; // no allocation while no recording runs
        // decided once: a listener registered while this commit waits hears all of it or none of it
        boolean heard = events.isHeard() && !t.quiet;
        if (heard) {
            try {
                t.expandStaged(); // bulk-loaded links become events (and journal entries) only now
                t.log.resolveEnds(); // the entities of links' ends, while removed ones are still known
            } catch (Throwable e) {
                end(t);
                throw e;
            }
        }
        JournalFile j = journal;
        long[] ticket = {-1};
        try {
            publish(() -> { // first: once the record is in the journal, nothing may stop the publication
                if (j != null && t.hasChanges()) { // write-ahead: in the journal (forced, if every commit) first
                    byte[] record;
                    try {
                        record = JournalCodec.encode(t, db.codecs(), db.partNames());
                        ticket[0] = j.append(record);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(label + ": the journal " + j.file + " could not be "
                                + "written; the transaction was rolled back", e);
                    }
                    try {
                        applyOverlays(t);
                    } catch (Throwable e) { // an Error while publishing: take the record back, then stop journaling
                        j.undoAppend(ticket[0], record.length);
                        throw e;
                    }
                } else {
                    applyOverlays(t);
                }
                return null;
            });
        } catch (Throwable e) {
            end(t);
            throw e;
        }
        long recordBytes = jfr != null && ticket[0] >= 0 ? j.lastRecordLength : 0; // still under the write lock
        boolean told = heard && t.hasEvents();
        if (told) {
            events.offer(t);
        }
        end(t);
        if (ticket[0] >= 0 && !j.policy.everyCommit) {
            j.awaitDurable(ticket[0]); // group commit: wait for the flush, without the write lock
        }
        if (jfr != null) {
            JfrEvents.commit(jfr, db, t, recordBytes);
        }
        if (told) {
            events.deliver();
        }
    }

    /** Applies the overlays to committed storage: all allocation first (undone on failure), then removals. */
    private static void applyOverlays(Txn t) {
        List<ColumnStore.Overlay> columns = t.columnOverlays();
        int columnsDone = 0;
        int tablesDone = 0;
        int relationsDone = 0;
        try {
            for (TableOverlay table : t.tables) {
                table.applyAdds();
                tablesDone++;
            }
            for (RelationImpl<?, ?> r : t.relations) {
                t.deltas.get(r).applyAdds();
                relationsDone++;
            }
            for (ColumnStore.Overlay o : columns) {
                o.applyAdds(); // undoes itself if it throws
                columnsDone++;
            }
        } catch (Throwable e) {
            while (columnsDone > 0) columns.get(--columnsDone).undoAdds();
            while (relationsDone > 0) t.deltas.get(t.relations.get(--relationsDone)).undoAdds();
            while (tablesDone > 0) t.tables.get(--tablesDone).undoAdds();
            throw e;
        }
        for (RelationImpl<?, ?> r : t.relations) {
            t.deltas.get(r).applyRemoves();
        }
        for (TableOverlay table : t.tables) {
            table.applyRemoves();
        }
        for (ColumnStore.Overlay o : columns) {
            o.applyRemoves();
        }
    }

    /** Ends {@code t} (committed, or rolled back: its overlays are dropped) and releases the write lock. */
    void end(Txn t) {
        t.endNestedFrom(0);
        for (TableOverlay table : t.tables) {
            table.end();
        }
        for (RelationImpl<?, ?> r : t.relations) {
            DeltaRelation d = t.deltas.get(r);
            d.ended = true;
            if (d.reusable()) r.spareDelta = d; // emptied when the next transaction takes it
        }
        t.active = false;
        gate.closeTxn();
        writer.unlock();
    }

    /** Removes every link of {@code id} in every relation that uses {@code table}, at either end (in a transaction). */
    void cascade(Txn t, AbstractTable<?> table, int id) {
        for (AssociationTableImpl<?, ?> a : table.associations) {
            a.cascade(t, table, id);
        }
        for (RelationImpl<?, ?> r : table.usedBy) {
            IntRelation s = t.delta(r);
            if (r.left == table) {
                s.removeLeft(id);
            }
            if (r.right == table && s.kind() != IntRelation.Kind.SYMMETRIC) {
                s.removeRight(id);
            }
        }
    }

    // ---- writes outside a transaction ------------------------------------------------------------------------

    /**
     * How a write outside a transaction goes now (the caller holds the write lock): the transaction path if the
     * engine is journaled (every change must be a record), or for bulk writes when listeners need the exact
     * changes or the relation has link values to drop with its links; else in place.
     */
    private WritePath decide(WriteKind kind, RelationImpl<?, ?> relation) {
        if (journal != null) return WritePath.TRANSACTION;
        if (kind == WriteKind.BULK_LINKS && (events.isHeard() || relation.columns != null)) {
            return WritePath.TRANSACTION;
        }
        return WritePath.IN_PLACE;
    }

    /**
     * A write outside this thread's transaction, in place if {@link #decide} says so: {@code prepare} under the
     * write lock only (it may run user code, such as key functions), then {@code apply} under the write stamp
     * (no user code; all or nothing). Otherwise, and inside a transaction, {@code inTxn} as a transaction of its
     * own (or as part of the open one).
     */
    <P, T> T write(WriteKind kind, RelationImpl<?, ?> relation, Supplier<P> prepare, Function<P, T> apply,
                   Supplier<T> inTxn) {
        if (gate.ownTxn() == null) {
            gate.checkNoView("write");
            acquireWriter(lockTimeoutNanos);
            try {
                if (decide(kind, relation) == WritePath.IN_PLACE) {
                    P prepared = prepare.get();
                    return publish(() -> apply.apply(prepared));
                }
            } finally {
                writer.unlock();
            }
        }
        return write(inTxn);
    }

    /**
     * A single link or unlink of ids outside a transaction, in place: the write lock, then the write stamp for
     * the change itself. No overlay, no allocation beyond the index's own.
     */
    Outcome linkInPlace(RelationImpl<?, ?> rel, int left, int right, boolean link) {
        return linkInPlace(rel, null, null, null, left, right, link);
    }

    /**
     * A typed single link or unlink outside a transaction, in place if both entities exist (a link then needs a
     * transaction to add the missing one; an unlink has nothing to do).
     */
    Outcome linkInPlace(Side<?, ?> side, Object owner, Object other, boolean link) {
        return linkInPlace(side.primary, side, owner, other, 0, 0, link);
    }

    /** Both single in-place writes: by ids, or (with a {@code side}) by entities found under the lock. */
    private Outcome linkInPlace(RelationImpl<?, ?> rel, Side<?, ?> side, Object owner, Object other, int l, int r,
                                boolean link) {
        gate.checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        boolean changed;
        try {
            if (decide(WriteKind.SINGLE_LINK, rel) != WritePath.IN_PLACE) {
                return Outcome.NEEDS_TRANSACTION;
            }
            if (side != null) {
                int o = side.ownerTable.find(owner);
                int x = o < 0 ? -1 : side.otherTable.find(other);
                if (x < 0) {
                    return link ? Outcome.NEEDS_TRANSACTION : Outcome.UNCHANGED;
                }
                l = side.ownerLeft ? o : x;
                r = side.ownerLeft ? x : o;
            }
            changed = changeInPlace(rel, l, r, link);
        } finally {
            writer.unlock();
        }
        return told(changed);
    }

    /** The in-place change itself (the caller holds the write lock); queues its event if anyone listens. */
    private boolean changeInPlace(RelationImpl<?, ?> rel, int l, int r, boolean link) {
        long st = gate.acquireStamp(); // not publish(): a capturing lambda here would allocate on every write
        boolean changed;
        try {
            changed = link ? rel.store.link(l, r) : rel.store.unlink(l, r);
            if (changed && !link) rel.droppedInPlace(l, r);
        } finally {
            gate.releaseStamp(st);
        }
        if (changed && events.isHeard()) { // the ends' entities now, under the lock: a later commit may remove them
            events.offer(new EventQueue.SingleChange(rel, l, r, link, rel.left.entityOrNull(l), rel.right.entityOrNull(r)));
        }
        return changed;
    }

    /** After the write lock is released: delivers the in-place change's event, and says what happened. */
    private Outcome told(boolean changed) {
        if (changed && events.isHeard()) {
            events.deliver();
        }
        return changed ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    /**
     * A schema change of columns: not in a transaction or a read view, under both locks (which also order
     * declarations among themselves). Not under the engine's monitor: a transaction's thread may call the
     * monitor's methods ({@code getTable}) while a declaration waits for its write lock.
     */
    <T> T declareColumn(String owner, Supplier<T> op) {
        if (gate.ownTxn() != null) {
            throw new IllegalStateException(owner + ": cannot declare a column inside a transaction; declare "
                    + "columns before using it");
        }
        return publishLocked(op);
    }

    // ---- the journal ---------------------------------------------------------------------------------------

    /** Whether in-place writes are off (a journal records every change through transactions). */
    boolean journaled() {
        return journal != null;
    }

    /** Starts journaling every commit (under the write lock, so no commit is half in and half out). */
    void attachJournal(JournalFile j) {
        acquireWriter(lockTimeoutNanos);
        try {
            if (journal != null) {
                throw new IllegalStateException(label + " is already journaled");
            }
            journal = j;
        } finally {
            writer.unlock();
        }
    }

    /** Stops journaling; returns the journal (to close), or null. */
    JournalFile detachJournal() {
        acquireWriter(lockTimeoutNanos);
        try {
            JournalFile j = journal;
            journal = null;
            return j;
        } finally {
            writer.unlock();
        }
    }

    /** Loads decoded snapshot content (under the write lock; refused on a journaled engine). */
    void load(java.nio.file.Path file, SnapshotCodec.Content content) throws IOException {
        if (gate.ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot load inside a transaction");
        }
        gate.checkNoView("load a snapshot");
        acquireWriter(lockTimeoutNanos);
        try {
            if (journal != null) { // checked under the lock: a journal attached meanwhile must not be bypassed
                throw new IllegalStateException(label + " is journaled: load a snapshot before Persistence.open (or "
                        + "open the directory the snapshot belongs to); a load would bypass the journal");
            }
            SnapshotRestore.apply(db, file, content, body -> publish(() -> {
                body.run();
                return null;
            }));
        } finally {
            writer.unlock();
        }
    }
}
