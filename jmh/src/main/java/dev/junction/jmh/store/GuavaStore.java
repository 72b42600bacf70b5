package dev.junction.jmh.store;

import com.google.common.collect.HashMultimap;
import java.util.Set;

/** Two Guava {@link HashMultimap}s of boxed Integers (left→rights, right→lefts), kept in sync by hand. */
public final class GuavaStore implements LinkStore {

    private final HashMultimap<Integer, Integer> forward = HashMultimap.create();
    private final HashMultimap<Integer, Integer> reverse = HashMultimap.create();

    /** The two maps (for memory measurement). */
    public Object[] roots() {
        return new Object[] {forward, reverse};
    }

    @Override
    public String name() {
        return "guava";
    }

    @Override
    public boolean link(int left, int right) {
        if (!forward.put(left, right)) {
            return false;
        }
        reverse.put(right, left);
        return true;
    }

    @Override
    public boolean unlink(int left, int right) {
        if (!forward.remove(left, right)) {
            return false;
        }
        reverse.remove(right, left);
        return true;
    }

    @Override
    public boolean contains(int left, int right) {
        return forward.containsEntry(left, right);
    }

    @Override
    public long sumRights(int left) {
        long sum = 0;
        for (Integer r : forward.get(left)) {
            sum += r;
        }
        return sum;
    }

    @Override
    public long sumLefts(int right) {
        long sum = 0;
        for (Integer l : reverse.get(right)) {
            sum += l;
        }
        return sum;
    }

    @Override
    public int removeLeft(int left) {
        Set<Integer> rights = forward.removeAll(left);
        Integer boxedLeft = left;
        for (Integer r : rights) {
            reverse.remove(r, boxedLeft);
        }
        return rights.size();
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        for (int i = 0; i < lefts.length; i++) {
            link(lefts[i], rights[i]);
        }
    }
}
