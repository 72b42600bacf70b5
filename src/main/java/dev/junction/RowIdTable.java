package dev.junction;

/**
 * The rows of an association table: a table whose entities are nothing but their ids. It reuses the id
 * allocator, the transaction overlay and the delete cascade of {@link AbstractTable} and stores nothing per row
 * (no key map, no entity array): an entity is its id, boxed only when the table's own {@code Table} methods
 * are used, which nothing outside the association table does. Listeners are not told of its changes.
 */
final class RowIdTable extends AbstractTable<Integer> {

    RowIdTable(Junction junction, String name, IdPolicy ids) {
        super(junction, name, ids);
        quiet = true;
    }

    /** Adds a row in transaction {@code t}; returns its id. */
    int insert(Txn t) {
        return txInsert(t, null);
    }

    @Override
    int find(Object entity) {
        java.util.Objects.requireNonNull(entity, this::nullEntity);
        return entity instanceof Integer id && isLive(id) ? id : -1;
    }

    @Override
    TableOverlay newOverlay() {
        return new TableOverlay(this) { // nothing stored: the entity is the id
            @Override
            void put(int id, Object entity) {
            }

            @Override
            void drop(int id) {
            }

            @Override
            Object entity(int id) {
                return id;
            }

            @Override
            int publish(int id) {
                return -1; // no key can have mapped to another id
            }

            @Override
            void clearStorage() {
            }
        };
    }

    @Override
    Integer baseEntity(int id) {
        return id;
    }

    @Override
    void baseReserve(int maxId) {
        // nothing stored
    }

    @Override
    void baseRemap(int id) {
        // nothing stored
    }

    @Override
    void dropSlot(int id) {
        // nothing stored
    }

    @Override
    void clearStore() {
        // nothing stored
    }

}
