package dev.junction.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The queries against brute force over a plain model (a map of sorted sets), on seeded random skewed relations
 * where sets range from empty to thousands of ids (so both the merge and the probe paths run), for the raw index and
 * the engine's thread-safe {@code ints()}.
 */
class QueryTest {

    private static IntRelation relation(String impl) {
        if (impl.equals("raw")) return IntRelation.bipartite("q");
        Junction db = Junction.create();
        LongTable l = db.longTable("l");
        return db.relation("q", l, db.longTable("r")).ints();
    }

    private static int[] sorted(TreeSet<Integer> s) {
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raw", "engine"})
    void queriesAgreeWithBruteForce(String impl) {
        long seed = Long.getLong("junction.query.seed", System.nanoTime());
        Random rnd = new Random(seed);
        String at = "seed " + seed + " (rerun: -Djunction.query.seed=" + seed + ")";
        IntRelation rel = relation(impl);
        Map<Integer, TreeSet<Integer>> rights = new HashMap<>();
        Map<Integer, TreeSet<Integer>> lefts = new HashMap<>();
        int nl = 300;
        int nr = 3000;
        for (int i = 0; i < 40_000; i++) {
            int l = (int) Math.min(nl - 1, Math.abs(rnd.nextGaussian()) * nl / 3); // a few huge lefts, many small
            int r = rnd.nextInt(nr);
            if (rel.link(l, r)) {
                rights.computeIfAbsent(l, k -> new TreeSet<>()).add(r);
                lefts.computeIfAbsent(r, k -> new TreeSet<>()).add(l);
            }
        }
        for (int round = 0; round < 300; round++) {
            int k = 1 + rnd.nextInt(5);
            IntNeighborSet[] sets = new IntNeighborSet[k];
            List<TreeSet<Integer>> model = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                int l = rnd.nextInt(nl);
                sets[i] = rel.rightsOf(l);
                model.add(rights.getOrDefault(l, new TreeSet<>()));
            }
            TreeSet<Integer> and = new TreeSet<>(model.get(0));
            TreeSet<Integer> or = new TreeSet<>();
            TreeSet<Integer> andNot = new TreeSet<>(model.get(0));
            for (int i = 0; i < k; i++) {
                and.retainAll(model.get(i));
                or.addAll(model.get(i));
                if (i > 0) andNot.removeAll(model.get(i));
            }
            IntNeighborSet[] rest = java.util.Arrays.copyOfRange(sets, 1, k);
            assertArrayEquals(sorted(and), SetAlgebra.and(sets), at + " and");
            assertEquals(and.size(), SetAlgebra.andCardinality(sets), at + " andCardinality");
            assertArrayEquals(sorted(or), SetAlgebra.or(sets), at + " or");
            assertEquals(or.size(), SetAlgebra.orCardinality(sets), at + " orCardinality");
            assertArrayEquals(sorted(andNot), SetAlgebra.andNot(sets[0], rest), at + " andNot");
            assertEquals(andNot.size(), SetAlgebra.andNotCardinality(sets[0], rest), at + " andNotCardinality");

            // two hops, ranked
            int who = rnd.nextInt(nl);
            Map<Integer, Integer> shared = new HashMap<>();
            for (int r : rights.getOrDefault(who, new TreeSet<>())) {
                for (int l : lefts.get(r)) if (l != who) shared.merge(l, 1, Integer::sum);
            }
            List<Map.Entry<Integer, Integer>> expected = new ArrayList<>(shared.entrySet());
            expected.sort(Comparator.<Map.Entry<Integer, Integer>>comparingInt(e -> -e.getValue())
                    .thenComparingInt(Map.Entry::getKey));
            int limit = rnd.nextInt(20);
            Ranking.Scores got = Ranking.sharedRights(rel, who, limit);
            assertEquals(Math.min(limit, expected.size()), got.size(), at + " sharedRights size");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).getKey(), got.ids()[i], at + " sharedRights rank " + i);
                assertEquals(expected.get(i).getValue(), got.scores()[i], at + " sharedRights score " + i);
            }

            // keyset paging through a left's rights
            int l = rnd.nextInt(nl);
            TreeSet<Integer> all = rights.getOrDefault(l, new TreeSet<>());
            int after = rnd.nextInt(nr + 1) - 1;
            int page = rnd.nextInt(50);
            int[] want = all.tailSet(after, false).stream().limit(page).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(want, Ranking.pageAfter(rel.rightsOf(l), after, page), at + " pageAfter");
            int offset = rnd.nextInt(all.size() + 3);
            int[] wantAt = all.stream().skip(offset).limit(page).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(wantAt, Ranking.pageAt(rel.rightsOf(l), offset, page), at + " pageAt " + offset);
            int r = rnd.nextInt(nr);
            TreeSet<Integer> ls = lefts.getOrDefault(r, new TreeSet<>());
            int off2 = rnd.nextInt(ls.size() + 2);
            assertArrayEquals(ls.stream().skip(off2).limit(page).mapToInt(Integer::intValue).toArray(),
                    Ranking.pageAt(rel.leftsOf(r), off2, page), at + " pageAt lefts " + off2);
        }

        // top by degree and orphans over all candidate ids
        int[] candidates = IntStream.range(0, nl + 10).toArray();
        Ranking.Scores top = Ranking.topByDegree(rel, candidates, true, 7);
        List<Integer> byDegree = new ArrayList<>();
        for (int c : candidates) byDegree.add(c);
        byDegree.sort(Comparator.<Integer>comparingInt(c -> -rights.getOrDefault(c, new TreeSet<>()).size())
                .thenComparingInt(c -> c));
        for (int i = 0; i < 7; i++) {
            assertEquals(byDegree.get(i), top.ids()[i], at + " top " + i);
            assertEquals(rights.getOrDefault(byDegree.get(i), new TreeSet<>()).size(), top.scores()[i], at);
        }
        int[] orphans = IntStream.of(candidates).filter(c -> !rights.containsKey(c)).toArray();
        assertArrayEquals(orphans, Ranking.orphans(rel, candidates, true), at + " orphans");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raw", "engine"})
    void edgeCasesAndBadInput(String impl) {
        IntRelation rel = relation(impl);
        rel.link(1, 10);
        rel.link(1, 11);
        rel.link(2, 11);
        assertArrayEquals(new int[0], SetAlgebra.and());
        assertArrayEquals(new int[0], SetAlgebra.or());
        assertArrayEquals(new int[] {10, 11}, SetAlgebra.and(rel.rightsOf(1)));
        assertArrayEquals(new int[0], SetAlgebra.and(rel.rightsOf(1), rel.rightsOf(99)));
        assertEquals(0, SetAlgebra.andCardinality(rel.rightsOf(99), rel.rightsOf(1)));
        assertArrayEquals(new int[] {10}, SetAlgebra.andNot(rel.rightsOf(1), rel.rightsOf(2)));
        // right 10 shares left 1 with right 11
        assertArrayEquals(new int[] {11}, Ranking.sharedLefts(rel, 10, 5).ids());
        assertArrayEquals(new int[] {2}, Ranking.sharedRights(rel, 1, 5).ids());
        assertEquals(0, Ranking.sharedRights(rel, 1, 0).size());
        assertThrows(IllegalArgumentException.class, () -> Ranking.sharedRights(rel, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> Ranking.sharedRights(rel, 1, -1));
        assertThrows(NullPointerException.class, () -> SetAlgebra.and(rel.rightsOf(1), null));
        assertThrows(IllegalArgumentException.class, () -> Ranking.pageAfter(rel.rightsOf(1), 0, -2));
    }
}
