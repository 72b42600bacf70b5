package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.sql.SqlRelations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * What a large load from SQL holds in memory: a workload's links, with a {@code long} link column, in an in-memory
 * SQLite table (native memory, outside the Java heap), loaded two ways into a fresh engine:
 *
 * <ol>
 *   <li>{@code SqlRelations.load}, a {@link Junction#bulkLoad}: links and values staged at the committed index's
 *       own layout, swapped in at commit;</li>
 *   <li>the same rows, batches and calls in an ordinary {@link Junction#inTransaction} (what {@code load} did
 *       before bulk loads): the transaction's overlay holds every link and value until the commit.</li>
 * </ol>
 * For each, the live heap just before the commit (the peak: the load complete, not yet published) and after
 * it, minus the live heap before the load, per link; the live heap is {@code MemoryMXBean} heap use after two
 * full collections ({@code System.gc()}, a full compaction with G1), so it counts what the load holds plus its
 * one batch (10,000 rows) and the driver's buffers. JOL cannot walk an engine with an open transaction (it
 * reaches the owner thread), so JOL's {@code totalSize()} of the engine is printed after the commit, for
 * comparison with {@link ColumnMemory}.
 *
 * <p>Usage: {@code java -Xmx8g -cp benchmarks.jar dev.junction.jmh.SqlLoadMemory [workload]} (default
 * {@code zipf-1m}). Prints one {@code MEM} line per measurement, like {@link MemoryHarness}.
 */
public final class SqlLoadMemory {

    private SqlLoadMemory() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws SQLException {
        String spec = args.length > 0 ? args[0] : "zipf-1m";
        Workload w = Workload.get(spec);
        int n = w.size();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            fill(c, w);
            w = null; // only the database holds the links now

            // 1. SqlRelations.load: a bulk load
            Junction db = Junction.create();
            Relation<Long, Long> rel = db.relation("grants", db.longTable("users"), db.longTable("roles"));
            LinkColumn.OfLong<Long, Long> since = rel.longColumn("since", -1L);
            SqlRelations.Mapping<Long, Long> m = SqlRelations.mapping("grants", "l", "r", SqlRelations.Keys.longs(),
                    SqlRelations.Keys.longs()).withColumn("since", since);
            long base = liveHeap();
            long[] peak = {0};
            SqlRelations.load(c, rel, m, rows -> {
                if (rows == n) { // the last progress call comes before the commit
                    peak[0] = Math.max(peak[0], liveHeap());
                }
            });
            check(rel, n);
            print(spec, "SqlRelations.load (bulk load), before commit", peak[0] - base, n, "live heap");
            print(spec, "SqlRelations.load (bulk load), after commit", liveHeap() - base, n, "live heap");
            print(spec, "SqlRelations.load (bulk load), after commit", GraphLayout.parseInstance(db).totalSize(), n,
                    "JOL totalSize");

            // 2. the same in an ordinary transaction
            Junction db2 = Junction.create();
            LongTable users = db2.longTable("users");
            LongTable roles = db2.longTable("roles");
            Relation<Long, Long> rel2 = db2.relation("grants", users, roles);
            LinkColumn.OfLong<Long, Long> since2 = rel2.longColumn("since", -1L);
            long base2 = liveHeap();
            long before = db2.inTransaction(() -> {
                loadInTransaction(c, users, roles, rel2, since2);
                return liveHeap();
            });
            check(rel2, n);
            print(spec, "ordinary transaction, before commit", before - base2, n, "live heap");
            print(spec, "ordinary transaction, after commit", liveHeap() - base2, n, "live heap");
            print(spec, "ordinary transaction, after commit", GraphLayout.parseInstance(db2).totalSize(), n,
                    "JOL totalSize");
        }
    }

    private static void fill(Connection c, Workload w) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE grants (l INTEGER NOT NULL, r INTEGER NOT NULL, since INTEGER NOT NULL, "
                    + "PRIMARY KEY (l, r))");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO grants VALUES (?, ?, ?)")) {
            for (int i = 0; i < w.size(); i++) {
                ps.setLong(1, w.lefts[i]);
                ps.setLong(2, w.rights[i]);
                ps.setLong(3, i);
                ps.addBatch();
                if (i % 10_000 == 9_999) ps.executeBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** What {@code SqlRelations.load} did inside an ordinary transaction: batches of 10,000 through linkAll. */
    private static void loadInTransaction(Connection c, LongTable users, LongTable roles, Relation<Long, Long> rel,
                                          LinkColumn.OfLong<Long, Long> since) {
        int batch = 10_000;
        int[] ls = new int[batch];
        int[] rs = new int[batch];
        long[] vs = new long[batch];
        try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT l, r, since FROM grants")) {
            int k = 0;
            while (true) {
                boolean more = r.next();
                if (more) {
                    ls[k] = users.add(r.getLong(1));
                    rs[k] = roles.add(r.getLong(2));
                    vs[k] = r.getLong(3);
                    k++;
                }
                if (k == batch || (!more && k > 0)) {
                    int[] l = java.util.Arrays.copyOf(ls, k);
                    int[] rr = java.util.Arrays.copyOf(rs, k);
                    rel.ints().linkAll(l, rr);
                    for (int i = 0; i < k; i++) since.setByIds(l[i], rr[i], vs[i]);
                    k = 0;
                }
                if (!more) break;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Relation<Long, Long> rel, int n) {
        if (rel.size() != n) throw new IllegalStateException("loaded " + rel.size() + " links, expected " + n);
    }

    /** Heap in use after two full collections. */
    private static long liveHeap() {
        System.gc();
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void print(String spec, String what, long bytes, int n, String method) {
        System.out.printf(Locale.ROOT, "MEM\t%s\t%s\t%d\t%d\t%.2f\t%s%n", spec, what, bytes, n,
                (double) bytes / n, method);
    }
}
