package dev.junction;

import java.util.List;
import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * A typed column on the links of a {@link Relation}: the extra columns of an association table whose primary key
 * is the pair, such as a student's enrollment date on a student–course link. Declared with
 * {@link Relation#longColumn}, {@link Relation#intColumn}, {@link Relation#doubleColumn},
 * {@link Relation#booleanColumn} or {@link Relation#objectColumn}.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Every link has a value in every column of its relation: the column's default until set. A column
 *       declared after links exist gives them its default.</li>
 *   <li>A value belongs to the link, not to a side: {@code get(student, course)} and, on the inverse relation's
 *       column, {@code get(course, student)} read the same value.</li>
 *   <li>Unlinking drops the link's values (so does removing an entity, which unlinks it); linking the pair again
 *       starts from the defaults.</li>
 *   <li>Reading or setting the value of a pair that is not linked throws {@link java.util.NoSuchElementException}
 *       naming the pair and the relation, and changes nothing.</li>
 *   <li>{@link Relation#link(Object, Object, Value...)} links and sets values in one atomic call.</li>
 * </ul>
 *
 * <h2>Storage and complexity</h2>
 * Values are stored column-wise in primitive arrays ({@code long[]}, {@code int[]}, {@code double[]}, a bitset
 * for booleans, an {@code Object[]} for object columns), one slot per link whose values were set; a link with
 * only defaults costs nothing. {@code get} and {@code set} are one hash lookup plus an array access, and the
 * {@code *ByIds} forms of the primitive columns do not box or allocate when reading. The ordered and filtered collections cost
 * O(d log d) and O(d) for an entity of degree d.
 *
 * <h2>Thread-safety and transactions</h2>
 * As for the relation: reads are validated against commits, writes are atomic and isolated, and a rollback
 * restores every value the transaction changed or dropped.
 *
 * @param <L> the type of the left entities of the relation the column was taken from
 * @param <R> the type of the right entities
 */
public interface LinkColumn<L, R> {

    /** The column's name, unique within its relation. */
    String name();

    /** The relation whose links carry this column (the orientation this column object reads in). */
    Relation<L, R> relation();

    /** The value type: {@code long.class}, {@code int.class}, {@code double.class}, {@code boolean.class}, or the object type. */
    Class<?> type();

    /**
     * The same column seen from the other side: {@code inverse().get(r, l)} is {@code get(l, r)}. O(1).
     */
    LinkColumn<R, L> inverse();

    /**
     * The rights linked to {@code left}, ordered by this column's value (ascending, or descending), ties in
     * ascending id order, like {@code relationship(order_by=...)}. A new list; an entity not in its table has
     * none. O(d log d) for degree d.
     *
     * @throws IllegalStateException if this is an object column whose values are not {@link Comparable}
     * @throws NullPointerException if {@code left} is null
     */
    List<R> rightsOrdered(L left, boolean descending);

    /** The lefts linked to {@code right}, ordered by this column's value; see {@link #rightsOrdered}. */
    List<L> leftsOrdered(R right, boolean descending);

    /**
     * The first page of {@link #rightsOrdered}: the first {@code limit} rights of {@code left} by this column's
     * value (ascending, or descending), ties in ascending id order. Continue with {@link #rightsPageAfter}, the
     * last entity of this page as the cursor. One consistent read; O(d log d) for degree d (the values are not
     * indexed: the links of {@code left} are read and sorted), whatever {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative (naming the column)
     * @throws IllegalStateException if this is an object column whose values are not {@link Comparable}
     * @throws NullPointerException if {@code left} is null
     */
    List<R> rightsPage(L left, int limit, boolean descending);

    /**
     * A keyset page of {@link #rightsOrdered}: the first {@code limit} rights of {@code left} that come after
     * {@code after} in the order by (value, id), {@code after}'s position being its link's current value and its
     * id. Links added or removed between pages neither repeat nor skip the others; a link whose value changed
     * between pages moves with its value (as in SQL keyset pagination). One consistent read; O(d log d).
     *
     * @throws java.util.NoSuchElementException if {@code after} is not linked to {@code left} (naming both and the
     *         relation): there is no position to continue from
     * @throws IllegalArgumentException if {@code limit} is negative
     * @throws IllegalStateException if this is an object column whose values are not {@link Comparable}
     * @throws NullPointerException if {@code left} or {@code after} is null
     */
    List<R> rightsPageAfter(L left, R after, int limit, boolean descending);

    /** The first page of {@link #leftsOrdered}; see {@link #rightsPage}. */
    List<L> leftsPage(R right, int limit, boolean descending);

    /** A keyset page of {@link #leftsOrdered} after {@code after}; see {@link #rightsPageAfter}. */
    List<L> leftsPageAfter(R right, L after, int limit, boolean descending);

    /** A value of a column, to link with: see {@link Relation#link(Object, Object, Value...)}. */
    interface Value {
        /** The column this value is for. */
        LinkColumn<?, ?> column();
    }

    /** A {@code long} column (dates as epoch days or millis, counts, ids). */
    interface OfLong<L, R> extends LinkColumn<L, R> {
        /** The value of links that were never set. */
        long defaultValue();

        /**
         * The value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws NullPointerException if an entity is null
         */
        long get(L left, R right);

        /**
         * Sets the value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void set(L left, R right, long value);

        /**
         * {@link #get} by ids; does not allocate.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked
         */
        long getByIds(int left, int right);

        /**
         * {@link #set} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void setByIds(int left, int right, long value);

        /** This column's value {@code v}, to link with. */
        Value value(long v);

        /** The rights of {@code left} whose link value matches, in ascending id order. O(d). */
        List<R> rightsWhere(L left, LongPredicate predicate);

        /** The lefts of {@code right} whose link value matches, in ascending id order. O(d). */
        List<L> leftsWhere(R right, LongPredicate predicate);

        @Override
        OfLong<R, L> inverse();
    }

    /** An {@code int} column. */
    interface OfInt<L, R> extends LinkColumn<L, R> {
        /** The value of links that were never set. */
        int defaultValue();

        /**
         * The value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws NullPointerException if an entity is null
         */
        int get(L left, R right);

        /**
         * Sets the value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         * @throws NullPointerException if an entity is null
         */
        void set(L left, R right, int value);

        /**
         * {@link #get} by ids; does not allocate.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked
         */
        int getByIds(int left, int right);

        /**
         * {@link #set} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void setByIds(int left, int right, int value);

        /** This column's value {@code v}, to link with. */
        Value value(int v);

        /** The rights of {@code left} whose link value matches, in ascending id order. O(d). */
        List<R> rightsWhere(L left, IntPredicate predicate);

        /** The lefts of {@code right} whose link value matches, in ascending id order. O(d). */
        List<L> leftsWhere(R right, IntPredicate predicate);

        @Override
        OfInt<R, L> inverse();
    }

    /** A {@code double} column. */
    interface OfDouble<L, R> extends LinkColumn<L, R> {
        /** The value of links that were never set. */
        double defaultValue();

        /**
         * The value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws NullPointerException if an entity is null
         */
        double get(L left, R right);

        /**
         * Sets the value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         * @throws NullPointerException if an entity is null
         */
        void set(L left, R right, double value);

        /**
         * {@link #get} by ids; does not allocate.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked
         */
        double getByIds(int left, int right);

        /**
         * {@link #set} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void setByIds(int left, int right, double value);

        /** This column's value {@code v}, to link with. */
        Value value(double v);

        /** The rights of {@code left} whose link value matches, in ascending id order. O(d). */
        List<R> rightsWhere(L left, DoublePredicate predicate);

        /** The lefts of {@code right} whose link value matches, in ascending id order. O(d). */
        List<L> leftsWhere(R right, DoublePredicate predicate);

        @Override
        OfDouble<R, L> inverse();
    }

    /** A {@code boolean} column, stored as a bitset. */
    interface OfBoolean<L, R> extends LinkColumn<L, R> {
        /** The value of links that were never set. */
        boolean defaultValue();

        /**
         * The value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws NullPointerException if an entity is null
         */
        boolean get(L left, R right);

        /**
         * Sets the value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         * @throws NullPointerException if an entity is null
         */
        void set(L left, R right, boolean value);

        /**
         * {@link #get} by ids; does not allocate.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked
         */
        boolean getByIds(int left, int right);

        /**
         * {@link #set} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void setByIds(int left, int right, boolean value);

        /** This column's value {@code v}, to link with. */
        Value value(boolean v);

        /** The rights of {@code left} whose link value is {@code value}, in ascending id order. O(d). */
        List<R> rightsWhere(L left, boolean value);

        /** The lefts of {@code right} whose link value is {@code value}, in ascending id order. O(d). */
        List<L> leftsWhere(R right, boolean value);

        @Override
        OfBoolean<R, L> inverse();
    }

    /** A column of objects of one type ({@code String} notes, enums, dates); null is a value like any other. */
    interface OfObject<L, R, V> extends LinkColumn<L, R> {
        /** The value of links that were never set (may be null). */
        V defaultValue();

        /**
         * The value on the link {@code (left, right)}.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws NullPointerException if an entity is null
         */
        V get(L left, R right);

        /**
         * Sets the value on the link.
         *
         * @throws java.util.NoSuchElementException if the pair is not linked
         * @throws ClassCastException if {@code value} is not of the column's type (checked at run time too)
         */
        void set(L left, R right, V value);

        /**
         * {@link #get} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked
         */
        V getByIds(int left, int right);

        /**
         * {@link #set} by ids.
         *
         * @throws IllegalArgumentException if an id is negative
         * @throws java.util.NoSuchElementException if the pair is not linked (nothing changes)
         */
        void setByIds(int left, int right, V value);

        /**
         * This column's value {@code v}, to link with.
         *
         * @throws ClassCastException if {@code v} is not of the column's type
         */
        Value value(V v);

        /** The rights of {@code left} whose link value matches, in ascending id order. O(d). */
        List<R> rightsWhere(L left, Predicate<? super V> predicate);

        /** The lefts of {@code right} whose link value matches, in ascending id order. O(d). */
        List<L> leftsWhere(R right, Predicate<? super V> predicate);

        @Override
        OfObject<R, L, V> inverse();
    }
}
