package dev.junction.sql;

import static dev.junction.sql.SqlRelationsTest.assertThrowsSaying;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    /** An engine with the relation {@code rel} from the long table {@code l} to the long table {@code r}. */
    record TwoTables(Junction db, LongTable l, LongTable r, Relation<Long, Long> rel) {
        static TwoTables empty() {
            Junction db = Junction.create();
            LongTable l = db.longTable("l"), r = db.longTable("r");
            return new TwoTables(db, l, r, db.relation("rel", l, r));
        }

        /** Holding the one link 1-1, which the save tests write. */
        static TwoTables linkedOneToOne() {
            TwoTables t = empty();
            t.l.add(1L); t.r.add(1L); t.rel.link(1L, 1L);
            return t;
        }
    }

    @Test void listenersNeverHearAFailedLoad() throws Exception {
        TwoTables two = TwoTables.empty();
        Relation<Long, Long> rel = two.rel();
        AtomicInteger linked = new AtomicInteger(), added = new AtomicInteger();
        two.db().addListener(new ChangeListener() {
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
        TwoTables two = TwoTables.empty();
        Relation<Long, Long> rel = two.rel();
        two.l().add(-5L); two.r().add(-5L);
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
        assertEquals(1, two.l().size(), "only the entity that was there before");
    }

    @Test void aFailedSaveInsideTheCallersTransactionLeavesTheCallersWork() throws Exception {
        Relation<Long, Long> rel = TwoTables.linkedOneToOne().rel();
        try (Connection c = h2()) {
            exec(c, "CREATE TABLE t (a BIGINT, b BIGINT, PRIMARY KEY (a, b))", "CREATE TABLE other (x INT)",
                    "INSERT INTO t VALUES (1, 1)");
            c.setAutoCommit(false);
            exec(c, "INSERT INTO other VALUES (42)"); // caller's uncommitted work
            assertThrows(SQLException.class, () -> SqlRelations.save(c, rel, m("t"), SqlRelations.Save.INSERT));
            assertEquals(1, count(c, "SELECT COUNT(*) FROM other"), "save rolled back the caller's own uncommitted work");
        }
    }

    @Test void anErrorInTheMiddleOfASaveCommitsNothing() throws Exception {
        Relation<Long, Long> rel = TwoTables.linkedOneToOne().rel();
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
                assertEquals(2, count(other, "SELECT COUNT(*) FROM t"),
                        "the DELETE of REPLACE was committed though the save failed");
            }
        }
    }

    @Test void differenceRefusesANullKeyInTheTableAndWritesNothing() throws Exception {
        Relation<Long, Long> rel = TwoTables.linkedOneToOne().rel();
        try (Connection c = sqlite()) {
            exec(c, "CREATE TABLE t (a BIGINT, b BIGINT)", "INSERT INTO t VALUES (NULL, 3)");
            assertThrowsSaying(IllegalArgumentException.class,
                    () -> SqlRelations.save(c, rel, m("t"), SqlRelations.Save.DIFFERENCE), "NULL", "row 1");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"), "nothing written");
        }
    }

    @Test void differenceRepairsDuplicatedRowsAndMatchesKeysOfOtherTypesByValue() throws Exception {
        Relation<Long, Long> rel = TwoTables.linkedOneToOne().rel();
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
