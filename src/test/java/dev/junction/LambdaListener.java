package dev.junction;

/**
 * A {@link ChangeListener} made of lambdas, for tests that hear some of the int-level events and write them down
 * their own way: {@code new LambdaListener().linked((r, l, x) -> ...).added((t, id, e) -> ...)}. An event it is
 * given no lambda for does nothing, like {@link ChangeListener}'s defaults.
 */
final class LambdaListener implements ChangeListener {

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

    private PairEvent linked = (r, l, x) -> { };
    private PairEvent unlinked = (r, l, x) -> { };
    private EntityEvent added = (t, id, e) -> { };
    private EntityEvent removed = (t, id, e) -> { };

    LambdaListener linked(PairEvent e) {
        linked = e;
        return this;
    }

    LambdaListener unlinked(PairEvent e) {
        unlinked = e;
        return this;
    }

    LambdaListener added(EntityEvent e) {
        added = e;
        return this;
    }

    LambdaListener removed(EntityEvent e) {
        removed = e;
        return this;
    }

    @Override
    public void linked(Relation<?, ?> relation, int left, int right) {
        linked.on(relation, left, right);
    }

    @Override
    public void unlinked(Relation<?, ?> relation, int left, int right) {
        unlinked.on(relation, left, right);
    }

    @Override
    public void added(Table<?> table, int id, Object entity) {
        added.on(table, id, entity);
    }

    @Override
    public void removed(Table<?> table, int id, Object entity) {
        removed.on(table, id, entity);
    }
}
