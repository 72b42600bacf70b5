package dev.junction.pg;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the replica checks in PostgreSQL's catalog before it copies or streams, so that a mapping that cannot work
 * stops it at once with a message saying what to change, rather than at the first odd row: {@code wal_level}, the
 * role's {@code REPLICATION} attribute and {@code SELECT} privileges, each mapped table (it exists, is an ordinary
 * table, has the mapped columns with types that fit, a unique index on exactly its key columns, and a replica
 * identity that sends those key columns with every UPDATE and DELETE), the foreign keys that make a mapped entity
 * table's deletes cascade, and the publication (it exists, publishes every kind of change, holds every mapped table,
 * and its column lists keep the mapped columns). Row filters of the publication are taken over by the copy.
 *
 * <p>Runs on the replica's ordinary SQL connection, once per session, and a short form of it
 * ({@link #tablesStillThere}) periodically, which is how a dropped or re-created table is noticed: pgoutput sends no
 * DDL. Not thread-safe; the replica's thread only.
 */
final class Catalog {

    private final Connection sql;
    private final Map<Integer, int[]> baseTypes = new HashMap<>();
    private final Map<Integer, String> typeNames = new HashMap<>();
    int serverVersion;

    Catalog(Connection sql) {
        this.sql = sql;
    }

    /** A problem with the setup: the replica cannot run until someone changes PostgreSQL or the mapping. */
    static final class SetupError extends RuntimeException {
        final String table;

        SetupError(String table, String message) {
            super(message);
            this.table = table;
        }
    }

    /** Runs every check and prepares the parts (OIDs, copy layouts, row filters). */
    void check(List<Part> parts, String publication, boolean createPublication, String user) throws SQLException {
        serverVersion = Integer.parseInt(scalar("SHOW server_version_num"));
        if (serverVersion < 100000) {
            throw new SetupError(null, "PostgreSQL " + serverVersion + " has no pgoutput; version 10 or later is needed "
                    + "(15 or later for row filters and column lists)");
        }
        String wal = scalar("SHOW wal_level");
        if (!"logical".equals(wal)) {
            throw new SetupError(null, "wal_level is '" + wal + "': logical replication needs wal_level = logical in "
                    + "postgresql.conf (ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL)");
        }
        try (PreparedStatement ps = sql.prepareStatement(
                "SELECT rolsuper OR rolreplication FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getBoolean(1)) {
                    throw new SetupError(null, "role '" + user + "' may not replicate: it needs the REPLICATION "
                            + "attribute (ALTER ROLE " + Part.quote(user) + " REPLICATION) or superuser");
                }
            }
        }
        for (Part p : parts) table(p);
        for (Part p : parts) foreignKeys(p);
        publication(parts, publication, createPublication);
    }

    private void table(Part p) throws SQLException {
        int oid = 0;
        char kind = 0;
        char identity = 0;
        try (PreparedStatement ps = sql.prepareStatement("SELECT c.oid, c.relkind, c.relreplident, c.reltuples FROM "
                + "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, p.schema);
            ps.setString(2, p.name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    oid = rs.getInt(1);
                    kind = rs.getString(2).charAt(0);
                    identity = rs.getString(3).charAt(0);
                    p.estimatedRows = rs.getDouble(4);
                }
            }
        }
        if (oid == 0) throw new SetupError(p.qualified, "table " + p.qualified + " does not exist in database "
                + sql.getCatalog());
        if (kind != 'r') {
            throw new SetupError(p.qualified, p.qualified + " is not an ordinary table (relkind '" + kind + "'); "
                    + "partitioned tables and views are not supported");
        }
        List<String> names = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        Map<String, Integer> attnums = new HashMap<>();
        try (PreparedStatement ps = sql.prepareStatement("SELECT attname, attnum, atttypid FROM pg_catalog.pg_attribute "
                + "WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setInt(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    attnums.put(rs.getString(1), rs.getInt(2));
                    types.add(rs.getInt(3));
                }
            }
        }
        String[] needed = p.neededColumns();
        String[] cols = new String[needed.length];
        int[] base = new int[needed.length];
        String[] typeNamesOf = new String[needed.length];
        for (int j = 0; j < needed.length; j++) {
            int at = names.indexOf(needed[j]);
            if (at < 0) {
                throw new SetupError(p.qualified, "table " + p.qualified + " has no column " + needed[j] + " (it has "
                        + String.join(", ", names) + ")");
            }
            cols[j] = needed[j];
            base[j] = baseType(types.get(at));
            typeNamesOf[j] = typeName(types.get(at));
        }
        try {
            p.copyLayout = Part.Layout.of(p, cols, base, typeNamesOf);
        } catch (Part.SchemaError e) {
            throw new SetupError(p.qualified, e.getMessage());
        }
        for (int k = 0; k < p.keyTables().length; k++) { // an object table holds one class of keys
            TableKeys t = p.keyTables()[k];
            if (t == null || t.isLong()) continue;
            Class<?> have = t.sampleKeyClass();
            Class<?> want = switch (p.copyLayout.readers[k].family) {
                case INTEGER -> Long.class;
                case UUID -> java.util.UUID.class;
                default -> String.class;
            };
            if (have != null && have != want) {
                throw new SetupError(p.qualified, "key column " + p.keyColumns()[k] + " is "
                        + p.copyLayout.readers[k] + ", whose keys are " + want.getSimpleName() + ", but table '"
                        + t.table.name() + "' holds " + have.getSimpleName() + " entities");
            }
        }
        for (String c : needed) {
            try (PreparedStatement ps = sql.prepareStatement("SELECT has_column_privilege(?, ?, 'SELECT')")) {
                ps.setInt(1, oid);
                ps.setString(2, c);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        throw new SetupError(p.qualified, "role '" + sql.getMetaData().getUserName() + "' may not read "
                                + p.qualified + "." + c + ", which the initial copy reads: GRANT SELECT ON " + p.quoted
                                + " TO " + Part.quote(sql.getMetaData().getUserName()));
                    }
                }
            }
        }
        // unique indexes and the replica identity
        List<Set<String>> unique = new ArrayList<>();
        Set<String> identityColumns = new HashSet<>();
        try (PreparedStatement ps = sql.prepareStatement("SELECT i.indisprimary, i.indisreplident, "
                + "i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indimmediate, "
                + "ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) FROM pg_catalog.pg_index i WHERE i.indrelid = ?")) {
            ps.setInt(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<String> key = new LinkedHashSet<>(Arrays.asList((String[]) rs.getArray(4).getArray()));
                    if (rs.getBoolean(3)) unique.add(key);
                    if ((identity == 'd' && rs.getBoolean(1)) || (identity == 'i' && rs.getBoolean(2))) {
                        identityColumns.addAll(key);
                    }
                }
            }
        }
        if (identity == 'f') identityColumns.addAll(names);
        Set<String> keys = new LinkedHashSet<>(Arrays.asList(p.keyColumns()));
        if (p instanceof AssociationPart) keys = Set.of(p.keyColumns()[0]); // rows are identified by their id
        String keyList = String.join(", ", keys);
        if (!unique.contains(keys)) {
            throw new SetupError(p.qualified, "table " + p.qualified + " has no unique index on exactly (" + keyList
                    + "): " + (p instanceof RelationPart ? "a relation is a set of pairs, so (" + keyList + ") must be "
                    + "the primary key or unique" : "the replica finds rows by (" + keyList + "), which must be the "
                    + "primary key or unique"));
        }
        if (!identityColumns.containsAll(keys)) {
            String how = identity == 'n' ? "REPLICA IDENTITY NOTHING" : identity == 'd' ? "REPLICA IDENTITY DEFAULT "
                    + "(the primary key" + (identityColumns.isEmpty() ? ", which it has not" : ": " + identityColumns) + ")"
                    : identity == 'i' ? "REPLICA IDENTITY USING INDEX on " + identityColumns : "REPLICA IDENTITY FULL";
            throw new SetupError(p.qualified, "table " + p.qualified + " has " + how + ", so its UPDATEs and DELETEs "
                    + "do not send (" + keyList + "): make (" + keyList + ") the primary key, or ALTER TABLE " + p.quoted
                    + " REPLICA IDENTITY USING INDEX <a unique index on (" + keyList + ")>, or REPLICA IDENTITY FULL");
        }
        p.oid = oid;
        p.attnums = attnums;
    }

    /** A mapped entity table must be referenced with a cascading (or refusing) foreign key by the parts using it. */
    private void foreignKeys(Part p) throws SQLException {
        TableKeys[] tables = p.keyTables();
        String[] cols = p.keyColumns();
        for (int k = 0; k < tables.length; k++) {
            TableKeys t = tables[k];
            if (t == null || t.entityPart == null || t.entityPart == p) continue;
            EntityPart e = t.entityPart;
            boolean found = false;
            String bad = null;
            try (PreparedStatement ps = sql.prepareStatement("SELECT confdeltype, confupdtype FROM "
                    + "pg_catalog.pg_constraint WHERE contype = 'f' AND conrelid = ? AND confrelid = ? "
                    + "AND conkey = ARRAY[?]::int2[] AND confkey = ARRAY[?]::int2[]")) {
                ps.setInt(1, p.oid);
                ps.setInt(2, e.oid);
                ps.setInt(3, p.attnums.get(cols[k]));
                ps.setInt(4, e.attnums.get(e.keyColumns()[0]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String del = rs.getString(1);
                        String upd = rs.getString(2);
                        if ("car".contains(del) && "car".contains(upd)) {
                            found = true;
                        } else if (!found) {
                            bad = "ON DELETE " + action(del) + " ON UPDATE " + action(upd);
                        }
                    }
                }
            }
            if (!found && bad != null) {
                throw new SetupError(p.qualified, "the foreign key of " + p.qualified + "." + cols[k] + " to "
                        + e.qualified + " is " + bad + ": only CASCADE, RESTRICT and NO ACTION keep the replica exact");
            }
            if (!found) {
                throw new SetupError(p.qualified, "table " + p.qualified + "." + cols[k] + " maps to table '"
                        + t.table.name() + "', which is fed by " + e.qualified + ", but has no foreign key to "
                        + e.qualified + "(" + e.keyColumns()[0] + "): deleting an entity there would keep rows here "
                        + "that Junction drops. Add REFERENCES " + e.quoted + " ON DELETE CASCADE, or do not map "
                        + e.qualified);
            }
        }
    }

    private static String action(String code) {
        return switch (code) {
            case "a" -> "NO ACTION";
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> code;
        };
    }

    private void publication(List<Part> parts, String name, boolean create) throws SQLException {
        boolean exists = false;
        try (PreparedStatement ps = sql.prepareStatement(
                "SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    String[] kinds = {"insert", "update", "delete", "truncate"};
                    for (int i = 0; i < 4; i++) {
                        if (!rs.getBoolean(i + 1)) {
                            throw new SetupError(null, "publication " + name + " does not publish " + kinds[i]
                                    + ": the replica would miss those changes; ALTER PUBLICATION " + Part.quote(name)
                                    + " SET (publish = 'insert, update, delete, truncate')");
                        }
                    }
                }
            }
        }
        StringBuilder tables = new StringBuilder();
        for (Part p : parts) {
            if (tables.length() > 0) tables.append(", ");
            tables.append(p.quoted);
        }
        if (!exists) {
            if (!create) {
                throw new SetupError(null, "publication " + name + " does not exist: CREATE PUBLICATION "
                        + Part.quote(name) + " FOR TABLE " + tables + " (as the tables' owner)");
            }
            try (Statement st = sql.createStatement()) {
                st.execute("CREATE PUBLICATION " + Part.quote(name) + " FOR TABLE " + tables);
            }
        }
        Map<String, String[]> columnLists = new HashMap<>();
        Map<String, String> filters = new HashMap<>();
        Set<String> published = new HashSet<>();
        String q = serverVersion >= 150000
                ? "SELECT schemaname, tablename, attnames, rowfilter FROM pg_catalog.pg_publication_tables WHERE pubname = ?"
                : "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = ?";
        try (PreparedStatement ps = sql.prepareStatement(q)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = rs.getString(1) + "." + rs.getString(2);
                    published.add(t);
                    if (serverVersion >= 150000) {
                        Array a = rs.getArray(3);
                        if (a != null) columnLists.put(t, (String[]) a.getArray());
                        filters.put(t, rs.getString(4));
                    }
                }
            }
        }
        for (Part p : parts) {
            if (!published.contains(p.qualified)) {
                throw new SetupError(p.qualified, "table " + p.qualified + " is not in publication " + name
                        + ": ALTER PUBLICATION " + Part.quote(name) + " ADD TABLE " + p.quoted);
            }
            String[] list = columnLists.get(p.qualified);
            if (list != null) {
                List<String> have = Arrays.asList(list);
                for (String c : p.neededColumns()) {
                    if (!have.contains(c)) {
                        throw new SetupError(p.qualified, "publication " + name + " publishes only columns " + have
                                + " of " + p.qualified + ", not " + c);
                    }
                }
            }
            p.rowFilter = filters.get(p.qualified);
        }
    }

    /**
     * Whether every mapped table is still the one the session started with and still published; a message saying
     * what changed otherwise.
     */
    String tablesStillThere(List<Part> parts, String publication) throws SQLException {
        for (Part p : parts) {
            try (PreparedStatement ps = sql.prepareStatement("SELECT c.oid, EXISTS (SELECT 1 FROM "
                    + "pg_catalog.pg_publication_tables t WHERE t.pubname = ? AND t.schemaname = n.nspname AND "
                    + "t.tablename = c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                    + "n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                ps.setString(1, publication);
                ps.setString(2, p.schema);
                ps.setString(3, p.name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return "table " + p.qualified + " was dropped";
                    if (rs.getInt(1) != p.oid) return "table " + p.qualified + " was dropped and created again";
                    if (!rs.getBoolean(2)) return "table " + p.qualified + " was removed from publication " + publication;
                }
            }
        }
        return null;
    }

    /** The base type of {@code oid} (a domain's underlying type, followed down), cached. */
    int baseType(int oid) throws SQLException {
        int[] cached = baseTypes.get(oid);
        if (cached != null) return cached[0];
        int t = oid;
        for (int depth = 0; depth < 10; depth++) {
            try (PreparedStatement ps = sql.prepareStatement(
                    "SELECT typtype, typbasetype, format_type(oid, NULL) FROM pg_catalog.pg_type WHERE oid = ?")) {
                ps.setInt(1, t);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) break;
                    typeNames.putIfAbsent(oid, rs.getString(3));
                    if (!"d".equals(rs.getString(1))) break;
                    t = rs.getInt(2);
                }
            }
        }
        baseTypes.put(oid, new int[] {t});
        return t;
    }

    String typeName(int oid) throws SQLException {
        baseType(oid);
        String n = typeNames.get(oid);
        return n != null ? n : ValueReader.builtinName(oid);
    }

    /** The database's identity: system identifier (from IDENTIFY_SYSTEM) and database OID. */
    String databaseOid() throws SQLException {
        return scalar("SELECT oid::text FROM pg_catalog.pg_database WHERE datname = current_database()");
    }

    /** The server's WAL position that the walsender can send: flushed on a primary. */
    long flushPosition() throws SQLException {
        return PgReplica.parseLsn(scalar("SELECT pg_catalog.pg_current_wal_flush_lsn()::text"));
    }

    /** The slot's state, or null if it does not exist. */
    SlotInfo slot(String slot) throws SQLException {
        String walStatus = serverVersion >= 130000 ? "wal_status" : "NULL";
        try (PreparedStatement ps = sql.prepareStatement("SELECT s.plugin, s.slot_type, s.database, s.active, "
                + "s.active_pid, s.confirmed_flush_lsn::text, " + walStatus + " FROM pg_catalog.pg_replication_slots s "
                + "WHERE s.slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                String confirmed = rs.getString(6);
                return new SlotInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getInt(5), confirmed == null ? 0 : PgReplica.parseLsn(confirmed), rs.getString(7));
            }
        }
    }

    /** A replication slot as {@code pg_replication_slots} shows it. */
    record SlotInfo(String plugin, String type, String database, boolean active, int activePid, long confirmedFlush,
                    String walStatus) {
    }

    /** Drops the slot; false if it is in use (by a walsender that has not noticed its client is gone, or another). */
    boolean dropSlot(String slot) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) return false; // object in use
            if ("42704".equals(e.getSQLState())) return true; // gone already
            throw e;
        }
    }

    private String scalar(String query) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
