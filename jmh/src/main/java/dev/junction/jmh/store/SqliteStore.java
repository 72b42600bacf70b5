package dev.junction.jmh.store;

import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite in memory (sqlite-jdbc, {@code jdbc:sqlite::memory:}): a {@code WITHOUT ROWID} table clustered on the
 * primary key {@code (left_id, right_id)} and a secondary index on {@code (right_id, left_id)}. A link is an
 * {@code INSERT OR IGNORE} in its own autocommit transaction.
 */
public final class SqliteStore extends JdbcStore {

    /** Opens a fresh, private in-memory database. */
    public SqliteStore() throws SQLException {
        super(DriverManager.getConnection("jdbc:sqlite::memory:"),
                "CREATE TABLE rel (left_id INTEGER NOT NULL, right_id INTEGER NOT NULL, "
                        + "PRIMARY KEY (left_id, right_id)) WITHOUT ROWID",
                "INSERT OR IGNORE INTO rel(left_id, right_id) VALUES (?, ?)", 2);
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /** The database size: {@code PRAGMA page_count × page_size}, in bytes. */
    public long databaseBytes() {
        try (Statement st = connection.createStatement()) {
            return pragma(st, "page_count") * pragma(st, "page_size");
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private static long pragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
