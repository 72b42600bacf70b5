package dev.junction.jmh;

import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * A deterministic set of links plus the keys the benchmarks query with. Every implementation gets the same
 * workload, so ids, order and keys are identical across them.
 *
 * <h2>Generated workloads: {@code zipf-<N>} (e.g. {@code zipf-100k}, {@code zipf-1m}, {@code zipf-10m})</h2>
 * <ul>
 *   <li>N links exactly; left ids are dense {@code 0..L-1} with degrees uniform in 1..19 (mean 10, so L ≈ N/10;
 *       the last left is truncated to hit N).</li>
 *   <li>Right domain R = N/10 ids. Each right of a left is drawn from a Zipf law with exponent s = 1 over ranks
 *       1..R (P(k) ∝ 1/k), mapped to an id through a fixed random permutation so popularity is not correlated
 *       with id order. Duplicates within a left are redrawn, so links are unique.</li>
 *   <li>The links are then shuffled: {@link #lefts}/{@link #rights} is the (random) load order.</li>
 *   <li>Everything uses fixed seeds: the same spec always yields the same links.</li>
 * </ul>
 *
 * <h2>Real workloads</h2>
 * {@code debian-tags} (packages × debtags, 109,908 links) and {@code retail-cust-prod} (customers × products,
 * 266,802 links), read from the resources {@code data/…} packed into the jar. String keys get dense ids in order
 * of first appearance in the file; the links are then shuffled with a fixed seed like the generated ones.
 */
public final class Workload {

    private static final long SEED = 0x5EED_1234L;
    private static final Map<String, Workload> CACHE = new ConcurrentHashMap<>();

    /** The workload's spec, e.g. {@code zipf-1m}. */
    public final String spec;
    /** Left id of each link, in load order. */
    public final int[] lefts;
    /** Right id of each link, in load order. */
    public final int[] rights;
    /** Number of left ids (max + 1) and right ids (max + 1). */
    public final int numLefts;
    public final int numRights;
    /** Forward CSR (sorted rights per left): the ground truth used to make keys and restore removed entities. */
    private final int[] fwdOffsets;
    private final int[] fwdTargets;
    /** Degree of each right. */
    private final int[] rightDegree;

    private Workload(String spec, int[] lefts, int[] rights) {
        this.spec = spec;
        this.lefts = lefts;
        this.rights = rights;
        this.numLefts = Arrays.stream(lefts).max().orElse(-1) + 1;
        this.numRights = Arrays.stream(rights).max().orElse(-1) + 1;
        fwdOffsets = new int[numLefts + 1];
        rightDegree = new int[numRights];
        for (int i = 0; i < lefts.length; i++) {
            fwdOffsets[lefts[i] + 1]++;
            rightDegree[rights[i]]++;
        }
        for (int i = 1; i <= numLefts; i++) {
            fwdOffsets[i] += fwdOffsets[i - 1];
        }
        int[] fill = Arrays.copyOf(fwdOffsets, numLefts);
        fwdTargets = new int[lefts.length];
        for (int i = 0; i < lefts.length; i++) {
            fwdTargets[fill[lefts[i]]++] = rights[i];
        }
        for (int l = 0; l < numLefts; l++) {
            Arrays.sort(fwdTargets, fwdOffsets[l], fwdOffsets[l + 1]);
        }
    }

    /** The workload for a spec, built once per JVM and cached. */
    public static Workload get(String spec) {
        return CACHE.computeIfAbsent(spec, Workload::build);
    }

    /** Number of links of a spec without building it (for size limits); -1 if unknown. */
    public static long linkCount(String spec) {
        if (spec.startsWith("zipf-")) {
            return parseCount(spec.substring(5));
        }
        switch (spec) {
            case "debian-tags":
                return 109_908;
            case "retail-cust-prod":
                return 266_802;
            default:
                return -1;
        }
    }

    private static Workload build(String spec) {
        if (spec.startsWith("zipf-")) {
            return zipf(spec, (int) parseCount(spec.substring(5)));
        }
        switch (spec) {
            case "debian-tags":
                return fromResource(spec, "data/debian_package_tags.tsv");
            case "retail-cust-prod":
                return fromResource(spec, "data/online_retail_customer_product.tsv.gz");
            default:
                throw new IllegalArgumentException("unknown workload " + spec
                        + " (zipf-<N> with N like 100k/1m/10m, debian-tags, retail-cust-prod)");
        }
    }

    /** Parses {@code 100k}, {@code 1m}, {@code 20000}. */
    static long parseCount(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k")) {
            mult = 1_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            mult = 1_000_000;
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mult;
    }

    private static Workload zipf(String spec, int n) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int domain = Math.max(10, n / 10);
        double[] cdf = new double[domain];
        double acc = 0;
        for (int k = 0; k < domain; k++) {
            acc += 1.0 / (k + 1);
            cdf[k] = acc;
        }
        int[] permutation = new int[domain];
        for (int i = 0; i < domain; i++) {
            permutation[i] = i;
        }
        shuffle(permutation, null, rnd);
        int[] lefts = new int[n];
        int[] rights = new int[n];
        int count = 0;
        int left = 0;
        int[] row = new int[19];
        while (count < n) {
            int degree = Math.min(1 + rnd.nextInt(19), n - count);
            for (int j = 0; j < degree; j++) {
                int right;
                boolean dup;
                do {
                    int rank = Arrays.binarySearch(cdf, rnd.nextDouble() * acc);
                    rank = rank >= 0 ? rank : Math.min(-rank - 1, domain - 1);
                    right = permutation[rank];
                    dup = false;
                    for (int k = 0; k < j; k++) {
                        dup |= row[k] == right;
                    }
                } while (dup);
                row[j] = right;
                lefts[count] = left;
                rights[count] = right;
                count++;
            }
            left++;
        }
        shuffle(lefts, rights, rnd);
        return new Workload(spec, lefts, rights);
    }

    private static Workload fromResource(String spec, String resource) {
        InputStream raw = Workload.class.getClassLoader().getResourceAsStream(resource);
        if (raw == null) {
            throw new IllegalStateException("resource " + resource + " not on the classpath (jmh/data/ is packed"
                    + " into the jar by the build)");
        }
        Object2IntOpenHashMap<String> leftIds = new Object2IntOpenHashMap<>();
        Object2IntOpenHashMap<String> rightIds = new Object2IntOpenHashMap<>();
        int[] lefts = new int[1 << 16];
        int[] rights = new int[1 << 16];
        int n = 0;
        try (InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine(); // header
            while ((line = reader.readLine()) != null) {
                int tab = line.indexOf('\t');
                int tab2 = line.indexOf('\t', tab + 1);
                String l = line.substring(0, tab);
                String r = tab2 < 0 ? line.substring(tab + 1) : line.substring(tab + 1, tab2);
                if (n == lefts.length) {
                    lefts = Arrays.copyOf(lefts, n * 2);
                    rights = Arrays.copyOf(rights, n * 2);
                }
                lefts[n] = leftIds.computeIfAbsent(l, k -> leftIds.size());
                rights[n] = rightIds.computeIfAbsent(r, k -> rightIds.size());
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lefts = Arrays.copyOf(lefts, n);
        rights = Arrays.copyOf(rights, n);
        shuffle(lefts, rights, new SplittableRandom(SEED));
        return new Workload(spec, lefts, rights);
    }

    /** Fisher–Yates shuffle of one array, or of two parallel arrays in lockstep. */
    private static void shuffle(int[] a, int[] b, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
            if (b != null) {
                t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
        }
    }

    /** Number of links. */
    public int size() {
        return lefts.length;
    }

    /** Whether the pair is one of the workload's links. */
    public boolean hasLink(int left, int right) {
        return left < numLefts
                && Arrays.binarySearch(fwdTargets, fwdOffsets[left], fwdOffsets[left + 1], right) >= 0;
    }

    /** The rights of {@code left}, sorted (a copy). */
    public int[] rightsOf(int left) {
        return Arrays.copyOfRange(fwdTargets, fwdOffsets[left], fwdOffsets[left + 1]);
    }

    /** The right with the most links (lowest id on ties). */
    public int hottestRight() {
        int best = 0;
        for (int r = 1; r < numRights; r++) {
            if (rightDegree[r] > rightDegree[best]) {
                best = r;
            }
        }
        return best;
    }

    /** Degree of a right. */
    public int rightDegree(int right) {
        return rightDegree[right];
    }

    /** {@code count} lefts drawn uniformly among lefts that have links. */
    public int[] randomLefts(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int l;
            do {
                l = rnd.nextInt(numLefts);
            } while (fwdOffsets[l] == fwdOffsets[l + 1]);
            out[i] = l;
        }
        return out;
    }

    /** {@code count} rights drawn uniformly among rights that have links. */
    public int[] randomRights(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int r;
            do {
                r = rnd.nextInt(numRights);
            } while (rightDegree[r] == 0);
            out[i] = r;
        }
        return out;
    }

    /** A permutation of all lefts that have links (for removing distinct entities). */
    public int[] shuffledLefts(long seed) {
        int[] out = new int[numLefts];
        int n = 0;
        for (int l = 0; l < numLefts; l++) {
            if (fwdOffsets[l] < fwdOffsets[l + 1]) {
                out[n++] = l;
            }
        }
        out = Arrays.copyOf(out, n);
        shuffle(out, null, new SplittableRandom(seed));
        return out;
    }

    /** {@code count} existing links picked uniformly: fills {@code outLefts}/{@code outRights}. */
    public void randomLinks(int count, long seed, int[] outLefts, int[] outRights) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int k = rnd.nextInt(lefts.length);
            outLefts[i] = lefts[k];
            outRights[i] = rights[k];
        }
    }

    /**
     * {@code count} distinct pairs that are NOT links: the left of one random link and the right of another, i.e.
     * both drawn in proportion to their degree, so misses and fresh links hit realistic, popular entities.
     */
    public void absentPairs(int count, long seed, int[] outLefts, int[] outRights) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LongOpenHashSet seen = new LongOpenHashSet(count * 2);
        int i = 0;
        while (i < count) {
            int l = lefts[rnd.nextInt(lefts.length)];
            int r = rights[rnd.nextInt(rights.length)];
            if (!hasLink(l, r) && seen.add(((long) l << 32) | r)) {
                outLefts[i] = l;
                outRights[i] = r;
                i++;
            }
        }
    }
}
