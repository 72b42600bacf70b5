package dev.junction.pg;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;

/**
 * An entity table (authors: id, name, ...) feeding a Junction table with its keys only: an INSERT adds the key, a
 * DELETE removes the entity, and with it, as in Junction always, its links in every relation and its rows in every
 * association table. PostgreSQL deletes those association rows itself, through {@code ON DELETE CASCADE}, right
 * after the entity's row; the parts that lost links are told first ({@link Part#cascadeFrom}) so that they accept
 * those deletes, and check at commit that each came. An UPDATE that changes the key removes the old entity and adds
 * the new one.
 */
final class EntityPart extends Part {

    final TableKeys keys;
    private long copied;
    private IntOpenHashSet seen;

    EntityPart(String pgTable, TableKeys keys, String keyColumn) {
        super(pgTable, new String[] {keyColumn}, new TableKeys[] {keys}, new ColumnBinding[0]);
        this.keys = keys;
    }

    @Override
    String junctionName() {
        return "table '" + keys.table.name() + "'";
    }

    @Override
    void insert(Fields row, Layout l) {
        if (existingEntity(keys, 0, row, l) >= 0) {
            throw contradiction(row, l, "is inserted but " + junctionName() + " already has that key");
        }
        entityOrAdd(keys, 0, row, l);
    }

    @Override
    void update(Fields old, Fields row, Layout l) {
        if (old != null && !sameKeys(old, row, l)) {
            delete(old, l);
            insert(row, l);
        } else if (existingEntity(keys, 0, row, l) < 0) {
            throw contradiction(row, l, "is updated but " + junctionName() + " does not have that key");
        }
    }

    @Override
    void delete(Fields old, Layout l) {
        int id = existingEntity(keys, 0, old, l);
        if (id < 0) {
            throw contradiction(old, l, "is deleted but " + junctionName() + " does not have that key");
        }
        remove(id);
    }

    private void remove(int id) {
        for (Part p : keys.users) p.cascadeFrom(keys, id);
        keys.remove(id);
    }

    @Override
    void truncate() {
        for (int id : keys.table.ids()) remove(id);
    }

    @Override
    void cascadeFrom(TableKeys k, int id) {
        // an entity table has no links of its own
    }

    @Override
    String pendingCascade() {
        return null;
    }

    @Override
    void endPgTransaction() {
        keys.endTransaction();
    }

    @Override
    void endTransaction(boolean undo) {
        keys.endTransaction();
    }

    @Override
    boolean isEmpty() {
        return keys.table.size() == 0;
    }

    // ---- copy ------------------------------------------------------------------------------------------------

    /** Starts copying; in a table that has entities already, those PostgreSQL no longer has are removed at the end. */
    void beginCopy() {
        copied = 0;
        seen = keys.table.size() > 0 ? new IntOpenHashSet() : null;
    }

    void copyRow(Fields row, Layout l) {
        int id = entityOrAdd(keys, 0, row, l);
        if (seen != null) seen.add(id);
        copied++;
    }

    long endCopy() {
        if (seen != null) {
            for (int id : keys.table.ids()) {
                if (!seen.contains(id)) remove(id);
            }
            seen = null;
        }
        return copied;
    }
}
