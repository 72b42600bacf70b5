package dev.junction;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * A table of objects: entities are their own keys ({@code keyFn == null}) or are identified by a key function.
 * Key → id in a fastutil {@link Object2IntOpenHashMap} (no boxing of ids), id → entity and key in arrays.
 */
final class ObjectTable<E, K> extends AbstractTable<E> implements KeyedTable<E, K> {

    private final Function<? super E, ? extends K> keyFn;
    private final Object2IntOpenHashMap<K> ids = new Object2IntOpenHashMap<>();
    private Object[] entities = new Object[8];
    /** Keys by id; the same array as {@code entities} for a table without a key function. */
    private Object[] keys;

    ObjectTable(Junction junction, String name, Function<? super E, ? extends K> keyFn) {
        super(junction, name);
        this.keyFn = keyFn;
        this.keys = keyFn == null ? entities : new Object[8];
        ids.defaultReturnValue(-1);
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

    @Override
    int find(Object entity) {
        return ids.getInt(key(entity));
    }

    @Override
    int findOrInsert(E entity, Undo undo) {
        K k = key(entity);
        int id = ids.getInt(k);
        if (id >= 0) {
            return id;
        }
        if (undo != null) {
            undo.reserve();
        }
        id = insert(entity, k);
        if (undo != null) {
            undo.inserted(this, id);
        }
        return id;
    }

    private int insert(E entity, K k) {
        int id = peekId();
        if (id >= entities.length) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(id + 1L, entities.length * 2L));
            Object[] e = Arrays.copyOf(entities, cap);
            Object[] ks = keyFn == null ? e : Arrays.copyOf(keys, cap);
            entities = e;
            keys = ks;
        }
        markLive(id);
        try {
            ids.put(k, id);
        } catch (Throwable t) { // OutOfMemoryError while rehashing: leave no trace
            ids.removeInt(k);
            unmarkLive(id);
            throw t;
        }
        entities[id] = entity;
        keys[id] = k;
        commitId();
        return id;
    }

    @Override
    void dropSlot(int id) {
        ids.removeInt(keys[id]);
        entities[id] = null;
        keys[id] = null;
    }

    @Override
    public int add(E entity) {
        return findOrInsert(entity, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int id) {
        checkId(id);
        return (E) entities[id];
    }

    @Override
    public K keyOf(E entity) {
        return key(entity);
    }

    @Override
    public E byKey(K key) {
        return get(idOfKey(key));
    }

    @Override
    public int idOfKey(K key) {
        int id = ids.getInt(checkKey(key));
        if (id < 0) {
            throw new NoSuchElementException("no entity with key " + key + " in table '" + name + "'");
        }
        return id;
    }

    @Override
    public boolean containsKey(K key) {
        return ids.containsKey(checkKey(key));
    }

    @Override
    public boolean removeKey(K key) {
        int id = ids.getInt(checkKey(key));
        if (id < 0) {
            return false;
        }
        removeId(id);
        return true;
    }
}
