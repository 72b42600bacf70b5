package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.graph.RelationGraph;
import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import dev.junction.query.Ranking;
import dev.junction.query.SetAlgebra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DefaultUndirectedGraph;
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
 * Queries against the SQL baseline, in the same run: a relation items × tags (the workload's lefts × rights; the
 * real Debian packages × debtags, or generated Zipf links), queried from the tags side as "items with tags A and
 * B" ({@code and2}: {@code SetAlgebra.and} against {@code INTERSECT}), five tags ({@code and5}), the count only
 * ({@code and2Count}: {@code andCardinality} against {@code SELECT COUNT(*) FROM (... INTERSECT ...)}), items that
 * share tags with an item, top 10 ({@code twoHop}: {@code Ranking.sharedRights} against a self-join with
 * {@code GROUP BY ... ORDER BY ... LIMIT}), and a keyset page of 20 items of a popular tag ({@code page}). Probed
 * tags are drawn from the 200 most used. Graph operations ({@code graphConnectivity}): JGraphT's connected
 * components on the {@link RelationGraph} view ({@code junction}) against the same on a copied
 * {@code DefaultUndirectedGraph} ({@code sqlite} row: the copy, built once per trial), and {@code graphCopy}: the
 * cost of making the copy against the O(1) view. SQLite runs in memory, {@code WITHOUT ROWID} on {@code (l, r)}
 * with an index on {@code (r, l)}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Benchmark)
public class QueryBench {

    @Param({"junction", "sqlite"})
    public String impl;

    @Param({"debian-tags"})
    public String workload;

    private Workload w;
    private IntRelation rel;
    private Relation<Long, Long> typed;
    private int[] tags;
    private int[] items;
    private int cursor;

    private Connection sql;
    private PreparedStatement and2;
    private PreparedStatement and5;
    private PreparedStatement and2Count;
    private PreparedStatement twoHop;
    private PreparedStatement page;
    private Graph<Long, DefaultEdge> copy;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        w = Workload.get(workload);
        Junction db = Junction.create();
        LongTable l = db.longTable("items");
        LongTable r = db.longTable("tags");
        for (int i = 0; i < w.numLefts; i++) l.add(i);
        for (int i = 0; i < w.numRights; i++) r.add(i);
        typed = db.relation("tagged", l, r);
        rel = typed.ints();
        rel.linkAll(w.lefts, w.rights);
        int[] byDegree = java.util.stream.IntStream.range(0, w.numRights).boxed()
                .sorted((a, b) -> Integer.compare(rel.degreeOfRight(b), rel.degreeOfRight(a)))
                .mapToInt(Integer::intValue).limit(200).toArray();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        tags = new int[1 << 12];
        items = new int[1 << 12];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = byDegree[rnd.nextInt(byDegree.length)];
            items[i] = w.lefts[rnd.nextInt(w.size())];
        }
        if (impl.equals("sqlite")) {
            sql = DriverManager.getConnection("jdbc:sqlite::memory:");
            try (Statement st = sql.createStatement()) {
                st.execute("CREATE TABLE rel (l INTEGER NOT NULL, r INTEGER NOT NULL, PRIMARY KEY (l, r)) WITHOUT ROWID");
                st.execute("CREATE INDEX rel_r ON rel (r, l)");
            }
            sql.setAutoCommit(false);
            try (PreparedStatement ins = sql.prepareStatement("INSERT OR IGNORE INTO rel VALUES (?, ?)")) {
                for (int i = 0; i < w.size(); i++) {
                    ins.setInt(1, w.lefts[i]);
                    ins.setInt(2, w.rights[i]);
                    ins.addBatch();
                    if ((i + 1) % 10_000 == 0) ins.executeBatch();
                }
                ins.executeBatch();
            }
            sql.commit();
            sql.setAutoCommit(true);
            and2 = sql.prepareStatement("SELECT l FROM rel WHERE r = ? INTERSECT SELECT l FROM rel WHERE r = ?");
            and5 = sql.prepareStatement("SELECT l FROM rel WHERE r = ? INTERSECT SELECT l FROM rel WHERE r = ? "
                    + "INTERSECT SELECT l FROM rel WHERE r = ? INTERSECT SELECT l FROM rel WHERE r = ? "
                    + "INTERSECT SELECT l FROM rel WHERE r = ?");
            and2Count = sql.prepareStatement("SELECT COUNT(*) FROM (SELECT l FROM rel WHERE r = ? "
                    + "INTERSECT SELECT l FROM rel WHERE r = ?)");
            twoHop = sql.prepareStatement("SELECT b.l, COUNT(*) AS c FROM rel a JOIN rel b ON a.r = b.r "
                    + "WHERE a.l = ? AND b.l <> a.l GROUP BY b.l ORDER BY c DESC, b.l LIMIT 10");
            page = sql.prepareStatement("SELECT l FROM rel WHERE r = ? AND l > ? ORDER BY l LIMIT 20");
            copy = copyOf(RelationGraph.of(typed));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (sql != null) sql.close();
    }

    private int next() {
        return cursor = (cursor + 1) & (tags.length - 1);
    }

    private static long drain(PreparedStatement st) throws SQLException {
        long sum = 0;
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) sum += rs.getLong(1);
        }
        return sum;
    }

    @Benchmark
    public long and2() throws SQLException {
        int i = next();
        int a = tags[i], b = tags[(i + 1) & (tags.length - 1)];
        if (sql == null) return SetAlgebra.and(rel.leftsOf(a), rel.leftsOf(b)).length;
        and2.setInt(1, a);
        and2.setInt(2, b);
        return drain(and2);
    }

    @Benchmark
    public long and5() throws SQLException {
        int i = next();
        if (sql == null) {
            IntNeighborSet[] sets = new IntNeighborSet[5];
            for (int k = 0; k < 5; k++) sets[k] = rel.leftsOf(tags[(i + k) & (tags.length - 1)]);
            return SetAlgebra.and(sets).length;
        }
        for (int k = 0; k < 5; k++) and5.setInt(k + 1, tags[(i + k) & (tags.length - 1)]);
        return drain(and5);
    }

    @Benchmark
    public long and2Count() throws SQLException {
        int i = next();
        int a = tags[i], b = tags[(i + 1) & (tags.length - 1)];
        if (sql == null) return SetAlgebra.andCardinality(rel.leftsOf(a), rel.leftsOf(b));
        and2Count.setInt(1, a);
        and2Count.setInt(2, b);
        return drain(and2Count);
    }

    @Benchmark
    public long twoHop() throws SQLException {
        int item = items[next()];
        if (sql == null) return Ranking.sharedRights(rel, item, 10).size();
        twoHop.setInt(1, item);
        return drain(twoHop);
    }

    @Benchmark
    public long page() throws SQLException {
        int i = next();
        int tag = tags[i];
        int after = items[i];
        if (sql == null) return Ranking.pageAfter(rel.leftsOf(tag), after, 20).length;
        page.setInt(1, tag);
        page.setInt(2, after);
        return drain(page);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int graphConnectivity() {
        Graph<Long, ?> g = sql == null ? RelationGraph.of(typed) : copy;
        return new ConnectivityInspector<>(g).connectedSets().size();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int graphCopy() {
        RelationGraph view = RelationGraph.of(typed);
        return sql == null ? view.vertexSet().size() : copyOf(view).vertexSet().size();
    }

    private static Graph<Long, DefaultEdge> copyOf(RelationGraph view) {
        Graph<Long, DefaultEdge> g = new DefaultUndirectedGraph<>(DefaultEdge.class);
        view.vertexSet().forEach(g::addVertex);
        for (long e : view.edgeSet()) g.addEdge(view.getEdgeSource(e), view.getEdgeTarget(e));
        return g;
    }
}
