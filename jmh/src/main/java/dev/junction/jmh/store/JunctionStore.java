package dev.junction.jmh.store;

import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.function.IntConsumer;

/**
 * Junction's {@link IntRelation#bipartite(String)} behind {@link LinkStore}. Two lookup flavours: the default one
 * goes through {@code forEachRight/forEachLeft} with a preallocated sink (no allocation per call); the
 * {@code iterator} flavour walks {@code rightsOf(l).iterator()} with {@code nextInt()}, as typical user code does.
 */
public final class JunctionStore implements LinkStore {

    /** Preallocated, reusable consumer: summing through a field avoids a capturing lambda per call. */
    private static final class SumSink implements IntConsumer {
        long sum;

        @Override
        public void accept(int value) {
            sum += value;
        }
    }

    private final IntRelation relation = IntRelation.bipartite("bench");
    private final SumSink sink = new SumSink();
    private final boolean viaIterator;

    /** @param viaIterator lookups via the live view's iterator instead of the forEach sink */
    public JunctionStore(boolean viaIterator) {
        this.viaIterator = viaIterator;
    }

    /** The relation under test (for memory measurement). */
    public IntRelation relation() {
        return relation;
    }

    @Override
    public String name() {
        return viaIterator ? "junction-iter" : "junction";
    }

    @Override
    public boolean link(int left, int right) {
        return relation.link(left, right);
    }

    @Override
    public boolean unlink(int left, int right) {
        return relation.unlink(left, right);
    }

    @Override
    public boolean contains(int left, int right) {
        return relation.contains(left, right);
    }

    @Override
    public long sumRights(int left) {
        if (viaIterator) {
            long sum = 0;
            IntIterator it = relation.rightsOf(left).iterator();
            while (it.hasNext()) {
                sum += it.nextInt();
            }
            return sum;
        }
        SumSink s = sink;
        s.sum = 0;
        relation.forEachRight(left, s);
        return s.sum;
    }

    @Override
    public long sumLefts(int right) {
        if (viaIterator) {
            long sum = 0;
            IntIterator it = relation.leftsOf(right).iterator();
            while (it.hasNext()) {
                sum += it.nextInt();
            }
            return sum;
        }
        SumSink s = sink;
        s.sum = 0;
        relation.forEachLeft(right, s);
        return s.sum;
    }

    @Override
    public int removeLeft(int left) {
        return relation.removeLeft(left);
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        relation.linkAll(lefts, rights);
    }
}
