package dev.junction.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.ChangeListener;
import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.Table;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * SQL load and save when things go wrong: a failed load is invisible (to listeners, to other threads) and does
 * not undo other threads' writes; a save inside the caller's JDBC transaction leaves the caller's work alone; an
 * Error in the middle of a save commits nothing; DIFFERENCE refuses NULL keys, repairs duplicated rows, and
 * matches keys of other column types (TEXT) by value.
 */
class SqlFailureTest {
    static Connection sqlite() throws SQLException { return DriverManager.getConnection("jdbc:sqlite::memory:"); }
    static Connection h2() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:p" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }
    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) { for (String q : sql) st.execute(q); }
    }
    static long count(Connection c, String q) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) { rs.next(); return rs.getLong(1); }
    }
    static SqlRelations.Mapping<Long, Long> m(String t) {
        return SqlRelations.mapping(t, "a", "b", SqlRelations.Keys.longs(), SqlRelations.Keys.longs());
    }
    static void fill(Connection c, int n, String extra) throws SQLException {
        exec(c, "CREATE TABLE t (a BIGINT, b BIGINT)");
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = 0; i < n; i++) { ps.setLong(1, i); ps.setLong(2, i); ps.addBatch(); }
            ps.executeBatch();
        }
        if (extra != null) exec(c, extra);
        c.commit(); c.setAutoCommit(true);
    }

    @Test void listenersNeverHearAFailedLoad() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        AtomicInteger linked = new AtomicInteger(), added = new AtomicInteger();
        db.addListener(new ChangeListener() {
            @Override public void linked(Relation<?, ?> x, int a, int b) { linked.incrementAndGet(); }
            @Override public void added(Table<?> t, int id, Object e) { added.incrementAndGet(); }
        });
        try (Connection c = sqlite()) {
            fill(c, 10_001, "INSERT INTO t VALUES (NULL, 1)");
            assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, rel, m("t"), null));
        }
        assertEquals(0, rel.size());
        assertEquals(0, linked.get(), "listeners heard links of a failed load");
    }

    // another thread reading during a load sees none of it; a failed load leaves nothing
    @Test void otherThreadsSeeNothingOfAFailedLoadAndItLeavesNothing() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        l.add(-5L); r.add(-5L);
        AtomicLong seen = new AtomicLong(-1);
        try (Connection c = sqlite()) {
            fill(c, 10_001, "INSERT INTO t VALUES (NULL, 1)");
            assertThrows(IllegalArgumentException.class, () -> SqlRelations.load(c, rel, m("t"), rows -> {
                if (rows != 10_000) return;
                Thread t = new Thread(() -> seen.set(rel.size())); // reads while the load's transaction is open
                t.start();
                try { t.join(); } catch (InterruptedException e) { throw new RuntimeException(e); }
            }));
        }
        assertEquals(0, seen.get(), "another thread saw part of a load");
        rel.link(-5L, -5L); // the writer lock is free again, and the failed load left nothing behind
        assertEquals(1, rel.size());
        assertEquals(1, l.size(), "only the entity that was there before");
    }

    @Test void aFailedSaveInsideTheCallersTransactionLeavesTheCallersWork() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        l.add(1L); r.add(1L); rel.link(1L, 1L);
        try (Connection c = h2()) {
            exec(c, "CREATE TABLE t (a BIGINT, b BIGINT, PRIMARY KEY (a, b))", "CREATE TABLE other (x INT)",
                    "INSERT INTO t VALUES (1, 1)");
            c.setAutoCommit(false);
            exec(c, "INSERT INTO other VALUES (42)"); // caller's uncommitted work
            assertThrows(SQLException.class, () -> SqlRelations.save(c, rel, m("t"), SqlRelations.Save.INSERT));
            long n = count(c, "SELECT COUNT(*) FROM other");
            assertEquals(1, n, "save rolled back the caller's own uncommitted work");
        }
    }

    @Test void anErrorInTheMiddleOfASaveCommitsNothing() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        l.add(1L); r.add(1L); rel.link(1L, 1L);
        try (Connection real = h2()) {
            exec(real, "CREATE TABLE t (a BIGINT, b BIGINT)", "INSERT INTO t VALUES (7, 7)", "INSERT INTO t VALUES (8, 8)");
            Connection c = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (p, meth, args) -> {
                        if (meth.getName().equals("prepareStatement") && ((String) args[0]).startsWith("INSERT")) {
                            throw new OutOfMemoryError("simulated");
                        }
                        try { return meth.invoke(real, args); } catch (InvocationTargetException e) { throw e.getCause(); }
                    });
            assertThrows(OutOfMemoryError.class, () -> SqlRelations.save(c, rel, m("t"), SqlRelations.Save.REPLACE));
            try (Connection other = DriverManager.getConnection(real.getMetaData().getURL())) {
                long n = count(other, "SELECT COUNT(*) FROM t");
                assertEquals(2, n, "the DELETE of REPLACE was committed though the save failed");
            }
        }
    }

    @Test void differenceRefusesANullKeyInTheTableAndWritesNothing() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        l.add(1L); r.add(1L); rel.link(1L, 1L);
        try (Connection c = sqlite()) {
            exec(c, "CREATE TABLE t (a BIGINT, b BIGINT)", "INSERT INTO t VALUES (NULL, 3)");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SqlRelations.save(c, rel, m("t"), SqlRelations.Save.DIFFERENCE));
            assertTrue(e.getMessage().contains("NULL") && e.getMessage().contains("row 1"), e.getMessage());
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"), "nothing written");
        }
    }

    @Test void differenceRepairsDuplicatedRowsAndMatchesKeysOfOtherTypesByValue() throws Exception {
        Junction db = Junction.create();
        LongTable l = db.longTable("l"), r = db.longTable("r");
        Relation<Long, Long> rel = db.relation("rel", l, r);
        l.add(1L); r.add(1L); rel.link(1L, 1L);
        try (Connection c = sqlite()) {
            exec(c, "CREATE TABLE t (a BIGINT, b BIGINT)", "INSERT INTO t VALUES (1, 1)", "INSERT INTO t VALUES (1, 1)");
            SqlRelations.save(c, rel, m("t"), SqlRelations.Save.DIFFERENCE);
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"), "the duplicated row is repaired to one");
            exec(c, "CREATE TABLE s (a TEXT, b TEXT)", "INSERT INTO s VALUES ('1', '1')");
            assertEquals(new SqlRelations.Result(0, 0, 0), SqlRelations.save(c, rel, m("s"), SqlRelations.Save.DIFFERENCE),
                    "TEXT '1' is the key 1");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM s"));
        }
    }
}
