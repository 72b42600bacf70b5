package dev.junction.sql;

import dev.junction.LongTable;
import dev.junction.Table;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Loading an entity table from {@code SELECT key, columns... FROM table}; see {@link SqlRelations#loadEntities}. */
final class EntitySql {

    private EntitySql() {
    }

    /** With {@code mapper} null, {@code table} is a {@link LongTable} and the keys are its entities. */
    @SuppressWarnings("unchecked")
    static <E> int load(Connection connection, Table<E> table, String sqlTable, String keyColumn, List<String> columns,
                        SqlRelations.RowMapper<? extends E> mapper) throws SQLException {
        String what = "loading table '" + table.name() + "' from table " + sqlTable;
        StringBuilder q = new StringBuilder("SELECT ").append(keyColumn);
        for (String c : columns) q.append(", ").append(c);
        // ordered, so that entities get their ids in key order whatever the database's scan order
        String sql = q.append(" FROM ").append(sqlTable).append(" ORDER BY ").append(keyColumn).toString();
        // one transaction: a bad row anywhere undoes every entity added before it
        return SqlSupport.inEngineTransaction(table.junction(), () -> {
            int before = table.size();
            IntOpenHashSet seen = new IntOpenHashSet(); // ids of this load's rows: a second one is a duplicate
            long row = 0;
            try (Statement st = connection.createStatement()) {
                st.setFetchSize(SqlSupport.BATCH);
                try (ResultSet rs = SqlSupport.query(st, sql, what)) {
                    SqlRelations.EndReader<Long> keys = mapper != null ? null : SqlRelations.EndReader.of(
                            (LongTable) table, SqlRelations.Keys.longs(), rs, 1, keyColumn, what);
                    while (SqlSupport.next(rs, what, row)) {
                        row++;
                        int id;
                        if (keys != null) {
                            id = keys.id(row);
                        } else {
                            if (rs.getObject(1) == null) {
                                throw new IllegalArgumentException(what + ": row " + row + " has NULL in key column "
                                        + keyColumn);
                            }
                            id = add(table, entity(rs, mapper, what, row), what, row);
                        }
                        if (!seen.add(id)) {
                            throw new IllegalArgumentException(what + ": row " + row + ": key " + rs.getObject(1)
                                    + " in column " + keyColumn + " is entity " + table.get(id)
                                    + " of an earlier row; the key column must be unique");
                        }
                    }
                }
            }
            return table.size() - before;
        });
    }

    private static <E> E entity(ResultSet rs, SqlRelations.RowMapper<? extends E> mapper, String what, long row)
            throws SQLException {
        E e;
        try {
            e = mapper.map(rs);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(what + ": row " + row + ": the row mapper failed: " + ex, ex);
        } catch (SQLException ex) {
            throw SqlSupport.prefixed(what + ": row " + row, ex);
        }
        if (e == null) throw new IllegalArgumentException(what + ": row " + row + ": the row mapper returned null");
        return e;
    }

    private static <E> int add(Table<E> table, E e, String what, long row) {
        try {
            return table.add(e);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(what + ": row " + row + ": table '" + table.name() + "' does not take "
                    + e + ": " + ex, ex);
        }
    }
}
