package dev.junction;

/**
 * What a column object knows about where its values live: the store, the column's type and index within its
 * type, and its default (a final copy, safe to read without a lock). Shared by the link columns
 * ({@link LinkColumns}) and the row columns ({@link RowColumns}), which differ only in how they find a key.
 */
abstract class ColumnHandle {
    final String name;
    final ColumnStore store;
    final Junction junction;
    /** The value type ({@link ColumnStore#LONG} ... {@link ColumnStore#OBJECT}). */
    final byte type;
    /** The column's index within the arrays of its type. */
    final int k;
    /** The default, as bits (primitive columns) or as an object. */
    final long defBits;
    final Object defObject;

    ColumnHandle(String name, ColumnStore store, Junction junction, byte type, int k, long defBits, Object defObject) {
        this.name = name;
        this.store = store;
        this.junction = junction;
        this.type = type;
        this.k = k;
        this.defBits = defBits;
        this.defObject = defObject;
    }

    final long bitsAt(ColumnStore cs, int slot) {
        return cs.bits(type, k, slot);
    }

    final long defaultBits() {
        return defBits;
    }

    final void putBits(ColumnStore cs, int slot, long bits) {
        cs.putBits(type, k, slot, bits);
    }

    final Object objectAt(ColumnStore cs, int slot) {
        return cs.objects[k][slot];
    }

    final Object defaultObject() {
        return defObject;
    }

    final void putObject(ColumnStore cs, int slot, Object v) {
        cs.objects[k][slot] = v;
    }

    final boolean isObject() {
        return type == ColumnStore.OBJECT;
    }

    /**
     * {@code v} as a value of an object column of {@code type}: null or an instance.
     *
     * @throws ClassCastException naming the column ({@code what}), the type and the value otherwise
     */
    static <V> V checkedValue(Class<V> type, Object v, String what) {
        if (v != null && !type.isInstance(v)) {
            throw new ClassCastException(what + " holds " + type.getName() + ", not " + v.getClass().getName() + " ("
                    + v + ")");
        }
        return type.cast(v);
    }

    /**
     * Writes this column's value of {@code key} (a pair or a row) in transaction {@code t}; logged, so a failed
     * operation undoes it.
     */
    final void put(Txn t, long key, long bits, Object obj) {
        int s = t.slotForValue(store, key, type, k);
        put(t.columns(store).own, s, bits, obj);
    }

    /** Writes a value (bits or object, by type) at a slot of {@code cs}. */
    final void put(ColumnStore cs, int slot, long bits, Object obj) {
        if (isObject()) putObject(cs, slot, obj); else putBits(cs, slot, bits);
    }
}
