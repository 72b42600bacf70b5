package dev.junction.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.Objects;
import java.util.regex.Pattern;

/** What the loaders and savers share: names, key and value conversion, the one-transaction wrapper. */
final class SqlSupport {

    /** A plain identifier, optionally qualified by a schema: nothing a name can smuggle into a statement. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    static final int BATCH = 10_000;

    private SqlSupport() {
    }

    /**
     * Checks a table or column name. Names are validated, not quoted: quoting would make them case-sensitive,
     * and databases fold unquoted names differently (H2 to upper case, PostgreSQL to lower), so a quoted
     * {@code member} would miss a table created as {@code CREATE TABLE member}.
     */
    static String identifier(String name, String role) {
        Objects.requireNonNull(name, role + " is null");
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(role + " '" + name + "' is not a plain SQL identifier (letters, digits"
                    + " and _, optionally schema.name)");
        }
        return name;
    }

    /** A key or value read as a {@code long}, exactly: integral numbers and numeric text; 1.5 or 2^70 are refused. */
    static long exactLong(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof BigInteger b) return b.longValueExact();
            if (v instanceof Number || v instanceof String) {
                return new BigDecimal(v.toString().trim()).longValueExact();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("value " + v + " (" + v.getClass().getSimpleName()
                    + ") is not a whole number that fits a long");
        }
        throw new IllegalArgumentException("value " + v + " (" + v.getClass().getSimpleName() + ") is not a number");
    }

    /** Whether a column's declared JDBC type holds whole numbers, so {@code getLong} reads it without boxing. */
    static boolean integral(ResultSet rs, int column) throws SQLException {
        int t = rs.getMetaData().getColumnType(column);
        return t == Types.BIGINT || t == Types.INTEGER || t == Types.SMALLINT || t == Types.TINYINT;
    }

    /**
     * A value read for a column of {@code type} ({@code long.class}, {@code int.class}, {@code double.class},
     * {@code boolean.class} or an object type), as the engine stores it.
     *
     * @throws RuntimeException if it does not fit (the caller names the row and column)
     */
    static Object convert(Object v, Class<?> type) {
        if (type == long.class) return exactLong(notNull(v));
        if (type == int.class) return Math.toIntExact(exactLong(notNull(v)));
        if (type == double.class) {
            Object n = notNull(v);
            return n instanceof Number num ? num.doubleValue() : Double.parseDouble(n.toString().trim());
        }
        if (type == boolean.class) {
            Object b = notNull(v);
            return b instanceof Boolean x ? x : exactLong(b) != 0; // SQLite stores booleans as 0 and 1
        }
        if (v != null && !type.isInstance(v)) throw new ClassCastException(v.getClass().getName());
        return v;
    }

    private static Object notNull(Object v) {
        if (v == null) throw new NullPointerException("NULL");
        return v;
    }

    /** Whether a value read from the database equals the engine's value, after the conversion loading applies. */
    static boolean sameValue(Object db, Object engine, Class<?> type) {
        try {
            return Objects.equals(convert(db, type), engine);
        } catch (RuntimeException e) {
            return false; // a value the engine cannot hold differs from any value it has
        }
    }

    /**
     * Key values compare by their text, numbers by their exact decimal value: a driver may return Integer, Long,
     * BigDecimal or a String (a TEXT column) for what was written as a Long.
     */
    static Object normal(Object v) {
        if (v instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return n.toString(); // NaN, infinities
            }
        }
        if (v instanceof String str) {
            try {
                return new BigDecimal(str.trim()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return str;
            }
        }
        return String.valueOf(v);
    }

    static long sum(int[] counts) {
        long s = 0;
        for (int c : counts) s += c == Statement.SUCCESS_NO_INFO ? 1 : Math.max(c, 0); // a driver may not count
        return s;
    }

    /** Work against the database that may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one database transaction: committed if it returns, undone on any failure (Errors
     * included). With autocommit on, a transaction of its own; with autocommit off (the caller's transaction), a
     * savepoint is taken first and only this work is rolled back on failure, and the caller commits.
     */
    static <T> T transact(Connection connection, String what, SqlWork<T> work) throws SQLException {
        boolean auto = connection.getAutoCommit();
        Savepoint savepoint = auto ? null : connection.setSavepoint();
        if (auto) connection.setAutoCommit(false);
        boolean done = false;
        try {
            T result = work.run();
            if (auto) connection.commit(); else connection.releaseSavepoint(savepoint);
            done = true;
            return result;
        } catch (SQLException e) {
            throw new SQLException(what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        } finally {
            if (!done) {
                try {
                    if (auto) connection.rollback(); else connection.rollback(savepoint);
                } catch (SQLException e) {
                    // the original failure is what the caller needs; the connection is broken anyway
                }
            }
            if (auto) connection.setAutoCommit(true);
        }
    }

    /**
     * Runs {@code work} in a Junction transaction ({@link dev.junction.Junction#inTransaction(java.util.function.Supplier)}):
     * any exception out of it, a {@link SQLException} included, rolls back what it did in the engine.
     */
    static <T> T inEngineTransaction(dev.junction.Junction junction, SqlWork<T> work) throws SQLException {
        try {
            return junction.inTransaction(() -> {
                try {
                    return work.run();
                } catch (SQLException e) {
                    throw new Tunnel(e);
                }
            });
        } catch (Tunnel t) {
            throw (SQLException) t.getCause();
        }
    }

    /** Carries a {@link SQLException} out of a {@code Supplier}. */
    private static final class Tunnel extends RuntimeException {
        Tunnel(SQLException e) {
            super(e);
        }
    }

    /** The driver's exception, prefixed with what was being done. */
    static SQLException prefixed(String what, SQLException e) {
        return new SQLException(what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }

    /** {@code rs.next()}, its failure naming the row after which it came. */
    static boolean next(ResultSet rs, String what, long rows) throws SQLException {
        try {
            return rs.next();
        } catch (SQLException e) {
            throw prefixed(what + ": after row " + rows, e);
        }
    }

    /** Runs a query, its failure (a table or column that is not there) naming what was being done. */
    static ResultSet query(Statement st, String sql, String what) throws SQLException {
        try {
            return st.executeQuery(sql);
        } catch (SQLException e) {
            throw prefixed(what, e);
        }
    }
}
