package dev.junction.jmh;

import dev.junction.jmh.store.CsrStore;
import dev.junction.jmh.store.FastutilStore;
import dev.junction.jmh.store.GuavaStore;
import dev.junction.jmh.store.JGraphTStore;
import dev.junction.jmh.store.JunctionStore;
import dev.junction.jmh.store.LinkStore;
import dev.junction.jmh.store.SqliteStore;
import dev.junction.jmh.store.Stores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained memory per link of each implementation, for a workload loaded exactly as the benchmarks load it.
 *
 * <h2>Methodology</h2>
 * <ul>
 *   <li>In-heap structures (Junction, CSR, fastutil, Guava, JGraphT): JOL
 *       {@code GraphLayout.parseInstance(roots).totalSize()}, the exact shallow size of every object reachable from
 *       the structure's roots (both directions: both Guava multimaps, both fastutil arrays, both CSR sides).
 *       Boxed {@code Integer}s from the JVM's small-integer cache count too, which slightly flatters Guava and
 *       JGraphT.</li>
 *   <li>SQLite: {@code PRAGMA page_count × page_size} of the in-memory database (table plus reverse index),
 *       which lives outside the Java heap.</li>
 *   <li>H2: JOL cannot isolate the table from the engine, so this is the drop in used heap after full GCs
 *       ({@code heapΔ}) between an empty database and the loaded one: approximate.</li>
 * </ul>
 * Output: one line per measurement, {@code MEM<TAB>workload<TAB>impl<TAB>bytes<TAB>links<TAB>bytesPerLink<TAB>method},
 * which {@link BenchMain} parses.
 *
 * <p>Usage: {@code java -Xmx12g -cp benchmarks.jar dev.junction.jmh.MemoryHarness [--workloads zipf-1m,zipf-10m]
 * [--impls junction,csr,...]}. Implementations beyond their size limit ({@link Stores#maxLinks}) or with
 * nothing to measure ({@code junction-iter} is the same structure as {@code junction}; {@code junction-typed} is that index plus the
 * engine's tables, whose cost per entity {@code ColumnMemory} measures) are skipped.
 */
public final class MemoryHarness {

    private MemoryHarness() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        List<String> workloads = List.of("zipf-1m");
        List<String> impls = Stores.ALL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workloads":
                    workloads = Arrays.asList(args[++i].split(","));
                    break;
                case "--impls":
                    impls = Arrays.asList(args[++i].split(","));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String workload : workloads) {
            Workload data = Workload.get(workload);
            for (String impl : impls) {
                if (impl.equals("junction-iter") || impl.equals("junction-typed") || Workload.linkCount(workload) > Stores.maxLinks(impl)) {
                    continue;
                }
                long start = System.nanoTime();
                String[] result = measure(impl, data);
                long bytes = Long.parseLong(result[0]);
                System.out.printf(Locale.ROOT, "MEM\t%s\t%s\t%d\t%d\t%.2f\t%s%n", workload, impl, bytes, data.size(),
                        (double) bytes / data.size(), result[1]);
                System.err.printf(Locale.ROOT, "  memory %-14s %-10s %8.2f B/link (%s, %.1f s)%n", workload, impl,
                        (double) bytes / data.size(), result[1], (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Returns {bytes, method}. */
    private static String[] measure(String impl, Workload data) {
        if (impl.equals("h2")) {
            LinkStore store = Stores.create(impl);
            long empty = usedHeap();
            store.bulkLoad(data.lefts, data.rights);
            long loaded = usedHeap();
            store.close();
            return new String[] {Long.toString(Math.max(0, loaded - empty)), "heapΔ"};
        }
        LinkStore store = Stores.create(impl);
        store.bulkLoad(data.lefts, data.rights);
        try {
            if (store instanceof SqliteStore) {
                return new String[] {Long.toString(((SqliteStore) store).databaseBytes()), "pages"};
            }
            Object[] roots;
            if (store instanceof JunctionStore) {
                roots = new Object[] {((JunctionStore) store).relation()};
            } else if (store instanceof CsrStore) {
                roots = ((CsrStore) store).roots();
            } else if (store instanceof FastutilStore) {
                roots = ((FastutilStore) store).roots();
            } else if (store instanceof GuavaStore) {
                roots = ((GuavaStore) store).roots();
            } else if (store instanceof JGraphTStore) {
                roots = new Object[] {((JGraphTStore) store).graph()};
            } else {
                throw new IllegalArgumentException("no memory method for " + impl);
            }
            return new String[] {Long.toString(GraphLayout.parseInstance(roots).totalSize()), "JOL"};
        } finally {
            store.close();
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** Parses the harness' output lines (others are ignored). */
    static List<String[]> parse(List<String> lines) {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("MEM\t")) {
                out.add(line.substring(4).split("\t"));
            }
        }
        return out;
    }
}
