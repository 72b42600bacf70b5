package dev.junction;

/**
 * A unit of work over the tables and relations of one {@link Junction}, like a SQLAlchemy session between
 * {@code begin} and {@code commit}: obtained from {@link Junction#begin()}, finished by {@link #commit()} or
 * {@link #rollback()}.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Own changes at once.</b> On the thread that began it, every read through any table, relation, view
 *       or {@link Relation#ints()} of the engine shows the transaction's changes as they are made.</li>
 *   <li><b>Isolation.</b> Other threads see none of them until {@link #commit()}, and then all of them at
 *       once: a reader never sees part of a transaction.</li>
 *   <li><b>All or nothing.</b> {@link #rollback()}, an exception escaping
 *       {@link Junction#inTransaction(Runnable)}, a failure inside {@link #commit()}, or {@link #close()}
 *       without a commit leave every table and relation exactly as they were before {@link Junction#begin()}.
 *       A single operation that throws inside the transaction changes nothing (the transaction goes on), except
 *       an {@link Error} such as {@link OutOfMemoryError}: it marks the transaction rollback-only, and
 *       {@link #commit()} then refuses.</li>
 *   <li><b>Ids.</b> An id freed inside a transaction (an entity removed) is reused only after it commits.</li>
 *   <li><b>Events.</b> Listeners hear about the changes after the commit, never about rolled-back ones (see
 *       {@link ChangeListener}).</li>
 * </ul>
 *
 * <h2>Thread-safety and misuse</h2>
 * A transaction belongs to the thread that began it: calling {@link #commit()} or {@link #rollback()} from
 * another thread throws {@link IllegalStateException} and changes nothing; so do {@link #commit()} or
 * {@link #rollback()} after the transaction has ended. {@link #close()} after the end is a no-op, so that
 * try-with-resources works:
 *
 * <pre>{@code
 * try (Transaction tx = db.begin()) {
 *     wrote.link(alice, book);
 *     authors.remove(bob);
 *     tx.commit();
 * } // not committed (an exception was thrown): rolled back here
 * }</pre>
 */
public interface Transaction extends AutoCloseable {

    /**
     * Publishes every change of this transaction to other threads at once, then delivers its events. O(changes).
     * Waits for open {@link ReadView}s of other threads to close, up to the engine's lock timeout.
     *
     * @throws IllegalStateException if the transaction has ended, belongs to another thread, or is rollback-only
     *         (it is then rolled back, except in the other-thread case, where nothing changes)
     * @throws LockTimeoutException if read views stayed open longer than the lock timeout; the transaction is
     *         rolled back
     */
    void commit();

    /**
     * Discards every change of this transaction and releases the write lock. O(changes made).
     *
     * @throws IllegalStateException if the transaction has ended or belongs to another thread
     */
    void rollback();

    /** Rolls back if the transaction is still active; does nothing if it has ended. */
    @Override
    void close();

    /** Whether the transaction is still open (neither committed nor rolled back). */
    boolean isActive();
}
