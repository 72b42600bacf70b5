package dev.junction;

/**
 * A {@link ChangeListener} made of lambdas, for tests that hear some of the int-level events and write them down
 * their own way; {@link #NO_PAIR} and {@link #NO_ENTITY} stand for the events a test does not listen to (they do
 * nothing, like {@link ChangeListener}'s defaults).
 */
record LambdaListener(PairEvent onLinked, PairEvent onUnlinked, EntityEvent onAdded, EntityEvent onRemoved)
        implements ChangeListener {

    /** A link or an unlink, by ids. */
    @FunctionalInterface
    interface PairEvent {
        void on(Relation<?, ?> relation, int left, int right);
    }

    /** An entity added or removed. */
    @FunctionalInterface
    interface EntityEvent {
        void on(Table<?> table, int id, Object entity);
    }

    static final PairEvent NO_PAIR = (relation, left, right) -> { };
    static final EntityEvent NO_ENTITY = (table, id, entity) -> { };

    @Override
    public void linked(Relation<?, ?> relation, int left, int right) {
        onLinked.on(relation, left, right);
    }

    @Override
    public void unlinked(Relation<?, ?> relation, int left, int right) {
        onUnlinked.on(relation, left, right);
    }

    @Override
    public void added(Table<?> table, int id, Object entity) {
        onAdded.on(table, id, entity);
    }

    @Override
    public void removed(Table<?> table, int id, Object entity) {
        onRemoved.on(table, id, entity);
    }
}
