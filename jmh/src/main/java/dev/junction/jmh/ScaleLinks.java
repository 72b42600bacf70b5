package dev.junction.jmh;

/**
 * A seeded, Zipf-like set of links that is generated on demand and never held whole: the input of the scale run
 * ({@link ScaleRun}), for any count up to billions.
 *
 * <h2>Shape (the {@code zipf-<N>} {@link Workload}'s, without its tables)</h2>
 * <ul>
 *   <li>Lefts {@code 0..L-1}; left {@code l} has degree {@code 1 + h(l) mod 19} (mean 10) and its row of rights
 *       is a pure function of the seed and {@code l} ({@link #row}), so any left's links can be regenerated later
 *       (for {@code contains} hits) without storing them.</li>
 *   <li>Rights: domain {@code R = N/10}. Each right of a row is a Zipf (s = 1) rank over {@code 1..R}, drawn by
 *       rejection-inversion (Hörmann and Derflinger, 1996: O(1) memory, no CDF table), mapped to an id by the
 *       bijection {@code (rank - 1) * A mod R} (A prime, larger than R), so popularity is not correlated with id
 *       order. Duplicates within a row are redrawn, so links are unique.</li>
 *   <li>Order: rows come left by left, the lefts in a scattered order ({@code j * A' mod L}); {@link ScaleRun}
 *       shuffles the pairs inside each chunk. So every chunk touches lefts and rights from the whole id range,
 *       as a load in primary-key order of a table whose ids were handed out over time; each left's row is in one
 *       chunk, each popular right's links are spread over all of them.</li>
 *   <li>Exactly {@code N} links: the rows are emitted until N links are reached (the last row is cut).</li>
 * </ul>
 */
final class ScaleLinks {

    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;
    /** Primes larger than any domain used here (ids are ints), so multiplication by them permutes {@code [0, m)}. */
    private static final long RIGHT_MULTIPLIER = 2_654_435_761L;
    private static final long LEFT_MULTIPLIER = 2_246_822_519L;
    static final int MAX_DEGREE = 19;

    final long links;
    final long seed;
    final int leftDomain;
    final int rightDomain;

    // Zipf (s = 1) rejection-inversion constants over ranks 1..rightDomain
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double squeeze;

    ScaleLinks(long links, long seed) {
        if (links <= 0 || links / 10 >= Integer.MAX_VALUE) throw new IllegalArgumentException("links " + links);
        this.links = links;
        this.seed = seed;
        this.rightDomain = (int) Math.max(10, links / 10);
        // mean degree 10: a few more lefts than N/10 so the rows surely reach N links
        this.leftDomain = (int) Math.min(Integer.MAX_VALUE - 1, links / 10 + links / 100 + 1000);
        hIntegralX1 = Math.log(1.5) - 1;
        hIntegralN = Math.log(rightDomain + 0.5);
        squeeze = 2 - Math.exp(Math.log(2.5) - 0.5);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** The {@code j}-th left in emission order. */
    int leftAt(long j) {
        return (int) ((j * LEFT_MULTIPLIER) % leftDomain);
    }

    int degreeOf(int left) {
        return 1 + (int) ((mix(seed ^ (left * GOLDEN)) >>> 1) % MAX_DEGREE);
    }

    /** A splitmix64 stream: {@code state[0]} is advanced. */
    private static double nextDouble(long[] state) {
        return (mix(state[0] += GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** A Zipf rank in {@code 1..rightDomain}, mapped to a right id. */
    int zipfRight(long[] state) {
        while (true) {
            double u = hIntegralN + nextDouble(state) * (hIntegralX1 - hIntegralN);
            double x = Math.exp(u);
            int k = (int) (x + 0.5);
            if (k < 1) k = 1;
            else if (k > rightDomain) k = rightDomain;
            if (k - x <= squeeze || u >= Math.log(k + 0.5) - 1.0 / k) {
                return (int) (((k - 1) * RIGHT_MULTIPLIER) % rightDomain);
            }
        }
    }

    /**
     * Writes the rights of {@code left} (distinct, in draw order) to {@code out} and returns how many: the same
     * for the same seed and left, always.
     */
    int row(int left, int[] out) {
        int degree = degreeOf(left);
        long[] state = {seed * 31 + left * GOLDEN};
        for (int j = 0; j < degree; j++) {
            int right;
            boolean dup;
            do {
                right = zipfRight(state);
                dup = false;
                for (int k = 0; k < j; k++) dup |= out[k] == right;
            } while (dup);
            out[j] = right;
        }
        return degree;
    }

    /** Whether {@code (left, right)} is one of the first {@code emittedRows} rows' links. */
    boolean isLink(int left, int right, int[] scratch) {
        int n = row(left, scratch);
        for (int i = 0; i < n; i++) if (scratch[i] == right) return true;
        return false;
    }

    /** Emits the links chunk by chunk, in the order described in the class comment. */
    static final class Stream {
        private final ScaleLinks links;
        private final int[] row = new int[MAX_DEGREE];
        private long nextLeftIndex;
        private int rowPos;
        private int rowLen;
        private int rowLeft;
        private long emitted;

        Stream(ScaleLinks links) {
            this.links = links;
        }

        /** Fills {@code ls}/{@code rs} from index 0; returns how many (0 at the end). */
        int fill(int[] ls, int[] rs) {
            int n = 0;
            while (n < ls.length && emitted < links.links) {
                if (rowPos == rowLen) {
                    rowLeft = links.leftAt(nextLeftIndex++);
                    rowLen = links.row(rowLeft, row);
                    rowPos = 0;
                }
                ls[n] = rowLeft;
                rs[n] = row[rowPos++];
                n++;
                emitted++;
            }
            return n;
        }

        /** Lefts emitted so far (the rows begun). */
        long rowsBegun() {
            return nextLeftIndex;
        }
    }
}
