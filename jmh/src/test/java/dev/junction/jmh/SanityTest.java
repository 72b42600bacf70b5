package dev.junction.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.jmh.store.LinkStore;
import dev.junction.jmh.store.Stores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every implementation must give the same answers on the same small workload ({@code zipf-20k}, and the two
 * real data sets for lookups), so that the benchmarks compare equal work. Checks lookup checksums in both
 * directions, contains results, link/unlink return values and removal counts; the immutable CSR is checked on
 * lookups and contains only. Untimed: this is about answers, not speed.
 */
class SanityTest {

    private static final String WORKLOAD = "zipf-20k";

    /** Everything observable about one store on the workload, as a list of numbers. */
    private static List<Long> fingerprint(String impl, Workload w) {
        List<Long> f = new ArrayList<>();
        try (LinkStore store = Stores.create(impl)) {
            store.bulkLoad(w.lefts, w.rights);
            long fwd = 0;
            for (int l = 0; l < w.numLefts; l++) {
                fwd = fwd * 31 + store.sumRights(l);
            }
            f.add(fwd);
            long rev = 0;
            for (int r = 0; r < w.numRights; r++) {
                rev = rev * 31 + store.sumLefts(r);
            }
            f.add(rev);
            f.add(store.sumLefts(w.hottestRight()));
            int n = 2000;
            int[] hl = new int[n];
            int[] hr = new int[n];
            int[] ml = new int[n];
            int[] mr = new int[n];
            w.randomLinks(n, 11, hl, hr);
            w.absentPairs(n, 12, ml, mr);
            long hits = 0;
            for (int i = 0; i < n; i++) {
                hits += store.contains(hl[i], hr[i]) ? 1 : 0;
                hits += store.contains(ml[i], mr[i]) ? 1000 : 0;
            }
            f.add(hits);
            f.add(store.contains(w.numLefts + 5, 0) ? 1L : 0L);
            if (!store.supportsUpdates()) {
                return f;
            }
            long linked = 0;
            for (int i = 0; i < n; i++) {
                linked = linked * 3 + (store.link(ml[i], mr[i]) ? 1 : 0); // fresh: true
                linked = linked * 3 + (store.link(hl[i], hr[i]) ? 1 : 0); // present: false
            }
            f.add(linked);
            f.add(store.sumRights(ml[0]));
            long unlinked = 0;
            for (int i = 0; i < n; i++) {
                unlinked = unlinked * 3 + (store.unlink(ml[i], mr[i]) ? 1 : 0);
                unlinked = unlinked * 3 + (store.unlink(ml[i], mr[i]) ? 1 : 0);
            }
            f.add(unlinked);
            long removed = 0;
            for (int l : Arrays.copyOf(w.shuffledLefts(13), 200)) {
                removed = removed * 31 + store.removeLeft(l);
                removed = removed * 31 + store.removeLeft(l); // already gone: 0
                removed = removed * 31 + store.sumRights(l);
            }
            f.add(removed);
            f.add(store.sumLefts(w.hottestRight()));
            // Fresh entity ids beyond the loaded range.
            f.add(store.link(w.numLefts + 7, w.numRights + 3) ? 1L : 0L);
            f.add(store.sumLefts(w.numRights + 3));
        }
        return f;
    }

    private static void assertSameAnswers(String workload) {
        Workload w = Workload.get(workload);
        List<Long> expected = fingerprint("junction", w);
        for (String impl : Stores.ALL) {
            List<Long> actual = fingerprint(impl, w);
            assertEquals(expected.subList(0, actual.size()), actual, impl + " differs from junction on " + workload);
        }
    }

    @Test
    void allImplementationsAgreeOnGeneratedWorkload() {
        Workload w = Workload.get(WORKLOAD);
        assertEquals(20_000, w.size());
        assertSameAnswers(WORKLOAD);
    }

    @Test
    void allImplementationsAgreeOnDebianTags() {
        assertEquals(109_908, Workload.get("debian-tags").size());
        assertSameAnswers("debian-tags");
    }

    /** {@link ConcurrentReadBench}: the raw index and the engine's {@code rel.ints()} answer every query alike. */
    @Test
    void concurrentReadBenchImplementationsAgree() {
        List<Long> expected = null;
        for (String impl : List.of("raw", "shared")) {
            ConcurrentReadBench b = new ConcurrentReadBench();
            b.impl = impl;
            b.workload = WORKLOAD;
            b.setUp();
            ConcurrentReadBench.Cursor c = new ConcurrentReadBench.Cursor();
            List<Long> f = new ArrayList<>();
            for (int op = 0; op < 4; op++) {
                c.start(0);
                long acc = 0;
                for (int i = 0; i < ConcurrentReadBench.KEYS; i++) {
                    long v = switch (op) {
                        case 0 -> b.contains(c) ? 1 : 0;
                        case 1 -> b.degreeOfLeft(c);
                        case 2 -> b.forEachRight(c);
                        default -> b.forEachLeft(c);
                    };
                    acc = acc * 31 + v;
                }
                f.add(acc);
            }
            if (expected == null) {
                expected = f;
            } else {
                assertEquals(expected, f, impl + " differs from raw");
            }
        }
    }

    /** {@link dev.junction.ReadFloorBench}: every control answers as {@code rel.ints()} does. */
    @Test
    void readFloorControlsAgreeWithTheEngine() {
        dev.junction.ReadFloorBench b = new dev.junction.ReadFloorBench();
        b.workload = WORKLOAD;
        b.setUp();
        ConcurrentReadBench.Cursor c = new ConcurrentReadBench.Cursor();
        List<java.util.function.ToLongFunction<ConcurrentReadBench.Cursor>> degrees = List.of(b::sharedDegree,
                b::storeDegree, b::ownerCheckDegree, b::gateDegree);
        List<java.util.function.ToLongFunction<ConcurrentReadBench.Cursor>> lookups = List.of(b::sharedForEach,
                b::storeForEach, b::copyThenDeliver);
        for (List<java.util.function.ToLongFunction<ConcurrentReadBench.Cursor>> group : List.of(degrees, lookups)) {
            Long expected = null;
            for (int k = 0; k < group.size(); k++) {
                c.start(0);
                long acc = 0;
                for (int i = 0; i < ConcurrentReadBench.KEYS; i++) {
                    acc = acc * 31 + group.get(k).applyAsLong(c);
                }
                if (expected == null) {
                    expected = acc;
                } else {
                    assertEquals(expected, acc, "control " + k + " differs from rel.ints()");
                }
            }
        }
    }

    @Test
    void workloadIsDeterministicAndDuplicateFree() {
        Workload w = Workload.get(WORKLOAD);
        long[] keys = new long[w.size()];
        for (int i = 0; i < w.size(); i++) {
            keys[i] = ((long) w.lefts[i] << 32) | w.rights[i];
            assertTrue(w.hasLink(w.lefts[i], w.rights[i]));
        }
        Arrays.sort(keys);
        for (int i = 1; i < keys.length; i++) {
            assertTrue(keys[i] != keys[i - 1], "duplicate link");
        }
        assertEquals(w.numLefts, Arrays.stream(w.lefts).max().getAsInt() + 1);
        assertEquals(266_802, Workload.linkCount("retail-cust-prod"));
    }
}
