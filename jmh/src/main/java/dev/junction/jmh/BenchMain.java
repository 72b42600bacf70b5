package dev.junction.jmh;

import dev.junction.jmh.store.Stores;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The comparison driver (main class of {@code benchmarks.jar}): runs the memory harness in a child JVM, then one
 * JMH run (Runner API) per workload × operation × implementation that makes sense, with the GC profiler on so
 * every row also shows allocated bytes per op. Prints progress, then a table of ns/op ± error, ratio to Junction
 * and B/op, and bytes per link; writes the merged JMH JSON, a Markdown table and an SVG chart of the ratios
 * (log scale) to the output directory.
 *
 * <p>Run {@code java -jar benchmarks.jar --help} for the options. Raw JMH stays available:
 * {@code java -cp benchmarks.jar org.openjdk.jmh.Main RelationBench.contains -p impl=junction,csr}.
 */
public final class BenchMain {

    /** Every operation, in table order. {@code bulkBuild} is single-shot, in ms; the others are ns/op. */
    static final List<String> ALL_OPS = List.of("link", "unlinkRelink", "lookupForward", "lookupReverse",
            "lookupReverseHot", "contains", "removeLeft", "bulkBuild");
    static final List<String> DEFAULT_OPS = List.of("link", "unlinkRelink", "lookupForward", "lookupReverse",
            "contains", "bulkBuild");
    /**
     * In the short default run (no --ops/--impls/--full), bulkBuild runs only for these: a single-shot build of
     * the slower peers costs seconds per shot and would blow the few-minute budget.
     */
    static final Set<String> DEFAULT_BULK_IMPLS = Set.of("junction", "junction-typed", "csr", "fastutil");
    private static final List<String> BOXED = List.of("guava", "jgrapht");
    /** Rows whose warm-up iterations last at least 1 s (see {@link #runBench}). */
    static final Set<String> SLOW_TO_WARM = Set.of("junction-typed", "engine");
    /** Rows that allocate per operation, measured on a pre-touched heap (see {@link #heapArgs}). */
    static final Set<String> ALLOCATING = Set.of("junction-typed", "engine", "guava", "jgrapht", "sqlite", "h2");
    private static final Set<String> LOOKUPS = Set.of("lookupForward", "lookupReverse", "lookupReverseHot");

    /**
     * What application code touches beyond the relation's own operations ({@link EngineBench}), each with the
     * benchmark it is compared to in the same run (or null): link column get and set, an association row added
     * and removed, a one-link transaction, and {@value EngineBench#BATCH} links in one transaction against the
     * same links written in place. Run on the first Zipf workload unless {@code --no-engine}.
     */
    static final List<String[]> ENGINE_OPS = List.of(
            new String[] {"rawContains", null},
            new String[] {"columnGet", "rawContains"},
            new String[] {"typedColumnGet", "rawContains"},
            new String[] {"columnSet", "rawContains"},
            new String[] {"typedRowAddRemove", null},
            new String[] {"commitOneLink", null},
            new String[] {"inPlace1000Links", null},
            new String[] {"commit1000Links", "inPlace1000Links"});

    /** One measured row. */
    record Row(String workload, String op, String impl, double score, double error, String unit, double allocNorm) {
    }

    private List<String> workloads = List.of("zipf-1m");
    private List<String> ops = DEFAULT_OPS;
    private List<String> impls = Stores.ALL;
    private List<String> memoryWorkloads = null;
    private int forks = 1;
    private int warmups = 3;
    private int iterations = 3;
    private double seconds = 0.5;
    private boolean shortDefault = true;
    /** Measure the boxed peers' memory at 100k only (short runs); off with --full or an explicit --memory. */
    private boolean boxedMemoryAt100k = true;
    private boolean memory = true;
    private boolean engine = true;
    private String heap = "6g";
    private Path out = Path.of("results");

    private BenchMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        BenchMain main = new BenchMain();
        if (!main.parse(args)) {
            return;
        }
        main.run();
    }

    private static List<String> list(String csv) {
        return Arrays.asList(csv.split(","));
    }

    private boolean parse(String[] args) {
        List<String> sizes = null;
        List<String> datasets = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--full":
                    shortDefault = false;
                    boxedMemoryAt100k = false;
                    sizes = List.of("100k", "1m", "10m");
                    datasets = List.of("debian-tags", "retail-cust-prod");
                    ops = ALL_OPS;
                    forks = 2;
                    warmups = 5;
                    iterations = 5;
                    seconds = 1;
                    memoryWorkloads = List.of("zipf-1m", "zipf-10m");
                    heap = "12g";
                    break;
                case "--alloc":
                    shortDefault = false;
                    ops = List.of("lookupForward", "lookupReverse", "lookupReverseHot", "contains");
                    impls = List.of("junction", "junction-iter", "junction-typed");
                    memory = false;
                    engine = false;
                    break;
                case "--sizes":
                    sizes = list(args[++i]);
                    break;
                case "--data":
                    datasets = list(args[++i]);
                    break;
                case "--workloads":
                    workloads = list(args[++i]);
                    sizes = null;
                    datasets = List.of();
                    break;
                case "--ops":
                    shortDefault = false;
                    String o = args[++i];
                    ops = o.equals("all") ? ALL_OPS : list(o);
                    break;
                case "--impls":
                    shortDefault = false;
                    impls = list(args[++i]);
                    break;
                case "--forks":
                    forks = Integer.parseInt(args[++i]);
                    break;
                case "--warmup":
                    warmups = Integer.parseInt(args[++i]);
                    break;
                case "--iterations":
                    iterations = Integer.parseInt(args[++i]);
                    break;
                case "--time":
                    seconds = Double.parseDouble(args[++i]);
                    break;
                case "--memory":
                    boxedMemoryAt100k = false;
                    memoryWorkloads = list(args[++i]);
                    break;
                case "--no-memory":
                    memory = false;
                    break;
                case "--no-engine":
                    engine = false;
                    break;
                case "--heap":
                    heap = args[++i];
                    break;
                case "--out":
                    out = Path.of(args[++i]);
                    break;
                case "-h":
                case "--help":
                    System.out.println(usage());
                    return false;
                default:
                    throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        if (sizes != null || !datasets.isEmpty()) {
            List<String> w = new ArrayList<>();
            for (String s : sizes == null ? List.<String>of() : sizes) {
                w.add("zipf-" + s.toLowerCase(Locale.ROOT));
            }
            w.addAll(datasets);
            workloads = w;
        }
        for (String op : ops) {
            if (!ALL_OPS.contains(op)) {
                throw new IllegalArgumentException("unknown operation " + op + "; known: " + ALL_OPS);
            }
        }
        for (String impl : impls) {
            if (!Stores.ALL.contains(impl)) {
                throw new IllegalArgumentException("unknown implementation " + impl + "; known: " + Stores.ALL);
            }
        }
        if (memoryWorkloads == null) {
            memoryWorkloads = workloads.stream().filter(w -> w.startsWith("zipf-")).toList();
        }
        return true;
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar benchmarks.jar [options]        (jmh/run.sh passes its arguments here)",
                "  --sizes 100k,1m,10m     generated Zipf workloads by link count (default 1m)",
                "  --data debian-tags,retail-cust-prod   real data sets (combine with --sizes)",
                "  --workloads a,b         explicit workload specs (zipf-<N>, debian-tags, retail-cust-prod)",
                "  --ops a,b|all           operations, default " + String.join(",", DEFAULT_OPS)
                        + " (bulkBuild: junction, csr, fastutil only unless --ops/--impls/--full)",
                "                          all: " + String.join(",", ALL_OPS),
                "  --impls a,b             implementations, default " + String.join(",", Stores.ALL),
                "  --forks N --warmup N --iterations N --time SECONDS   JMH settings (default 1, 3, 3, 0.5)",
                "  --full                  all sizes + real data, all ops, 2 forks, 5+5 iterations of 1s, memory at"
                        + " 1m,10m (hours)",
                "  --alloc                 Junction lookups and contains only, to read gc.alloc.rate.norm (B/op)",
                "  --memory a,b            workloads for the memory harness (default: the Zipf ones run)",
                "  --no-memory             skip the memory harness",
                "  --no-engine             skip the engine rows (link columns, association rows, transactions)",
                "  --heap 6g               -Xmx of the benchmark and memory JVMs",
                "  --out DIR               results directory (default results; run.sh uses jmh/results)",
                "Size limits: sqlite, guava, jgrapht up to " + Stores.maxLinks("sqlite") + " links, h2 up to "
                        + Stores.maxLinks("h2") + "; csr only runs lookups, contains and bulkBuild.");
    }

    /** Whether an implementation runs an operation at a workload. */
    static boolean applies(String impl, String op, String workload) {
        if (Workload.linkCount(workload) > Stores.maxLinks(impl)) {
            return false;
        }
        if (impl.equals("junction-iter")) {
            return LOOKUPS.contains(op);
        }
        if (impl.equals("csr")) {
            return LOOKUPS.contains(op) || op.equals("contains") || op.equals("bulkBuild");
        }
        return true;
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out.resolve("json"));
        for (File stale : out.resolve("json").toFile().listFiles((d, n) -> n.endsWith(".json"))) {
            Files.delete(stale.toPath());
        }
        Files.createDirectories(out.resolve("logs"));
        List<String[]> memoryRows = memory ? runMemory() : List.of();

        List<String[]> plan = new ArrayList<>();
        for (String w : workloads) {
            for (String op : ops) {
                for (String impl : impls) {
                    boolean skipSlowBulk = shortDefault && op.equals("bulkBuild")
                            && !DEFAULT_BULK_IMPLS.contains(impl);
                    if (applies(impl, op, w) && !skipSlowBulk) {
                        plan.add(new String[] {w, op, impl});
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n== JMH: %d runs (%d fork(s), %d warmup + %d measurement iterations of %.1fs;"
                + " bulkBuild single-shot) ==%n", plan.size(), forks, warmups, iterations, seconds);
        List<Row> rows = new ArrayList<>();
        int k = 0;
        for (String[] p : plan) {
            k++;
            System.out.printf(Locale.ROOT, "[%2d/%d %5.0fs] %-16s %-16s %-13s ", k, plan.size(),
                    (System.nanoTime() - start) / 1e9, p[0], p[1], p[2]);
            System.out.flush();
            Row row = runOne(p[0], p[1], p[2]);
            if (row == null) {
                System.out.println("FAILED (see " + out.resolve("logs") + ")");
            } else {
                rows.add(row);
                System.out.printf(Locale.ROOT, "%12s ± %-9s %-6s %s%n", fmt(row.score()), fmt(row.error()),
                        row.unit(), Double.isNaN(row.allocNorm()) ? "" : fmt(row.allocNorm()) + " B/op");
            }
        }
        List<Row> engineRows = new ArrayList<>();
        String engineWorkload = workloads.stream().filter(w -> w.startsWith("zipf-")).findFirst().orElse(null);
        if (engine && engineWorkload != null) {
            System.out.printf(Locale.ROOT, "%n== JMH: engine rows at %s (EngineBench) ==%n", engineWorkload);
            for (String[] e : ENGINE_OPS) {
                System.out.printf(Locale.ROOT, "[%5.0fs] %-16s %-18s ", (System.nanoTime() - start) / 1e9,
                        engineWorkload, e[0]);
                System.out.flush();
                Row row = runBench(EngineBench.class.getName(), e[0], engineWorkload, "engine", null);
                if (row == null) {
                    System.out.println("FAILED (see " + out.resolve("logs") + ")");
                } else {
                    engineRows.add(row);
                    System.out.printf(Locale.ROOT, "%12s ± %-9s %-6s %s%n", fmt(row.score()), fmt(row.error()),
                            row.unit(), Double.isNaN(row.allocNorm()) ? "" : fmt(row.allocNorm()) + " B/op");
                }
            }
        }
        mergeJson();
        String table = Report.table(rows, memoryRows, workloads, ops, impls)
                + Report.engineTable(engineRows, ENGINE_OPS);
        String header = String.format(Locale.ROOT, "Machine: %d CPUs, %s, Java %s (%s). Settings: %d fork(s), "
                        + "%d×%.1fs warmup (junction-typed and the engine rows: at least 1 s each), %d×%.1fs "
                        + "measurement; bulkBuild single-shot (%d warmup, %d measured).%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), forks, warmups, seconds,
                iterations, seconds, warmups, iterations);
        System.out.println();
        System.out.println(header);
        System.out.println(table);
        Files.writeString(out.resolve("results.md"), "# Junction benchmark results\n\n" + header + "\n" + table);
        Files.writeString(out.resolve("chart.svg"), Report.svg(rows, workloads, ops, impls));
        System.out.printf(Locale.ROOT, "Wrote %s, %s, %s (total %.0f s)%n", out.resolve("jmh-results.json"),
                out.resolve("results.md"), out.resolve("chart.svg"), (System.nanoTime() - start) / 1e9);
    }

    private Row runOne(String workload, String op, String impl) {
        boolean bulk = op.equals("bulkBuild");
        String benchClass = bulk ? BulkBuildBench.class.getName() : RelationBench.class.getName();
        return runBench(benchClass, op, workload, impl, impl);
    }

    /**
     * One JMH run of {@code benchClass.op} at {@code workload} ({@code implParam}, if not null, as its
     * {@code impl}); the row is labelled {@code impl}. Null if it failed.
     */
    private Row runBench(String benchClass, String op, String workload, String impl, String implParam) {
        boolean bulk = op.equals("bulkBuild");
        String tag = workload + "_" + op + "_" + impl;
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include("^" + Pattern.quote(benchClass + "." + op) + "$")
                .param("workload", workload)
                .forks(forks)
                .shouldFailOnError(false)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend(heapArgs(impl))
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve("json").resolve(tag + ".json").toString())
                .output(out.resolve("logs").resolve(tag + ".log").toString());
        if (implParam != null) {
            opts.param("impl", implParam);
        }
        if (bulk) {
            opts.warmupIterations(Math.max(1, warmups)).measurementIterations(Math.max(1, iterations));
        } else {
            TimeValue t = TimeValue.milliseconds(Math.round(seconds * 1000));
            // the typed layer's and the engine's deeper call paths are compiled later than a plain loop: with
            // 3 x 0.5 s they were still partly interpreted (a typed lookup measured 3.4 us, 0.5 us after 3 x 1 s)
            TimeValue warm = SLOW_TO_WARM.contains(impl) ? TimeValue.milliseconds(Math.max(1000,
                    Math.round(seconds * 1000))) : t;
            opts.warmupIterations(warmups).warmupTime(warm).measurementIterations(iterations).measurementTime(t);
        }
        Collection<RunResult> results;
        try {
            results = new Runner(opts.build()).run();
        } catch (RunnerException e) {
            return null;
        }
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            return new Row(workload, op, impl, primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
                    alloc == null ? Double.NaN : alloc.getScore());
        }
        return null;
    }

    /**
     * The forked JVM's heap: a pre-touched 2 GB for the rows that allocate per operation (the typed layer, the
     * engine rows, the boxed peers, SQLite), so that they do not pay the page faults of a growing heap; the
     * allocation-free rows skip the pre-touch, which costs seconds per fork on this machine and changes nothing
     * for them.
     */
    private String[] heapArgs(String impl) {
        return ALLOCATING.contains(impl) ? new String[] {"-Xmx" + heap, "-Xms2g", "-XX:+AlwaysPreTouch"}
                : new String[] {"-Xmx" + heap, "-Xms1g"};
    }

    /** Runs {@link MemoryHarness} in a child JVM with the configured heap; returns its parsed rows. */
    private List<String[]> runMemory() throws IOException, InterruptedException {
        System.out.println("== Memory harness (JOL / SQLite pages) at " + memoryWorkloads + " ==");
        List<String> lines = new ArrayList<>();
        if (boxedMemoryAt100k) {
            // JOL walks the millions of boxed objects of Guava and JGraphT at ~1 min each per 1M links; the short
            // run measures those two at 100k (their bytes/link hardly depends on size) to stay within budget.
            List<String> compact = new ArrayList<>(impls);
            compact.removeAll(BOXED);
            List<String> boxed = new ArrayList<>(impls);
            boxed.retainAll(BOXED);
            lines.addAll(memoryHarness(memoryWorkloads, compact));
            if (!boxed.isEmpty()) {
                System.out.println("   (short run: guava and jgrapht measured at zipf-100k; --full or --memory measure them as asked)");
                lines.addAll(memoryHarness(List.of("zipf-100k"), boxed));
            }
        } else {
            lines.addAll(memoryHarness(memoryWorkloads, impls));
        }
        Files.write(out.resolve("memory.tsv"), lines);
        return MemoryHarness.parse(lines);
    }

    private List<String> memoryHarness(List<String> memWorkloads, List<String> memImpls)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Djol.magicFieldOffset=true",
                "-Djdk.attach.allowAttachSelf=true", "-cp", System.getProperty("java.class.path"),
                MemoryHarness.class.getName(), "--workloads", String.join(",", memWorkloads),
                "--impls", String.join(",", memImpls)));
        Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        int rc = process.waitFor();
        if (rc != 0) {
            System.out.println("memory harness exited with " + rc + "; memory rows may be missing");
        }
        return lines;
    }

    /** Concatenates the per-run JSON arrays of this invocation into {@code jmh-results.json}. */
    private void mergeJson() throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        File[] files = out.resolve("json").toFile().listFiles((d, n) -> n.endsWith(".json"));
        Arrays.sort(files == null ? new File[0] : files);
        boolean first = true;
        for (File f : files == null ? new File[0] : files) {
            String s = Files.readString(f.toPath()).trim();
            if (s.length() < 2) {
                continue;
            }
            s = s.substring(1, s.length() - 1).trim();
            if (s.isEmpty()) {
                continue;
            }
            sb.append(first ? "" : ",\n").append(s);
            first = false;
        }
        Files.writeString(out.resolve("jmh-results.json"), sb.append("\n]\n").toString());
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
