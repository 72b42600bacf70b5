package dev.junction.jmh.store;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import java.util.List;

/**
 * What application code touches: a typed {@link Relation}{@code <Long, Long>} of a {@link Junction} engine,
 * between two {@link LongTable}s whose keys are the workload's ids (key {@code k} is added as the
 * {@code k}-th entity, so keys and ids coincide and every level does the same work). Links, unlinks and
 * {@code contains} go through the typed methods (the keys boxed as user code boxes them); lookups iterate the
 * typed {@code rightsOf}/{@code leftsOf} views with a for-each loop; {@code removeLeft} is
 * {@code setRights(left, List.of())}. The bulk load is the engine's {@code rel.ints().linkAll}, the bulk path of a
 * typed relation. Each call is its own in-place write (no open transaction), under the engine's locks: the
 * thread-safe path, next to the raw, single-threaded index of {@link JunctionStore}.
 */
public final class JunctionTypedStore implements LinkStore {

    private final Junction db = Junction.create();
    private final LongTable lefts = db.longTable("left");
    private final LongTable rights = db.longTable("right");
    private final Relation<Long, Long> relation = db.relation("bench", lefts, rights);
    private int leftCount;
    private int rightCount;

    @Override
    public String name() {
        return "junction-typed";
    }

    /** Adds keys (= ids) up to {@code left} and {@code right}, so every pair of the workload has its entities. */
    private void ensure(int left, int right) {
        while (leftCount <= left) lefts.add(leftCount++);
        while (rightCount <= right) rights.add(rightCount++);
    }

    @Override
    public boolean link(int left, int right) {
        if (left >= leftCount || right >= rightCount) ensure(left, right);
        return relation.link((long) left, (long) right);
    }

    @Override
    public boolean unlink(int left, int right) {
        return relation.unlink((long) left, (long) right);
    }

    @Override
    public boolean contains(int left, int right) {
        return relation.contains((long) left, (long) right);
    }

    @Override
    public long sumRights(int left) {
        long sum = 0;
        for (Long r : relation.rightsOf((long) left)) sum += r;
        return sum;
    }

    @Override
    public long sumLefts(int right) {
        long sum = 0;
        for (Long l : relation.leftsOf((long) right)) sum += l;
        return sum;
    }

    @Override
    public int removeLeft(int left) {
        int n = relation.rightsOf((long) left).size();
        relation.setRights((long) left, List.of());
        return n;
    }

    @Override
    public void bulkLoad(int[] ls, int[] rs) {
        int maxL = -1;
        int maxR = -1;
        for (int l : ls) maxL = Math.max(maxL, l);
        for (int r : rs) maxR = Math.max(maxR, r);
        ensure(maxL, maxR);
        relation.ints().linkAll(ls, rs);
    }
}
