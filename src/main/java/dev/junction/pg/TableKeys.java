package dev.junction.pg;

import dev.junction.LongTable;
import dev.junction.Table;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of one Junction table fed by PostgreSQL key columns: a {@link LongTable} (integer keys, never boxed) or
 * a table whose entities are their keys ({@code Long}, {@code String} or {@code UUID}). Shared by every part that
 * uses the table, so that a removal in one transaction is known to all of them: an entity removed from a mapped
 * entity table takes its links with it in Junction, and PostgreSQL's cascaded deletes of those links arrive after
 * it (see {@link Part#cascadeFrom}).
 */
final class TableKeys {

    final Table<?> table;
    final LongTable longs;
    final List<Part> users = new ArrayList<>();
    EntityPart entityPart;
    /** Entities removed in the current transaction: key to the id they had (ids are not reused before commit). */
    private final Long2IntOpenHashMap removedLongs = new Long2IntOpenHashMap();
    private final Object2IntOpenHashMap<Object> removedObjects = new Object2IntOpenHashMap<>();

    TableKeys(Table<?> table) {
        this.table = table;
        this.longs = table instanceof LongTable l ? l : null;
        removedLongs.defaultReturnValue(-1);
        removedObjects.defaultReturnValue(-1);
    }

    boolean isLong() {
        return longs != null;
    }

    boolean fits(ValueReader r) {
        return isLong() ? r.supportsLongKey() : r.supportsObjectKey();
    }

    /** The id of the row's key, adding the entity if absent. */
    @SuppressWarnings("unchecked")
    int idOrAdd(ValueReader r, Fields f, int i) {
        if (longs != null) return longs.add(r.readLongKey(f, i));
        return ((Table<Object>) table).add(r.readObjectKey(f, i));
    }

    /** The id of the row's key, or -1 if the table does not have it. */
    @SuppressWarnings("unchecked")
    int idOf(ValueReader r, Fields f, int i) {
        if (longs != null) {
            long k = r.readLongKey(f, i);
            return longs.contains(k) ? longs.idOf(k) : -1;
        }
        Object k = r.readObjectKey(f, i);
        Table<Object> t = (Table<Object>) table;
        return t.contains(k) ? t.idOf(k) : -1;
    }

    /** The id the row's key had if its entity was removed in this transaction, else -1. */
    int removedId(ValueReader r, Fields f, int i) {
        if (longs != null) return removedLongs.get(r.readLongKey(f, i));
        return removedObjects.getInt(r.readObjectKey(f, i));
    }

    /** Removes entity {@code id}, remembering its key for the rest of the transaction. */
    @SuppressWarnings("unchecked")
    void remove(int id) {
        if (longs != null) {
            long k = longs.keyOf(id);
            removedLongs.put(k, id);
            longs.remove(k);
        } else {
            Object k = table.get(id);
            removedObjects.put(k, id);
            ((Table<Object>) table).remove(k);
        }
    }

    /** The key removed under {@code id} in this transaction, for messages. */
    String removedKey(int id) {
        for (var e : removedLongs.long2IntEntrySet()) if (e.getIntValue() == id) return Long.toString(e.getLongKey());
        for (var e : removedObjects.object2IntEntrySet()) if (e.getIntValue() == id) return String.valueOf(e.getKey());
        return null;
    }

    /** A key of the table for messages: the present entity's key, or a removed one. */
    String keyOf(int id) {
        if (table.containsId(id)) return longs != null ? Long.toString(longs.keyOf(id)) : String.valueOf(table.get(id));
        String k = removedKey(id);
        return k != null ? k : "id " + id;
    }

    void endTransaction() {
        if (!removedLongs.isEmpty()) removedLongs.clear();
        if (!removedObjects.isEmpty()) removedObjects.clear();
    }

    /** The class of an entity already in the table, or null if it is empty (a table must hold one kind of key). */
    Class<?> sampleKeyClass() {
        if (longs != null || table.size() == 0) return null;
        var it = table.iterator();
        return it.hasNext() ? it.next().getClass() : null;
    }
}
