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
 * <h2>Nesting: one model for {@code begin} and {@code inTransaction}</h2>
 * A transaction begun on a thread that already has one open, by {@link Junction#begin()} or by
 * {@link Junction#inTransaction(Runnable)}, is <em>nested</em> in it: a savepoint, as with JDBC savepoints,
 * Spring's {@code NESTED} propagation or jOOQ's nested transactions. It joins the enclosing transaction (same
 * write lock, same overlays; nothing is published, no listener hears anything and nothing reaches the journal
 * before the <em>outermost</em> transaction commits), and:
 * <ul>
 *   <li>its {@link #commit()} ends it and keeps its changes as part of the enclosing transaction;</li>
 *   <li>its {@link #rollback()} (or {@link #close()} without a commit, or an exception escaping a nested
 *       {@code inTransaction}, which is then rethrown) undoes exactly the changes made since it began, including
 *       those of transactions nested in it, and the enclosing transaction goes on as if it had not been
 *       begun;</li>
 *   <li>changes belong to the innermost transaction open at the time they are made.</li>
 * </ul>
 * So a failure inside does not doom the enclosing transaction (unlike Spring's {@code REQUIRED}, which marks it
 * rollback-only): every change is logged, so the inner part can be undone exactly, the same rule by which a
 * single operation that throws changes nothing. If the exception is not caught, it rolls back each enclosing
 * {@code inTransaction} in turn, so everything is rolled back, as with {@code REQUIRED}. Library code that wraps
 * its writes in {@code inTransaction} is therefore atomic on its own and composes inside a caller's transaction.
 *
 * <p>Misuse throws {@link IllegalStateException} and changes nothing: committing a transaction while one nested
 * in it is open (end the nested one first; rolling back the enclosing one ends and undoes the nested ones too),
 * using a nested transaction after it or its enclosing transaction ended, and beginning one inside a
 * rollback-only transaction. A nested {@code inTransaction} whose work returns while a transaction it began is
 * still open undoes its work and throws. A nested transaction's {@code commit} inside a rollback-only transaction
 * rolls the nested one back and throws.
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
 *     try (Transaction inner = db.begin()) {   // nested: a savepoint
 *         authors.remove(bob);
 *         if (!allowed()) inner.rollback();    // undoes the removal only
 *         else inner.commit();                 // keeps it, as part of tx
 *     }
 *     tx.commit();                             // publishes everything kept
 * } // not committed (an exception was thrown): rolled back here
 * }</pre>
 */
public interface Transaction extends AutoCloseable {

    /**
     * Publishes every change of this transaction to other threads at once, then delivers its events. O(changes).
     * Waits for open {@link ReadView}s of other threads to close, up to the engine's lock timeout. For a nested
     * transaction: ends it, keeping its changes in the enclosing transaction; publishes nothing. O(1).
     *
     * @throws IllegalStateException if the transaction has ended, belongs to another thread, has a transaction
     *         nested in it still open (nothing changes), or is rollback-only (it is then rolled back, except in the
     *         other-thread case, where nothing changes)
     * @throws LockTimeoutException if read views stayed open longer than the lock timeout; the transaction is
     *         rolled back
     */
    void commit();

    /**
     * Discards every change of this transaction and releases the write lock. O(changes made). For a nested
     * transaction: undoes the changes made since it began and ends it; the enclosing transaction goes on. Either
     * way, transactions nested in it end too.
     *
     * @throws IllegalStateException if the transaction has ended or belongs to another thread
     */
    void rollback();

    /** Rolls back if the transaction is still active (see {@link #rollback()}); does nothing if it has ended. */
    @Override
    void close();

    /**
     * Whether the transaction is still open: neither committed nor rolled back, and for a nested transaction, its
     * enclosing transaction still open.
     */
    boolean isActive();
}
