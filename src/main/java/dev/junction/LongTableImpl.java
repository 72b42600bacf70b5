package dev.junction;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;
import java.util.Objects;

/**
 * A table of primitive {@code long} keys: committed, {@link Long2IntOpenHashMap} key → id and {@code long[]}
 * id → key; a transaction's additions in primitive hash maps beside them until it commits.
 */
final class LongTableImpl extends AbstractTable<Long> implements LongTable {

    private final Long2IntOpenHashMap ids = new Long2IntOpenHashMap();
    private long[] keys = new long[8];

    LongTableImpl(Junction junction, String name, IdPolicy policy) {
        super(junction, name, policy);
        ids.defaultReturnValue(-1);
    }

    private static Long2IntOpenHashMap newIds() {
        Long2IntOpenHashMap m = new Long2IntOpenHashMap();
        m.defaultReturnValue(-1);
        return m;
    }

    private long unbox(Object entity) {
        return (Long) Objects.requireNonNull(entity, this::nullEntity);
    }

    /** The id of {@code k} as this thread sees it, or -1. */
    private int lookup(long k) {
        TableOverlay o = overlay();
        if (o != null) {
            int id = ((Overlay) o).ids.get(k);
            if (id >= 0) {
                return id;
            }
            id = ids.get(k);
            return hiddenByTx(id) ? -1 : id;
        }
        return ids.get(k);
    }

    @Override
    int find(Object entity) {
        Objects.requireNonNull(entity, this::nullEntity);
        return entity instanceof Long l ? lookup(l) : -1;
    }

    @Override
    TableOverlay newOverlay() {
        return new Overlay();
    }

    /** Added keys by id, and back. */
    private final class Overlay extends TableOverlay {
        Long2IntOpenHashMap ids = newIds();
        Int2LongOpenHashMap keys = new Int2LongOpenHashMap();

        Overlay() {
            super(LongTableImpl.this);
        }

        @Override
        void put(int id, Object entity) {
            long k = (Long) entity;
            ids.put(k, id);
            keys.put(id, k);
        }

        @Override
        void drop(int id) {
            ids.remove(keys.remove(id));
        }

        @Override
        Object entity(int id) {
            return keys.get(id);
        }

        @Override
        int publish(int id) {
            long k = keys.get(id);
            int prev = LongTableImpl.this.ids.put(k, id);
            LongTableImpl.this.keys[id] = k;
            return prev;
        }

        @Override
        void clearStorage() {
            if (keys.size() > 1024) { // a large transaction's maps are not kept
                ids = newIds();
                keys = new Int2LongOpenHashMap();
            } else {
                ids.clear();
                keys.clear();
            }
        }
    }

    @Override
    Long baseEntity(int id) {
        return keys[id];
    }

    @Override
    void baseReserve(int maxId) {
        if (maxId >= keys.length) {
            keys = Arrays.copyOf(keys, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(maxId + 1L, keys.length * 2L)));
        }
    }

    @Override
    void baseRemap(int id) {
        ids.put(keys[id], id);
    }

    @Override
    void dropSlot(int id) {
        ids.remove(keys[id], id);
        keys[id] = 0;
    }

    @Override
    void clearStore() {
        ids.clear();
        keys = new long[8];
    }

    /**
     * Loading a snapshot into this pristine table, under the write stamp: the keys at their ids, straight into
     * committed storage (no key function to run, so no staging and no boxing). Returns an id whose key another id
     * already had, or -1.
     */
    int restoreKeys(int[] ids, long[] ks, int highWaterMark, int[] freeStack) {
        if (ids.length > 0) {
            baseReserve(highWaterMark - 1);
        }
        for (int i = 0; i < ids.length; i++) {
            keys[ids[i]] = ks[i];
            if (this.ids.put(ks[i], ids[i]) >= 0) {
                return ids[i];
            }
        }
        restoreAllocator(ids, highWaterMark, freeStack);
        return -1;
    }

    @Override
    public int add(long key) {
        return junction.writes.writeInt(() -> {
            int id = lookup(key);
            return id >= 0 ? id : txInsert(junction.ownTxn(), key);
        });
    }

    /** Reads through the engine's protocol; non-capturing, so a lookup by key allocates nothing. */
    private static final ReadGate.LongRead<LongTableImpl> LOOKUP = (t, key, x, y) -> t.lookup(key);
    private static final ReadGate.Read<LongTableImpl, Object> KEY = (t, id, x, y) -> t.entity((int) id);

    @Override
    public int idOf(long key) {
        int id = (int) junction.gate.readLong(this, key, null, null, LOOKUP, LOOKUP);
        if (id < 0) {
            throw missing(key);
        }
        return id;
    }

    @Override
    public java.util.OptionalInt findId(long key) {
        long id = junction.gate.readLong(this, key, null, null, LOOKUP, LOOKUP);
        return id < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of((int) id);
    }

    @Override
    public long keyOf(int id) {
        return (Long) junction.gate.read(this, id, null, null, KEY);
    }

    @Override
    public boolean contains(long key) {
        return junction.gate.readLong(this, key, null, null, LOOKUP, LOOKUP) >= 0L;
    }

    @Override
    public boolean remove(long key) {
        return junction.writes.writeBool(() -> removeIdIfLive(lookup(key)));
    }
}
