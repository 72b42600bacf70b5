package dev.junction.query;

import dev.junction.index.IntNeighborSet;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Arrays;
import java.util.Objects;

/**
 * Set algebra over neighbour sets, RoaringBitmap style: {@code and} (entities linked to all of the given ones:
 * posts with tags A and B), {@code or} (to any), {@code andNot} (to the first and none of the others), each with a
 * {@code *Cardinality} form that counts without building the result. Results are new {@code int[]}s in ascending
 * order; nothing boxes.
 *
 * <h2>Algorithms</h2>
 * <ul>
 *   <li>{@code and}: the sets are taken smallest first; the running result is intersected with each next set by a
 *       linear merge when their sizes are within a factor of 16, else by probing the larger set
 *       ({@link IntNeighborSet#contains}: a binary search in a sorted run, a container lookup in a compressed
 *       bitmap), so a tiny set against a huge one costs the tiny one's size times a lookup. It stops as soon as
 *       the result is empty.</li>
 *   <li>{@code or}: two sets merge; more are concatenated and radix-sorted, then deduplicated.</li>
 *   <li>{@code andNot}: the first set filtered by probing the others.</li>
 *   <li>The cardinalities iterate the smallest set (or each set) and probe the others: no result array.</li>
 * </ul>
 *
 * <h2>Consistency</h2>
 * Each set is read with its own calls; on an engine relation's {@code ints()} run the query inside a
 * {@link dev.junction.ReadView} (or a transaction) when the sets must come from one state. The methods are
 * stateless and may be called from any thread; a null set throws {@link NullPointerException}.
 */
public final class SetAlgebra {

    private SetAlgebra() {
    }

    private static IntNeighborSet[] bySize(IntNeighborSet[] sets) {
        Objects.requireNonNull(sets, "sets are null");
        IntNeighborSet[] s = sets.clone();
        int[] sizes = new int[s.length];
        int[] order = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            Objects.requireNonNull(s[i], () -> "set is null");
            sizes[i] = s[i].size();
            order[i] = i;
        }
        IntArrays.quickSort(order, (a, b) -> Integer.compare(sizes[a], sizes[b]));
        IntNeighborSet[] out = new IntNeighborSet[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[order[i]];
        return out;
    }

    /** The ids in every one of {@code sets}, ascending (empty for no set). */
    public static int[] and(IntNeighborSet... sets) {
        if (Objects.requireNonNull(sets, "sets are null").length == 0) return new int[0];
        IntNeighborSet[] s = bySize(sets);
        int[] acc = s[0].toIntArray();
        int n = acc.length;
        for (int i = 1; i < s.length && n > 0; i++) {
            IntNeighborSet other = s[i];
            if ((long) n * 16 < other.size()) {
                int k = 0;
                for (int j = 0; j < n; j++) {
                    if (other.contains(acc[j])) acc[k++] = acc[j];
                }
                n = k;
            } else {
                n = mergeAnd(acc, n, other.toIntArray());
            }
        }
        return n == acc.length ? acc : Arrays.copyOf(acc, n);
    }

    /** Keeps in {@code a[0..n)} the ids also in sorted {@code b}; returns the new length. */
    private static int mergeAnd(int[] a, int n, int[] b) {
        int i = 0, j = 0, k = 0;
        while (i < n && j < b.length) {
            int x = a[i], y = b[j];
            if (x < y) {
                i++;
            } else if (x > y) {
                j++;
            } else {
                a[k++] = x;
                i++;
                j++;
            }
        }
        return k;
    }

    /** The size of {@link #and}, without building it. */
    public static int andCardinality(IntNeighborSet... sets) {
        if (Objects.requireNonNull(sets, "sets are null").length == 0) return 0;
        IntNeighborSet[] s = bySize(sets);
        if (s.length == 1) return s[0].size();
        if (s.length == 2 && (long) s[0].size() * 16 >= s[1].size()) {
            int[] a = s[0].toIntArray();
            int[] b = s[1].toIntArray();
            int i = 0, j = 0, count = 0;
            while (i < a.length && j < b.length) {
                if (a[i] < b[j]) i++;
                else if (a[i] > b[j]) j++;
                else {
                    count++;
                    i++;
                    j++;
                }
            }
            return count;
        }
        int count = 0;
        IntIterator it = s[0].iterator();
        outer:
        while (it.hasNext()) {
            int x = it.nextInt();
            for (int i = 1; i < s.length; i++) {
                if (!s[i].contains(x)) continue outer;
            }
            count++;
        }
        return count;
    }

    /** The ids in at least one of {@code sets}, ascending. */
    public static int[] or(IntNeighborSet... sets) {
        Objects.requireNonNull(sets, "sets are null");
        if (sets.length == 0) return new int[0];
        if (sets.length == 1) return Objects.requireNonNull(sets[0], "set is null").toIntArray();
        if (sets.length == 2) {
            int[] a = Objects.requireNonNull(sets[0], "set is null").toIntArray();
            int[] b = Objects.requireNonNull(sets[1], "set is null").toIntArray();
            int[] out = new int[a.length + b.length];
            int i = 0, j = 0, k = 0;
            while (i < a.length && j < b.length) {
                if (a[i] < b[j]) out[k++] = a[i++];
                else if (a[i] > b[j]) out[k++] = b[j++];
                else {
                    out[k++] = a[i++];
                    j++;
                }
            }
            while (i < a.length) out[k++] = a[i++];
            while (j < b.length) out[k++] = b[j++];
            return k == out.length ? out : Arrays.copyOf(out, k);
        }
        int[][] parts = new int[sets.length][];
        long total = 0;
        for (int i = 0; i < sets.length; i++) {
            parts[i] = Objects.requireNonNull(sets[i], "set is null").toIntArray();
            total += parts[i].length;
        }
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("union of more than 2^31 ids");
        int[] all = new int[(int) total];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, k, p.length);
            k += p.length;
        }
        IntArrays.radixSort(all);
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (n == 0 || all[n - 1] != all[i]) all[n++] = all[i];
        }
        return n == all.length ? all : Arrays.copyOf(all, n);
    }

    /** The size of {@link #or}, without building it: each id counted in the first set that has it. */
    public static int orCardinality(IntNeighborSet... sets) {
        Objects.requireNonNull(sets, "sets are null");
        int count = 0;
        for (int i = 0; i < sets.length; i++) {
            IntIterator it = Objects.requireNonNull(sets[i], "set is null").iterator();
            outer:
            while (it.hasNext()) {
                int x = it.nextInt();
                for (int j = 0; j < i; j++) {
                    if (sets[j].contains(x)) continue outer;
                }
                count++;
            }
        }
        return count;
    }

    /** The ids of {@code base} in none of {@code excluded}, ascending. */
    public static int[] andNot(IntNeighborSet base, IntNeighborSet... excluded) {
        int[] acc = Objects.requireNonNull(base, "base is null").toIntArray();
        Objects.requireNonNull(excluded, "excluded sets are null");
        int n = acc.length;
        for (IntNeighborSet e : excluded) {
            Objects.requireNonNull(e, "set is null");
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (!e.contains(acc[j])) acc[k++] = acc[j];
            }
            n = k;
        }
        return n == acc.length ? acc : Arrays.copyOf(acc, n);
    }

    /** The size of {@link #andNot}, without building it. */
    public static int andNotCardinality(IntNeighborSet base, IntNeighborSet... excluded) {
        Objects.requireNonNull(base, "base is null");
        Objects.requireNonNull(excluded, "excluded sets are null");
        for (IntNeighborSet e : excluded) Objects.requireNonNull(e, "set is null");
        int count = 0;
        IntIterator it = base.iterator();
        outer:
        while (it.hasNext()) {
            int x = it.nextInt();
            for (IntNeighborSet e : excluded) {
                if (e.contains(x)) continue outer;
            }
            count++;
        }
        return count;
    }
}
