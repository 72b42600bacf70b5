package dev.junction;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.Arrays;

/**
 * The values of the columns of one relation's links or of one association table's rows, stored column-wise.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Layout.</b> A key ({@code long}: a link's pair {@code left << 32 | right}, or a row id) maps to a
 *       slot through a {@link Long2IntOpenHashMap}; each column is one primitive array ({@code long[]},
 *       {@code int[]}, {@code double[]}, a {@code long[]} bitset for booleans) or an {@code Object[]}, indexed
 *       by slot. No object per link.</li>
 *   <li><b>Dense mode</b> (association rows): the key is a small row id and is its own slot, so the map and the
 *       free list go; arrays grow to the largest row id written.</li>
 *   <li><b>Sparse.</b> Only keys with a value set have a slot; an absent key reads the columns' defaults. So
 *       linking costs nothing here, and a column added later gives every existing link its default. The
 *       invariant that makes this right: a key's slot is dropped when its link is unlinked or its row deleted,
 *       so a link made again starts from the defaults.</li>
 *   <li><b>Transactions.</b> A transaction writes to an {@link Overlay} (slots of its own, plus the keys it
 *       voided); committed slots change only in {@link #publish}, under the engine's write stamp, which first
 *       allocates every slot it needs (undone on failure) and then writes values and drops voided keys.</li>
 *   <li><b>Complexity.</b> Reads and writes are one hash lookup plus an array access; a new slot reuses a
 *       freed one before growing the arrays (amortized O(1)).</li>
 * </ul>
 * Not thread-safe by itself: the engine's locks and stamps guard it.
 */
final class ColumnStore {

    /** Type codes of columns. */
    static final byte LONG = 0, INT = 1, DOUBLE = 2, BOOLEAN = 3, OBJECT = 4;

    /** The column definitions, shared by the committed store and its overlays (copy-on-write). */
    final Schema schema;
    Long2IntOpenHashMap slots = new Long2IntOpenHashMap(2); // grows by doubling; most overlays hold a few keys
    long[][] longs = new long[0][];
    int[][] ints = new int[0][];
    double[][] doubles = new double[0][];
    long[][] bools = new long[0][];
    Object[][] objects = new Object[0][];
    private int capacity;
    private int high;
    private int[] free = new int[0];
    private int freeCount;

    /**
     * Dense mode (association rows, whose keys are small dense row ids): the slot of a key is the key itself, so
     * there is no map and no free list; a slot that was never written holds the defaults.
     */
    final boolean dense;

    /** An empty sparse store with arrays for every column the schema has now. */
    ColumnStore(Schema schema) {
        this(schema, false);
    }

    /** An empty store, sparse or {@link #dense}, with arrays for every column the schema has now. */
    ColumnStore(Schema schema, boolean dense) {
        this.schema = schema;
        this.dense = dense;
        slots.defaultReturnValue(-1);
        int[] c = schema.countByType;
        longs = new long[c[LONG]][0];
        ints = new int[c[INT]][0];
        doubles = new double[c[DOUBLE]][0];
        bools = new long[c[BOOLEAN]][0];
        objects = new Object[c[OBJECT]][0];
    }

    /** The column definitions of one owner, shared by its committed store and every overlay. */
    static final class Schema {
        String[] names = new String[0];
        byte[] types = new byte[0];
        /** The index of each column within the arrays of its type. */
        int[] indexInType = new int[0];
        long[] longDefaults = new long[0];
        int[] intDefaults = new int[0];
        double[] doubleDefaults = new double[0];
        boolean[] boolDefaults = new boolean[0];
        Object[] objectDefaults = new Object[0];
        /** The declared class of each object column (values are checked against it). */
        Class<?>[] objectTypes = new Class<?>[0];
        int[] countByType = new int[5];

        /** The default of column {@code c} (a primitive one) as bits. */
        long defaultBits(int c) {
            int k = indexInType[c];
            return switch (types[c]) {
                case LONG -> longDefaults[k];
                case INT -> intDefaults[k];
                case DOUBLE -> Double.doubleToRawLongBits(doubleDefaults[k]);
                case BOOLEAN -> boolDefaults[k] ? 1 : 0;
                default -> throw new AssertionError("object column");
            };
        }

        int find(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) return i;
            }
            return -1;
        }

        /** Adds a column; returns its index within its type. */
        int add(String name, byte type, long longDef, int intDef, double doubleDef, boolean boolDef, Object objDef,
                Class<?> objType) {
            int n = names.length;
            names = Arrays.copyOf(names, n + 1);
            names[n] = name;
            types = Arrays.copyOf(types, n + 1);
            types[n] = type;
            int k = countByType[type]++;
            indexInType = Arrays.copyOf(indexInType, n + 1);
            indexInType[n] = k;
            switch (type) {
                case LONG -> { longDefaults = Arrays.copyOf(longDefaults, k + 1); longDefaults[k] = longDef; }
                case INT -> { intDefaults = Arrays.copyOf(intDefaults, k + 1); intDefaults[k] = intDef; }
                case DOUBLE -> { doubleDefaults = Arrays.copyOf(doubleDefaults, k + 1); doubleDefaults[k] = doubleDef; }
                case BOOLEAN -> { boolDefaults = Arrays.copyOf(boolDefaults, k + 1); boolDefaults[k] = boolDef; }
                default -> {
                    objectDefaults = Arrays.copyOf(objectDefaults, k + 1);
                    objectDefaults[k] = objDef;
                    objectTypes = Arrays.copyOf(objectTypes, k + 1);
                    objectTypes[k] = objType == null ? Object.class : objType;
                }
            }
            return k;
        }
    }

    /**
     * Declares a column: checks the name is free, adds it to the schema and makes room for it (under the
     * engine's locks). Returns its index within its type.
     *
     * @throws IllegalArgumentException if {@code owner} (named in the message) has a column of that name
     */
    int declare(String owner, String name, byte type, long l, int i, double d, boolean b, Object o, Class<?> cls) {
        if (schema.find(name) >= 0) {
            throw new IllegalArgumentException(owner + " already has a column named '" + name + "'");
        }
        int k = schema.add(name, type, l, i, d, b, o, cls);
        columnAdded(type);
        return k;
    }

    /** Checks the type and default of an object column before it is declared. */
    static void checkObjectColumn(String owner, String name, Class<?> type, Object defaultValue) {
        java.util.Objects.requireNonNull(type, () -> owner + ": column type is null");
        if (type.isPrimitive()) {
            throw new IllegalArgumentException(owner + ": column '" + name + "' of primitive " + type
                    + ": use the primitive column of that type");
        }
        if (defaultValue != null && !type.isInstance(defaultValue)) {
            throw new ClassCastException(owner + ": default of column '" + name + "' is a "
                    + defaultValue.getClass().getName() + ", not a " + type.getName());
        }
    }

    /** Makes room for a column the schema just gained (filled with its default where slots are in use). */
    private void columnAdded(byte type) {
        int k = schema.countByType[type] - 1;
        switch (type) {
            case LONG -> {
                longs = Arrays.copyOf(longs, k + 1);
                longs[k] = new long[capacity];
                Arrays.fill(longs[k], schema.longDefaults[k]);
            }
            case INT -> {
                ints = Arrays.copyOf(ints, k + 1);
                ints[k] = new int[capacity];
                Arrays.fill(ints[k], schema.intDefaults[k]);
            }
            case DOUBLE -> {
                doubles = Arrays.copyOf(doubles, k + 1);
                doubles[k] = new double[capacity];
                Arrays.fill(doubles[k], schema.doubleDefaults[k]);
            }
            case BOOLEAN -> {
                bools = Arrays.copyOf(bools, k + 1);
                bools[k] = new long[words(capacity)];
                if (schema.boolDefaults[k]) Arrays.fill(bools[k], -1L);
            }
            default -> {
                objects = Arrays.copyOf(objects, k + 1);
                objects[k] = new Object[capacity];
                Arrays.fill(objects[k], schema.objectDefaults[k]);
            }
        }
    }

    private static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    /** The slot of {@code key}, or -1 if it has only defaults. */
    int slot(long key) {
        if (dense) return key < capacity ? (int) key : -1;
        return slots.get(key);
    }

    /** The number of slots in use (dense: one past the largest key written). */
    int size() {
        return dense ? high : slots.size();
    }

    /** The slot of {@code key}, made (with the defaults) if absent. May allocate; changes nothing if it throws. */
    int slotForWrite(long key) {
        if (dense) {
            if (key >= capacity) grow((int) Math.max(key + 1, Math.min(Integer.MAX_VALUE - 8L, capacity + (capacity >> 1))));
            if (key >= high) high = (int) key + 1;
            return (int) key;
        }
        int s = slots.get(key);
        if (s >= 0) return s;
        if (freeCount == 0 && high == capacity) {
            grow(Math.max(16, capacity + (capacity >> 1)));
        }
        s = freeCount > 0 ? free[freeCount - 1] : high;
        slots.put(key, s); // may rehash (allocate) before anything else changes
        if (s == high) high++; else freeCount--;
        return s;
    }

    /** Drops the slot of {@code key} (its values become the defaults again). Does not allocate. */
    void drop(long key) {
        if (dense) {
            if (key < capacity) reset((int) key);
            return;
        }
        int s = slots.remove(key);
        if (s < 0) return;
        reset(s);
        free[freeCount++] = s; // free has room for every slot ever made
    }

    /** Forgets every value (undo of a failed snapshot load). */
    void clear() {
        slots.clear();
        for (int s = 0, n = dense ? capacity : high; s < n; s++) reset(s);
        high = 0;
        freeCount = 0;
    }

    /** Whether no value was ever set (dense: no slot made). */
    boolean isEmpty() {
        return dense ? capacity == 0 : slots.isEmpty();
    }

    private void reset(int s) {
        Schema c = schema;
        for (int k = 0; k < longs.length; k++) longs[k][s] = c.longDefaults[k];
        for (int k = 0; k < ints.length; k++) ints[k][s] = c.intDefaults[k];
        for (int k = 0; k < doubles.length; k++) doubles[k][s] = c.doubleDefaults[k];
        for (int k = 0; k < bools.length; k++) setBool(k, s, c.boolDefaults[k]);
        for (int k = 0; k < objects.length; k++) objects[k][s] = c.objectDefaults[k];
    }

    private void grow(int cap) {
        Schema c = schema;
        long[][] nl = new long[longs.length][];
        int[][] ni = new int[ints.length][];
        double[][] nd = new double[doubles.length][];
        long[][] nb = new long[bools.length][];
        Object[][] no = new Object[objects.length][];
        for (int k = 0; k < nl.length; k++) {
            nl[k] = Arrays.copyOf(longs[k], cap);
            Arrays.fill(nl[k], capacity, cap, c.longDefaults[k]);
        }
        for (int k = 0; k < ni.length; k++) {
            ni[k] = Arrays.copyOf(ints[k], cap);
            Arrays.fill(ni[k], capacity, cap, c.intDefaults[k]);
        }
        for (int k = 0; k < nd.length; k++) {
            nd[k] = Arrays.copyOf(doubles[k], cap);
            Arrays.fill(nd[k], capacity, cap, c.doubleDefaults[k]);
        }
        for (int k = 0; k < nb.length; k++) {
            nb[k] = Arrays.copyOf(bools[k], words(cap));
            if (c.boolDefaults[k]) {
                for (int s = capacity; s < cap; s++) nb[k][s >>> 6] |= 1L << s;
            }
        }
        for (int k = 0; k < no.length; k++) {
            no[k] = Arrays.copyOf(objects[k], cap);
            Arrays.fill(no[k], capacity, cap, c.objectDefaults[k]);
        }
        int[] nf = dense ? free : Arrays.copyOf(free, cap);
        // all allocated: publish
        longs = nl;
        ints = ni;
        doubles = nd;
        bools = nb;
        objects = no;
        free = nf;
        capacity = cap;
    }

    /** The value of column {@code k} of primitive {@code type} at slot {@code s}, as {@code long} bits. */
    long bits(byte type, int k, int s) {
        return switch (type) {
            case LONG -> longs[k][s];
            case INT -> ints[k][s];
            case DOUBLE -> Double.doubleToRawLongBits(doubles[k][s]);
            case BOOLEAN -> getBool(k, s) ? 1 : 0;
            default -> throw new AssertionError("object column");
        };
    }

    /** Writes {@code bits} as the value of column {@code k} of primitive {@code type} at slot {@code s}. */
    void putBits(byte type, int k, int s, long bits) {
        switch (type) {
            case LONG -> longs[k][s] = bits;
            case INT -> ints[k][s] = (int) bits;
            case DOUBLE -> doubles[k][s] = Double.longBitsToDouble(bits);
            case BOOLEAN -> setBool(k, s, bits != 0);
            default -> throw new AssertionError("object column");
        }
    }

    /**
     * The positions {@code 0..n-1} of the values {@code bits} (primitive {@code type}) or {@code objects}
     * ({@link Comparable}, nulls first), ordered by value, ascending or descending, stable: ties keep their
     * positions' order, or the order of {@code tieKeys} if given.
     *
     * @throws IllegalStateException if an object is not {@link Comparable} ({@code what} names the column)
     */
    static int[] order(byte type, long[] bits, Object[] objects, int[] tieKeys, boolean descending, String what) {
        int n = type == OBJECT ? objects.length : bits.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (type == OBJECT) {
            for (Object v : objects) {
                if (v != null && !(v instanceof Comparable)) {
                    throw new IllegalStateException(what + ": values of " + v.getClass().getName()
                            + " are not Comparable, so the column cannot order them");
                }
            }
        }
        it.unimi.dsi.fastutil.ints.IntArrays.stableSort(order, (a, b) -> {
            int c = type == OBJECT ? compareObjects(objects[a], objects[b]) : compareBits(type, bits[a], bits[b]);
            if (descending) c = -c;
            return c != 0 || tieKeys == null ? c : Integer.compare(tieKeys[a], tieKeys[b]);
        });
        return order;
    }

    static int compareBits(byte type, long a, long b) {
        return type == DOUBLE ? Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b))
                : Long.compare(a, b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareObjects(Object a, Object b) {
        if (a == null) return b == null ? 0 : -1;
        if (b == null) return 1;
        return ((Comparable) a).compareTo(b);
    }

    boolean getBool(int k, int s) {
        return (bools[k][s >>> 6] & (1L << s)) != 0;
    }

    void setBool(int k, int s, boolean v) {
        if (v) bools[k][s >>> 6] |= 1L << s; else bools[k][s >>> 6] &= ~(1L << s);
    }

    /** Copies every value of slot {@code from} of {@code src} (same schema) into slot {@code to}. */
    void copySlot(ColumnStore src, int from, int to) {
        for (int k = 0; k < longs.length; k++) longs[k][to] = src.longs[k][from];
        for (int k = 0; k < ints.length; k++) ints[k][to] = src.ints[k][from];
        for (int k = 0; k < doubles.length; k++) doubles[k][to] = src.doubles[k][from];
        for (int k = 0; k < bools.length; k++) setBool(k, to, src.getBool(k, from));
        for (int k = 0; k < objects.length; k++) objects[k][to] = src.objects[k][from];
    }

    /** One column's value before a transaction replaced it in its overlay (to undo a failed operation). */
    record PreviousValue(byte type, int k, long bits, Object object) {
    }

    /**
     * A transaction's changes to a store: slots of its own for the keys it wrote, and the committed keys it
     * voided (unlinked or deleted). Reads of the owner thread go overlay first, then voided, then committed.
     */
    static final class Overlay {
        final ColumnStore base;
        final ColumnStore own;
        final LongOpenHashSet voided = new LongOpenHashSet(2);
        /** The relation being bulk-loaded whose values these are (unlogged; moved in whole at commit), or null. */
        RelationImpl<?, ?> stagedFor;
        /** Set while a publish has swapped {@link #own} into the empty committed store. */
        boolean swapped;
        /** The committed keys {@link #applyAdds()} made slots for (undone by {@link #undoAdds()}). */
        private long[] made;

        Overlay(ColumnStore base) {
            this(base, false);
        }

        /**
         * An overlay whose own values are {@link #dense} ({@code denseOwn}): only for the staged rows of an
         * association table whose committed store never held a value, where every key of the overlay is a new row.
         */
        Overlay(ColumnStore base, boolean denseOwn) {
            this.base = base;
            this.own = new ColumnStore(base.schema, denseOwn);
        }

        /** Commit, phase 1: makes every committed slot this overlay needs; undoes itself if it throws. */
        void applyAdds() {
            made = base.publishAllocate(this);
        }

        /** Reverts {@link #applyAdds()}. */
        void undoAdds() {
            base.undoPublishAllocate(this, made);
            made = null;
        }

        /** Commit, phase 2: copies the values and drops the voided keys; never allocates. */
        void applyRemoves() {
            base.publishWrite(this);
            made = null;
        }

        /** The store holding the values of {@code key} as the transaction sees them, or null for the defaults. */
        ColumnStore storeOf(long key) {
            if (own.slot(key) >= 0) return own;
            if (voided.contains(key)) return null;
            return base.slot(key) >= 0 ? base : null;
        }

        /** The overlay slot of {@code key} for writing, copied from the committed values unless voided. */
        int slotForWrite(long key) {
            if (own.dense) return own.slotForWrite(key); // staged new rows: no committed value to copy
            int s = own.slot(key);
            if (s >= 0) return s;
            s = own.slotForWrite(key);
            int b = voided.contains(key) ? -1 : base.slot(key);
            if (b >= 0) own.copySlot(base, b, s);
            return s;
        }

        /** A one-slot copy of the overlay values of {@code key} (which has an overlay slot). */
        ColumnStore copyOf(long key) {
            ColumnStore copy = new ColumnStore(own.schema);
            copy.copySlot(own, own.slot(key), copy.slotForWrite(0L));
            return copy;
        }

        /** Undoes a logged overwrite of one column's value. */
        void restore(long key, PreviousValue previous) {
            int s = own.slot(key);
            if (previous.type() == OBJECT) {
                own.objects[previous.k()][s] = previous.object();
            } else {
                own.putBits(previous.type(), previous.k(), s, previous.bits());
            }
        }

        /** Undoes a logged write: drops the overlay slot it made, or restores the slot's previous values. */
        void unwrite(long key, ColumnStore saved) {
            if (saved == null) {
                own.drop(key);
            } else {
                own.copySlot(saved, 0, own.slotForWrite(key));
            }
        }

        /**
         * Voids {@code key} (its link was unlinked or its row deleted); returns what {@link #unvoid} needs to
         * undo it: null if there was nothing to save.
         */
        Object[] voidKey(long key) {
            int s = own.slot(key);
            Object[] saved = null;
            boolean was = voided.contains(key);
            if (s >= 0) {
                saved = new Object[] {copyOf(key), was};
                own.drop(key);
            } else if (!was) {
                saved = new Object[] {null, false};
            }
            voided.add(key);
            return saved;
        }

        /** Undoes {@link #voidKey} of {@code key} with what it returned. */
        void unvoid(long key, Object[] saved) {
            if (saved == null) return;
            if (!(Boolean) saved[1]) voided.remove(key);
            if (saved[0] != null) {
                ColumnStore copy = (ColumnStore) saved[0];
                own.copySlot(copy, 0, own.slotForWrite(key));
            }
        }
    }

    /** Whether {@code other} has arrays for the same columns (a column declared meanwhile would differ). */
    private boolean sameShape(ColumnStore other) {
        return other.schema == schema && other.dense == dense && other.longs.length == longs.length
                && other.ints.length == ints.length && other.doubles.length == doubles.length
                && other.bools.length == bools.length && other.objects.length == objects.length;
    }

    /**
     * Exchanges every slot and value with {@code other}, in O(1): the map and the arrays change hands. Both must
     * share one schema object and mode (a bulk load's private store and the committed store it becomes).
     */
    void swapContents(ColumnStore other) {
        if (other.schema != schema || other.dense != dense) {
            throw new IllegalStateException("column stores of different schemas cannot swap contents");
        }
        Long2IntOpenHashMap m = slots; slots = other.slots; other.slots = m;
        long[][] l = longs; longs = other.longs; other.longs = l;
        int[][] i = ints; ints = other.ints; other.ints = i;
        double[][] d = doubles; doubles = other.doubles; other.doubles = d;
        l = bools; bools = other.bools; other.bools = l;
        Object[][] o = objects; objects = other.objects; other.objects = o;
        int n = capacity; capacity = other.capacity; other.capacity = n;
        n = high; high = other.high; other.high = n;
        int[] f = free; free = other.free; other.free = f;
        n = freeCount; freeCount = other.freeCount; other.freeCount = n;
    }

    /**
     * Publishes a transaction's overlay. Phase 1 ({@link #publishAllocate}) makes every committed slot the
     * overlay needs and can be undone by {@link #undoPublishAllocate}; phase 2 ({@link #publishWrite}) copies
     * the values and drops the voided keys, and does not allocate.
     */
    long[] publishAllocate(Overlay o) {
        if (o.stagedFor != null && isEmpty() && o.voided.isEmpty() && sameShape(o.own)) {
            swapContents(o.own); // a bulk load's values: they move in whole, nothing allocated or copied
            o.swapped = true;
            return new long[0];
        }
        if (dense) { // one growth to the largest key; growing changes no value, so there is nothing to undo
            long max = o.own.dense ? o.own.high - 1 : -1;
            for (Long2IntOpenHashMap.Entry e : o.own.slots.long2IntEntrySet()) max = Math.max(max, e.getLongKey());
            if (max >= 0) slotForWrite(max);
            return new long[0];
        }
        long[] made = new long[o.own.size()];
        int n = 0;
        try {
            for (Long2IntOpenHashMap.Entry e : o.own.slots.long2IntEntrySet()) {
                long key = e.getLongKey();
                if (slot(key) < 0) {
                    slotForWrite(key);
                    made[n++] = key;
                }
            }
        } catch (Throwable t) {
            while (n > 0) drop(made[--n]);
            throw t;
        }
        return n == made.length ? made : Arrays.copyOf(made, n);
    }

    void undoPublishAllocate(Overlay o, long[] made) {
        if (o.swapped) {
            swapContents(o.own);
            o.swapped = false;
            return;
        }
        for (long key : made) drop(key);
    }

    void publishWrite(Overlay o) {
        if (o.swapped) return;
        for (long key : o.voided) {
            if (o.own.slot(key) < 0) drop(key);
        }
        if (o.own.dense) { // a staged overlay of a store that was empty; its base is dense too
            for (int s = 0; s < o.own.high; s++) copySlot(o.own, s, s);
            return;
        }
        for (Long2IntOpenHashMap.Entry e : o.own.slots.long2IntEntrySet()) {
            copySlot(o.own, e.getIntValue(), slot(e.getLongKey()));
        }
    }

    /**
     * The keys whose values this store holds: every key with a slot, or for a dense store the keys below
     * {@link #size()} whose values are not all the defaults (a key never written, or dropped, has none).
     */
    long[] keysWithValues() {
        if (!dense) return slots.keySet().toLongArray();
        int n = 0;
        long[] keys = new long[high];
        for (int s = 0; s < high; s++) if (!isDefault(s)) keys[n++] = s;
        return n == keys.length ? keys : Arrays.copyOf(keys, n);
    }

    /** Whether every column of slot {@code s} holds its default (a dense store's unwritten or dropped slot). */
    boolean isDefault(int s) {
        Schema c = schema;
        for (int k = 0; k < longs.length; k++) if (longs[k][s] != c.longDefaults[k]) return false;
        for (int k = 0; k < ints.length; k++) if (ints[k][s] != c.intDefaults[k]) return false;
        for (int k = 0; k < doubles.length; k++) {
            if (Double.doubleToRawLongBits(doubles[k][s]) != Double.doubleToRawLongBits(c.doubleDefaults[k])) return false;
        }
        for (int k = 0; k < bools.length; k++) if (getBool(k, s) != c.boolDefaults[k]) return false;
        for (int k = 0; k < objects.length; k++) if (objects[k][s] != c.objectDefaults[k]) return false;
        return true;
    }
}
