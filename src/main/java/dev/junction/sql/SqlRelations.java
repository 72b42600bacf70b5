package dev.junction.sql;

import static dev.junction.sql.SqlSupport.BATCH;
import static dev.junction.sql.SqlSupport.identifier;

import dev.junction.AssociationTable;
import dev.junction.KeyedTable;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.Table;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Loading entity tables, relations and association tables from JDBC tables and saving relations and association
 * tables back, with plain {@code java.sql} (no extra dependency). The database stays the source of truth;
 * Junction holds an in-memory copy.
 *
 * <pre>{@code
 * SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"),
 *         rs -> new Author(rs.getLong(1), rs.getString(2)));                 // SELECT id, name FROM author
 * SqlRelations.loadKeys(c, tags, "tag", "id");                                // a LongTable, no boxing
 * SqlRelations.Mapping<Author, Long> m = SqlRelations.mapping("author_tag", "author_id", "tag_id",
 *         SqlRelations.Keys.keyed(authors, Long.class), SqlRelations.Keys.longs());
 * SqlRelations.load(c, tagged, m, null);                                      // all or nothing
 * SqlRelations.Result r = SqlRelations.save(c, tagged, m, SqlRelations.Save.DIFFERENCE); // write what changed
 * }</pre>
 *
 * <h2>Keys</h2>
 * A {@link Keys} says how a key column becomes an entity and back: a {@link KeyReader} reads the column's value
 * as the key type ({@code Long}, {@code Integer}, {@code String}, or any type the driver's
 * {@code getObject(column, type)} supports), a function maps the key to the entity and another the entity to
 * its key. {@code Long} keys are read exactly: a numeric text is its number, while 1.5 or a number past the range
 * of a long is refused. {@link Keys#longs()} is for {@link LongTable} ends, where the key is the entity: when the
 * column's declared type is an integer type it is read with {@code getLong}, without boxing a key per row. (On
 * SQLite, whose columns take values of any type, a non-integral number stored in an integer column is then
 * truncated by the driver, as SQLite's own {@code CAST} does; a text that is not a number is still refused.)
 *
 * <h2>Loading</h2>
 * {@link #load(Connection, Relation, Mapping, LongConsumer)} reads the rows with a fetch size of 10,000 (whether
 * the driver streams depends on it and its settings), adds missing entities to their tables, and links in
 * batches of 10,000 through {@code linkAll}, all in one Junction bulk load
 * ({@link dev.junction.Junction#bulkLoad}): nobody sees a partial load, listeners hear it only once it commits,
 * and any failure rolls back every entity, link and value it added. The links and values are staged in storage
 * laid out as the committed index, which takes the empty relation's place at commit, so a load needs the memory
 * of the index it builds plus one batch, not more. It loads into an empty relation (inside a transaction of the
 * calling thread, one that has not changed the relation): a row with a {@code NULL} key, a key the mapping or
 * the table rejects, a value that does not fit its link column, or a pair that occurs twice (an association
 * table needs a composite key) stops it with {@link IllegalArgumentException} naming the relation, the row, the
 * column and the value. A table or column that is not there, or a read that fails, is the driver's
 * {@link SQLException}, prefixed with what was being loaded. {@link #loadKeys} and {@link #loadEntities} load
 * entity tables, {@link #load(Connection, AssociationTable, AssociationMapping)} association tables; their
 * failures are alike.
 *
 * <h2>Saving</h2>
 * {@link #save(Connection, Relation, Mapping, Save)} reads the relation in one read view (into memory, as key
 * values), then writes in one database transaction, in batches: {@link Save#INSERT} adds every pair (to a table
 * created if {@link Mapping#create} is set; some databases commit a {@code CREATE TABLE} on their own),
 * {@link Save#REPLACE} deletes the table's rows first, {@link Save#DIFFERENCE} reads what is there and deletes
 * stale pairs (and every copy of a pair the table holds twice, which is then inserted once), inserts the
 * missing, and updates the rows of the others whose column values differ. Keys are compared by their exact
 * value, whatever type the driver returns; column values after the conversion loading applies (so a SQLite
 * {@code 1} is the boolean {@code true}), with {@code equals}. The {@link Result} counts the rows inserted,
 * deleted and updated. On any failure the save is undone: the transaction rolled back, or, if the caller had
 * turned autocommit off, rolled back to a savepoint taken at the start (the caller's own work stays, and the
 * caller commits).
 *
 * <h2>Names</h2>
 * Table and column names must be plain identifiers (letters, digits and {@code _}, optionally
 * {@code schema.name}); anything else is refused with {@link IllegalArgumentException} naming it, so no name can
 * carry SQL. They are not quoted, so they follow the database's own case folding, as in hand-written SQL.
 *
 * <p>Not thread-safe per connection (JDBC connections are not); the engine may be used by other threads.
 */
public final class SqlRelations {

    private SqlRelations() {
    }

    /** How saving treats the rows already in the table. */
    public enum Save {
        /** Insert every pair (or row); the table should not hold them already. */
        INSERT,
        /** Delete every row of the table, then insert every pair (or row). */
        REPLACE,
        /** Read the table and write only the difference: delete stale rows, insert the missing, update the changed. */
        DIFFERENCE
    }

    /**
     * What a save wrote: the number of rows inserted, deleted and updated (rows kept whose non-key columns
     * changed). {@link Save#REPLACE} counts every row it deleted first.
     *
     * @param inserted rows inserted
     * @param deleted rows deleted
     * @param updated rows updated
     */
    public record Result(long inserted, long deleted, long updated) {

        /** Inserted plus deleted plus updated. */
        public long total() {
            return inserted + deleted + updated;
        }
    }

    /**
     * Reads a key column of the current row as a typed key. The built-in readers ({@link #longs}, {@link #ints},
     * {@link #strings}, {@link #of}) are stateless and thread-safe.
     *
     * @param <K> the key type
     */
    @FunctionalInterface
    public interface KeyReader<K> {

        /**
         * The key in column {@code column} (1-based) of the current row of {@code rs}, or {@code null} for SQL
         * {@code NULL} (which the loaders refuse, naming the row).
         *
         * @throws SQLException if the driver fails
         * @throws RuntimeException if the value is not a key of this type (the loaders name the row and column)
         */
        K read(ResultSet rs, int column) throws SQLException;

        /** {@code Long} keys, exactly: whole numbers of any numeric type, and numeric text. */
        static KeyReader<Long> longs() {
            return LONGS;
        }

        /** {@code Integer} keys, exactly, like {@link #longs}; values past the int range are refused. */
        static KeyReader<Integer> ints() {
            return INTS;
        }

        /** {@code String} keys, as {@code getString} gives them (a number is its text). */
        static KeyReader<String> strings() {
            return STRINGS;
        }

        /**
         * The reader for keys of {@code type}: {@link #longs} for {@code Long}, {@link #ints} for
         * {@code Integer}, {@link #strings} for {@code String}, else the driver's
         * {@code getObject(column, type)} (a {@code UUID}, a {@code LocalDate}, as the driver supports them).
         *
         * @throws NullPointerException if {@code type} is null
         */
        @SuppressWarnings("unchecked")
        static <K> KeyReader<K> of(Class<K> type) {
            Objects.requireNonNull(type, "type is null");
            if (type == Long.class || type == long.class) return (KeyReader<K>) LONGS;
            if (type == Integer.class || type == int.class) return (KeyReader<K>) INTS;
            if (type == String.class) return (KeyReader<K>) STRINGS;
            return (rs, column) -> rs.getObject(column, type);
        }
    }

    private static final KeyReader<Long> LONGS = (rs, column) -> {
        Object v = rs.getObject(column);
        return v == null ? null : SqlSupport.exactLong(v);
    };
    private static final KeyReader<Integer> INTS = (rs, column) -> {
        Object v = rs.getObject(column);
        return v == null ? null : Math.toIntExact(SqlSupport.exactLong(v));
    };
    private static final KeyReader<String> STRINGS = ResultSet::getString;

    /**
     * How the keys in one key column become entities and back: a {@link KeyReader}, a function from key to
     * entity and one from entity to key. Immutable.
     *
     * @param <E> the entity type
     * @param <K> the key type
     */
    public static final class Keys<E, K> {
        final KeyReader<K> reader;
        final Function<? super K, ? extends E> toEntity;
        final Function<? super E, ? extends K> toKey;
        /** The key is the entity and a long: a {@link LongTable} end can be loaded without boxing. */
        final boolean longIdentity;

        private Keys(KeyReader<K> reader, Function<? super K, ? extends E> toEntity,
                     Function<? super E, ? extends K> toKey, boolean longIdentity) {
            this.reader = Objects.requireNonNull(reader, "reader is null");
            this.toEntity = Objects.requireNonNull(toEntity, "toEntity is null");
            this.toKey = Objects.requireNonNull(toKey, "toKey is null");
            this.longIdentity = longIdentity;
        }

        /**
         * Keys of {@code keyType} (read by {@link KeyReader#of}); {@code toEntity} maps a key read to its entity
         * (returning null or throwing refuses the row), {@code toKey} an entity to the key written.
         *
         * @throws NullPointerException if an argument is null
         */
        public static <E, K> Keys<E, K> of(Class<K> keyType, Function<? super K, ? extends E> toEntity,
                                           Function<? super E, ? extends K> toKey) {
            return new Keys<>(KeyReader.of(keyType), toEntity, toKey, false);
        }

        /**
         * Keys read by {@code reader}; otherwise as {@link #of(Class, Function, Function)}.
         *
         * @throws NullPointerException if an argument is null
         */
        public static <E, K> Keys<E, K> of(KeyReader<K> reader, Function<? super K, ? extends E> toEntity,
                                           Function<? super E, ? extends K> toKey) {
            return new Keys<>(reader, toEntity, toKey, false);
        }

        /**
         * The key is the entity, a {@code long}: for a {@link LongTable} end (loaded without boxing when the
         * column's type is an integer type), or any {@code Table<Long>}.
         */
        public static Keys<Long, Long> longs() {
            return LONG_KEYS;
        }

        /**
         * The entities of a {@link KeyedTable}, by its key: a key read maps to the entity already in
         * {@code table} ({@link KeyedTable#byKey}; load the table first, e.g. with {@link #loadEntities}), an
         * entity to {@link KeyedTable#keyOf}. A key with no entity refuses the row.
         *
         * @throws NullPointerException if an argument is null
         */
        public static <E, K> Keys<E, K> keyed(KeyedTable<E, K> table, Class<K> keyType) {
            Objects.requireNonNull(table, "table is null");
            return new Keys<>(KeyReader.of(keyType), table::byKey, table::keyOf, false);
        }
    }

    private static final Keys<Long, Long> LONG_KEYS = new Keys<>(LONGS, k -> k, e -> e, true);

    /**
     * Maps the current row of a {@code SELECT key, columns... FROM table} to an entity; see {@link #loadEntities}.
     *
     * @param <E> the entity type
     */
    @FunctionalInterface
    public interface RowMapper<E> {
        /**
         * The entity of the current row (column 1 is the key column, then the columns, in the order given).
         *
         * @throws SQLException if the driver fails
         */
        E map(ResultSet rs) throws SQLException;
    }

    /** A link column carried by a SQL column. */
    record ColumnMapping(String sqlColumn, LinkColumn<?, ?> column) {
    }

    /**
     * What a relation's and an association table's mappings both start from: a SQL table of pairs, its left and
     * right key columns, and how their keys become entities.
     */
    static class PairTable<L, R> {
        final String table;
        final String leftColumn;
        final String rightColumn;
        final Keys<L, ?> left;
        final Keys<R, ?> right;

        PairTable(String table, String leftColumn, String rightColumn, Keys<L, ?> left, Keys<R, ?> right) {
            this.table = table;
            this.leftColumn = leftColumn;
            this.rightColumn = rightColumn;
            this.left = left;
            this.right = right;
        }

        /** The table, key columns and keys of {@code pairs} (for a mapping's copies). */
        PairTable(PairTable<L, R> pairs) {
            this(pairs.table, pairs.leftColumn, pairs.rightColumn, pairs.left, pairs.right);
        }
    }

    /**
     * Where a relation lives in SQL and how keys become entities. Immutable; {@code with...} returns a copy.
     *
     * @param <L> left entities
     * @param <R> right entities
     */
    public static final class Mapping<L, R> extends PairTable<L, R> {
        final String query;
        final List<ColumnMapping> columns;
        final boolean create;

        Mapping(PairTable<L, R> pairs, String query, List<ColumnMapping> columns, boolean create) {
            super(pairs);
            this.query = query;
            this.columns = List.copyOf(columns);
            this.create = create;
        }

        /**
         * Also carries {@code column} in the SQL column {@code sqlColumn} (load and save).
         *
         * @throws IllegalArgumentException if {@code sqlColumn} is not a plain identifier, or is already mapped
         * @throws NullPointerException if an argument is null
         */
        public Mapping<L, R> withColumn(String sqlColumn, LinkColumn<L, R> column) {
            identifier(sqlColumn, "column name");
            Objects.requireNonNull(column, "column is null");
            if (sqlColumn.equalsIgnoreCase(leftColumn) || sqlColumn.equalsIgnoreCase(rightColumn)
                    || columns.stream().anyMatch(c -> c.sqlColumn().equalsIgnoreCase(sqlColumn))) {
                throw new IllegalArgumentException("column '" + sqlColumn + "' of table " + table + " is already mapped");
            }
            List<ColumnMapping> cs = new ArrayList<>(columns);
            cs.add(new ColumnMapping(sqlColumn, column));
            return new Mapping<>(this, query, cs, create);
        }

        /**
         * Loads from {@code sql} instead of the table: a query returning the left key, the right key, then the
         * columns. It is run as given: do not build it from untrusted text. Saving still writes the table, all of
         * it: {@link Save#DIFFERENCE} deletes the rows the relation does not hold, loaded or not.
         *
         * @throws NullPointerException if {@code sql} is null
         */
        public Mapping<L, R> fromQuery(String sql) {
            return new Mapping<>(this, Objects.requireNonNull(sql, "query is null"), columns, create);
        }

        /** Saving creates the table if it is not there (keys as {@code BIGINT} or {@code VARCHAR}, a composite key). */
        public Mapping<L, R> create() {
            return new Mapping<>(this, query, columns, true);
        }

        String select() {
            return query != null ? query : tableSelect();
        }

        /** The table's rows, whatever the query: what saving compares with. */
        String tableSelect() {
            StringBuilder q = new StringBuilder("SELECT ").append(leftColumn).append(", ").append(rightColumn);
            for (ColumnMapping c : columns) q.append(", ").append(c.sqlColumn());
            return q.append(" FROM ").append(table).toString();
        }
    }

    /**
     * A mapping for {@code table(leftColumn, rightColumn)}, an association table whose rows are the pairs (its
     * primary key should be {@code (leftColumn, rightColumn)}); {@code left} and {@code right} map the keys.
     *
     * @throws IllegalArgumentException if a name is not a plain identifier (naming it), or both key columns are one
     * @throws NullPointerException if an argument is null
     */
    public static <L, R> Mapping<L, R> mapping(String table, String leftColumn, String rightColumn, Keys<L, ?> left,
                                               Keys<R, ?> right) {
        identifier(table, "table name");
        identifier(leftColumn, "left key column name");
        identifier(rightColumn, "right key column name");
        if (leftColumn.equalsIgnoreCase(rightColumn)) {
            throw new IllegalArgumentException("table " + table + ": left and right key column are both " + leftColumn);
        }
        return new Mapping<>(new PairTable<>(table, leftColumn, rightColumn, Objects.requireNonNull(left,
                "left keys are null"), Objects.requireNonNull(right, "right keys are null")), null, List.of(), false);
    }

    /** A row column carried by a SQL column. */
    record RowColumnMapping(String sqlColumn, RowColumn column) {
    }

    /**
     * Where an {@link AssociationTable} lives in SQL: the table, its left and right key columns and how their keys
     * become entities, the row columns carried by SQL columns, and how rows are identified. Immutable;
     * {@code with...} returns a copy.
     *
     * <h2>Row identity</h2>
     * <ul>
     *   <li>Without a row key (the default): the SQL table is keyed by {@code (left, right)}, as a composite
     *       primary key, so it holds one row per pair. Rows are matched by their pair; loading refuses a pair that
     *       occurs twice, and saving refuses an engine table with two rows for one pair (naming them) rather than
     *       lose one. Row ids in the engine are its own.</li>
     *   <li>With {@link #withRowKey}: the SQL table has a surrogate key column (an ORM's association object with
     *       an {@code id} primary key), kept in a {@code long} row column of the engine table. Rows are matched by
     *       it, so a pair may have many rows. A row whose key is the column's default value (declare the column
     *       with a default no database key takes, e.g. 0 for an identity column that starts at 1) is new: saving
     *       inserts it without the key, lets the database generate one (one statement per new row, to read the
     *       generated key back portably), and writes that key into the engine's column in the same Junction
     *       transaction, which commits right after the database transaction. Any other row is inserted, updated
     *       (its left, right or column values changed) or kept by its key; rows of the SQL table whose key no
     *       engine row has are deleted.</li>
     * </ul>
     *
     * @param <L> left entities
     * @param <R> right entities
     */
    public static final class AssociationMapping<L, R> extends PairTable<L, R> {
        final String rowKeyColumn;
        final RowColumn.OfLong rowKey;
        final List<RowColumnMapping> columns;

        AssociationMapping(PairTable<L, R> pairs, String rowKeyColumn, RowColumn.OfLong rowKey,
                           List<RowColumnMapping> columns) {
            super(pairs);
            this.rowKeyColumn = rowKeyColumn;
            this.rowKey = rowKey;
            this.columns = List.copyOf(columns);
        }

        /**
         * Also carries the row column {@code column} in the SQL column {@code sqlColumn} (load and save).
         *
         * @throws IllegalArgumentException if {@code sqlColumn} is not a plain identifier or is already mapped, or
         *         {@code column} is the row key column or already mapped
         * @throws NullPointerException if an argument is null
         */
        public AssociationMapping<L, R> withColumn(String sqlColumn, RowColumn column) {
            checkNew(sqlColumn, column);
            List<RowColumnMapping> cs = new ArrayList<>(columns);
            cs.add(new RowColumnMapping(sqlColumn, column));
            return new AssociationMapping<>(this, rowKeyColumn, rowKey, cs);
        }

        /**
         * Identifies rows by the SQL column {@code sqlColumn}, a surrogate key, kept in the engine's row column
         * {@code column}; see the class comment.
         *
         * @throws IllegalArgumentException if {@code sqlColumn} is not a plain identifier or is already mapped, a
         *         row key is mapped already, or {@code column} is already mapped
         * @throws NullPointerException if an argument is null
         */
        public AssociationMapping<L, R> withRowKey(String sqlColumn, RowColumn.OfLong column) {
            if (rowKey != null) {
                throw new IllegalArgumentException("table " + table + ": the row key is already column " + rowKeyColumn);
            }
            checkNew(sqlColumn, column);
            return new AssociationMapping<>(this, sqlColumn, column, columns);
        }

        private void checkNew(String sqlColumn, RowColumn column) {
            identifier(sqlColumn, "column name");
            Objects.requireNonNull(column, "column is null");
            List<String> names = new ArrayList<>(List.of(leftColumn, rightColumn));
            if (rowKeyColumn != null) names.add(rowKeyColumn);
            for (RowColumnMapping c : columns) names.add(c.sqlColumn());
            if (names.stream().anyMatch(sqlColumn::equalsIgnoreCase)) {
                throw new IllegalArgumentException("column '" + sqlColumn + "' of table " + table + " is already mapped");
            }
            if (column == rowKey || columns.stream().anyMatch(c -> c.column() == column)) {
                throw new IllegalArgumentException("table " + table + ": row column '" + column.name()
                        + "' is already mapped");
            }
        }
    }

    /**
     * A mapping of an association table {@code table(leftColumn, rightColumn, ...)}; rows identified by their
     * pair until {@link AssociationMapping#withRowKey} says otherwise.
     *
     * @throws IllegalArgumentException if a name is not a plain identifier (naming it), or both key columns are one
     * @throws NullPointerException if an argument is null
     */
    public static <L, R> AssociationMapping<L, R> associationMapping(String table, String leftColumn,
                                                                     String rightColumn, Keys<L, ?> left,
                                                                     Keys<R, ?> right) {
        Mapping<L, R> m = mapping(table, leftColumn, rightColumn, left, right); // the same checks
        return new AssociationMapping<>(m, null, null, List.of());
    }

    /**
     * Loads the rows of the mapping's SQL table into {@code assoc}, which must have no rows, in one Junction
     * transaction (all or nothing; rows are added by {@link AssociationTable#addAllByIds}, the bulk path), adding
     * missing entities to their tables. A {@code NULL} key or row key, a key that maps to no entity, a value that
     * does not fit its row column, a pair twice (without a row key) or a row key twice, or a row key equal to the
     * row key column's default, stops it with {@link IllegalArgumentException} naming the table, row, column
     * and value, and the engine is left as it was.
     *
     * @return the number of rows loaded
     * @throws IllegalArgumentException for bad rows, or a row column of another association table
     * @throws IllegalStateException if {@code assoc} has rows
     * @throws SQLException if the query fails (a table or column that is not there), prefixed with what was loaded
     * @throws NullPointerException if an argument is null
     */
    public static <L, R> int load(Connection connection, AssociationTable<L, R> assoc, AssociationMapping<L, R> m)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(assoc, "association table is null");
        Objects.requireNonNull(m, "mapping is null");
        return AssociationSql.load(connection, assoc, m);
    }

    /**
     * Saves {@code assoc} to the mapping's SQL table in one database transaction, rows identified as the mapping
     * says ({@link AssociationMapping}); the modes as for relations. Without a row key the engine is only read;
     * with one, the keys generated for new rows are written to the engine in a Junction transaction that holds
     * the engine's write lock for the whole save and commits after the database does (so a failure anywhere
     * before leaves both as they were).
     *
     * @return the rows inserted, deleted and updated
     * @throws IllegalArgumentException if a pair has two rows (without a row key), two rows share a row key, the
     *         SQL table has a {@code NULL} key (DIFFERENCE), the mapping gives no key for an entity, or a row
     *         column is of another association table; nothing is written
     * @throws SQLException if the database refuses (rolled back; the engine is unchanged)
     * @throws NullPointerException if an argument is null
     */
    public static <L, R> Result save(Connection connection, AssociationTable<L, R> assoc, AssociationMapping<L, R> m,
                                     Save mode) throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(assoc, "association table is null");
        Objects.requireNonNull(m, "mapping is null");
        Objects.requireNonNull(mode, "mode is null");
        return AssociationSql.save(connection, assoc, m, mode);
    }

    // ---- load: entity tables ----------------------------------------------------------------------------

    /**
     * Loads the keys of {@code SELECT keyColumn FROM sqlTable} into a {@link LongTable}, in one Junction
     * transaction (all or nothing), reading an integer-typed column with {@code getLong} (no boxing per row). The
     * query orders by the key ({@code ORDER BY keyColumn}), so new keys get their ids in key order.
     * Keys already in the table stay; a key twice in the SQL table, a {@code NULL} or a value that is not a
     * whole number is refused with {@link IllegalArgumentException} naming the table, column, row and value, and
     * the table is left as it was.
     *
     * @return the number of keys added (rows whose key was already in the table are not counted)
     * @throws IllegalArgumentException for a bad name or a bad row (nothing is added)
     * @throws SQLException if the query fails (a table or column that is not there), prefixed with what was loaded
     * @throws NullPointerException if an argument is null
     */
    public static int loadKeys(Connection connection, LongTable table, String sqlTable, String keyColumn)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(table, "table is null");
        return EntitySql.load(connection, table, identifier(sqlTable, "table name"),
                identifier(keyColumn, "key column name"), List.of(), null);
    }

    /**
     * Loads the entities of {@code SELECT keyColumn, columns... FROM sqlTable} into {@code table} (a
     * {@link Table}, {@link KeyedTable} or {@link LongTable}), {@code mapper} making each row's entity, in one
     * Junction transaction (all or nothing), ordered by the key column so that new entities get their ids in key
     * order. An entity already in the table stays as it is (for a keyed table:
     * the stored object, not the row's); a {@code NULL} key, a row the mapper refuses (null, or an exception), or
     * two rows that are the same entity stop the load with {@link IllegalArgumentException} naming the table, the
     * column or row and the value, and the table is left as it was.
     *
     * @return the number of entities added
     * @throws IllegalArgumentException for a bad name or a bad row (nothing is added)
     * @throws SQLException if the query or the mapper fails (a table or column that is not there), prefixed with
     *         what was loaded
     * @throws NullPointerException if an argument is null
     */
    public static <E> int loadEntities(Connection connection, Table<E> table, String sqlTable, String keyColumn,
                                       List<String> columns, RowMapper<? extends E> mapper) throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(table, "table is null");
        Objects.requireNonNull(mapper, "mapper is null");
        Objects.requireNonNull(columns, "columns are null");
        for (String c : columns) identifier(c, "column name");
        return EntitySql.load(connection, table, identifier(sqlTable, "table name"),
                identifier(keyColumn, "key column name"), List.copyOf(columns), mapper);
    }

    // ---- load: relations --------------------------------------------------------------------------------

    /**
     * Loads the rows into {@code rel}, which must be empty; see the class comment. {@code progress} (may be null)
     * hears the number of rows read after every batch and at the end.
     *
     * @return the number of links loaded
     * @throws IllegalArgumentException for bad rows (Junction is put back as it was), or a link column of
     *         another relation
     * @throws IllegalStateException if {@code rel} is not empty
     * @throws SQLException if the query fails (a table or column that is not there)
     * @throws NullPointerException if an argument other than {@code progress} is null
     */
    public static <L, R> long load(Connection connection, Relation<L, R> rel, Mapping<L, R> m, LongConsumer progress)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(m, "mapping is null");
        checkColumns(rel, m);
        String what = "loading relation '" + rel.name() + "' from " + (m.query != null ? "query" : "table " + m.table);
        SQLException[] failure = {null};
        try {
            // one Junction bulk load: nobody sees a partial load, listeners hear it only if it commits, a failure
            // anywhere rolls back every link, value and entity it added, and the links are staged at index cost
            return rel.leftTable().junction().bulkLoad(rel, () -> {
                try {
                    return loadIn(connection, rel, m, progress, what);
                } catch (SQLException e) {
                    failure[0] = e;
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException e) {
            if (failure[0] != null && e.getCause() == failure[0]) {
                throw failure[0];
            }
            throw e;
        }
    }

    private static void checkColumns(Relation<?, ?> rel, Mapping<?, ?> m) {
        for (ColumnMapping c : m.columns) {
            if (c.column().relation() != rel) {
                throw new IllegalArgumentException("column " + c.sqlColumn() + ": link column '" + c.column().name()
                        + "' belongs to relation '" + c.column().relation().name() + "', not '" + rel.name() + "'");
            }
        }
    }

    private static <L, R> long loadIn(Connection connection, Relation<L, R> rel, Mapping<L, R> m, LongConsumer progress,
                                      String what) throws SQLException {
        long rows = 0;
        try (Statement st = connection.createStatement()) {
            st.setFetchSize(BATCH);
            try (ResultSet rs = SqlSupport.query(st, m.select(), what)) {
                EndReader<L> lefts = EndReader.of(rel.leftTable(), m.left, rs, 1,
                        m.query != null ? "column 1" : m.leftColumn, what);
                EndReader<R> rights = EndReader.of(rel.rightTable(), m.right, rs, 2,
                        m.query != null ? "column 2" : m.rightColumn, what);
                int[] ls = new int[BATCH];
                int[] rsIds = new int[BATCH];
                long[] rowNumbers = new long[BATCH];
                Object[][] values = new Object[m.columns.size()][BATCH];
                int n = 0;
                while (SqlSupport.next(rs, what, rows)) {
                    rows++;
                    ls[n] = lefts.id(rows);
                    rsIds[n] = rights.id(rows);
                    rowNumbers[n] = rows;
                    for (int c = 0; c < m.columns.size(); c++) {
                        ColumnMapping cm = m.columns.get(c);
                        values[c][n] = value(rs, 3 + c, cm.sqlColumn(), "link column '" + cm.column().name() + "'",
                                cm.column().type(), what, rows);
                    }
                    if (++n == BATCH) {
                        flush(rel, ls, rsIds, rowNumbers, values, n, m, what);
                        n = 0;
                        if (progress != null) progress.accept(rows);
                    }
                }
                flush(rel, ls, rsIds, rowNumbers, values, n, m, what);
            }
        }
        if (progress != null) progress.accept(rows);
        return rel.size();
    }

    /**
     * Reads one key column of the current row as the id of its entity, adding the entity to its table if it is
     * missing: through {@code getLong} for a {@link LongTable} whose keys are the entities and an integer column
     * ({@code longs}, else null).
     */
    record EndReader<E>(Table<E> table, Keys<E, ?> keys, ResultSet rs, int column, String name, String what,
                        LongTable longs) {

        /** The reader of column {@code column} ({@code name}) of {@code rs}; {@code what} prefixes messages. */
        static <E> EndReader<E> of(Table<E> table, Keys<E, ?> keys, ResultSet rs, int column, String name, String what)
                throws SQLException {
            LongTable longs = keys.longIdentity && table instanceof LongTable lt && SqlSupport.integral(rs, column)
                    ? lt : null;
            return new EndReader<>(table, keys, rs, column, name, what, longs);
        }

        int id(long row) throws SQLException {
            if (longs != null) {
                long k = rs.getLong(column);
                if (k == 0) { // NULL, or a value the driver read as 0: look once more, boxed (rare)
                    Object v = rs.getObject(column);
                    if (v == null) throw nullKey(row);
                    k = key(v, row);
                }
                try {
                    return longs.add(k);
                } catch (RuntimeException ex) {
                    throw refused(row, k, ex);
                }
            }
            return idOf(readKey(row), row);
        }

        private long key(Object v, long row) {
            try {
                return SqlSupport.exactLong(v);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(what + ": row " + row + ", key column " + name + ": " + ex.getMessage(),
                        ex);
            }
        }

        /** The key and its entity, or an exception naming the row. */
        E entity(long row) throws SQLException {
            return entityOf(readKey(row), row);
        }

        private Object readKey(long row) throws SQLException {
            Object key;
            try {
                key = keys.reader.read(rs, column);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(what + ": row " + row + ", key column " + name + ": the value is not a"
                        + " key: " + ex.getMessage(), ex);
            }
            if (key == null) throw nullKey(row);
            return key;
        }

        @SuppressWarnings("unchecked")
        private E entityOf(Object key, long row) {
            E e;
            try {
                e = ((Function<Object, ? extends E>) keys.toEntity).apply(key);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(what + ": row " + row + ", key column " + name + ": value " + key + " ("
                        + key.getClass().getSimpleName() + ") does not map to an entity: " + ex, ex);
            }
            if (e == null) {
                throw new IllegalArgumentException(what + ": row " + row + ", key column " + name + ": value " + key
                        + " maps to no entity");
            }
            return e;
        }

        private int idOf(Object key, long row) {
            E e = entityOf(key, row);
            try {
                return table.add(e); // the present id, or a new one in the load's transaction
            } catch (RuntimeException ex) {
                throw refused(row, e, ex);
            }
        }

        private IllegalArgumentException nullKey(long row) {
            return new IllegalArgumentException(what + ": row " + row + " has NULL in key column " + name);
        }

        private IllegalArgumentException refused(long row, Object e, RuntimeException ex) {
            return new IllegalArgumentException(what + ": row " + row + ", key column " + name + ": table '"
                    + table.name() + "' does not take " + e + ": " + ex, ex);
        }
    }

    /** A column value of the current row converted to {@code type}, or an exception naming the row and column. */
    static Object value(ResultSet rs, int col, String sqlColumn, String target, Class<?> type, String what, long row)
            throws SQLException {
        Object v = rs.getObject(col);
        try {
            return SqlSupport.convert(v, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": row " + row + ", column " + sqlColumn + ": value " + v
                    + " does not fit " + target + " of type " + type.getName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <L, R> void flush(Relation<L, R> rel, int[] ls, int[] rs, long[] rowNumbers, Object[][] values, int n,
                                     Mapping<L, R> m, String what) {
        if (n == 0) return;
        int[] l = Arrays.copyOf(ls, n);
        int[] r = Arrays.copyOf(rs, n);
        LongOpenHashSet seen = new LongOpenHashSet(n);
        for (int i = 0; i < n; i++) { // a pair twice: in this batch, or linked by an earlier one
            if (!seen.add(((long) l[i] << 32) | r[i]) || rel.ints().contains(l[i], r[i])) {
                throw new IllegalArgumentException(what + ": row " + rowNumbers[i] + ": the pair ("
                        + rel.leftTable().get(l[i]) + ", " + rel.rightTable().get(r[i]) + ") occurs twice; an "
                        + "association table needs a composite key");
            }
        }
        rel.ints().linkAll(l, r);
        for (int c = 0; c < m.columns.size(); c++) {
            LinkColumn<?, ?> col = m.columns.get(c).column();
            for (int i = 0; i < n; i++) {
                Object v = values[c][i];
                if (col instanceof LinkColumn.OfLong lc) lc.setByIds(l[i], r[i], (Long) v);
                else if (col instanceof LinkColumn.OfInt ic) ic.setByIds(l[i], r[i], (Integer) v);
                else if (col instanceof LinkColumn.OfDouble dc) dc.setByIds(l[i], r[i], (Double) v);
                else if (col instanceof LinkColumn.OfBoolean bc) bc.setByIds(l[i], r[i], (Boolean) v);
                else ((LinkColumn.OfObject) col).setByIds(l[i], r[i], v);
            }
        }
    }

    // ---- save: relations --------------------------------------------------------------------------------

    /**
     * Saves {@code rel} to the mapping's table in one database transaction; see the class comment. The engine is
     * only read.
     *
     * @return the rows inserted, deleted and updated
     * @throws IllegalArgumentException if the mapping gives no key for an entity, or (DIFFERENCE) the table has
     *         a row with a {@code NULL} key; nothing is written
     * @throws SQLException if the database refuses (the database transaction is rolled back)
     * @throws NullPointerException if an argument is null
     */
    public static <L, R> Result save(Connection connection, Relation<L, R> rel, Mapping<L, R> m, Save mode)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(m, "mapping is null");
        Objects.requireNonNull(mode, "mode is null");
        checkColumns(rel, m);
        String what = "saving relation '" + rel.name() + "' to table " + m.table;
        int nc = m.columns.size();
        // the pairs and values of one state, as SQL key values
        List<Object[]> pairs = rel.leftTable().junction().read(() -> {
            List<Object[]> out = new ArrayList<>();
            rel.ints().forEachLink((l, r) -> {
                L le = rel.leftTable().get(l);
                R re = rel.rightTable().get(r);
                Object[] row = new Object[2 + nc];
                row[0] = key(m.left.toKey.apply(le), le, what);
                row[1] = key(m.right.toKey.apply(re), re, what);
                for (int c = 0; c < nc; c++) row[2 + c] = get(m.columns.get(c).column(), l, r);
                out.add(row);
            });
            return out;
        });
        return SqlSupport.transact(connection, what, () -> {
            long inserted = 0;
            long deleted = 0;
            long updated = 0;
            if (m.create) create(connection, m, pairs);
            if (mode == Save.REPLACE) {
                try (Statement st = connection.createStatement()) {
                    deleted += st.executeUpdate("DELETE FROM " + m.table);
                }
            }
            List<Object[]> toInsert = pairs;
            if (mode == Save.DIFFERENCE) {
                Set<List<Object>> wanted = new HashSet<>();
                for (Object[] p : pairs) wanted.add(pairKey(p[0], p[1]));
                Map<List<Object>, Object[]> present = new HashMap<>(); // pair -> its row's values
                Set<List<Object>> twice = new HashSet<>();
                List<Object[]> stale = new ArrayList<>();
                long row = 0;
                try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(m.tableSelect())) {
                    while (rs.next()) {
                        row++;
                        Object l = rs.getObject(1);
                        Object r = rs.getObject(2);
                        if (l == null || r == null) {
                            throw new IllegalArgumentException(what + ": row " + row + " has a NULL key (" + m.leftColumn
                                    + " = " + l + ", " + m.rightColumn + " = " + r + "); nothing was written");
                        }
                        List<Object> k = pairKey(l, r);
                        if (!wanted.contains(k)) {
                            stale.add(new Object[] {l, r});
                        } else if (twice.contains(k)) {
                            continue; // its delete is planned already
                        } else if (present.containsKey(k)) { // the pair twice in the table: delete all, insert once
                            present.remove(k);
                            twice.add(k);
                            stale.add(new Object[] {l, r});
                        } else {
                            Object[] vs = new Object[nc];
                            for (int c = 0; c < nc; c++) vs[c] = rs.getObject(3 + c);
                            present.put(k, vs);
                        }
                    }
                }
                deleted += batch(connection, "DELETE FROM " + m.table + " WHERE " + m.leftColumn + " = ? AND "
                        + m.rightColumn + " = ?", stale);
                toInsert = new ArrayList<>();
                List<Object[]> changed = new ArrayList<>();
                for (Object[] p : pairs) {
                    Object[] vs = present.get(pairKey(p[0], p[1]));
                    if (vs == null) {
                        toInsert.add(p);
                        continue;
                    }
                    boolean same = true;
                    for (int c = 0; c < nc && same; c++) {
                        same = SqlSupport.sameValue(vs[c], p[2 + c], m.columns.get(c).column().type());
                    }
                    if (!same) { // SET the values WHERE the pair: values first, then the keys
                        Object[] u = new Object[2 + nc];
                        System.arraycopy(p, 2, u, 0, nc);
                        u[nc] = p[0];
                        u[nc + 1] = p[1];
                        changed.add(u);
                    }
                }
                if (!changed.isEmpty()) {
                    StringBuilder q = new StringBuilder("UPDATE ").append(m.table).append(" SET ");
                    for (int c = 0; c < nc; c++) {
                        q.append(c == 0 ? "" : ", ").append(m.columns.get(c).sqlColumn()).append(" = ?");
                    }
                    q.append(" WHERE ").append(m.leftColumn).append(" = ? AND ").append(m.rightColumn).append(" = ?");
                    updated += batch(connection, q.toString(), changed);
                }
            }
            StringBuilder ins = new StringBuilder("INSERT INTO ").append(m.table).append(" (").append(m.leftColumn)
                    .append(", ").append(m.rightColumn);
            for (ColumnMapping c : m.columns) ins.append(", ").append(c.sqlColumn());
            ins.append(") VALUES (?, ?").append(", ?".repeat(nc)).append(')');
            inserted += batch(connection, ins.toString(), toInsert);
            return new Result(inserted, deleted, updated);
        });
    }

    /** Runs {@code sql} once per row of parameters, in batches; the number of rows the database says it changed. */
    static long batch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) return 0;
        long changed = 0;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int n = 0;
            for (Object[] p : rows) {
                for (int i = 0; i < p.length; i++) ps.setObject(i + 1, p[i]);
                ps.addBatch();
                if (++n % BATCH == 0) changed += SqlSupport.sum(ps.executeBatch());
            }
            if (n % BATCH != 0) changed += SqlSupport.sum(ps.executeBatch());
        }
        return changed;
    }

    /** A key value for an entity, which must not be null (it would be written as SQL NULL). */
    static Object key(Object value, Object entity, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + ": the mapping gives no key for " + entity);
        }
        return value;
    }

    static List<Object> pairKey(Object l, Object r) {
        return List.of(SqlSupport.normal(l), SqlSupport.normal(r));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object get(LinkColumn<?, ?> col, int l, int r) {
        if (col instanceof LinkColumn.OfLong lc) return lc.getByIds(l, r);
        if (col instanceof LinkColumn.OfInt ic) return ic.getByIds(l, r);
        if (col instanceof LinkColumn.OfDouble dc) return dc.getByIds(l, r);
        if (col instanceof LinkColumn.OfBoolean bc) return bc.getByIds(l, r);
        return ((LinkColumn.OfObject) col).getByIds(l, r);
    }

    private static void create(Connection c, Mapping<?, ?> m, List<Object[]> pairs) throws SQLException {
        Object[] sample = pairs.isEmpty() ? null : pairs.get(0);
        StringBuilder q = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(m.table).append(" (")
                .append(m.leftColumn).append(' ').append(sqlType(sample == null ? null : sample[0])).append(" NOT NULL, ")
                .append(m.rightColumn).append(' ').append(sqlType(sample == null ? null : sample[1])).append(" NOT NULL");
        for (ColumnMapping cm : m.columns) {
            Class<?> t = cm.column().type();
            q.append(", ").append(cm.sqlColumn()).append(' ').append(t == long.class || t == int.class ? "BIGINT"
                    : t == double.class ? "DOUBLE" : t == boolean.class ? "BOOLEAN" : "VARCHAR(1000)");
        }
        q.append(", PRIMARY KEY (").append(m.leftColumn).append(", ").append(m.rightColumn).append("))");
        try (Statement st = c.createStatement()) {
            st.execute(q.toString());
        }
    }

    private static String sqlType(Object sample) {
        return sample == null || sample instanceof Number ? "BIGINT" : "VARCHAR(1000)";
    }
}
