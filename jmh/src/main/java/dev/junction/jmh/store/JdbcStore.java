package dev.junction.jmh.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An association table in an in-memory SQL database, through JDBC prepared statements:
 * {@code rel(left_id, right_id, PRIMARY KEY(left_id, right_id))} plus an index on {@code (right_id, left_id)} for
 * reverse lookups. Single operations run in autocommit mode (one transaction each, as an ORM flush of one row
 * would); {@link #bulkLoad} inserts in JDBC batches inside one transaction. Subclasses supply the dialect.
 */
abstract class JdbcStore implements LinkStore {

    /** Rows per {@code executeBatch} during a bulk load. */
    private static final int BATCH = 10_000;

    protected final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement insertBulk;
    private final PreparedStatement delete;
    private final PreparedStatement exists;
    private final PreparedStatement rightsOf;
    private final PreparedStatement leftsOf;
    private final PreparedStatement deleteLeft;
    /** Number of '?' parameters of the insert statement: 2, or 4 for an INSERT ... WHERE NOT EXISTS. */
    private final int insertParams;

    protected JdbcStore(Connection connection, String createTable, String insertIfAbsent, int insertParams)
            throws SQLException {
        this.connection = connection;
        this.insertParams = insertParams;
        try (Statement st = connection.createStatement()) {
            st.execute(createTable);
            st.execute("CREATE INDEX rel_right_left ON rel(right_id, left_id)");
        }
        connection.setAutoCommit(true);
        insert = connection.prepareStatement(insertIfAbsent);
        insertBulk = connection.prepareStatement("INSERT INTO rel(left_id, right_id) VALUES (?, ?)");
        delete = connection.prepareStatement("DELETE FROM rel WHERE left_id = ? AND right_id = ?");
        exists = connection.prepareStatement("SELECT 1 FROM rel WHERE left_id = ? AND right_id = ?");
        rightsOf = connection.prepareStatement("SELECT right_id FROM rel WHERE left_id = ?");
        leftsOf = connection.prepareStatement("SELECT left_id FROM rel WHERE right_id = ?");
        deleteLeft = connection.prepareStatement("DELETE FROM rel WHERE left_id = ?");
    }

    /** Wraps a checked SQL failure: a benchmark must never silently continue after one. */
    protected static IllegalStateException fail(SQLException e) {
        return new IllegalStateException(e);
    }

    @Override
    public boolean link(int left, int right) {
        try {
            insert.setInt(1, left);
            insert.setInt(2, right);
            if (insertParams == 4) {
                insert.setInt(3, left);
                insert.setInt(4, right);
            }
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public boolean unlink(int left, int right) {
        try {
            delete.setInt(1, left);
            delete.setInt(2, right);
            return delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public boolean contains(int left, int right) {
        try {
            exists.setInt(1, left);
            exists.setInt(2, right);
            try (ResultSet rs = exists.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private static long sum(PreparedStatement query, int id) {
        try {
            query.setInt(1, id);
            long sum = 0;
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getInt(1);
                }
            }
            return sum;
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public long sumRights(int left) {
        return sum(rightsOf, left);
    }

    @Override
    public long sumLefts(int right) {
        return sum(leftsOf, right);
    }

    @Override
    public int removeLeft(int left) {
        try {
            deleteLeft.setInt(1, left);
            return deleteLeft.executeUpdate();
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        try {
            connection.setAutoCommit(false);
            for (int i = 0; i < lefts.length; i++) {
                insertBulk.setInt(1, lefts[i]);
                insertBulk.setInt(2, rights[i]);
                insertBulk.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insertBulk.executeBatch();
                }
            }
            insertBulk.executeBatch();
            connection.commit();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw fail(e);
        }
    }
}
