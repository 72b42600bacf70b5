package dev.junction.query;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Arrays;
import java.util.Objects;

/**
 * Ranked queries over a relation, at the int level: entities that share neighbours with one entity (co-authors;
 * customers who bought what this customer bought), entities by degree, entities with no links, and keyset pages.
 * Results are {@link Scores}: ids with a score each, best first, ties by ascending id. Nothing boxes.
 *
 * <p>Consistency: as for {@link SetAlgebra}, run inside a {@link dev.junction.ReadView} on an engine relation for
 * one state. The methods are stateless and may be called from any thread; each method's comment gives its cost.
 * A null relation, set or array throws {@link NullPointerException}, a negative id {@link IllegalArgumentException}.
 */
public final class Ranking {

    private Ranking() {
    }

    /**
     * Ids with scores, best first (ties by ascending id): {@code ids[i]} scored {@code scores[i]}. The arrays are
     * immutable by convention (not copied, so do not change them). Unlike a plain record of arrays, it compares
     * and hashes by the arrays' contents ({@link Arrays#equals(int[], int[])}) and prints them:
     * {@code Scores[ids=[3, 1], scores=[2, 1]]}.
     *
     * @param ids the ids, best first
     * @param scores the score of each id
     */
    public record Scores(int[] ids, int[] scores) {
        /**
         * Checks the arrays.
         *
         * @throws NullPointerException if an array is null
         * @throws IllegalArgumentException if their lengths differ
         */
        public Scores {
            Objects.requireNonNull(ids, "ids are null");
            Objects.requireNonNull(scores, "scores are null");
            if (ids.length != scores.length) {
                throw new IllegalArgumentException(ids.length + " ids but " + scores.length + " scores");
            }
        }

        /** The number of entries. O(1). */
        public int size() {
            return ids.length;
        }

        /** Equal when both arrays have equal contents, in the same order. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Scores s && Arrays.equals(ids, s.ids) && Arrays.equals(scores, s.scores);
        }

        /** A hash of both arrays' contents, consistent with {@link #equals}. */
        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(ids) + Arrays.hashCode(scores);
        }

        /** {@code Scores[ids=[3, 1], scores=[2, 1]]}. */
        @Override
        public String toString() {
            return "Scores[ids=" + Arrays.toString(ids) + ", scores=" + Arrays.toString(scores) + "]";
        }
    }

    /**
     * The lefts that share at least one right with {@code left} (itself excluded), ranked by how many they share,
     * the first {@code limit}. Two hops: rights of {@code left}, then the lefts of each. O(Σ degrees on the way +
     * c log limit) for c candidates.
     *
     * @throws IllegalArgumentException if {@code left} is negative or {@code limit} is negative
     */
    public static Scores sharedRights(IntRelation rel, int left, int limit) {
        Objects.requireNonNull(rel, "relation is null");
        if (limit < 0) throw new IllegalArgumentException("relation '" + rel.name() + "': limit " + limit + " < 0");
        int[] rights = rel.rightsOf(left).toIntArray(); // checks left
        Int2IntOpenHashMap shared = new Int2IntOpenHashMap();
        for (int r : rights) {
            IntIterator it = rel.leftsOf(r).iterator();
            while (it.hasNext()) {
                int l = it.nextInt();
                if (l != left) shared.addTo(l, 1);
            }
        }
        int[] ids = new int[shared.size()];
        int[] scores = new int[shared.size()];
        int n = 0;
        for (Int2IntOpenHashMap.Entry e : shared.int2IntEntrySet()) {
            ids[n] = e.getIntKey();
            scores[n++] = e.getIntValue();
        }
        return top(ids, scores, n, limit);
    }

    /** The rights that share at least one left with {@code right}: {@link #sharedRights} on the inverse. */
    public static Scores sharedLefts(IntRelation rel, int right, int limit) {
        Objects.requireNonNull(rel, "relation is null");
        return sharedRights(rel.inverse(), right, limit);
    }

    /**
     * The {@code k} ids of {@code candidates} (for example a table's {@code ids()}) with the most links, as lefts
     * ({@code ofLeft}) or as rights, best first. O(c log k) for c candidates.
     */
    public static Scores topByDegree(IntRelation rel, int[] candidates, boolean ofLeft, int k) {
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(candidates, "candidates are null");
        if (k < 0) throw new IllegalArgumentException("relation '" + rel.name() + "': k " + k + " < 0");
        int[] ids = candidates.clone();
        int[] scores = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            scores[i] = ofLeft ? rel.degreeOfLeft(ids[i]) : rel.degreeOfRight(ids[i]);
        }
        return top(ids, scores, ids.length, k);
    }

    /** The ids of {@code candidates} with no link, as lefts ({@code ofLeft}) or as rights, in their order. */
    public static int[] orphans(IntRelation rel, int[] candidates, boolean ofLeft) {
        Objects.requireNonNull(rel, "relation is null");
        Objects.requireNonNull(candidates, "candidates are null");
        int[] out = new int[candidates.length];
        int n = 0;
        for (int id : candidates) {
            if ((ofLeft ? rel.degreeOfLeft(id) : rel.degreeOfRight(id)) == 0) out[n++] = id;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * A keyset page: the first {@code limit} ids of {@code set} greater than {@code after} ({@code -1} for the
     * first page), ascending; the next page is {@code pageAfter(set, page[page.length - 1], limit)}. O(log d +
     * limit), however deep the page. The iterator fails fast if the set changes while the page is read: wrap it in
     * {@code Junction.read} for one consistent read state. {@link #pageBefore} pages the other way.
     *
     * @throws NullPointerException if {@code set} is null
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static int[] pageAfter(IntNeighborSet set, int after, int limit) {
        Objects.requireNonNull(set, "set is null");
        if (limit < 0) throw new IllegalArgumentException("limit " + limit + " < 0");
        int[] out = new int[Math.min(limit, set.size())];
        int n = 0;
        IntIterator it = set.iteratorAfter(after);
        while (n < out.length && it.hasNext()) out[n++] = it.nextInt();
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * A descending keyset page: the last {@code limit} ids of {@code set} smaller than {@code before}
     * ({@link Integer#MAX_VALUE} for the first page, as no id reaches it), largest first; the next page is
     * {@code pageBefore(set, page[page.length - 1], limit)}. The mirror of {@link #pageAfter}. It finds where
     * {@code before} falls ({@link IntNeighborSet#countBelow}), then copies the page
     * ({@link IntNeighborSet#copyRange}): on the index O(log d + limit) for a sorted run and O(containers &middot; log d +
     * limit) for a compressed bitmap, however deep the page; on a set without a positioned copy (one changed by
     * the caller's open transaction) each step iterates, O(d log d). Each call reads the set once per step: wrap
     * it in {@code Junction.read} for one consistent read state.
     *
     * @throws NullPointerException if {@code set} is null
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static int[] pageBefore(IntNeighborSet set, int before, int limit) {
        Objects.requireNonNull(set, "set is null");
        if (limit < 0) throw new IllegalArgumentException("limit " + limit + " < 0");
        int lo = set.countBelow(before);
        int from = Math.max(0, lo - limit);
        int[] out = new int[lo - from];
        int n = set.copyRange(from, out);
        if (n < out.length) out = Arrays.copyOf(out, n);
        for (int i = 0, j = out.length - 1; i < j; i++, j--) {
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /**
     * An offset page: the ids of ranks {@code offset} to {@code offset + limit - 1} of {@code set}, ascending.
     * On the index O(limit) plus O(1) (a sorted run) or O(containers) (a compressed bitmap) to reach the offset,
     * not O(offset).
     *
     * @throws IllegalArgumentException if {@code offset} or {@code limit} is negative
     */
    public static int[] pageAt(IntNeighborSet set, int offset, int limit) {
        Objects.requireNonNull(set, "set is null");
        if (limit < 0) throw new IllegalArgumentException("limit " + limit + " < 0");
        if (offset < 0) throw new IllegalArgumentException("offset " + offset + " < 0");
        // never more than the set can hold: a caller's "everything" limit must not allocate that many slots
        int[] out = new int[Math.min(limit, Math.max(0, set.size() - offset))];
        int n = set.copyRange(offset, out);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The best {@code limit} of {@code n} (id, score) pairs: a bounded min-heap, then sorted. */
    static Scores top(int[] ids, int[] scores, int n, int limit) {
        int k = Math.min(limit, n);
        int[] heap = new int[k]; // indexes, the worst of the kept at heap[0]
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                up(heap, size++, ids, scores);
            } else if (k > 0 && better(i, heap[0], ids, scores)) {
                heap[0] = i;
                down(heap, k, ids, scores);
            }
        }
        int[] order = Arrays.copyOf(heap, size);
        it.unimi.dsi.fastutil.ints.IntArrays.quickSort(order, 0, size,
                (a, b) -> better(a, b, ids, scores) ? -1 : better(b, a, ids, scores) ? 1 : 0);
        int[] outIds = new int[size];
        int[] outScores = new int[size];
        for (int i = 0; i < size; i++) {
            outIds[i] = ids[order[i]];
            outScores[i] = scores[order[i]];
        }
        return new Scores(outIds, outScores);
    }

    /** Whether entry a ranks before entry b: higher score, then lower id. */
    private static boolean better(int a, int b, int[] ids, int[] scores) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : ids[a] < ids[b];
    }

    private static void up(int[] heap, int i, int[] ids, int[] scores) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!better(heap[p], heap[i], ids, scores)) break;
            int t = heap[p];
            heap[p] = heap[i];
            heap[i] = t;
            i = p;
        }
    }

    private static void down(int[] heap, int size, int[] ids, int[] scores) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && better(heap[worst], heap[l], ids, scores)) worst = l;
            if (r < size && better(heap[worst], heap[r], ids, scores)) worst = r;
            if (worst == i) return;
            int t = heap[worst];
            heap[worst] = heap[i];
            heap[i] = t;
            i = worst;
        }
    }
}
