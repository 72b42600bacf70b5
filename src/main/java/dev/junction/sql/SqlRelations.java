package dev.junction.sql;

import dev.junction.LinkColumn;
import dev.junction.Relation;
import dev.junction.Table;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Loading a relation from a JDBC association table and saving it back, with plain {@code java.sql} (no extra
 * dependency). A {@link Mapping} names the table (or a query) and its key columns, says how a key value becomes an
 * entity and back, and which link columns travel with the pairs.
 *
 * <pre>{@code
 * SqlRelations.Mapping<Author, Book> m = SqlRelations.mapping("author_book", "author_id", "book_id",
 *         id -> authorsById.get(((Number) id).longValue()), a -> a.id(),
 *         id -> booksById.get(((Number) id).longValue()), b -> b.id());
 * SqlRelations.load(connection, wrote, m, rows -> log.info(rows + " rows"));  // streaming, all or nothing
 * SqlRelations.save(connection, wrote, m, SqlRelations.Save.DIFFERENCE);     // write what changed
 * }</pre>
 *
 * <h2>Loading</h2>
 * {@link #load} reads the rows with a fetch size of 10,000 (whether the driver streams depends on it and its
 * settings), adds missing entities to their tables, and links in batches of 10,000 through {@code linkAll}, all in
 * one Junction bulk load ({@link dev.junction.Junction#bulkLoad}): nobody sees a partial load, listeners hear it
 * only once it commits, and any failure rolls back every entity, link and value it added. The links and values
 * are staged in storage laid out as the committed index, which takes the empty relation's place at commit, so a
 * load needs the memory of the index it builds plus one batch, not more. It loads into an empty relation (inside
 * a transaction of the calling thread, one that has not changed the relation): a row with a {@code NULL} key, a key the mapping or the table
 * rejects, a value that does not fit its link column, or a pair that occurs twice (an association table needs a
 * composite key) stops it with {@link IllegalArgumentException} naming the relation, the row, the column and the
 * value. A table or column that is not there, or a read that fails, is the driver's {@link SQLException}, prefixed
 * with what was being loaded.
 *
 * <h2>Saving</h2>
 * {@link #save} reads the relation in one read view (into memory, as key values), then writes in one database
 * transaction, inserts in batches: {@link Save#INSERT} adds every pair (to a table created if {@link Mapping#create}
 * is set; some databases commit a {@code CREATE TABLE} on their own), {@link Save#REPLACE} deletes the table's rows
 * first, {@link Save#DIFFERENCE} reads what is there and deletes stale pairs (and both copies of a pair the table
 * holds twice, which is then inserted once), inserts the missing, and updates the link columns of the others. Keys
 * are compared by their exact value, whatever type the driver returns. On any failure the save is undone: the
 * transaction rolled back, or, if the caller had turned autocommit off, rolled back to a savepoint taken at the
 * start (the caller's own work stays, and the caller commits).
 *
 * <p>Not thread-safe per connection (JDBC connections are not); the relation may be used by other threads.
 */
public final class SqlRelations {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.]*");
    private static final int BATCH = 10_000;

    private SqlRelations() {
    }

    /** How saving treats the rows already in the table. */
    public enum Save {
        /** Insert every pair; the table should not hold them already. */
        INSERT,
        /** Delete every row of the table, then insert every pair. */
        REPLACE,
        /** Read the table and write only the difference: delete the rows of pairs not linked, insert the missing. */
        DIFFERENCE
    }

    /** A link column carried by a SQL column. */
    record ColumnMapping(String sqlColumn, LinkColumn<?, ?> column) {
    }

    /**
     * Where a relation lives in SQL and how keys become entities. Immutable; {@code with...} returns a copy.
     *
     * @param <L> left entities
     * @param <R> right entities
     */
    public static final class Mapping<L, R> {
        final String table;
        final String query;
        final String leftColumn;
        final String rightColumn;
        final Function<Object, ? extends L> toLeft;
        final Function<? super L, ?> fromLeft;
        final Function<Object, ? extends R> toRight;
        final Function<? super R, ?> fromRight;
        final List<ColumnMapping> columns;
        final boolean create;

        Mapping(String table, String query, String leftColumn, String rightColumn, Function<Object, ? extends L> toLeft,
                Function<? super L, ?> fromLeft, Function<Object, ? extends R> toRight, Function<? super R, ?> fromRight,
                List<ColumnMapping> columns, boolean create) {
            this.table = table;
            this.query = query;
            this.leftColumn = leftColumn;
            this.rightColumn = rightColumn;
            this.toLeft = toLeft;
            this.fromLeft = fromLeft;
            this.toRight = toRight;
            this.fromRight = fromRight;
            this.columns = List.copyOf(columns);
            this.create = create;
        }

        /** Also carries {@code column} in the SQL column {@code sqlColumn} (load and save). */
        public Mapping<L, R> withColumn(String sqlColumn, LinkColumn<L, R> column) {
            List<ColumnMapping> cs = new ArrayList<>(columns);
            cs.add(new ColumnMapping(identifier(sqlColumn), Objects.requireNonNull(column, "column is null")));
            return new Mapping<>(table, query, leftColumn, rightColumn, toLeft, fromLeft, toRight, fromRight, cs, create);
        }

        /** Loads from {@code sql} instead of the table: a query returning the left key, the right key, then the columns. */
        public Mapping<L, R> fromQuery(String sql) {
            return new Mapping<>(table, Objects.requireNonNull(sql, "query is null"), leftColumn, rightColumn, toLeft,
                    fromLeft, toRight, fromRight, columns, create);
        }

        /** Saving creates the table if it is not there (keys as {@code BIGINT} or {@code VARCHAR}, a composite key). */
        public Mapping<L, R> create() {
            return new Mapping<>(table, query, leftColumn, rightColumn, toLeft, fromLeft, toRight, fromRight, columns, true);
        }

        String select() {
            if (query != null) return query;
            StringBuilder q = new StringBuilder("SELECT ").append(leftColumn).append(", ").append(rightColumn);
            for (ColumnMapping c : columns) q.append(", ").append(c.sqlColumn());
            return q.append(" FROM ").append(table).toString();
        }
    }

    /**
     * A mapping for {@code table(leftColumn, rightColumn)}: {@code toLeft} turns a key value read by
     * {@code getObject} into an entity, {@code fromLeft} an entity into the key value written; likewise for the
     * right. Names are checked to be plain SQL identifiers.
     *
     * @throws IllegalArgumentException if a name is not a plain identifier
     */
    public static <L, R> Mapping<L, R> mapping(String table, String leftColumn, String rightColumn,
                                               Function<Object, ? extends L> toLeft, Function<? super L, ?> fromLeft,
                                               Function<Object, ? extends R> toRight, Function<? super R, ?> fromRight) {
        return new Mapping<>(identifier(table), null, identifier(leftColumn), identifier(rightColumn),
                Objects.requireNonNull(toLeft, "toLeft is null"), Objects.requireNonNull(fromLeft, "fromLeft is null"),
                Objects.requireNonNull(toRight, "toRight is null"), Objects.requireNonNull(fromRight, "fromRight is null"),
                List.of(), false);
    }

    static String identifier(String name) {
        Objects.requireNonNull(name, "name is null");
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a plain SQL identifier");
        }
        return name;
    }

    // ---- load -------------------------------------------------------------------------------------------

    /**
     * Loads the rows into {@code rel}, which must be empty; see the class comment. {@code progress} (may be null)
     * hears the number of rows read after every batch and at the end.
     *
     * @return the number of links loaded
     * @throws IllegalArgumentException for bad rows (Junction is put back as it was)
     * @throws IllegalStateException if {@code rel} is not empty
     * @throws SQLException if the query fails (a table or column that is not there)
     */
    public static <L, R> long load(Connection connection, Relation<L, R> rel, Mapping<L, R> m, LongConsumer progress)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(m, "mapping is null");
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

    private static <L, R> long loadIn(Connection connection, Relation<L, R> rel, Mapping<L, R> m, LongConsumer progress,
                                      String what) throws SQLException {
        Table<L> lefts = rel.leftTable();
        Table<R> rights = rel.rightTable();
        long rows = 0;
        try (Statement st = connection.createStatement()) {
            st.setFetchSize(BATCH);
            ResultSet rs;
            try {
                rs = st.executeQuery(m.select());
            } catch (SQLException e) {
                throw new SQLException(what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            }
            try (rs) {
                int[] ls = new int[BATCH];
                int[] rsIds = new int[BATCH];
                long[] rowNumbers = new long[BATCH];
                Object[][] values = new Object[m.columns.size()][BATCH];
                int n = 0;
                while (next(rs, what, rows)) {
                    rows++;
                    String leftName = m.query != null ? "column 1" : m.leftColumn;
                    String rightName = m.query != null ? "column 2" : m.rightColumn;
                    ls[n] = idOrAdd(lefts, entity(rs, 1, m.toLeft, what, rows, leftName), what, rows, leftName);
                    rsIds[n] = idOrAdd(rights, entity(rs, 2, m.toRight, what, rows, rightName), what, rows, rightName);
                    rowNumbers[n] = rows;
                    for (int c = 0; c < m.columns.size(); c++) {
                        values[c][n] = value(rs, 3 + c, m.columns.get(c), what, rows);
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

    private static boolean next(ResultSet rs, String what, long rows) throws SQLException {
        try {
            return rs.next();
        } catch (SQLException e) {
            throw new SQLException(what + ": after row " + rows + ": " + e.getMessage(), e.getSQLState(),
                    e.getErrorCode(), e);
        }
    }

    private static <E> E entity(ResultSet rs, int col, Function<Object, ? extends E> map, String what, long row,
                                String name) throws SQLException {
        Object key = rs.getObject(col);
        if (key == null) {
            throw new IllegalArgumentException(what + ": row " + row + " has NULL in key column " + name);
        }
        E e;
        try {
            e = map.apply(key);
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

    private static <E> int idOrAdd(Table<E> t, E e, String what, long row, String column) {
        try {
            return t.add(e); // the present id, or a new one in the load's transaction
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(what + ": row " + row + ", key column " + column + ": table '"
                    + t.name() + "' does not take " + e + ": " + ex, ex);
        }
    }

    private static Object value(ResultSet rs, int col, ColumnMapping cm, String what, long row) throws SQLException {
        Object v = rs.getObject(col);
        Class<?> type = cm.column().type();
        try {
            if (type == long.class) return ((Number) notNull(v)).longValue();
            if (type == int.class) return Math.toIntExact(((Number) notNull(v)).longValue());
            if (type == double.class) return ((Number) notNull(v)).doubleValue();
            if (type == boolean.class) return v instanceof Boolean b ? b : ((Number) notNull(v)).intValue() != 0;
            if (v != null && !type.isInstance(v)) throw new ClassCastException(v.getClass().getName());
            return v;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": row " + row + ", column " + cm.sqlColumn() + ": value " + v
                    + " does not fit link column '" + cm.column().name() + "' of type " + type.getName(), e);
        }
    }

    private static Object notNull(Object v) {
        if (v == null) throw new NullPointerException("NULL");
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <L, R> void flush(Relation<L, R> rel, int[] ls, int[] rs, long[] rowNumbers, Object[][] values, int n,
                                     Mapping<L, R> m, String what) {
        if (n == 0) return;
        int[] l = java.util.Arrays.copyOf(ls, n);
        int[] r = java.util.Arrays.copyOf(rs, n);
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

    // ---- save -------------------------------------------------------------------------------------------

    /**
     * Saves {@code rel} to the mapping's table in one database transaction; see the class comment.
     *
     * @return the number of rows inserted plus deleted
     * @throws SQLException if the database refuses (the database transaction is rolled back)
     */
    public static <L, R> long save(Connection connection, Relation<L, R> rel, Mapping<L, R> m, Save mode)
            throws SQLException {
        Objects.requireNonNull(connection, "connection is null");
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(m, "mapping is null");
        Objects.requireNonNull(mode, "mode is null");
        if (m.table == null) throw new IllegalArgumentException("saving needs a table, not a query");
        // the pairs and values of one state, as SQL key values
        List<Object[]> pairs = rel.leftTable().junction().read(() -> {
            List<Object[]> out = new ArrayList<>();
            rel.ints().forEachLink((l, r) -> {
                L le = rel.leftTable().get(l);
                R re = rel.rightTable().get(r);
                Object[] row = new Object[2 + m.columns.size()];
                row[0] = key(m.fromLeft.apply(le), le, rel);
                row[1] = key(m.fromRight.apply(re), re, rel);
                for (int c = 0; c < m.columns.size(); c++) row[2 + c] = get(m.columns.get(c).column(), l, r);
                out.add(row);
            });
            return out;
        });
        boolean auto = connection.getAutoCommit();
        // the caller's own transaction (autocommit off) is left to the caller: a savepoint undoes only this save
        java.sql.Savepoint savepoint = auto ? null : connection.setSavepoint();
        if (auto) connection.setAutoCommit(false);
        long changed = 0;
        boolean done = false;
        try {
            if (m.create) create(connection, m, pairs);
            if (mode == Save.REPLACE) {
                try (Statement st = connection.createStatement()) {
                    changed += st.executeUpdate("DELETE FROM " + m.table);
                }
            }
            List<Object[]> toInsert = pairs;
            if (mode == Save.DIFFERENCE) {
                java.util.Set<List<Object>> wanted = new java.util.HashSet<>();
                for (Object[] p : pairs) wanted.add(key(p[0], p[1]));
                java.util.Set<List<Object>> present = new java.util.HashSet<>();
                List<Object[]> stale = new ArrayList<>();
                long row = 0;
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT " + m.leftColumn + ", " + m.rightColumn + " FROM " + m.table)) {
                    while (rs.next()) {
                        row++;
                        Object l = rs.getObject(1);
                        Object r = rs.getObject(2);
                        if (l == null || r == null) {
                            throw new IllegalArgumentException("saving relation '" + rel.name() + "' to table " + m.table
                                    + ": row " + row + " has a NULL key (" + m.leftColumn + " = " + l + ", "
                                    + m.rightColumn + " = " + r + "); nothing was written");
                        }
                        List<Object> k = key(l, r);
                        if (!wanted.contains(k)) {
                            stale.add(new Object[] {l, r});
                        } else if (!present.add(k)) { // the pair twice in the table: delete both, insert it once
                            stale.add(new Object[] {l, r});
                            present.remove(k);
                        }
                    }
                }
                try (PreparedStatement del = connection.prepareStatement("DELETE FROM " + m.table + " WHERE "
                        + m.leftColumn + " = ? AND " + m.rightColumn + " = ?")) {
                    for (Object[] s : stale) {
                        del.setObject(1, s[0]);
                        del.setObject(2, s[1]);
                        del.addBatch();
                    }
                    if (!stale.isEmpty()) changed += sum(del.executeBatch());
                }
                toInsert = new ArrayList<>();
                for (Object[] p : pairs) {
                    if (!present.contains(key(p[0], p[1]))) toInsert.add(p);
                }
                if (!m.columns.isEmpty()) { // values of pairs already there may have changed
                    StringBuilder q = new StringBuilder("UPDATE ").append(m.table).append(" SET ");
                    for (int c = 0; c < m.columns.size(); c++) {
                        q.append(c == 0 ? "" : ", ").append(m.columns.get(c).sqlColumn()).append(" = ?");
                    }
                    q.append(" WHERE ").append(m.leftColumn).append(" = ? AND ").append(m.rightColumn).append(" = ?");
                    try (PreparedStatement up = connection.prepareStatement(q.toString())) {
                        for (Object[] p : pairs) {
                            if (!present.contains(key(p[0], p[1]))) continue;
                            for (int c = 0; c < m.columns.size(); c++) up.setObject(1 + c, p[2 + c]);
                            up.setObject(1 + m.columns.size(), p[0]);
                            up.setObject(2 + m.columns.size(), p[1]);
                            up.addBatch();
                        }
                        up.executeBatch();
                    }
                }
            }
            StringBuilder ins = new StringBuilder("INSERT INTO ").append(m.table).append(" (").append(m.leftColumn)
                    .append(", ").append(m.rightColumn);
            for (ColumnMapping c : m.columns) ins.append(", ").append(c.sqlColumn());
            ins.append(") VALUES (?, ?");
            for (int c = 0; c < m.columns.size(); c++) ins.append(", ?");
            ins.append(')');
            try (PreparedStatement ps = connection.prepareStatement(ins.toString())) {
                int n = 0;
                for (Object[] p : toInsert) {
                    for (int i = 0; i < p.length; i++) ps.setObject(i + 1, p[i]);
                    ps.addBatch();
                    if (++n % BATCH == 0) changed += sum(ps.executeBatch());
                }
                if (n % BATCH != 0) changed += sum(ps.executeBatch());
            }
            if (auto) connection.commit(); else connection.releaseSavepoint(savepoint);
            done = true;
            return changed;
        } catch (SQLException e) {
            throw new SQLException("saving relation '" + rel.name() + "' to table " + m.table + ": " + e.getMessage(),
                    e.getSQLState(), e.getErrorCode(), e);
        } finally {
            if (!done) { // any failure, Errors included: nothing of this save stays
                try {
                    if (auto) connection.rollback(); else connection.rollback(savepoint);
                } catch (SQLException e) {
                    // the original failure is what the caller needs; the connection is broken anyway
                }
            }
            if (auto) connection.setAutoCommit(true);
        }
    }

    /** A key value for an entity, which must not be null (it would be written as SQL NULL). */
    private static Object key(Object value, Object entity, Relation<?, ?> rel) {
        if (value == null) {
            throw new IllegalArgumentException("saving relation '" + rel.name() + "': the mapping gives no key for "
                    + entity);
        }
        return value;
    }

    private static List<Object> key(Object l, Object r) {
        return List.of(normal(l), normal(r));
    }

    /**
     * Key values compare by their text, numbers by their exact decimal value: a driver may return Integer, Long,
     * BigDecimal or a String (a TEXT column) for what was written as a Long.
     */
    private static Object normal(Object v) {
        if (v instanceof Number n) {
            try {
                return new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return n.toString(); // NaN, infinities
            }
        }
        if (v instanceof String str) {
            try {
                return new java.math.BigDecimal(str.trim()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return str;
            }
        }
        return String.valueOf(v);
    }

    private static long sum(int[] counts) {
        long s = 0;
        for (int c : counts) s += c == Statement.SUCCESS_NO_INFO ? 1 : Math.max(c, 0); // a driver may not count
        return s;
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
