package dev.junction;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * The implementations of {@link RowColumn} over an association table's {@link ColumnStore}, keyed by row id.
 * Same design as {@link LinkColumns}: primitive values travel as {@code long} bits through one validated read;
 * writes go to the transaction's overlay after every check; bulk methods copy the values in one consistent
 * read and then run user code (predicates) and sorting on the copy.
 */
final class RowColumns {

    private RowColumns() {
    }

    abstract static class Base extends ColumnHandle implements RowColumn {
        final AssociationTableImpl<?, ?> table;

        Base(String name, AssociationTableImpl<?, ?> table, byte type, int k, long defBits, Object defObject) {
            super(name, table.columns, table.junction, type, k, defBits, defObject);
            this.table = table;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final AssociationTable<?, ?> table() {
            return table;
        }

        final String what() {
            return "column '" + name + "' of association table '" + table.name + "'";
        }

        private ColumnStore holder(long key) {
            Txn t = junction.ownTxn();
            ColumnStore.Overlay o = t == null ? null : t.columnOverlays.get(store);
            if (o != null) return o.storeOf(key);
            return store.slot(key) >= 0 ? store : null;
        }

        private void checkRow(int row) {
            if (row < 0) {
                throw new IllegalArgumentException(what() + ": row id " + row + " is negative");
            }
            if (!table.rows.isLive(row)) {
                throw new NoSuchElementException(what() + ": no row " + row);
            }
        }

        /** A primitive value's bits as the boxed value of this column's type. */
        final Object boxed(long bits) {
            return switch (type) {
                case ColumnStore.LONG -> bits;
                case ColumnStore.INT -> (int) bits;
                case ColumnStore.DOUBLE -> Double.longBitsToDouble(bits);
                case ColumnStore.BOOLEAN -> bits != 0;
                default -> throw new AssertionError("object column " + name);
            };
        }

        final long bitsNow(int row) {
            checkRow(row);
            ColumnStore cs = holder(row);
            return cs == null ? defaultBits() : bitsAt(cs, cs.slot(row));
        }

        final Object objectNow(int row) {
            checkRow(row);
            ColumnStore cs = holder(row);
            return cs == null ? defaultObject() : objectAt(cs, cs.slot(row));
        }

        /** A row's value, through the engine's read protocol (non-capturing: nothing allocated). */
        private static final ReadGate.LongRead<Base> BITS = (c, row, x, y) -> c.bitsNow((int) row);
        private static final ReadGate.Read<Base, Object> OBJECT = (c, row, x, y) -> c.objectNow((int) row);

        final long bits(int row) {
            return junction.gate.readLong(this, row, null, null, BITS, BITS);
        }

        final Object object(int row) {
            return junction.gate.read(this, row, null, null, OBJECT);
        }

        /** The exact sum of integral values ({@link Math#addExact}: overflow throws). */
        final long sumBits(int[] rows) {
            long s = 0;
            for (long v : allBits(rows)) s = Math.addExact(s, v);
            return s;
        }

        final long[] allBits(int[] rows) {
            Objects.requireNonNull(rows, () -> what() + ": rows are null");
            return junction.gate.read(() -> {
                long[] out = new long[rows.length];
                for (int i = 0; i < rows.length; i++) out[i] = bitsNow(rows[i]);
                return out;
            });
        }

        final Object[] allObjects(int[] rows) {
            Objects.requireNonNull(rows, () -> what() + ": rows are null");
            return junction.gate.read(() -> {
                Object[] out = new Object[rows.length];
                for (int i = 0; i < rows.length; i++) out[i] = objectNow(rows[i]);
                return out;
            });
        }

        final void write(int row, long bits, Object obj) {
            // in place: one slot write, no overlay
            junction.writes.write(Committer.WriteKind.VALUE, null, () -> null, x -> {
                checkRow(row);
                int s = store.slotForWrite(row);
                put(store, s, bits, obj);
                return null;
            }, () -> {
                checkRow(row);
                put(junction.ownTxn(), row, bits, obj);
                return null;
            });
        }

        /**
         * Sets values of many rows in one atomic write: every row is checked first (nothing is set if one is not
         * there), then each value goes through the transaction's column overlay. {@code values} is an array of the
         * column's type.
         */
        final void writeAll(int[] rows, Object values) {
            Objects.requireNonNull(rows, () -> what() + ": rows are null");
            Objects.requireNonNull(values, () -> what() + ": values are null");
            int n = java.lang.reflect.Array.getLength(values);
            if (rows.length != n) {
                throw new IllegalArgumentException(what() + ": " + rows.length + " rows but " + n + " values");
            }
            junction.writes.write(() -> {
                for (int row : rows) checkRow(row);
                Txn t = junction.ownTxn();
                for (int i = 0; i < n; i++) put(t, rows[i], bitsAt(values, i), objectAt(values, i));
                return null;
            });
        }

        private long bitsAt(Object values, int i) {
            return switch (type) {
                case ColumnStore.LONG -> ((long[]) values)[i];
                case ColumnStore.INT -> ((int[]) values)[i];
                case ColumnStore.DOUBLE -> Double.doubleToRawLongBits(((double[]) values)[i]);
                case ColumnStore.BOOLEAN -> ((boolean[]) values)[i] ? 1L : 0L;
                default -> 0L;
            };
        }

        private Object objectAt(Object values, int i) {
            return type == ColumnStore.OBJECT ? ((Object[]) values)[i] : null;
        }


        @Override
        public final int[] sort(int[] rows, boolean descending) {
            Objects.requireNonNull(rows, () -> what() + ": rows are null");
            int[] order = isObject() ? ColumnStore.order(type, null, allObjects(rows), rows, descending, what())
                    : ColumnStore.order(type, allBits(rows), null, rows, descending, what());
            int[] out = new int[order.length];
            for (int i = 0; i < order.length; i++) out[i] = rows[order[i]];
            return out;
        }

        final int[] filterBits(int[] rows, LongPredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            long[] vs = allBits(rows);
            int[] out = new int[rows.length];
            int n = 0;
            for (int i = 0; i < rows.length; i++) {
                if (p.test(vs[i])) out[n++] = rows[i];
            }
            return java.util.Arrays.copyOf(out, n);
        }

        @Override
        public String toString() {
            return what() + " (" + type().getName() + ")";
        }
    }

    /** A value to add a row with. */
    record ValueImpl(Base column, long bits, Object object) implements RowColumn.Value {
    }

    static final class LongColumn extends Base implements RowColumn.OfLong {
        LongColumn(String name, AssociationTableImpl<?, ?> table, int k, long defBits) {
            super(name, table, ColumnStore.LONG, k, defBits, null);
        }

        @Override public Class<?> type() { return long.class; }
        @Override public long defaultValue() { return defaultBits(); }
        @Override public long get(int row) { return bits(row); }
        @Override public void set(int row, long v) { write(row, v, null); }
        @Override public void setAll(int[] rows, long[] vs) { writeAll(rows, vs); }
        @Override public Value value(long v) { return new ValueImpl(this, v, null); }
        @Override public int[] filter(int[] rows, LongPredicate p) { return filterBits(rows, p); }
        @Override public long sum(int[] rows) { return sumBits(rows); }
    }

    static final class IntColumn extends Base implements RowColumn.OfInt {
        IntColumn(String name, AssociationTableImpl<?, ?> table, int k, long defBits) {
            super(name, table, ColumnStore.INT, k, defBits, null);
        }

        @Override public Class<?> type() { return int.class; }
        @Override public int defaultValue() { return (int) defaultBits(); }
        @Override public int get(int row) { return (int) bits(row); }
        @Override public void set(int row, int v) { write(row, v, null); }
        @Override public void setAll(int[] rows, int[] vs) { writeAll(rows, vs); }
        @Override public Value value(int v) { return new ValueImpl(this, v, null); }
        @Override public int[] filter(int[] rows, IntPredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return filterBits(rows, b -> p.test((int) b));
        }
        @Override public long sum(int[] rows) { return sumBits(rows); }
    }

    static final class DoubleColumn extends Base implements RowColumn.OfDouble {
        DoubleColumn(String name, AssociationTableImpl<?, ?> table, int k, long defBits) {
            super(name, table, ColumnStore.DOUBLE, k, defBits, null);
        }

        @Override public Class<?> type() { return double.class; }
        @Override public double defaultValue() { return Double.longBitsToDouble(defaultBits()); }
        @Override public double get(int row) { return Double.longBitsToDouble(bits(row)); }
        @Override public void set(int row, double v) { write(row, Double.doubleToRawLongBits(v), null); }
        @Override public void setAll(int[] rows, double[] vs) { writeAll(rows, vs); }
        @Override public Value value(double v) { return new ValueImpl(this, Double.doubleToRawLongBits(v), null); }
        @Override public int[] filter(int[] rows, DoublePredicate p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            return filterBits(rows, b -> p.test(Double.longBitsToDouble(b)));
        }
        @Override public double sum(int[] rows) {
            double s = 0;
            for (long v : allBits(rows)) s += Double.longBitsToDouble(v);
            return s;
        }
    }

    static final class BooleanColumn extends Base implements RowColumn.OfBoolean {
        BooleanColumn(String name, AssociationTableImpl<?, ?> table, int k, long defBits) {
            super(name, table, ColumnStore.BOOLEAN, k, defBits, null);
        }

        @Override public Class<?> type() { return boolean.class; }
        @Override public boolean defaultValue() { return defaultBits() != 0; }
        @Override public boolean get(int row) { return bits(row) != 0; }
        @Override public void set(int row, boolean v) { write(row, v ? 1 : 0, null); }
        @Override public void setAll(int[] rows, boolean[] vs) { writeAll(rows, vs); }
        @Override public Value value(boolean v) { return new ValueImpl(this, v ? 1 : 0, null); }
        @Override public int[] filter(int[] rows, boolean v) { return filterBits(rows, b -> (b != 0) == v); }
    }

    static final class ObjectColumn<V> extends Base implements RowColumn.OfObject<V> {
        final Class<V> valueType;

        ObjectColumn(String name, AssociationTableImpl<?, ?> table, int k, Class<V> valueType, Object def) {
            super(name, table, ColumnStore.OBJECT, k, 0, def);
            this.valueType = valueType;
        }

        private V checked(Object v) {
            return checkedValue(valueType, v, what());
        }

        @Override public Class<?> type() { return valueType; }
        @Override public V defaultValue() { return valueType.cast(defaultObject()); }
        @Override public V get(int row) { return valueType.cast(object(row)); }
        @Override public void set(int row, V v) { write(row, 0, checked(v)); }
        @Override public void setAll(int[] rows, V[] vs) {
            Objects.requireNonNull(vs, () -> what() + ": values are null");
            for (V v : vs) checked(v); // every type before anything is set
            writeAll(rows, vs);
        }
        @Override public Value value(V v) { return new ValueImpl(this, 0, checked(v)); }
        @Override public int[] filter(int[] rows, Predicate<? super V> p) {
            Objects.requireNonNull(p, () -> what() + ": predicate is null");
            Object[] vs = allObjects(rows);
            int[] out = new int[rows.length];
            int n = 0;
            for (int i = 0; i < rows.length; i++) {
                if (p.test(valueType.cast(vs[i]))) out[n++] = rows[i];
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    /** Checks the values to add a row with belong to {@code table}; returns them as implementations. */
    static ValueImpl[] check(AssociationTableImpl<?, ?> table, RowColumn.Value[] values) {
        Objects.requireNonNull(values, () -> "association table '" + table.name + "': values are null");
        ValueImpl[] out = new ValueImpl[values.length];
        for (int i = 0; i < values.length; i++) {
            RowColumn.Value v = values[i];
            if (v == null) {
                throw new NullPointerException("association table '" + table.name + "': value " + i + " is null");
            }
            if (!(v instanceof ValueImpl vi) || vi.column().table != table) {
                throw new IllegalArgumentException("association table '" + table.name + "': " + v.column()
                        + " is not a column of this table");
            }
            out[i] = vi;
        }
        return out;
    }
}
