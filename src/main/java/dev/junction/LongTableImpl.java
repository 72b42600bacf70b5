package dev.junction;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;
import java.util.Objects;

/** A table of primitive {@code long} keys: {@link Long2IntOpenHashMap} key → id, {@code long[]} id → key. */
final class LongTableImpl extends AbstractTable<Long> implements LongTable {

    private final Long2IntOpenHashMap ids = new Long2IntOpenHashMap();
    private long[] keys = new long[8];

    LongTableImpl(Junction junction, String name) {
        super(junction, name);
        ids.defaultReturnValue(-1);
    }

    private long unbox(Object entity) {
        return (Long) Objects.requireNonNull(entity, this::nullEntity);
    }

    @Override
    int find(Object entity) {
        Objects.requireNonNull(entity, this::nullEntity);
        return entity instanceof Long l ? ids.get(l.longValue()) : -1;
    }

    @Override
    int findOrInsert(Long entity, Undo undo) {
        long k = unbox(entity);
        int id = ids.get(k);
        if (id >= 0) {
            return id;
        }
        if (undo != null) {
            undo.reserve();
        }
        id = insert(k);
        if (undo != null) {
            undo.inserted(this, id);
        }
        return id;
    }

    private int insert(long k) {
        int id = peekId();
        if (id >= keys.length) {
            keys = Arrays.copyOf(keys, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(id + 1L, keys.length * 2L)));
        }
        markLive(id);
        try {
            ids.put(k, id);
        } catch (Throwable t) {
            ids.remove(k);
            unmarkLive(id);
            throw t;
        }
        keys[id] = k;
        commitId();
        return id;
    }

    @Override
    void dropSlot(int id) {
        ids.remove(keys[id]);
        keys[id] = 0;
    }

    @Override
    public int add(long key) {
        int id = ids.get(key);
        return id >= 0 ? id : insert(key);
    }

    @Override
    public int add(Long key) {
        return add(unbox(key));
    }

    @Override
    public int idOf(long key) {
        int id = ids.get(key);
        if (id < 0) {
            throw missing(key);
        }
        return id;
    }

    @Override
    public long keyOf(int id) {
        checkId(id);
        return keys[id];
    }

    @Override
    public Long get(int id) {
        return keyOf(id);
    }

    @Override
    public boolean contains(long key) {
        return ids.containsKey(key);
    }

    @Override
    public boolean remove(long key) {
        int id = ids.get(key);
        if (id < 0) {
            return false;
        }
        removeId(id);
        return true;
    }
}
