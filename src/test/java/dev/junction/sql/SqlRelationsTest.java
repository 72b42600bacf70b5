package dev.junction.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loading a relation from an association table and saving it back, on SQLite and H2: round trips with a link
 * column, progress, the three save modes, and bad input (a missing table, a NULL key, a duplicate pair, a value that
 * does not fit, a key that maps to no entity), each a clear exception with Junction left as it was.
 */
class SqlRelationsTest {

    static Connection open(String db) throws SQLException {
        return db.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite::memory:")
                : DriverManager.getConnection("jdbc:h2:mem:rel" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String q : sql) st.execute(q);
        }
    }

    /** Asserts that {@code action} throws a {@code type} whose message holds each of {@code fragments}. */
    static <X extends Throwable> X assertThrowsSaying(Class<X> type, Executable action, String... fragments) {
        return assertThrowsSaying(null, type, action, fragments);
    }

    /** As above; {@code context} (may be null) names the case in a failure. */
    static <X extends Throwable> X assertThrowsSaying(String context, Class<X> type, Executable action,
                                                     String... fragments) {
        X x = assertThrows(type, action, context);
        String where = context == null ? "" : context + ": ";
        for (String f : fragments) {
            assertTrue(x.getMessage().contains(f), where + "'" + f + "' missing from: " + x.getMessage());
        }
        return x;
    }

    static TreeSet<String> rows(Connection c, String q) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(i > 1 ? "," : "").append(rs.getLong(i));
                out.add(b.toString());
            }
        }
        return out;
    }

    /** An engine with users × groups keyed by long ids, and a {@code since} link column. */
    static final class World {
        final Junction db = Junction.create();
        final LongTable users = db.longTable("users");
        final LongTable groups = db.longTable("groups");
        final Relation<Long, Long> member = db.relation("member", users, groups);
        final LinkColumn.OfLong<Long, Long> since = member.longColumn("since", 0);

        SqlRelations.Mapping<Long, Long> mapping(String table) {
            return SqlRelations.mapping(table, "user_id", "group_id", SqlRelations.Keys.longs(),
                    SqlRelations.Keys.longs()).withColumn("since", since);
        }

        TreeSet<String> dump() {
            TreeSet<String> out = new TreeSet<>();
            member.ints().forEachLink((l, r) -> out.add(users.keyOf(l) + "," + groups.keyOf(r) + ","
                    + since.getByIds(l, r)));
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void loadAndSaveRoundTrip(String db) throws SQLException {
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE member (user_id BIGINT NOT NULL, group_id BIGINT NOT NULL, since BIGINT NOT NULL,"
                    + " PRIMARY KEY (user_id, group_id))");
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("INSERT INTO member VALUES (?, ?, ?)")) {
                for (int i = 0; i < 25_000; i++) {
                    ps.setLong(1, i % 997);
                    ps.setLong(2, (i * 7919L) % 1013);
                    ps.setLong(3, 1_700_000_000L + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            TreeSet<String> inSql = rows(c, "SELECT user_id, group_id, since FROM member");
            World w = new World();
            List<Long> progress = new ArrayList<>();
            long loaded = SqlRelations.load(c, w.member, w.mapping("member"), progress::add);
            assertEquals(inSql.size(), loaded);
            assertEquals(inSql, w.dump());
            assertEquals(List.of(10_000L, 20_000L, (long) inSql.size()), progress);

            // change the links, then write only the difference
            w.member.unlink(0L, 0L);
            w.member.link(5000L, 1L, w.since.value(42));
            w.since.set(1L, 7919L % 1013, 7);
            SqlRelations.Result changed = SqlRelations.save(c, w.member, w.mapping("member"),
                    SqlRelations.Save.DIFFERENCE);
            assertEquals(new SqlRelations.Result(1, 1, 1), changed, "one delete, one insert, one value update");
            assertEquals(w.dump(), rows(c, "SELECT user_id, group_id, since FROM member"));

            // into a new table, created; then replaced
            SqlRelations.save(c, w.member, w.mapping("member_copy").create(), SqlRelations.Save.INSERT);
            assertEquals(w.dump(), rows(c, "SELECT user_id, group_id, since FROM member_copy"));
            w.member.unlink(1L, 7919L % 1013);
            SqlRelations.save(c, w.member, w.mapping("member_copy"), SqlRelations.Save.REPLACE);
            assertEquals(w.dump(), rows(c, "SELECT user_id, group_id, since FROM member_copy"));

            // a query instead of a table
            World q = new World();
            SqlRelations.load(c, q.member, q.mapping("member").fromQuery(
                    "SELECT user_id, group_id, since FROM member WHERE user_id < 10"), null);
            assertEquals(rows(c, "SELECT user_id, group_id, since FROM member WHERE user_id < 10"), q.dump());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void badInputIsClearAndChangesNothing(String db) throws SQLException {
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE loose (user_id BIGINT, group_id BIGINT, since VARCHAR(20))", // no key: duplicates
                    "INSERT INTO loose VALUES (1, 10, '5')");
            World w = new World();
            w.users.add(99L); // what was there before must stay
            SQLException missing = assertThrows(SQLException.class,
                    () -> SqlRelations.load(c, w.member, w.mapping("nowhere"), null));
            assertTrue(missing.getMessage().contains("member") && missing.getMessage().contains("nowhere"),
                    missing.getMessage());

            exec(c, "INSERT INTO loose VALUES (2, NULL, '1')");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, w.member,
                    SqlRelations.mapping("loose", "user_id", "group_id", SqlRelations.Keys.longs(),
                            SqlRelations.Keys.longs()), null));
            assertTrue(e.getMessage().contains("NULL") && e.getMessage().contains("group_id") && e.getMessage().contains("row 2"),
                    e.getMessage());
            assertUnchanged(w);

            exec(c, "DELETE FROM loose WHERE group_id IS NULL", "INSERT INTO loose VALUES (1, 10, '6')");
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, w.member,
                    SqlRelations.mapping("loose", "user_id", "group_id", SqlRelations.Keys.longs(),
                            SqlRelations.Keys.longs()), null));
            assertTrue(e.getMessage().contains("twice"), e.getMessage());
            assertUnchanged(w);

            exec(c, "DELETE FROM loose WHERE since = '6'", "INSERT INTO loose VALUES (3, 30, 'abc')");
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, w.member, w.mapping("loose"), null));
            assertTrue(e.getMessage().contains("since") && e.getMessage().contains("does not fit"), e.getMessage());
            assertUnchanged(w);

            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, w.member,
                    SqlRelations.mapping("loose", "user_id", "group_id",
                            SqlRelations.Keys.<Long, Long>of(Long.class, v -> null, u -> u), SqlRelations.Keys.longs()), null));
            assertTrue(e.getMessage().contains("maps to no entity"), e.getMessage());
            assertUnchanged(w);

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SqlRelations.mapping(
                    "x; DROP TABLE y", "a", "b", SqlRelations.Keys.longs(), SqlRelations.Keys.longs()));
            assertTrue(bad.getMessage().contains("table name 'x; DROP TABLE y'"), bad.getMessage());
            w.member.link(1L, 1L);
            assertThrows(IllegalStateException.class, () -> SqlRelations.load(c, w.member, w.mapping("loose"), null));
        }
    }

    /**
     * Seeded random links, unlinks and value changes, saved with DIFFERENCE: the table equals the relation, and the
     * Result equals the table's difference before and after (by pair; updated = pairs whose value changed).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void randomEditsSaveExactlyTheDifference(String db) throws SQLException {
        long seed = Long.getLong("junction.sql.seed", System.nanoTime());
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE member (user_id BIGINT NOT NULL, group_id BIGINT NOT NULL, since BIGINT NOT NULL,"
                    + " PRIMARY KEY (user_id, group_id))");
            World w = new World();
            java.util.Random rnd = new java.util.Random(seed);
            for (int step = 0; step < 40; step++) {
                for (int k = rnd.nextInt(8); k > 0; k--) {
                    long u = rnd.nextInt(6);
                    long g = rnd.nextInt(6);
                    switch (rnd.nextInt(3)) {
                        case 0 -> w.member.link(u, g, w.since.value(rnd.nextInt(3)));
                        case 1 -> w.member.unlink(u, g);
                        default -> {
                            if (w.member.contains(u, g)) w.since.set(u, g, rnd.nextInt(3)); // often unchanged
                        }
                    }
                }
                java.util.Map<String, String> before = byPair(rows(c, "SELECT user_id, group_id, since FROM member"));
                SqlRelations.Result r = SqlRelations.save(c, w.member, w.mapping("member"), SqlRelations.Save.DIFFERENCE);
                java.util.Map<String, String> after = byPair(rows(c, "SELECT user_id, group_id, since FROM member"));
                String ctx = "seed " + seed + " (-Djunction.sql.seed), " + db + ", step " + step;
                assertEquals(w.dump(), rows(c, "SELECT user_id, group_id, since FROM member"), ctx);
                long ins = after.keySet().stream().filter(k -> !before.containsKey(k)).count();
                long del = before.keySet().stream().filter(k -> !after.containsKey(k)).count();
                long upd = after.keySet().stream().filter(k -> before.containsKey(k) && !before.get(k).equals(after.get(k)))
                        .count();
                assertEquals(new SqlRelations.Result(ins, del, upd), r, ctx);
            }
        }
    }

    private static java.util.Map<String, String> byPair(TreeSet<String> rows) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (String row : rows) out.put(row.substring(0, row.lastIndexOf(',')), row);
        return out;
    }

    private static void assertUnchanged(World w) {
        assertEquals(0, w.member.size(), "no link left behind");
        assertEquals(1, w.users.size(), "only the user that was there before");
        assertTrue(w.users.contains(99L));
        assertEquals(0, w.groups.size());
    }
}
