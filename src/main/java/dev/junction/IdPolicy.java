package dev.junction;

/**
 * How a table hands out ids after entities (or an association table's rows) were removed: chosen when the table
 * is declared ({@link Junction#table(String, IdPolicy)}, {@link Junction#longTable(String, IdPolicy)},
 * {@link Junction#associationTable(String, Table, Table, IdPolicy)}), kept by snapshots and checked when one is
 * loaded (a snapshot of another policy is refused: the journal after it replays to the same ids only under the
 * policy it was written with).
 *
 * <p>Under both policies an id removed inside a transaction is not handed out again by that transaction, and the ids
 * a transaction handed out are given back when it rolls back (they were never committed nor journaled, so recovery
 * replays the committed transactions to exactly the ids they had).
 */
public enum IdPolicy {

    /**
     * The default: {@code add} hands out the id most recently freed by a committed removal if there is one (a
     * LIFO free list), else the lowest never-used id. Ids stay dense, so the per-entity arrays of relations and
     * columns stay as small as the live entities allow; id order is insertion order only while nothing was
     * removed.
     */
    REUSE_FREED,

    /**
     * Ids are never reused, like an auto-increment key: {@code add} always hands out the next never-used id, so
     * id order is creation order for good (a keyset page by id is a page by creation time, newest last), and an
     * id kept somewhere never comes to mean another entity. The price: the id space is spent by every committed add
     * (after {@code Integer.MAX_VALUE} of them, removed entities included, {@code add} throws an
     * {@link IllegalStateException} saying the table is full and how many entities are live), and structures indexed by id
     * (relations' per-entity tables, dense row columns) grow with the highest id handed out rather than with the
     * live entities, which matters under heavy churn.
     */
    NEVER_REUSE
}
