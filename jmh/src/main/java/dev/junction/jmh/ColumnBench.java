package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Columns on links against the SQL baseline: an enrollment-style association table {@code (l, r)} with a
 * {@code long} and an {@code int} column, every link carrying values.
 *
 * <ul>
 *   <li>{@code get}: the value of an existing link ({@code LinkColumn.getByIds} against
 *       {@code SELECT at FROM enroll WHERE l = ? AND r = ?});</li>
 *   <li>{@code set}: a new value on an existing link, committed ({@code setByIds} outside a transaction
 *       against an autocommit {@code UPDATE});</li>
 *   <li>{@code ordered}: a left's rights ordered by the column, newest first ({@code rightsOrdered} against
 *       {@code SELECT r ... ORDER BY at DESC}).</li>
 * </ul>
 * SQLite runs in memory ({@code jdbc:sqlite::memory:}), {@code WITHOUT ROWID} on the primary key {@code (l, r)},
 * with prepared statements.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Benchmark)
public class ColumnBench {

    @Param({"junction", "sqlite"})
    public String impl;

    @Param({"zipf-1m"})
    public String workload;

    private Workload w;
    private int[] probeLefts;
    private int[] probeRights;
    private int cursor;

    private LinkColumn.OfLong<Long, Long> at;
    private Relation<Long, Long> rel;

    private Connection sql;
    private PreparedStatement select;
    private PreparedStatement update;
    private PreparedStatement ordered;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        w = Workload.get(workload);
        int n = w.size();
        probeLefts = new int[1 << 16];
        probeRights = new int[1 << 16];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        for (int i = 0; i < probeLefts.length; i++) {
            int j = rnd.nextInt(n);
            probeLefts[i] = w.lefts[j];
            probeRights[i] = w.rights[j];
        }
        if (impl.equals("junction")) {
            Junction db = Junction.create();
            LongTable lefts = db.longTable("l");
            LongTable rights = db.longTable("r");
            for (int i = 0; i < w.numLefts; i++) lefts.add(i);
            for (int i = 0; i < w.numRights; i++) rights.add(i);
            rel = db.relation("enroll", lefts, rights);
            rel.ints().linkAll(w.lefts, w.rights);
            at = rel.longColumn("at", 0L);
            LinkColumn.OfInt<Long, Long> qty = rel.intColumn("qty", 0);
            for (int i = 0; i < n; i++) {
                at.setByIds(w.lefts[i], w.rights[i], i);
                qty.setByIds(w.lefts[i], w.rights[i], i & 0xFF);
            }
        } else {
            sql = DriverManager.getConnection("jdbc:sqlite::memory:");
            try (Statement st = sql.createStatement()) {
                st.execute("CREATE TABLE enroll (l INTEGER NOT NULL, r INTEGER NOT NULL, at INTEGER NOT NULL DEFAULT 0,"
                        + " qty INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (l, r)) WITHOUT ROWID");
            }
            sql.setAutoCommit(false);
            try (PreparedStatement ins = sql.prepareStatement("INSERT OR IGNORE INTO enroll VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    ins.setInt(1, w.lefts[i]);
                    ins.setInt(2, w.rights[i]);
                    ins.setLong(3, i);
                    ins.setInt(4, i & 0xFF);
                    ins.addBatch();
                    if ((i + 1) % 10_000 == 0) ins.executeBatch();
                }
                ins.executeBatch();
            }
            sql.commit();
            sql.setAutoCommit(true);
            select = sql.prepareStatement("SELECT at FROM enroll WHERE l = ? AND r = ?");
            update = sql.prepareStatement("UPDATE enroll SET at = ? WHERE l = ? AND r = ?");
            ordered = sql.prepareStatement("SELECT r FROM enroll WHERE l = ? ORDER BY at DESC, r");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (sql != null) sql.close();
    }

    private int next() {
        return cursor = (cursor + 1) & (probeLefts.length - 1);
    }

    @Benchmark
    public long get() throws SQLException {
        int i = next();
        if (at != null) return at.getByIds(probeLefts[i], probeRights[i]);
        select.setInt(1, probeLefts[i]);
        select.setInt(2, probeRights[i]);
        try (ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Benchmark
    public void set() throws SQLException {
        int i = next();
        if (at != null) {
            at.setByIds(probeLefts[i], probeRights[i], i);
            return;
        }
        update.setLong(1, i);
        update.setInt(2, probeLefts[i]);
        update.setInt(3, probeRights[i]);
        update.executeUpdate();
    }

    @Benchmark
    public long ordered() throws SQLException {
        int i = next();
        if (at != null) {
            List<Long> rs = at.rightsOrdered((long) probeLefts[i], true);
            return (rs.isEmpty() ? 0 : rs.get(0)) + rs.size();
        }
        ordered.setInt(1, probeLefts[i]);
        long first = 0;
        int count = 0;
        try (ResultSet rs = ordered.executeQuery()) { // all rows, as Junction builds the whole list
            while (rs.next()) {
                long r = rs.getLong(1);
                if (count++ == 0) first = r;
            }
        }
        return first + count;
    }
}
