package dev.junction.jmh.store;

import java.util.Arrays;

/**
 * The immutable ceiling: compressed sparse rows in both directions (an offsets array per side plus one sorted
 * {@code int[]} of neighbours per side). Lookups are a contiguous scan and {@code contains} a binary search; it
 * cannot change, so the update operations are skipped for it.
 */
public final class CsrStore implements LinkStore {

    private int[] fwdOffsets = new int[1];
    private int[] fwdTargets = new int[0];
    private int[] revOffsets = new int[1];
    private int[] revTargets = new int[0];

    /** The four arrays (for memory measurement). */
    public Object[] roots() {
        return new Object[] {fwdOffsets, fwdTargets, revOffsets, revTargets};
    }

    @Override
    public String name() {
        return "csr";
    }

    @Override
    public boolean supportsUpdates() {
        return false;
    }

    @Override
    public boolean link(int left, int right) {
        throw new UnsupportedOperationException("csr is immutable");
    }

    @Override
    public boolean unlink(int left, int right) {
        throw new UnsupportedOperationException("csr is immutable");
    }

    @Override
    public int removeLeft(int left) {
        throw new UnsupportedOperationException("csr is immutable");
    }

    @Override
    public boolean contains(int left, int right) {
        if (left >= fwdOffsets.length - 1) {
            return false;
        }
        return Arrays.binarySearch(fwdTargets, fwdOffsets[left], fwdOffsets[left + 1], right) >= 0;
    }

    private static long sum(int[] offsets, int[] targets, int id) {
        if (id >= offsets.length - 1) {
            return 0;
        }
        long sum = 0;
        for (int i = offsets[id], end = offsets[id + 1]; i < end; i++) {
            sum += targets[i];
        }
        return sum;
    }

    @Override
    public long sumRights(int left) {
        return sum(fwdOffsets, fwdTargets, left);
    }

    @Override
    public long sumLefts(int right) {
        return sum(revOffsets, revTargets, right);
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        fwdOffsets = new int[max(lefts) + 2];
        fwdTargets = build(lefts, rights, fwdOffsets);
        revOffsets = new int[max(rights) + 2];
        revTargets = build(rights, lefts, revOffsets);
    }

    private static int max(int[] ids) {
        int m = -1;
        for (int id : ids) {
            m = Math.max(m, id);
        }
        return m;
    }

    /** Counting sort by key, then sorts each row: O(N log d). Fills {@code offsets}; returns the targets. */
    private static int[] build(int[] keys, int[] values, int[] offsets) {
        for (int k : keys) {
            offsets[k + 1]++;
        }
        for (int i = 1; i < offsets.length; i++) {
            offsets[i] += offsets[i - 1];
        }
        int[] fill = Arrays.copyOf(offsets, offsets.length - 1);
        int[] targets = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            targets[fill[keys[i]]++] = values[i];
        }
        for (int k = 0; k < offsets.length - 1; k++) {
            Arrays.sort(targets, offsets[k], offsets[k + 1]);
        }
        return targets;
    }
}
