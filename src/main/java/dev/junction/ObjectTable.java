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

    private Object2IntOpenHashMap<K> txIds = newIds();
    private Int2ObjectOpenHashMap<E> txEntities = new Int2ObjectOpenHashMap<>();
    private Int2ObjectOpenHashMap<K> txKeys = new Int2ObjectOpenHashMap<>();

    ObjectTable(Junction junction, String name, Function<? super E, ? extends K> keyFn) {
        super(junction, name);
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
        if (overlay() != null) {
            int id = txIds.getInt(k);
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
    void txPut(int id, E entity) {
        K k = key(entity);
        txIds.put(k, id);
        txEntities.put(id, entity);
        txKeys.put(id, k);
    }

    @Override
    void txDrop(int id) {
        K k = txKeys.remove(id);
        txIds.removeInt(k);
        txEntities.remove(id);
    }

    @Override
    E txEntity(int id) {
        return txEntities.get(id);
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
    int baseInsert(int id) {
        K k = txKeys.get(id);
        int prev = ids.put(k, id);
        entities[id] = txEntities.get(id);
        keys[id] = k;
        return prev;
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
    void txClear() {
        if (txKeys.size() > 1024) {
            txIds = newIds();
            txEntities = new Int2ObjectOpenHashMap<>();
            txKeys = new Int2ObjectOpenHashMap<>();
        } else {
            txIds.clear();
            txEntities.clear();
            txKeys.clear();
        }
    }

    @Override
    public K keyOf(E entity) {
        return key(entity);
    }

    @Override
    public E byKey(K key) {
        checkKey(key);
        return junction.read0(() -> entity(idOrThrow(key)));
    }

    private int idOrThrow(K key) {
        int id = lookup(key);
        if (id < 0) {
            throw new NoSuchElementException("no entity with key " + key + " in table '" + name + "'");
        }
        return id;
    }

    @Override
    public int idOfKey(K key) {
        checkKey(key);
        return junction.readInt(() -> idOrThrow(key));
    }

    @Override
    public boolean containsKey(K key) {
        checkKey(key);
        return junction.readBool(() -> lookup(key) >= 0);
    }

    @Override
    public boolean removeKey(K key) {
        checkKey(key);
        return junction.writeBool(() -> removeIdIfLive(lookup(key)));
    }
}
