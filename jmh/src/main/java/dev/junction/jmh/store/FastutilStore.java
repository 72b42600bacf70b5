package dev.junction.jmh.store;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.Arrays;

/**
 * The naive primitive baseline: one fastutil {@link IntOpenHashSet} per entity on each side, in arrays indexed by
 * id (grown by doubling). No boxing, but a hash set object and table per entity.
 */
public final class FastutilStore implements LinkStore {

    private IntOpenHashSet[] forward = new IntOpenHashSet[16];
    private IntOpenHashSet[] reverse = new IntOpenHashSet[16];

    /** Both arrays (for memory measurement). */
    public Object[] roots() {
        return new Object[] {forward, reverse};
    }

    @Override
    public String name() {
        return "fastutil";
    }

    private static IntOpenHashSet[] grow(IntOpenHashSet[] sets, int id) {
        return id < sets.length ? sets : Arrays.copyOf(sets, Math.max(id + 1, sets.length * 2));
    }

    @Override
    public boolean link(int left, int right) {
        forward = grow(forward, left);
        IntOpenHashSet rs = forward[left];
        if (rs == null) {
            rs = forward[left] = new IntOpenHashSet(4);
        }
        if (!rs.add(right)) {
            return false;
        }
        reverse = grow(reverse, right);
        IntOpenHashSet ls = reverse[right];
        if (ls == null) {
            ls = reverse[right] = new IntOpenHashSet(4);
        }
        ls.add(left);
        return true;
    }

    @Override
    public boolean unlink(int left, int right) {
        if (left >= forward.length || forward[left] == null || !forward[left].remove(right)) {
            return false;
        }
        reverse[right].remove(left);
        return true;
    }

    @Override
    public boolean contains(int left, int right) {
        IntOpenHashSet rs = left < forward.length ? forward[left] : null;
        return rs != null && rs.contains(right);
    }

    private static long sum(IntOpenHashSet[] sets, int id) {
        IntOpenHashSet s = id < sets.length ? sets[id] : null;
        if (s == null) {
            return 0;
        }
        long sum = 0;
        IntIterator it = s.iterator();
        while (it.hasNext()) {
            sum += it.nextInt();
        }
        return sum;
    }

    @Override
    public long sumRights(int left) {
        return sum(forward, left);
    }

    @Override
    public long sumLefts(int right) {
        return sum(reverse, right);
    }

    @Override
    public int removeLeft(int left) {
        IntOpenHashSet rs = left < forward.length ? forward[left] : null;
        if (rs == null) {
            return 0;
        }
        forward[left] = null;
        IntIterator it = rs.iterator();
        while (it.hasNext()) {
            reverse[it.nextInt()].remove(left);
        }
        return rs.size();
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        for (int i = 0; i < lefts.length; i++) {
            link(lefts[i], rights[i]);
        }
    }
}
