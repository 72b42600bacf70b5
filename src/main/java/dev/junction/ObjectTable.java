package dev.junction;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * A table of objects: entities are their own keys ({@code keyFn == null}) or are identified by a key function.
 * Committed: key → id in a fastutil {@link Object2IntOpenHashMap} (no boxing of ids), id → entity and key in
 * arrays. A transaction's additions live in hash maps beside them until it commits.
 */
final class ObjectTable<E, K> extends AbstractTable<E> implements KeyedTable<E, K> {

    private final Function<? super E, ? extends K> keyFn;
    private final Object2IntOpenHashMap<K> ids = new Object2IntOpenHashMap<>();
    private Object[] entities = new Object[8];
    /** Keys by id; the same array as {@code entities} for a table without a key function. */
    private Object[] keys;


    ObjectTable(Junction junction, String name, Function<? super E, ? extends K> keyFn, IdPolicy policy) {
        super(junction, name, policy);
        this.keyFn = keyFn;
        this.keys = keyFn == null ? entities : new Object[8];
        ids.defaultReturnValue(-1);
    }

    private static <K> Object2IntOpenHashMap<K> newIds() {
        Object2IntOpenHashMap<K> m = new Object2IntOpenHashMap<>();
        m.defaultReturnValue(-1);
        return m;
    }

    @SuppressWarnings("unchecked")
    private K key(Object entity) {
        Objects.requireNonNull(entity, this::nullEntity);
        if (keyFn == null) {
            return (K) entity;
        }
        K k = keyFn.apply((E) entity);
        if (k == null) {
            throw new NullPointerException("table '" + name + "': the key function returned null for " + entity);
        }
        return k;
    }

    private K checkKey(K key) {
        return Objects.requireNonNull(key, () -> "table '" + name + "': key is null");
    }

    /** The id of {@code k} as this thread sees it, or -1. */
    private int lookup(Object k) {
        TableOverlay o = overlay();
        if (o != null) {
            int id = ((Overlay) o).ids.getInt(k);
            if (id >= 0) {
                return id;
            }
            id = ids.getInt(k);
            return hiddenByTx(id) ? -1 : id;
        }
        return ids.getInt(k);
    }

    @Override
    int find(Object entity) {
        return lookup(key(entity));
    }

    @Override
    TableOverlay newOverlay() {
        return new Overlay();
    }

    /** Added entities by id, with their keys both ways. */
    private final class Overlay extends TableOverlay {
        Object2IntOpenHashMap<K> ids = newIds();
        Int2ObjectOpenHashMap<E> entities = new Int2ObjectOpenHashMap<>();
        Int2ObjectOpenHashMap<K> keys = new Int2ObjectOpenHashMap<>();

        Overlay() {
            super(ObjectTable.this);
        }

        @Override
        @SuppressWarnings("unchecked")
        void put(int id, Object entity) {
            K k = key(entity);
            ids.put(k, id);
            entities.put(id, (E) entity);
            keys.put(id, k);
        }

        @Override
        void drop(int id) {
            K k = keys.remove(id);
            ids.removeInt(k);
            entities.remove(id);
        }

        @Override
        Object entity(int id) {
            return entities.get(id);
        }

        @Override
        int publish(int id) {
            K k = keys.get(id);
            int prev = ObjectTable.this.ids.put(k, id);
            ObjectTable.this.entities[id] = entities.get(id);
            ObjectTable.this.keys[id] = k;
            return prev;
        }

        @Override
        void clearStorage() {
            if (keys.size() > 1024) { // a large transaction's maps are not kept
                ids = newIds();
                entities = new Int2ObjectOpenHashMap<>();
                keys = new Int2ObjectOpenHashMap<>();
            } else {
                ids.clear();
                entities.clear();
                keys.clear();
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    E baseEntity(int id) {
        return (E) entities[id];
    }

    @Override
    void baseReserve(int maxId) {
        if (maxId >= entities.length) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(maxId + 1L, entities.length * 2L));
            Object[] e = Arrays.copyOf(entities, cap);
            Object[] ks = keyFn == null ? e : Arrays.copyOf(keys, cap);
            entities = e;
            keys = ks;
        }
    }

    @Override
    void baseReplace(int id, Object entity) {
        entities[id] = entity; // the key (and so keys[id] and the id map) is unchanged
    }

    @Override
    @SuppressWarnings("unchecked")
    void baseRemap(int id) {
        ids.put((K) keys[id], id);
    }

    @Override
    void dropSlot(int id) {
        ids.remove(keys[id], id);
        entities[id] = null;
        keys[id] = null;
    }

    @Override
    void clearStore() {
        ids.clear();
        entities = new Object[8];
        keys = keyFn == null ? entities : new Object[8];
    }

    @Override
    public K keyOf(E entity) {
        return key(entity);
    }

    /** Reads through the engine's protocol; non-capturing, so a lookup by key allocates nothing. */
    private static final ReadGate.LongRead<ObjectTable<?, ?>> LOOKUP = (t, a, key, y) -> t.lookup(key);
    private static final ReadGate.LongRead<ObjectTable<?, ?>> ID_OR_THROW = (t, a, key, y) -> t.idOrThrowUnchecked(key);

    private static final ReadGate.Read<ObjectTable<?, ?>, Object> BY_KEY =
            (t, a, key, y) -> t.entity(t.idOrThrowUnchecked(key));

    @SuppressWarnings("unchecked")
    private int idOrThrowUnchecked(Object key) {
        return idOrThrow((K) key);
    }

    @Override
    public E byKey(K key) {
        checkKey(key);
        @SuppressWarnings("unchecked")
        E e = (E) junction.gate.read(this, 0L, key, null, BY_KEY);
        return e;
    }

    private int idOrThrow(K key) {
        int id = lookup(key);
        if (id < 0) {
            throw new NoSuchElementException("no entity with key " + key + " in table '" + name + "'");
        }
        return id;
    }

    /** The entity of {@code key} or null (entities are never null); one consistent read. */
    private static final ReadGate.Read<ObjectTable<?, ?>, Object> FIND_BY_KEY = (t, a, key, y) -> {
        int id = t.lookup(key);
        return id < 0 ? null : t.entity(id);
    };

    @Override
    public java.util.Optional<E> findByKey(K key) {
        checkKey(key);
        @SuppressWarnings("unchecked")
        E e = (E) junction.gate.read(this, 0L, key, null, FIND_BY_KEY);
        return java.util.Optional.ofNullable(e);
    }

    @Override
    public java.util.OptionalInt findIdOfKey(K key) {
        checkKey(key);
        long id = junction.gate.readLong(this, 0L, key, null, LOOKUP, LOOKUP);
        return id < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of((int) id);
    }

    @Override
    public int idOfKey(K key) {
        checkKey(key);
        return (int) junction.gate.readLong(this, 0L, key, null, ID_OR_THROW, ID_OR_THROW);
    }

    @Override
    public boolean containsKey(K key) {
        checkKey(key);
        return junction.gate.readLong(this, 0L, key, null, LOOKUP, LOOKUP) >= 0L;
    }

    /** Whether entities can be replaced: the table has a key function. */
    boolean replaces() {
        return keyFn != null;
    }

    /** Replacing means something only where the key is not the whole entity. */
    private void requireKeyFunction(String what) {
        if (keyFn == null) {
            throw new UnsupportedOperationException("table '" + name + "' has no key function: its entities are "
                    + "their own keys, so an equal entity is the same entity and there is nothing to " + what
                    + " (use add, or a table with a key function)");
        }
    }

    @Override
    public int put(E entity) {
        requireKeyFunction("put");
        K k = key(entity);
        return junction.writes.writeInt(() -> {
            Txn t = junction.ownTxn();
            int id = lookup(k);
            if (id < 0) return txInsert(t, entity);
            txReplace(t, id, entity);
            return id;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public E replace(E entity) {
        requireKeyFunction("replace");
        K k = key(entity);
        return (E) junction.writes.write(() -> {
            int id = lookup(k);
            if (id < 0) {
                throw new NoSuchElementException("table '" + name + "': no entity with key " + k + " to replace "
                        + "(replace changes an entity that is there; put adds it if it is not)");
            }
            return txReplace(junction.ownTxn(), id, entity);
        });
    }

    @Override
    public boolean removeKey(K key) {
        checkKey(key);
        return junction.writes.writeBool(() -> removeIdIfLive(lookup(key)));
    }
}
