package dev.junction;

/**
 * Hears the committed changes of a {@link Junction}, like SQLAlchemy's {@code append} and {@code remove}
 * attribute events, but only for changes that were committed. Register with
 * {@link Junction#addListener(ChangeListener)}; every method has an empty default, so implement only what is
 * needed.
 *
 * <h2>Delivery</h2>
 * <ul>
 *   <li><b>After commit, never before.</b> Events of a transaction are delivered after it commits (an
 *       operation outside a transaction commits on its own); rolled-back changes, and changes undone by an
 *       operation that failed, are never delivered.</li>
 *   <li><b>In commit order.</b> Transactions are delivered one after another, in the order they committed;
 *       within a transaction, changes come in the order they were made (a link made and removed in the same
 *       transaction is reported as a link, then an unlink). Removing an entity reports the unlinks of its
 *       links first, then the removal.</li>
 *   <li><b>By one thread at a time</b>: the committing thread, before its commit returns, unless another
 *       thread is delivering already, in which case that thread delivers these events as well. A listener may
 *       read the engine (it sees at least the state after the commit) and may write to it; such a write is a
 *       new transaction, delivered after the current batch.</li>
 *   <li><b>Exceptions.</b> A listener that throws does not undo anything and does not stop the other
 *       listeners or later events: the exception goes to the delivering thread's
 *       {@link Thread.UncaughtExceptionHandler} (by default, printed to standard error), and delivery goes on.</li>
 * </ul>
 * Ids are those of the relation's tables at the time of the change: after a removal, {@link Table#get(int)}
 * no longer answers for the removed id, so {@link #removed} carries the entity itself.
 */
public interface ChangeListener {

    /** {@code left} was linked to {@code right} in {@code relation} (as declared, never an inverse). */
    default void linked(Relation<?, ?> relation, int left, int right) {
    }

    /** The link between {@code left} and {@code right} was removed from {@code relation}. */
    default void unlinked(Relation<?, ?> relation, int left, int right) {
    }

    /** {@code entity} was added to {@code table} under {@code id}. */
    default void added(Table<?> table, int id, Object entity) {
    }

    /** {@code entity}, whose id was {@code id}, was removed from {@code table}, after its links. */
    default void removed(Table<?> table, int id, Object entity) {
    }

    /**
     * The entity {@code previous} under {@code id} in {@code table} was replaced by {@code entity}, which has the
     * same key ({@link KeyedTable#put}, {@link KeyedTable#replace}); the id and its links are unchanged.
     */
    default void replaced(Table<?> table, int id, Object previous, Object entity) {
    }
}
