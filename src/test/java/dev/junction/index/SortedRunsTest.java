package dev.junction.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The int search against {@link Arrays#binarySearch}: runs of every length, at any offset, with arbitrary values
 * (negative ones included, as free-list links and other slots' headers are) right after the run, which must not
 * change the answer.
 */
class SortedRunsTest {

    @Test
    void intSearchMatchesBinarySearchWhateverFollowsTheRun() {
        long seed = Long.getLong("junction.fuzz.seed", 20261203L);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20_000; round++) {
            int n = rnd.nextInt(rnd.nextBoolean() ? 40 : 300);
            int from = rnd.nextInt(8);
            int[] a = new int[from + n + 16];
            for (int i = 0; i < a.length; i++) a[i] = rnd.nextInt() | (rnd.nextBoolean() ? Integer.MIN_VALUE : 0);
            int[] run = new int[n];
            int bound = rnd.nextBoolean() ? 4 * n + 1 : Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) run[i] = rnd.nextInt(bound);
            Arrays.sort(run);
            int distinct = 0;
            for (int i = 0; i < n; i++) if (distinct == 0 || run[distinct - 1] != run[i]) run[distinct++] = run[i];
            System.arraycopy(run, 0, a, from, distinct);
            int to = from + distinct;
            for (int probe = 0; probe < 6; probe++) {
                int key = switch (probe) {
                    case 0 -> 0;
                    case 1 -> Integer.MAX_VALUE;
                    case 2 -> distinct > 0 ? run[rnd.nextInt(distinct)] : 5;
                    case 3 -> distinct > 0 ? run[rnd.nextInt(distinct)] + 1 : 6;
                    default -> rnd.nextInt(bound);
                };
                if (key < 0) key = Integer.MAX_VALUE;
                int expected = Arrays.binarySearch(a, from, to, key);
                final int r = round, k = key;
                assertEquals(expected, SortedRuns.search(a, from, to, key),
                        () -> "seed=" + seed + " round=" + r + " key=" + k + " run=" + Arrays.toString(run));
                int lower = expected >= 0 ? expected : -expected - 1;
                assertEquals(lower, SortedRuns.lowerBound(a, from, to, key), () -> "seed=" + seed + " round=" + r);
            }
        }
    }
}
