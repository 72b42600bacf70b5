package dev.junction;

import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listeners of an engine and the committed changes waiting to be told to them.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Batches.</b> A commit queues one {@link Batch}: the transaction itself (its log is replayed through
 *       {@link Txn#forEachChange}) or, for a single link or unlink made in place, a {@link SingleChange}. Queued
 *       under the write lock, so the queue is in commit order; delivered after the lock is released.</li>
 *   <li><b>One deliverer.</b> Batches are delivered in commit order by one thread at a time: a thread that finds
 *       another delivering leaves its batch to it; the deliverer re-checks the queue after letting go, so no batch
 *       is stranded. A listener that writes queues a batch delivered after the current one.</li>
 *   <li><b>Entities.</b> Each link and unlink is delivered with its ends' entities, resolved under the write lock
 *       at commit ({@link TxnLog#resolveEnds}, {@link SingleChange}'s fields), because by delivery a later commit
 *       may have removed them and reused their ids.</li>
 *   <li><b>What listeners see.</b> The relation or table a user holds: internal parts of association tables are
 *       not told (their rows' table is quiet, their row relations have no event target); a listener that throws
 *       goes to the thread's uncaught-exception handler and delivery goes on.</li>
 * </ul>
 */
final class EventQueue {

    /** One commit's changes, replayed to listeners in the order made. */
    interface Batch {
        void forEachChange(Txn.ChangeVisitor v);
    }

    /** A single link or unlink made in place, outside a transaction, with its ends' entities (null: no entity). */
    record SingleChange(RelationImpl<?, ?> relation, int left, int right, boolean linked, Object leftEntity,
                        Object rightEntity) implements Batch {
        @Override
        public void forEachChange(Txn.ChangeVisitor v) {
            v.link(relation, left, right, linked, leftEntity, rightEntity);
        }
    }

    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    /** Committed batches not yet delivered, in commit order; guarded by itself. */
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private final ReentrantLock delivery = new ReentrantLock();
    private final Emitter emitter = new Emitter();

    void add(ChangeListener listener) {
        listeners.add(listener);
    }

    boolean remove(ChangeListener listener) {
        return listeners.remove(listener);
    }

    /** Whether anyone listens (a write can then skip building a batch). */
    boolean isHeard() {
        return !listeners.isEmpty();
    }

    /** Queues a committed batch (under the write lock: the queue is in commit order). */
    void offer(Batch batch) {
        synchronized (pending) {
            pending.add(batch);
        }
    }

    /**
     * Delivers pending batches in commit order, one thread at a time. A thread that finds another delivering
     * leaves its batch to it; the deliverer re-checks the queue after letting go, so no batch is stranded.
     */
    void deliver() {
        while (true) {
            if (delivery.isHeldByCurrentThread() || !delivery.tryLock()) {
                return; // a listener wrote (its batch is picked up by the loop below), or another thread delivers
            }
            try {
                while (true) {
                    Batch batch;
                    synchronized (pending) {
                        batch = pending.poll();
                    }
                    if (batch == null) {
                        break;
                    }
                    batch.forEachChange(emitter);
                }
            } finally {
                delivery.unlock();
            }
            synchronized (pending) {
                if (pending.isEmpty()) {
                    return;
                }
            }
        }
    }

    /** Tells every listener of one change (only the delivering thread uses it). */
    private final class Emitter implements Txn.ChangeVisitor {
        private static final int LINKED = 0, UNLINKED = 1, ADDED = 2, REMOVED = 3, REPLACED = 4;

        @Override
        public void link(RelationImpl<?, ?> relation, int left, int right, boolean linked, Object leftEntity,
                         Object rightEntity) {
            if (relation.eventTarget != null) { // else an internal part of an association table
                tell(linked ? LINKED : UNLINKED, relation.eventTarget, null, left, right, leftEntity, rightEntity);
            }
        }

        @Override
        public void add(AbstractTable<?> table, int id, Object entity) {
            if (!table.quiet) tell(ADDED, null, table, id, 0, entity, null);
        }

        @Override
        public void remove(AbstractTable<?> table, int id, Object entity, boolean addedHere) {
            if (!table.quiet) tell(REMOVED, null, table, id, 0, entity, null);
        }

        @Override
        public void replace(AbstractTable<?> table, int id, Object previous, Object entity) {
            if (!table.quiet) tell(REPLACED, null, table, id, 0, previous, entity);
        }

        private void tell(int what, Relation<?, ?> relation, Table<?> table, int a, int b, Object x, Object y) {
            for (ChangeListener l : listeners) {
                try {
                    switch (what) {
                        case LINKED -> l.linked(relation, a, b, x, y);
                        case UNLINKED -> l.unlinked(relation, a, b, x, y);
                        case ADDED -> l.added(table, a, x);
                        case REPLACED -> l.replaced(table, a, x, y);
                        default -> l.removed(table, a, x);
                    }
                } catch (Throwable e) {
                    report(e);
                }
            }
        }
    }

    /** A listener threw: the thread's uncaught-exception handler hears of it, and delivery goes on. */
    private static void report(Throwable e) {
        Thread th = Thread.currentThread();
        try {
            th.getUncaughtExceptionHandler().uncaughtException(th, e);
        } catch (Throwable ignored) {
            // a failing handler must not stop delivery either
        }
    }
}
