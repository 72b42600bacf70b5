package dev.junction.jmh;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.index.IntRelation;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What application code touches, on one engine: the typed {@link Relation} (its {@code contains}, {@code link}
 * plus {@code unlink}, and iteration of its {@code rightsOf} view), the thread-safe int level
 * ({@code rel.ints()}), a link column's {@code get} and {@code set}, an association row {@code add} plus
 * {@code remove}, and the commit of a one-link transaction; next to the raw index the engine is built on
 * ({@code raw*}), in the same run. Keys of the {@link LongTable}s are their ids, so every operation does the same
 * work at every level. Writes link a pair absent from the workload and unlink it again, so the state is the
 * same at every invocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class EngineBench {

    @Param({"zipf-1m"})
    public String workload;

    private Workload w;
    private IntRelation raw;
    private Relation<Long, Long> rel;
    private IntRelation ints;
    private LinkColumn.OfLong<Long, Long> at;
    private AssociationTable<Long, Long> orders;
    private RowColumn.OfInt qty;
    private Junction db;
    private long[] probeLefts;
    private long[] probeRights;
    private long[] freshRights;
    private int cursor;
    private long sum;
    private final IntConsumer sink = id -> sum += id;

    @Setup(Level.Trial)
    public void setUp() {
        w = Workload.get(workload);
        raw = IntRelation.bipartite("raw");
        raw.linkAll(w.lefts, w.rights);
        db = Junction.create();
        LongTable lefts = db.longTable("l");
        LongTable rights = db.longTable("r");
        for (int i = 0; i < w.numLefts; i++) lefts.add(i);
        for (int i = 0; i <= w.numRights; i++) rights.add(i); // one spare right: never linked by the workload
        rel = db.relation("rel", lefts, rights);
        ints = rel.ints();
        ints.linkAll(w.lefts, w.rights);
        at = rel.longColumn("at", 0L);
        for (int i = 0; i < w.size(); i++) at.setByIds(w.lefts[i], w.rights[i], i);
        orders = db.associationTable("orders", lefts, rights);
        qty = orders.intColumn("qty", 0);
        int n = 1 << 16;
        probeLefts = new long[n];
        probeRights = new long[n];
        freshRights = new long[n];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            int j = rnd.nextInt(w.size());
            probeLefts[i] = w.lefts[j];
            probeRights[i] = w.rights[j];
            freshRights[i] = w.numRights; // the spare right: absent for every left
        }
    }

    private int next() {
        return cursor = (cursor + 1) & (probeLefts.length - 1);
    }

    @Benchmark
    public boolean rawContains() {
        int i = next();
        return raw.contains((int) probeLefts[i], (int) probeRights[i]);
    }

    @Benchmark
    public boolean intsContains() {
        int i = next();
        return ints.contains((int) probeLefts[i], (int) probeRights[i]);
    }

    @Benchmark
    public boolean typedContains() {
        int i = next();
        return rel.contains(probeLefts[i], probeRights[i]);
    }

    @Benchmark
    public long rawForEachRight() {
        sum = 0;
        raw.forEachRight((int) probeLefts[next()], sink);
        return sum;
    }

    @Benchmark
    public long intsForEachRight() {
        sum = 0;
        ints.forEachRight((int) probeLefts[next()], sink);
        return sum;
    }

    @Benchmark
    public long typedIterateRights() {
        long s = 0;
        for (Long r : rel.rightsOf(probeLefts[next()])) s += r;
        return s;
    }

    @Benchmark
    public boolean rawLinkUnlink() {
        int i = next();
        return raw.link((int) probeLefts[i], (int) freshRights[i]) & raw.unlink((int) probeLefts[i], (int) freshRights[i]);
    }

    @Benchmark
    public boolean intsLinkUnlink() {
        int i = next();
        return ints.link((int) probeLefts[i], (int) freshRights[i]) & ints.unlink((int) probeLefts[i], (int) freshRights[i]);
    }

    @Benchmark
    public boolean typedLinkUnlink() {
        int i = next();
        return rel.link(probeLefts[i], freshRights[i]) & rel.unlink(probeLefts[i], freshRights[i]);
    }

    /** A one-link transaction committed, then the link removed in place (the state stays the same). */
    @Benchmark
    public boolean commitOneLink() {
        int i = next();
        boolean linked = db.inTransaction(() -> ints.link((int) probeLefts[i], (int) freshRights[i]));
        return linked & ints.unlink((int) probeLefts[i], (int) freshRights[i]);
    }

    @Benchmark
    public long columnGet() {
        int i = next();
        return at.getByIds((int) probeLefts[i], (int) probeRights[i]);
    }

    @Benchmark
    public void columnSet() {
        int i = next();
        at.setByIds((int) probeLefts[i], (int) probeRights[i], i);
    }

    /** {@link #columnGet} through the typed keys. */
    @Benchmark
    public long typedColumnGet() {
        int i = next();
        return at.get(probeLefts[i], probeRights[i]);
    }

    /** {@link #columnSet} through the typed keys. */
    @Benchmark
    public void typedColumnSet() {
        int i = next();
        at.set(probeLefts[i], probeRights[i], i);
    }

    /** A left's rights ordered by a link column's value (a small left: the probes are drawn per link). */
    @Benchmark
    public int typedRightsOrdered() {
        return at.rightsOrdered(probeLefts[next()], false).size();
    }

    /** {@link #rowAddRemove} through the typed keys. */
    @Benchmark
    public boolean typedRowAddRemove() {
        int i = next();
        int row = orders.add(probeLefts[i], probeRights[i], qty.value(i));
        return orders.remove(row);
    }

    @Benchmark
    public boolean rowAddRemove() {
        int i = next();
        int row = orders.addByIds((int) probeLefts[i], (int) probeRights[i], qty.value(i));
        return orders.remove(row);
    }

    /** Links per invocation of {@link #commit1000Links} and {@link #inPlace1000Links}. */
    static final int BATCH = 1000;

    /**
     * {@value #BATCH} fresh links (distinct lefts, each to the spare right) made by {@link #commit1000Links} or
     * {@link #inPlace1000Links}, removed again after the invocation (untimed).
     */
    @State(Scope.Thread)
    public static class LinkBatch {
        int[] lefts = new int[BATCH];
        int base;

        @Setup(Level.Invocation)
        public void pick(EngineBench b) {
            for (int k = 0; k < BATCH; k++) lefts[k] = (base + k) % b.w.numLefts;
            base = (base + BATCH) % b.w.numLefts;
        }

        @org.openjdk.jmh.annotations.TearDown(Level.Invocation)
        public void unlink(EngineBench b) {
            for (int l : lefts) b.ints.unlink(l, b.w.numRights);
        }
    }

    /** One transaction of {@value #BATCH} links, committed: the time per link. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public void commit1000Links(LinkBatch batch) {
        int spare = w.numRights;
        db.inTransaction(() -> {
            for (int l : batch.lefts) ints.link(l, spare);
        });
    }

    /** The same {@value #BATCH} links, each written in place (its own atomic write): the time per link. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public void inPlace1000Links(LinkBatch batch) {
        int spare = w.numRights;
        for (int l : batch.lefts) ints.link(l, spare);
    }
}
