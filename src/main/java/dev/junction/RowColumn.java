package dev.junction;

import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * A typed column on the rows of an {@link AssociationTable} (an order line's quantity, unit price, timestamp),
 * addressed by row id. Every row has a value in every column: the default until set; deleting a row drops its
 * values. Stored column-wise in primitive arrays, one slot per row whose values were set.
 *
 * <p>Reading or setting the value of a row that does not exist throws {@link java.util.NoSuchElementException}
 * naming the row and the table, and changes nothing; a negative row id throws
 * {@link IllegalArgumentException}. {@code get} is one hash lookup plus an array access and does not allocate.
 * The bulk methods ({@code sort}, {@code filter}, {@code sum}) read all their values in one consistent step and
 * cost O(n log n) or O(n) for n rows. Thread-safety and transactions as for the table.
 */
public interface RowColumn {

    /** The column's name, unique within its table. */
    String name();

    /** The association table whose rows carry this column. */
    AssociationTable<?, ?> table();

    /** The value type: {@code long.class}, {@code int.class}, {@code double.class}, {@code boolean.class}, or the object type. */
    Class<?> type();

    /**
     * The given rows ordered by this column's value (ascending, or descending), ties in ascending row order, as
     * a new array (like {@code relationship(order_by=...)} on {@code customer.orders}).
     *
     * @throws java.util.NoSuchElementException if a row does not exist
     * @throws IllegalStateException if this is an object column whose values are not {@link Comparable}
     */
    int[] sort(int[] rows, boolean descending);

    /** A value of a column, to add a row with: see {@link AssociationTable#add}. */
    interface Value {
        /** The column this value is for. */
        RowColumn column();
    }

    /** A {@code long} column. */
    interface OfLong extends RowColumn {
        /** The value of rows where it was never set. */
        long defaultValue();

        /** The value of a row. @throws java.util.NoSuchElementException if there is no such row */
        long get(int row);

        /** Sets the value of a row. @throws java.util.NoSuchElementException if there is no such row */
        void set(int row, long value);

        /**
         * Sets {@code values[i]} on {@code rows[i]} for every i, in one atomic call: the bulk path after
         * {@link AssociationTable#addAllByIds}.
         *
         * @throws IllegalArgumentException if the arrays differ in length
         * @throws java.util.NoSuchElementException if a row is not there (nothing is set)
         */
        void setAll(int[] rows, long[] values);

        /** This column's value {@code v}, to add a row with. */
        Value value(long v);

        /** The rows whose value matches, in the given order, as a new array. */
        int[] filter(int[] rows, LongPredicate predicate);

        /** The sum of the values of the given rows. @throws ArithmeticException if it overflows a long */
        long sum(int[] rows);
    }

    /** An {@code int} column. */
    interface OfInt extends RowColumn {
        /** The value of rows where it was never set. */
        int defaultValue();

        /** The value of a row. @throws java.util.NoSuchElementException if there is no such row */
        int get(int row);

        /** Sets the value of a row. @throws java.util.NoSuchElementException if there is no such row */
        void set(int row, int value);

        /** {@code values[i]} on {@code rows[i]}, atomically; see {@link OfLong#setAll}. */
        void setAll(int[] rows, int[] values);

        /** This column's value {@code v}, to add a row with. */
        Value value(int v);

        /** The rows whose value matches, in the given order, as a new array. */
        int[] filter(int[] rows, IntPredicate predicate);

        /** The sum of the values of the given rows, as a {@code long} (which cannot overflow for an int array of rows). */
        long sum(int[] rows);
    }

    /** A {@code double} column. */
    interface OfDouble extends RowColumn {
        /** The value of rows where it was never set. */
        double defaultValue();

        /** The value of a row. @throws java.util.NoSuchElementException if there is no such row */
        double get(int row);

        /** Sets the value of a row. @throws java.util.NoSuchElementException if there is no such row */
        void set(int row, double value);

        /** {@code values[i]} on {@code rows[i]}, atomically; see {@link OfLong#setAll}. */
        void setAll(int[] rows, double[] values);

        /** This column's value {@code v}, to add a row with. */
        Value value(double v);

        /** The rows whose value matches, in the given order, as a new array. */
        int[] filter(int[] rows, DoublePredicate predicate);

        /** The sum of the values of the given rows. */
        double sum(int[] rows);
    }

    /** A {@code boolean} column, stored as a bitset. */
    interface OfBoolean extends RowColumn {
        /** The value of rows where it was never set. */
        boolean defaultValue();

        /** The value of a row. @throws java.util.NoSuchElementException if there is no such row */
        boolean get(int row);

        /** Sets the value of a row. @throws java.util.NoSuchElementException if there is no such row */
        void set(int row, boolean value);

        /** {@code values[i]} on {@code rows[i]}, atomically; see {@link OfLong#setAll}. */
        void setAll(int[] rows, boolean[] values);

        /** This column's value {@code v}, to add a row with. */
        Value value(boolean v);

        /** The rows whose value is {@code value}, in the given order, as a new array. */
        int[] filter(int[] rows, boolean value);
    }

    /** A column of objects of one type; null is a value like any other. */
    interface OfObject<V> extends RowColumn {
        /** The value of rows where it was never set (may be null). */
        V defaultValue();

        /** The value of a row. @throws java.util.NoSuchElementException if there is no such row */
        V get(int row);

        /**
         * Sets the value of a row.
         *
         * @throws java.util.NoSuchElementException if there is no such row
         * @throws ClassCastException if {@code value} is not of the column's type
         */
        void set(int row, V value);

        /**
         * {@code values[i]} on {@code rows[i]}, atomically; see {@link OfLong#setAll}.
         *
         * @throws ClassCastException if a value is not of the column's type (nothing is set)
         */
        void setAll(int[] rows, V[] values);

        /** This column's value {@code v}, to add a row with. @throws ClassCastException if of the wrong type */
        Value value(V v);

        /** The rows whose value matches, in the given order, as a new array. */
        int[] filter(int[] rows, Predicate<? super V> predicate);
    }
}
