package dev.junction.sql;

import dev.junction.AssociationTable;
import dev.junction.RowColumn;
import dev.junction.sql.SqlRelations.AssociationMapping;
import dev.junction.sql.SqlRelations.EndReader;
import dev.junction.sql.SqlRelations.Result;
import dev.junction.sql.SqlRelations.RowColumnMapping;
import dev.junction.sql.SqlRelations.Save;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loading and saving an {@link AssociationTable}; see {@link SqlRelations.AssociationMapping} for how rows are
 * identified. The SQL columns are read and written in one order: left key, right key, the row key if mapped,
 * then the row columns.
 */
final class AssociationSql {

    private AssociationSql() {
    }

    private static void checkColumns(AssociationTable<?, ?> assoc, AssociationMapping<?, ?> m) {
        List<RowColumnMapping> all = new ArrayList<>(m.columns);
        if (m.rowKey != null) all.add(new RowColumnMapping(m.rowKeyColumn, m.rowKey));
        for (RowColumnMapping c : all) {
            if (c.column().table() != assoc) {
                throw new IllegalArgumentException("column " + c.sqlColumn() + ": row column '" + c.column().name()
                        + "' belongs to association table '" + c.column().table().name() + "', not '" + assoc.name()
                        + "'");
            }
        }
    }

    private static String select(AssociationMapping<?, ?> m) {
        StringBuilder q = new StringBuilder("SELECT ").append(m.leftColumn).append(", ").append(m.rightColumn);
        if (m.rowKey != null) q.append(", ").append(m.rowKeyColumn);
        for (RowColumnMapping c : m.columns) q.append(", ").append(c.sqlColumn());
        return q.append(" FROM ").append(m.table).toString();
    }

    /** The first SQL column of the row columns. */
    private static int firstValue(AssociationMapping<?, ?> m) {
        return m.rowKey == null ? 3 : 4;
    }

    // ---- load -------------------------------------------------------------------------------------------

    static <L, R> int load(Connection connection, AssociationTable<L, R> assoc, AssociationMapping<L, R> m)
            throws SQLException {
        checkColumns(assoc, m);
        String what = "loading association table '" + assoc.name() + "' from table " + m.table;
        return SqlSupport.inEngineTransaction(assoc.leftTable().junction(), () -> {
            if (assoc.size() != 0) {
                throw new IllegalStateException(what + ": it has " + assoc.size() + " rows; load into an empty one");
            }
            IntArrayList lefts = new IntArrayList();
            IntArrayList rights = new IntArrayList();
            LongArrayList keys = new LongArrayList();
            List<List<Object>> values = new ArrayList<>();
            for (int c = 0; c < m.columns.size(); c++) values.add(new ArrayList<>());
            LongOpenHashSet seen = new LongOpenHashSet(); // pairs, or row keys: a second one is refused
            int first = firstValue(m);
            long row = 0;
            try (Statement st = connection.createStatement()) {
                st.setFetchSize(SqlSupport.BATCH);
                try (ResultSet rs = SqlSupport.query(st, select(m), what)) {
                    EndReader<L> ls = EndReader.of(assoc.leftTable(), m.left, rs, 1, m.leftColumn, what);
                    EndReader<R> rsr = EndReader.of(assoc.rightTable(), m.right, rs, 2, m.rightColumn, what);
                    while (SqlSupport.next(rs, what, row)) {
                        row++;
                        int l = ls.id(row);
                        int r = rsr.id(row);
                        if (m.rowKey != null) {
                            long k = rowKey(rs, m, what, row);
                            if (!seen.add(k)) {
                                throw new IllegalArgumentException(what + ": row " + row + ": row key " + k
                                        + " in column " + m.rowKeyColumn + " occurs twice; the row key must be unique");
                            }
                            keys.add(k);
                        } else if (!seen.add(((long) l << 32) | r)) {
                            throw new IllegalArgumentException(what + ": row " + row + ": the pair ("
                                    + assoc.leftTable().get(l) + ", " + assoc.rightTable().get(r) + ") occurs twice;"
                                    + " without a row key the table must be keyed by (" + m.leftColumn + ", "
                                    + m.rightColumn + ") (map a surrogate key with withRowKey)");
                        }
                        lefts.add(l);
                        rights.add(r);
                        for (int c = 0; c < m.columns.size(); c++) {
                            RowColumnMapping cm = m.columns.get(c);
                            values.get(c).add(SqlRelations.value(rs, first + c, cm.sqlColumn(),
                                    "row column '" + cm.column().name() + "'", cm.column().type(), what, row));
                        }
                    }
                }
            }
            int[] rows = assoc.addAllByIds(lefts.toIntArray(), rights.toIntArray());
            if (m.rowKey != null) m.rowKey.setAll(rows, keys.toLongArray());
            for (int c = 0; c < m.columns.size(); c++) setAll(m.columns.get(c).column(), rows, values.get(c));
            return rows.length;
        });
    }

    private static long rowKey(ResultSet rs, AssociationMapping<?, ?> m, String what, long row) throws SQLException {
        Object v = rs.getObject(3);
        if (v == null) {
            throw new IllegalArgumentException(what + ": row " + row + " has NULL in row key column " + m.rowKeyColumn);
        }
        long k;
        try {
            k = SqlSupport.exactLong(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": row " + row + ", row key column " + m.rowKeyColumn + ": "
                    + e.getMessage(), e);
        }
        if (k == m.rowKey.defaultValue()) {
            throw new IllegalArgumentException(what + ": row " + row + ": row key " + k + " in column " + m.rowKeyColumn
                    + " is the default of row column '" + m.rowKey.name() + "', which marks rows not saved yet;"
                    + " declare that column with a default no key takes");
        }
        return k;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setAll(RowColumn col, int[] rows, List<Object> vs) {
        if (col instanceof RowColumn.OfLong c) c.setAll(rows, vs.stream().mapToLong(v -> (Long) v).toArray());
        else if (col instanceof RowColumn.OfInt c) c.setAll(rows, vs.stream().mapToInt(v -> (Integer) v).toArray());
        else if (col instanceof RowColumn.OfDouble c) c.setAll(rows, vs.stream().mapToDouble(v -> (Double) v).toArray());
        else if (col instanceof RowColumn.OfBoolean c) c.setAll(rows, booleans(vs));
        else ((RowColumn.OfObject) col).setAll(rows, vs.toArray());
    }

    /** The values unboxed ({@code java.util.stream} has no boolean stream). */
    private static boolean[] booleans(List<Object> vs) {
        boolean[] a = new boolean[vs.size()];
        for (int i = 0; i < a.length; i++) a[i] = (Boolean) vs.get(i);
        return a;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object get(RowColumn col, int row) {
        if (col instanceof RowColumn.OfLong c) return c.get(row);
        if (col instanceof RowColumn.OfInt c) return c.get(row);
        if (col instanceof RowColumn.OfDouble c) return c.get(row);
        if (col instanceof RowColumn.OfBoolean c) return c.get(row);
        return ((RowColumn.OfObject) col).get(row);
    }

    // ---- save -------------------------------------------------------------------------------------------

    /** A row of the engine as SQL values: the key values of its ends, its row key (if mapped) and column values. */
    private record EngineRow(int row, Object left, Object right, Long key, Object[] values) {
    }

    static <L, R> Result save(Connection connection, AssociationTable<L, R> assoc, AssociationMapping<L, R> m,
                              Save mode) throws SQLException {
        checkColumns(assoc, m);
        String what = "saving association table '" + assoc.name() + "' to table " + m.table;
        if (m.rowKey == null) { // the engine is only read
            List<EngineRow> rows = assoc.leftTable().junction().read(() -> snapshot(assoc, m, what));
            return SqlSupport.transact(connection, what, () -> write(connection, m, mode, rows, what));
        }
        // generated keys go back to the engine: one Junction transaction around the database one, so that a
        // failure of either before the database commits leaves both as they were
        return SqlSupport.inEngineTransaction(assoc.leftTable().junction(), () -> {
            List<EngineRow> rows = snapshot(assoc, m, what);
            return SqlSupport.transact(connection, what, () -> write(connection, m, mode, rows, what));
        });
    }

    @SuppressWarnings("unchecked")
    private static <L, R> List<EngineRow> snapshot(AssociationTable<L, R> assoc, AssociationMapping<L, R> m,
                                                   String what) {
        List<EngineRow> out = new ArrayList<>(assoc.size());
        Map<List<Object>, Integer> identities = new HashMap<>();
        Function<Object, Object> leftKey = (Function<Object, Object>) (Function<?, ?>) m.left.toKey;
        Function<Object, Object> rightKey = (Function<Object, Object>) (Function<?, ?>) m.right.toKey;
        for (int l : assoc.leftTable().ids()) {
            L le = assoc.leftTable().get(l);
            Object lk = SqlRelations.key(leftKey.apply(le), le, what);
            for (int row : assoc.rowsOfLeftId(l).toIntArray()) {
                R re = assoc.rightOf(row);
                Object rk = SqlRelations.key(rightKey.apply(re), re, what);
                Long key = m.rowKey == null ? null : m.rowKey.get(row);
                Object[] vs = new Object[m.columns.size()];
                for (int c = 0; c < vs.length; c++) vs[c] = get(m.columns.get(c).column(), row);
                EngineRow e = new EngineRow(row, lk, rk, key, vs);
                if (!isNew(e, m)) {
                    Integer other = identities.putIfAbsent(identity(e, m), row);
                    if (other != null) {
                        throw new IllegalArgumentException(what + ": rows " + other + " and " + row + (m.rowKey == null
                                ? " are both the pair (" + le + ", " + re + "); table " + m.table + ", keyed by ("
                                + m.leftColumn + ", " + m.rightColumn + "), holds one row per pair (map a surrogate"
                                + " key with withRowKey); nothing was written"
                                : " have the same row key " + key + " (row column '" + m.rowKey.name()
                                + "'); nothing was written"));
                    }
                }
                out.add(e);
            }
        }
        return out;
    }

    private static boolean isNew(EngineRow e, AssociationMapping<?, ?> m) {
        return m.rowKey != null && e.key() == m.rowKey.defaultValue();
    }

    private static List<Object> identity(EngineRow e, AssociationMapping<?, ?> m) {
        return m.rowKey == null ? SqlRelations.pairKey(e.left(), e.right()) : List.of(SqlSupport.normal(e.key()));
    }

    private static <L, R> Result write(Connection connection, AssociationMapping<L, R> m, Save mode,
                                       List<EngineRow> rows, String what) throws SQLException {
        long inserted = 0;
        long deleted = 0;
        long updated = 0;
        int nc = m.columns.size();
        String where = m.rowKey == null ? m.leftColumn + " = ? AND " + m.rightColumn + " = ?" : m.rowKeyColumn + " = ?";
        if (mode == Save.REPLACE) {
            try (Statement st = connection.createStatement()) {
                deleted += st.executeUpdate("DELETE FROM " + m.table);
            }
        }
        Map<List<Object>, EngineRow> known = new LinkedHashMap<>();
        List<EngineRow> fresh = new ArrayList<>();
        for (EngineRow e : rows) {
            if (isNew(e, m)) fresh.add(e); else known.put(identity(e, m), e);
        }
        List<EngineRow> toInsert = new ArrayList<>(known.values());
        if (mode == Save.DIFFERENCE) {
            Map<List<Object>, Object[]> present = new HashMap<>(); // identity -> the row's left, right and values
            Set<List<Object>> twice = new HashSet<>();
            List<Object[]> stale = new ArrayList<>();
            int first = firstValue(m);
            long row = 0;
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(select(m))) {
                while (rs.next()) {
                    row++;
                    Object l = rs.getObject(1);
                    Object r = rs.getObject(2);
                    Object k = m.rowKey == null ? null : rs.getObject(3);
                    if (l == null || r == null || (m.rowKey != null && k == null)) {
                        throw new IllegalArgumentException(what + ": row " + row + " has a NULL key (" + m.leftColumn + " = "
                                + l + ", " + m.rightColumn + " = " + r + (m.rowKey == null ? ""
                                : ", " + m.rowKeyColumn + " = " + k) + "); nothing was written");
                    }
                    List<Object> id = m.rowKey == null ? SqlRelations.pairKey(l, r) : List.of(SqlSupport.normal(k));
                    Object[] whereValues = m.rowKey == null ? new Object[] {l, r} : new Object[] {k};
                    if (!known.containsKey(id)) {
                        stale.add(whereValues);
                    } else if (twice.contains(id)) {
                        continue; // its delete is planned already
                    } else if (present.containsKey(id)) { // twice in the table: delete every copy, insert it once
                        present.remove(id);
                        twice.add(id);
                        stale.add(whereValues);
                    } else {
                        Object[] vs = new Object[2 + nc];
                        vs[0] = l;
                        vs[1] = r;
                        for (int c = 0; c < nc; c++) vs[2 + c] = rs.getObject(first + c);
                        present.put(id, vs);
                    }
                }
            }
            deleted += SqlRelations.batch(connection, "DELETE FROM " + m.table + " WHERE " + where, stale);
            // new rows before the updates and inserts, so that a failure of those also undoes the keys written back
            if (!fresh.isEmpty()) inserted += insertFresh(connection, m, fresh);
            fresh.clear();
            toInsert = new ArrayList<>();
            List<Object[]> changed = new ArrayList<>();
            for (Map.Entry<List<Object>, EngineRow> en : known.entrySet()) {
                EngineRow e = en.getValue();
                Object[] db = present.get(en.getKey());
                if (db == null) {
                    toInsert.add(e);
                    continue;
                }
                boolean same = m.rowKey == null || (SqlSupport.normal(db[0]).equals(SqlSupport.normal(e.left()))
                        && SqlSupport.normal(db[1]).equals(SqlSupport.normal(e.right())));
                for (int c = 0; c < nc && same; c++) {
                    same = SqlSupport.sameValue(db[2 + c], e.values()[c], m.columns.get(c).column().type());
                }
                if (!same) changed.add(updateParams(e, m));
            }
            if (!changed.isEmpty()) {
                StringBuilder q = new StringBuilder("UPDATE ").append(m.table).append(" SET ");
                List<String> set = new ArrayList<>();
                if (m.rowKey != null) set.addAll(List.of(m.leftColumn, m.rightColumn));
                for (RowColumnMapping c : m.columns) set.add(c.sqlColumn());
                q.append(String.join(" = ?, ", set)).append(" = ? WHERE ").append(where);
                updated += SqlRelations.batch(connection, q.toString(), changed);
            }
        }
        List<Object[]> params = new ArrayList<>(toInsert.size());
        for (EngineRow e : toInsert) params.add(insertParams(e, m, true));
        inserted += SqlRelations.batch(connection, insert(m, true), params);
        if (!fresh.isEmpty()) inserted += insertFresh(connection, m, fresh); // INSERT, REPLACE: new rows last
        return new Result(inserted, deleted, updated);
    }

    private static String insert(AssociationMapping<?, ?> m, boolean withKey) {
        List<String> cols = new ArrayList<>(List.of(m.leftColumn, m.rightColumn));
        if (withKey && m.rowKey != null) cols.add(m.rowKeyColumn);
        for (RowColumnMapping c : m.columns) cols.add(c.sqlColumn());
        return "INSERT INTO " + m.table + " (" + String.join(", ", cols) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(cols.size(), "?")) + ")";
    }

    private static Object[] insertParams(EngineRow e, AssociationMapping<?, ?> m, boolean withKey) {
        List<Object> p = new ArrayList<>(List.of(e.left(), e.right()));
        if (withKey && m.rowKey != null) p.add(e.key());
        p.addAll(java.util.Arrays.asList(e.values()));
        return p.toArray();
    }

    private static Object[] updateParams(EngineRow e, AssociationMapping<?, ?> m) {
        List<Object> p = new ArrayList<>();
        if (m.rowKey != null) p.addAll(List.of(e.left(), e.right()));
        p.addAll(java.util.Arrays.asList(e.values()));
        if (m.rowKey != null) p.add(e.key()); else p.addAll(List.of(e.left(), e.right()));
        return p.toArray();
    }

    /**
     * Inserts new rows one statement each, reading back the key the database generates, and writes the keys into
     * the engine's row key column (in the Junction transaction open around the save).
     */
    private static long insertFresh(Connection connection, AssociationMapping<?, ?> m, List<EngineRow> fresh)
            throws SQLException {
        int[] rows = new int[fresh.size()];
        long[] keys = new long[fresh.size()];
        try (PreparedStatement ps = connection.prepareStatement(insert(m, false), Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < fresh.size(); i++) {
                EngineRow e = fresh.get(i);
                Object[] p = insertParams(e, m, false);
                for (int j = 0; j < p.length; j++) ps.setObject(j + 1, p[j]);
                ps.executeUpdate();
                Object k;
                try (ResultSet g = ps.getGeneratedKeys()) {
                    k = g.next() ? g.getObject(1) : null;
                }
                if (k == null) {
                    throw new SQLException("the database generated no key in column " + m.rowKeyColumn + " for new row "
                            + e.row() + " (make it an identity column, or give rows their keys in row column '"
                            + m.rowKey.name() + "')");
                }
                long key = SqlSupport.exactLong(k);
                if (key == m.rowKey.defaultValue()) {
                    throw new SQLException("the database generated key " + key + " for new row " + e.row()
                            + ", the default of row column '" + m.rowKey.name() + "', which marks rows not saved yet");
                }
                rows[i] = e.row();
                keys[i] = key;
            }
        }
        m.rowKey.setAll(rows, keys); // in the engine transaction around the save: undone if the commit fails
        return fresh.size();
    }
}
