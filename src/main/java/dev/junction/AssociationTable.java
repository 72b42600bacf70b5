package dev.junction;

import dev.junction.index.IntNeighborSet;

/**
 * An association table whose rows have their own identity: orders between customers and products, where each
 * order line is a row with its own id and columns (quantity, unit price, timestamp), and one customer may order
 * one product many times. SQLAlchemy's association object pattern with a surrogate primary key, plus the
 * {@code association_proxy} over it. Created with {@link Junction#associationTable}.
 *
 * <h2>Views</h2>
 * <ul>
 *   <li>{@link #rowsOfLeft} / {@link #rowsOfRight}: the rows of a customer ({@code user.orders}) or of a
 *       product, live sets of row ids in ascending order that resolve the entity on every call (like a
 *       relation's views); {@code remove(row)} and {@code clear()} on them delete rows, other writes are not
 *       supported; their iterators walk a copy taken when they are made.</li>
 *   <li>{@link #rows()}, {@link #rowsWhere} and {@link #row}: every row id (an array, like {@link Table#ids()}),
 *       the rows with a column value ({@code orders.rowsWhere(status.value("open"))}, a scan), and one row with
 *       its ends and values as an immutable {@link Row}; each one consistent read.</li>
 *   <li>{@link #pairs()}: the distinct pairs, a {@link Relation} ({@code user.products}): {@code (l, r)} is
 *       linked exactly when at least one row joins them. It is the association proxy: linking a new pair (or
 *       adding to {@code pairs().rightsOf(customer)}) creates a row with default values; unlinking a pair
 *       deletes all its rows. Deleting the last row of a pair unlinks it. Its set views' bulk writes are atomic
 *       like a relation's; unlike a relation's, their iterators walk a copy taken when they are made (so an
 *       iterator's {@code remove}, which deletes rows, does not invalidate it).</li>
 * </ul>
 *
 * <h2>Cascades</h2>
 * Removing an entity from the left or right table deletes its rows (like {@code cascade="all, delete-orphan"}
 * on both relationships), and with them their values and the pairs they made.
 *
 * <h2>Ids</h2>
 * Row ids are ints, like entity ids: by default reused after a row is deleted, most recently freed first (a
 * deleted row's id may name a new row later; do not keep row ids of deleted rows). Declared with
 * {@link IdPolicy#NEVER_REUSE} ({@link Junction#associationTable(String, Table, Table, IdPolicy)}), row ids are
 * never reused: row id order is the order rows were added.
 *
 * <h2>Complexity</h2>
 * {@link #add} costs two index links and, for a new pair, a third; {@link #remove} costs two unlinks plus an
 * O(min(d<sub>l</sub>, d<sub>r</sub>)) check whether the pair has other rows; {@link #leftIdOf} and
 * {@link #rightIdOf} are O(1); row columns as in {@link RowColumn}.
 *
 * <h2>Thread-safety and transactions</h2>
 * As for relations: every call is atomic and isolated; inside a {@link Transaction} the owner sees its rows at
 * once and others at commit; a rollback restores rows, their values and the pairs exactly (row ids included).
 *
 * @param <L> the type of the left entities (customers)
 * @param <R> the type of the right entities (products)
 */
public interface AssociationTable<L, R> {

    /** The table's name, unique in its engine among tables, relations and association tables. */
    String name();

    /** The table of the left entities. */
    Table<L> leftTable();

    /** The table of the right entities. */
    Table<R> rightTable();

    /** How row ids are handed out after rows are deleted, as declared ({@link IdPolicy#REUSE_FREED} by default). */
    IdPolicy rowIdPolicy();

    /**
     * Adds a row joining {@code left} and {@code right}, with the given column values (others default), adding
     * missing entities to their tables; one atomic call.
     *
     * @return the new row's id
     * @throws NullPointerException if an entity, the array or a value is null
     * @throws IllegalArgumentException if a value is for a column of another table
     */
    int add(L left, R right, RowColumn.Value... values);

    /**
     * {@link #add} by entity ids. Like {@link Relation#ints()}, the ids are not checked to be live entities of
     * their tables (only not negative); a row whose end is not one is refused where it would reach a file
     * ({@link Junction#save} and a journaled commit throw {@link IllegalStateException}).
     */
    int addByIds(int left, int right, RowColumn.Value... values);

    /**
     * Adds one row per pair {@code (lefts[i], rights[i])}, in one atomic call (a transaction of its own, or part
     * of this thread's), and returns the new rows' ids in the same order; columns keep their defaults (set them
     * with the columns' {@code setAll}). The bulk path for loading: into an association table with no rows yet
     * (and not changed by the open transaction), its three internal relations are filled like a bulk load, by
     * sorted merges into private storage swapped in at commit, O(n log n), with no per-row log of links; else the
     * rows are added one by one. The ids must be live entities of the left and right tables.
     *
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the arrays differ in length, or an id is not a live entity of its
     *         table (naming the index, the id and the table); nothing is added
     */
    int[] addAllByIds(int[] lefts, int[] rights);

    /**
     * Deletes a row: its values, and the pair if it was the pair's last row.
     *
     * @return false if there was no such row
     * @throws IllegalArgumentException if {@code row} is negative
     */
    boolean remove(int row);

    /** Whether a row of this id exists. */
    boolean contains(int row);

    /** The number of rows. O(1). */
    int size();

    /**
     * Every row id, ascending, as a new array (like {@link Table#ids()}): one consistent read, seeing this thread's
     * transaction. O(n + h/64) for n rows and the row high-water mark h (the highest row id handed out, which
     * under {@link IdPolicy#NEVER_REUSE} counts deleted rows too): the live ids are a bitset. Row id order is the order rows were added as long as
     * none was deleted, and for good under {@link IdPolicy#NEVER_REUSE}.
     */
    int[] rows();

    /**
     * The rows whose column has the given value ({@code orders.rowsWhere(status.value("open"))}), ascending, as a
     * new array: one consistent read, seeing this thread's transaction. Values are equal as by
     * {@link Object#equals} on the boxed value ({@code Double.equals} for a {@code double} column: {@code NaN}
     * matches {@code NaN}, {@code -0.0} does not match {@code 0.0}); rows never set match their column's default.
     * A scan (row values are not indexed): O(n + h/64) as {@link #rows()}, whatever the result's size.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the value is for a column of another association table
     */
    int[] rowsWhere(RowColumn.Value value);

    /**
     * One row as it is now: its id, both ends and every column's value, read in one consistent read (seeing this
     * thread's transaction) into an immutable {@link Row}, which later changes do not touch. O(columns).
     *
     * @throws java.util.NoSuchElementException if there is no such row (naming the row and this table)
     * @throws IllegalArgumentException if {@code row} is negative
     */
    Row<L, R> row(int row);

    /**
     * One row of an association table as read by {@link AssociationTable#row}: a snapshot, not a live view.
     *
     * @param table the association table the row was read from
     * @param id the row's id
     * @param left the row's left entity
     * @param right the row's right entity
     * @param values the value of every column of the table when the row was read, by column name, in declaration
     *        order (boxed; {@code null} for an object column's null), unmodifiable
     * @param <L> the type of the left entities
     * @param <R> the type of the right entities
     */
    record Row<L, R>(AssociationTable<L, R> table, int id, L left, R right, java.util.Map<String, Object> values) {

        /**
         * A row; {@code values} is copied (nulls allowed) into an unmodifiable map.
         *
         * @throws NullPointerException if {@code table} or {@code values} is null
         */
        public Row {
            java.util.Objects.requireNonNull(table, "table is null");
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                    java.util.Objects.requireNonNull(values, "values are null")));
        }

        /**
         * The value of {@code column} in this row, boxed.
         *
         * @throws NullPointerException if {@code column} is null
         * @throws IllegalArgumentException if the column is of another table, or was declared after the row was read
         */
        public Object value(RowColumn column) {
            java.util.Objects.requireNonNull(column, "column is null");
            if (column.table() != table) {
                throw new IllegalArgumentException("column '" + column.name() + "' is a column of association table '"
                        + column.table().name() + "', not of '" + table.name() + "'");
            }
            if (!values.containsKey(column.name())) {
                throw new IllegalArgumentException("column '" + column.name() + "' of association table '"
                        + table.name() + "' was declared after row " + id + " was read");
            }
            return values.get(column.name());
        }

        /**
         * The value of a {@code long} column in this row.
         *
         * @throws IllegalArgumentException as {@link #value}
         */
        public long get(RowColumn.OfLong column) {
            return (Long) value(column);
        }

        /**
         * The value of an {@code int} column in this row.
         *
         * @throws IllegalArgumentException as {@link #value}
         */
        public int get(RowColumn.OfInt column) {
            return (Integer) value(column);
        }

        /**
         * The value of a {@code double} column in this row.
         *
         * @throws IllegalArgumentException as {@link #value}
         */
        public double get(RowColumn.OfDouble column) {
            return (Double) value(column);
        }

        /**
         * The value of a {@code boolean} column in this row.
         *
         * @throws IllegalArgumentException as {@link #value}
         */
        public boolean get(RowColumn.OfBoolean column) {
            return (Boolean) value(column);
        }

        /**
         * The value of an object column in this row.
         *
         * @throws IllegalArgumentException as {@link #value}
         */
        @SuppressWarnings("unchecked") // the column checked the value's type when it was set
        public <V> V get(RowColumn.OfObject<V> column) {
            return (V) value(column);
        }

        /** The row as text: {@code orders row 3: Ann -> Tea {quantity=2, note=gift}}. */
        @Override
        public String toString() {
            return table.name() + " row " + id + ": " + left + " -> " + right + " " + values;
        }
    }

    /**
     * The left entity of a row. O(1).
     *
     * @throws java.util.NoSuchElementException if there is no such row
     * @throws IllegalArgumentException if {@code row} is negative (so do {@link #rightOf}, {@link #leftIdOf} and
     *         {@link #rightIdOf})
     */
    L leftOf(int row);

    /**
     * The right entity of a row. O(1).
     *
     * @throws java.util.NoSuchElementException if there is no such row
     * @throws IllegalArgumentException if {@code row} is negative
     */
    R rightOf(int row);

    /**
     * The left entity id of a row. O(1).
     *
     * @throws java.util.NoSuchElementException if there is no such row
     * @throws IllegalArgumentException if {@code row} is negative
     */
    int leftIdOf(int row);

    /**
     * The right entity id of a row. O(1).
     *
     * @throws java.util.NoSuchElementException if there is no such row
     * @throws IllegalArgumentException if {@code row} is negative
     */
    int rightIdOf(int row);

    /**
     * The rows of {@code left} ({@code customer.orders}): a live set of row ids, ascending, that resolves
     * {@code left} on every call. Empty for an entity not in its table.
     *
     * <p>Writes: {@code remove(row)} deletes the row if it is one of {@code left}'s (its values go, and its pair
     * if it was the pair's last row; {@code false} otherwise), and {@code clear()} deletes all of {@code left}'s
     * rows, each as one atomic write. Every other mutator ({@code add}, {@code addAll}, {@code removeAll},
     * {@code retainAll}, {@code removeIf}, the iterator's {@code remove}) throws
     * {@link UnsupportedOperationException} and changes nothing: add rows with {@link #add}. Iterators walk a copy
     * taken when they are made. {@code toString()} lists the row ids: {@code [3, 8]}.
     *
     * @throws NullPointerException if {@code left} is null
     */
    IntNeighborSet rowsOfLeft(L left);

    /** The rows of {@code right}; see {@link #rowsOfLeft}. */
    IntNeighborSet rowsOfRight(R right);

    /** The rows of the pair {@code (left, right)}, ascending, as a new array. O(min(d<sub>l</sub>, d<sub>r</sub>) log d). */
    int[] rowsOf(L left, R right);

    /** The rows of {@code left} by entity id; see {@link #rowsOfLeft}. */
    IntNeighborSet rowsOfLeftId(int left);

    /** The rows of {@code right} by entity id. */
    IntNeighborSet rowsOfRightId(int right);

    /**
     * The distinct pairs, as a relation that is also the association proxy: see the class comment. Its
     * {@code ints()} has the same semantics by ids. It has no link columns (the rows carry the values).
     */
    Relation<L, R> pairs();

    /** Declares a {@code long} column on the rows; existing rows get {@code defaultValue}. Not in a transaction. */
    RowColumn.OfLong longColumn(String name, long defaultValue);

    /** Declares an {@code int} column on the rows. */
    RowColumn.OfInt intColumn(String name, int defaultValue);

    /** Declares a {@code double} column on the rows. */
    RowColumn.OfDouble doubleColumn(String name, double defaultValue);

    /** Declares a {@code boolean} column on the rows. */
    RowColumn.OfBoolean booleanColumn(String name, boolean defaultValue);

    /**
     * Declares a column of objects of {@code type} on the rows. On a journaled engine ({@link Persistence}) a
     * {@code type} the journal could not write is refused here, by the rule of {@link Junction#table(String, Class)}
     * (and {@link Persistence#open} refuses an engine holding one).
     *
     * @throws IllegalArgumentException if the engine is journaled and {@code type} has no codec by that rule
     *         (the message names the association table, the column and the class)
     */
    <V> RowColumn.OfObject<V> objectColumn(String name, Class<V> type, V defaultValue);

    /** The columns, in declaration order. A new list. */
    java.util.List<RowColumn> columns();
}
