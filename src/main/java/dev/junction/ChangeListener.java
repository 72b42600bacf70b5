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
 *
 * <h2>Entities, and the order of a delete</h2>
 * Events carry ids, valid at the time of the change; by the time a listener runs, later commits may have
 * removed those entities and reused their ids, so {@link Table#get(int)} is no way to learn what a past event
 * was about. Every event therefore also carries its entities, resolved when its transaction committed:
 * {@link #linked(Relation, int, int, Object, Object)} and {@link #unlinked(Relation, int, int, Object, Object)}
 * give the two ends' entities as they were when the link changed, {@link #added}, {@link #removed} and
 * {@link #replaced} the entity itself. The engine calls the entity-carrying {@code linked} and {@code unlinked},
 * whose defaults call the int-only ones: a listener overrides whichever it needs (overriding both, only the
 * entity-carrying one is called).
 *
 * <p>Removing an entity ({@link Table#remove}, in a transaction or not) is told in this order, all in one
 * batch: first the rows of association tables that named it (each row's pair unlinked from
 * {@link AssociationTable#pairs()} when its last row goes), then the unlinks of its links, relation by relation
 * in the order the relations were declared, each carrying both ends' entities, the removed one included; then
 * {@link #removed} with the removed entity. A rolled-back transaction (or nested transaction, or failed
 * operation) tells nothing of what it undid; a nested transaction that commits is told with its enclosing one.
 * An entity that is an {@code int} id of {@link Relation#ints()} with no entity behind it comes as {@code null}.
 */
public interface ChangeListener {

    /** {@code left} was linked to {@code right} in {@code relation} (as declared, never an inverse). */
    default void linked(Relation<?, ?> relation, int left, int right) {
    }

    /** The link between {@code left} and {@code right} was removed from {@code relation}. */
    default void unlinked(Relation<?, ?> relation, int left, int right) {
    }

    /**
     * {@code left} was linked to {@code right} in {@code relation} (as declared), whose entities were
     * {@code leftEntity} and {@code rightEntity} at the time (resolved at commit; see "Entities" above). The
     * default calls {@link #linked(Relation, int, int)}.
     */
    default void linked(Relation<?, ?> relation, int left, int right, Object leftEntity, Object rightEntity) {
        linked(relation, left, right);
    }

    /**
     * The link between {@code left} and {@code right} was removed from {@code relation}; {@code leftEntity} and
     * {@code rightEntity} are the ends' entities as they were when it was removed, also when the unlink was
     * caused by removing one of them (which is told after, by {@link #removed}). The default calls
     * {@link #unlinked(Relation, int, int)}.
     */
    default void unlinked(Relation<?, ?> relation, int left, int right, Object leftEntity, Object rightEntity) {
        unlinked(relation, left, right);
    }

    /** {@code entity} was added to {@code table} under {@code id}. */
    default void added(Table<?> table, int id, Object entity) {
    }

    /** {@code entity}, whose id was {@code id}, was removed from {@code table}, after the unlinks of its links. */
    default void removed(Table<?> table, int id, Object entity) {
    }

    /**
     * The entity {@code previous} under {@code id} in {@code table} was replaced by {@code entity}, which has the
     * same key ({@link KeyedTable#put}, {@link KeyedTable#replace}); the id and its links are unchanged.
     */
    default void replaced(Table<?> table, int id, Object previous, Object entity) {
    }
}
