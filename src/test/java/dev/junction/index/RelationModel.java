package dev.junction.index;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle for the randomized tests: a relation as plain sorted maps of boxed sets, obviously correct and slow.
 * For {@link IntRelation.Kind#SYMMETRIC} the two maps are one map and a link is stored in both directions;
 * {@link #size()} counts a pair once (a self-link once).
 */
final class RelationModel {

    private final boolean symmetric;
    private final TreeMap<Integer, TreeSet<Integer>> rights = new TreeMap<>();
    private final TreeMap<Integer, TreeSet<Integer>> lefts;
    private long size;

    RelationModel(IntRelation.Kind kind) {
        this.symmetric = kind == IntRelation.Kind.SYMMETRIC;
        this.lefts = symmetric ? rights : new TreeMap<>();
    }

    long size() {
        return size;
    }

    NavigableSet<Integer> rightsOf(int left) {
        TreeSet<Integer> s = rights.get(left);
        return s == null ? Collections.emptyNavigableSet() : Collections.unmodifiableNavigableSet(s);
    }

    NavigableSet<Integer> leftsOf(int right) {
        TreeSet<Integer> s = lefts.get(right);
        return s == null ? Collections.emptyNavigableSet() : Collections.unmodifiableNavigableSet(s);
    }

    boolean contains(int left, int right) {
        TreeSet<Integer> s = rights.get(left);
        return s != null && s.contains(right);
    }

    boolean link(int left, int right) {
        TreeSet<Integer> s = rights.computeIfAbsent(left, k -> new TreeSet<>());
        if (!s.add(right)) {
            return false;
        }
        lefts.computeIfAbsent(right, k -> new TreeSet<>()).add(left);
        size++;
        return true;
    }

    boolean unlink(int left, int right) {
        TreeSet<Integer> s = rights.get(left);
        if (s == null || !s.remove(right)) {
            return false;
        }
        if (s.isEmpty()) {
            rights.remove(left);
        }
        TreeSet<Integer> t = lefts.get(right);
        if (t != null) { // null only for a symmetric self-link, already removed above
            t.remove(left);
            if (t.isEmpty()) {
                lefts.remove(right);
            }
        }
        size--;
        return true;
    }

    int removeLeft(int left) {
        List<Integer> old = new ArrayList<>(rightsOf(left));
        for (int r : old) {
            unlink(left, r);
        }
        return old.size();
    }

    int removeRight(int right) {
        List<Integer> old = new ArrayList<>(leftsOf(right));
        for (int l : old) {
            unlink(l, right);
        }
        return old.size();
    }

    boolean replaceRights(int left, int[] newRights) {
        return replace(true, left, newRights);
    }

    boolean replaceLefts(int right, int[] newLefts) {
        return replace(symmetric, right, newLefts); // symmetric: the lefts of an id are its rights
    }

    /** Makes {@code given} the whole set of {@code owner} on one side ({@code ofLeft}: the rights of a left). */
    private boolean replace(boolean ofLeft, int owner, int[] given) {
        TreeSet<Integer> target = new TreeSet<>();
        for (int x : given) {
            target.add(x);
        }
        boolean changed = false;
        for (int x : new ArrayList<>(ofLeft ? rightsOf(owner) : leftsOf(owner))) {
            if (!target.contains(x)) {
                changed |= ofLeft ? unlink(owner, x) : unlink(x, owner);
            }
        }
        for (int x : target) {
            changed |= ofLeft ? link(owner, x) : link(x, owner);
        }
        return changed;
    }

    void clear() {
        rights.clear();
        lefts.clear();
        size = 0;
    }
}
