package dev.junction.jmh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Driver of {@link ConcurrentReadBench} ({@code bash jmh/run.sh --concurrency}): runs every read operation for
 * {@code raw} and {@code shared} at 1 and 2 threads (and, for {@code shared}, reads under a background writer),
 * with the GC profiler, then prints and writes ({@code concurrency.md}) three tables: the uncontended cost of the
 * thread-safe facade (shared/raw time per op), the thread scaling of each implementation (throughput at N threads
 * / at 1), and the read throughput under a concurrent writer. JSON and logs go to {@code <out>/concurrency/}.
 *
 * <p>Run {@code java -cp benchmarks.jar dev.junction.jmh.ConcurrencyMain --help} for the options.
 */
public final class ConcurrencyMain {

    static final List<String> READ_OPS = List.of("contains", "degreeOfLeft", "forEachRight", "forEachLeft");
    static final List<String> WRITER_OPS = List.of("containsUnderWriter", "forEachRightUnderWriter");
    static final List<String> IMPLS = List.of("raw", "shared");

    /** One measured row: throughput (ops/µs, all threads together) ± error, and allocation per op. */
    record Row(String op, String impl, int threads, double score, double error, double allocNorm) {
        /** Time per op seen by one thread, ns. */
        double nsPerOp() {
            return threads * 1000.0 / score;
        }

        double nsError() {
            return nsPerOp() * error / score;
        }
    }

    private String workload = "zipf-1m";
    private List<Integer> threads = List.of(1, 2);
    private List<String> ops = READ_OPS;
    private int forks = 1;
    private int warmups = 3;
    private int iterations = 5;
    private double seconds = 1;
    private boolean writer = true;
    private boolean control = true;
    private int writerPauseUs = 50;
    private String heap = "4g";
    private Path out = Path.of("results");
    /** Runs that started while other processes kept the CPUs busy. */
    private final List<String> busyNotes = new ArrayList<>();

    private ConcurrencyMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        ConcurrencyMain main = new ConcurrencyMain();
        if (main.parse(args)) {
            main.run();
        }
    }

    private boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workload" -> workload = args[++i];
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--ops" -> ops = List.of(args[++i].split(","));
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmups = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--time" -> seconds = Double.parseDouble(args[++i]);
                case "--no-writer" -> writer = false;
                case "--no-control" -> control = false;
                case "--writer-pause-us" -> writerPauseUs = Integer.parseInt(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
            }
        }
        for (String op : ops) {
            if (!READ_OPS.contains(op)) {
                throw new IllegalArgumentException("unknown operation " + op + "; known: " + READ_OPS);
            }
        }
        if (threads.isEmpty() || threads.get(0) != 1) {
            throw new IllegalArgumentException("--threads must start with 1 (the baseline of the scaling ratios)");
        }
        return true;
    }

    static String usage() {
        return String.join("\n",
                "usage: bash jmh/run.sh --concurrency [options]   (or java -cp benchmarks.jar dev.junction.jmh.ConcurrencyMain)",
                "  --workload zipf-1m        workload spec (default zipf-1m)",
                "  --threads 1,2             reader thread counts, first must be 1 (default 1,2)",
                "  --ops a,b                 of " + String.join(",", READ_OPS) + " (default all)",
                "  --forks N --warmup N --iterations N --time SECONDS   JMH settings (default 1, 3, 5, 1)",
                "  --no-writer               skip the reads-under-a-concurrent-writer runs",
                "  --no-control              skip StampedControlBench (raw index in a bare optimistic read, 1 thread)",
                "  --writer-pause-us N       pause of the background writer between commits (default 50)",
                "  --heap 4g                 -Xmx of the benchmark JVMs",
                "  --out DIR                 results directory (default results; run.sh uses jmh/results)");
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        Path dir = out.resolve("concurrency");
        Files.createDirectories(dir.resolve("json"));
        Files.createDirectories(dir.resolve("logs"));
        for (File stale : dir.resolve("json").toFile().listFiles((d, n) -> n.endsWith(".json"))) {
            Files.delete(stale.toPath());
        }
        List<Row> rows = new ArrayList<>();
        List<String[]> writerRates = new ArrayList<>(); // op, threads, commits/s
        long writerRuns = writer ? WRITER_OPS.stream().filter(o -> ops.contains(o.replace("UnderWriter", ""))).count() : 0;
        int runs = (int) (threads.size() * (1 + writerRuns)) + (control ? 1 : 0);
        System.out.printf(Locale.ROOT, "== ConcurrentReadBench on %s: %d JMH runs (%d fork(s), %d×%.1fs warmup, "
                + "%d×%.1fs measurement) ==%n", workload, runs, forks, warmups, seconds, iterations, seconds);
        int k = 0;
        if (control) {
            k++;
            System.out.printf(Locale.ROOT, "[%d/%d %5.0fs] control (StampedControlBench), 1 thread: %s%n", k, runs,
                    (System.nanoTime() - start) / 1e9, ops);
            rows.addAll(runJmh(StampedControlBench.class.getName(), dir, "control-t1", ops, List.of(), 1));
        }
        for (int t : threads) {
            k++;
            System.out.printf(Locale.ROOT, "[%d/%d %5.0fs] reads, %d thread(s): %s × %s%n", k, runs,
                    (System.nanoTime() - start) / 1e9, t, ops, IMPLS);
            rows.addAll(runJmh(dir, "reads-t" + t, ops, IMPLS, t));
            if (!writer) {
                continue;
            }
            for (String op : WRITER_OPS) {
                if (!ops.contains(op.replace("UnderWriter", ""))) {
                    continue;
                }
                k++;
                System.out.printf(Locale.ROOT, "[%d/%d %5.0fs] %s, shared, %d reader thread(s) + writer%n", k, runs,
                        (System.nanoTime() - start) / 1e9, op, t);
                String tag = op + "-t" + t;
                Path rateFile = dir.resolve("logs").resolve(tag + ".writer.txt");
                Files.deleteIfExists(rateFile);
                rows.addAll(runJmh(dir, tag, List.of(op), List.of("shared"), t,
                        "-D" + ConcurrentReadBench.BackgroundWriter.RATE_FILE_PROPERTY + "=" + rateFile.toAbsolutePath()));
                writerRates.add(new String[] {op, Integer.toString(t), writerRate(rateFile)});
            }
        }
        mergeJson(dir.resolve("json"), out.resolve("concurrency-results.json"));
        String header = String.format(Locale.ROOT, "Machine: %d CPUs, %s, Java %s (%s). Workload %s. Settings: %d "
                        + "fork(s), %d×%.1fs warmup, %d×%.1fs measurement, Mode.Throughput.%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), workload, forks, warmups,
                seconds, iterations, seconds);
        String table = table(rows, writerRates);
        if (!busyNotes.isEmpty()) {
            table += "\n**Disturbed runs** (other processes were using the CPUs; rerun when the machine is idle):\n\n- "
                    + String.join("\n- ", busyNotes) + "\n";
        }
        System.out.println();
        System.out.println(header);
        System.out.println(table);
        Files.writeString(out.resolve("concurrency.md"), "# Junction concurrent reads\n\n" + header + "\n" + table);
        System.out.printf(Locale.ROOT, "Wrote %s, %s (total %.0f s)%n", out.resolve("concurrency.md"),
                out.resolve("concurrency-results.json"), (System.nanoTime() - start) / 1e9);
    }

    private List<Row> runJmh(Path dir, String tag, List<String> benchOps, List<String> impls, int t,
            String... jvmArgs) {
        return runJmh(ConcurrentReadBench.class.getName(), dir, tag, benchOps, impls, t, jvmArgs);
    }

    /** Runs {@code benchOps} of {@code benchClass}; impls empty = the class has no impl parameter (the control). */
    private List<Row> runJmh(String benchClass, Path dir, String tag, List<String> benchOps, List<String> impls, int t,
            String... jvmArgs) {
        double busy = busyCores();
        if (busy > 0.25) {
            String note = String.format(Locale.ROOT, "%s: %.1f cores were busy with other processes just before it",
                    tag, busy);
            busyNotes.add(note);
            System.out.println("    WARNING " + note + "; its results may be disturbed");
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xms1g"));
        jvm.addAll(List.of(jvmArgs)); // one jvmArgsAppend call: a second one would replace the first
        OptionsBuilder opts = new OptionsBuilder();
        opts.include("^" + Pattern.quote(benchClass + ".") + "(" + String.join("|", benchOps) + ")$")
                .param("workload", workload)
                .param("writerPauseUs", Integer.toString(writerPauseUs))
                .threads(t)
                .forks(forks)
                .shouldFailOnError(false)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend(jvm.toArray(new String[0]))
                .warmupIterations(warmups)
                .warmupTime(TimeValue.milliseconds(Math.round(seconds * 1000)))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(Math.round(seconds * 1000)))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("json").resolve(tag + ".json").toString())
                .output(dir.resolve("logs").resolve(tag + ".log").toString());
        if (!impls.isEmpty()) {
            opts.param("impl", impls.toArray(new String[0]));
        }
        Collection<RunResult> results;
        try {
            results = new Runner(opts.build()).run();
        } catch (RunnerException e) {
            System.out.println("   FAILED (see " + dir.resolve("logs").resolve(tag + ".log") + "): " + e.getMessage());
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String op = bench.substring(bench.lastIndexOf('.') + 1);
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            String impl = impls.isEmpty() ? "control" : r.getParams().getParam("impl");
            Row row = new Row(op, impl, r.getParams().getThreads(), primary.getScore(),
                    primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore());
            rows.add(row);
            System.out.printf(Locale.ROOT, "    %-24s %-6s t=%d %10s ± %-8s ops/µs  %8s ns/op/thread  %s B/op%n",
                    row.op(), row.impl(), t, fmt(row.score()), fmt(row.error()), fmt(row.nsPerOp()),
                    fmt(row.allocNorm()));
        }
        return rows;
    }

    /**
     * CPU cores kept busy by anything over one second (from {@code /proc/stat}; the driver itself is idle while it
     * samples), or 0 where that file does not exist. On a shared 2-core machine a busy neighbour ruins the
     * 2-thread numbers, so each run is preceded by this check.
     */
    private static double busyCores() {
        try {
            long[] a = cpuTicks();
            Thread.sleep(1000);
            long[] b = cpuTicks();
            long total = b[0] - a[0];
            return total <= 0 ? 0 : (double) (b[1] - a[1]) / total * Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {total, busy} ticks of the first line of /proc/stat. */
    private static long[] cpuTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
        return new long[] {total, total - idle};
    }

    /** The commit rate the background writer wrote at teardown (see ConcurrentReadBench.BackgroundWriter). */
    private static String writerRate(Path file) {
        try {
            if (!Files.exists(file)) {
                return "?";
            }
            Matcher m = Pattern.compile("background-writer: \\d+ commits in [0-9.]+ s = (\\d+) commits/s"
                    + "(?: \\([0-9]+ wake-ups/s; ([0-9.]+) µs per write call)?")
                    .matcher(Files.readString(file));
            String rate = "?";
            while (m.find()) {
                rate = m.group(1) + (m.group(2) == null ? "" : " (" + m.group(2) + " µs/write)");
            }
            return rate;
        } catch (IOException e) {
            return "?";
        }
    }

    private static Row find(List<Row> rows, String op, String impl, int threads) {
        for (Row r : rows) {
            if (r.op().equals(op) && r.impl().equals(impl) && r.threads() == threads) {
                return r;
            }
        }
        return null;
    }

    /** Ratio a/b with the first-order error from both relative errors. */
    private static String ratio(double a, double ea, double b, double eb) {
        double q = a / b;
        double e = q * Math.sqrt(Math.pow(ea / a, 2) + Math.pow(eb / b, 2));
        return Double.isNaN(e) ? String.format(Locale.ROOT, "%.2f×", q)
                : String.format(Locale.ROOT, "%.2f× ± %.2f", q, e);
    }

    private String table(List<Row> rows, List<String[]> writerRates) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Uncontended cost of the thread-safe facade (1 thread)\n\n");
        sb.append("| operation    | raw ns/op        | shared ns/op     | shared/raw time | raw B/op | shared B/op |"
                + " control ns/op    | control/raw time |\n");
        sb.append("|--------------|-----------------:|-----------------:|----------------:|---------:|------------:|"
                + "-----------------:|-----------------:|\n");
        for (String op : ops) {
            Row raw = find(rows, op, "raw", 1);
            Row sh = find(rows, op, "shared", 1);
            Row ctl = find(rows, op, "control", 1);
            if (raw == null || sh == null) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %-12s | %16s | %16s | %15s | %8s | %11s | %16s | %16s |%n", op,
                    fmt(raw.nsPerOp()) + " ± " + fmt(raw.nsError()), fmt(sh.nsPerOp()) + " ± " + fmt(sh.nsError()),
                    ratio(raw.score(), raw.error(), sh.score(), sh.error()), fmt(raw.allocNorm()),
                    fmt(sh.allocNorm()), ctl == null ? "" : fmt(ctl.nsPerOp()) + " ± " + fmt(ctl.nsError()),
                    ctl == null ? "" : ratio(raw.score(), raw.error(), ctl.score(), ctl.error())));
        }
        sb.append("\nshared/raw time = raw throughput / shared throughput; the goal is ≤ 1.10×. control = the raw index"
                + " read inside a bare StampedLock optimistic read (StampedControlBench): the floor of validated reads"
                + " (lookups there call the sink on unvalidated data, cost only).\n\n");

        sb.append("### Read throughput scaling (ops/µs, all threads together)\n\n");
        StringBuilder head = new StringBuilder("| operation    | impl   |");
        StringBuilder rule = new StringBuilder("|--------------|--------|");
        for (int t : threads) {
            head.append(String.format(Locale.ROOT, " %16s |", t + " thread" + (t == 1 ? "" : "s")));
            rule.append("-----------------:|");
        }
        for (int t : threads.subList(1, threads.size())) {
            head.append(String.format(Locale.ROOT, " %14s |", t + "t / 1t"));
            rule.append("---------------:|");
        }
        sb.append(head).append('\n').append(rule).append('\n');
        for (String op : ops) {
            for (String impl : IMPLS) {
                Row one = find(rows, op, impl, 1);
                if (one == null) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %-12s | %-6s |", op, impl));
                for (int t : threads) {
                    Row r = find(rows, op, impl, t);
                    sb.append(String.format(Locale.ROOT, " %16s |",
                            r == null ? "" : fmt(r.score()) + " ± " + fmt(r.error())));
                }
                for (int t : threads.subList(1, threads.size())) {
                    Row r = find(rows, op, impl, t);
                    sb.append(String.format(Locale.ROOT, " %14s |",
                            r == null ? "" : ratio(r.score(), r.error(), one.score(), one.error())));
                }
                sb.append('\n');
            }
        }
        sb.append("\nThe goal for shared is 2t/1t ≥ 1.7× on 2 cores; raw shows what the machine allows.\n\n");

        if (!writerRates.isEmpty()) {
            sb.append("### Reads under a concurrent writer (shared; one extra background thread commits single "
                    + "link/unlink writes)\n\n");
            sb.append("| operation    | reader threads | no writer ops/µs | under writer ops/µs | under/no writer | "
                    + "writer commits/s |\n");
            sb.append("|--------------|---------------:|-----------------:|--------------------:|----------------:|"
                    + "-----------------:|\n");
            for (String[] w : writerRates) {
                String op = w[0];
                int t = Integer.parseInt(w[1]);
                String readOp = op.replace("UnderWriter", "");
                Row base = find(rows, readOp, "shared", t);
                Row under = find(rows, op, "shared", t);
                if (under == null) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %-12s | %14d | %16s | %19s | %15s | %16s |%n", readOp, t,
                        base == null ? "" : fmt(base.score()) + " ± " + fmt(base.error()),
                        fmt(under.score()) + " ± " + fmt(under.error()),
                        base == null ? "" : ratio(under.score(), under.error(), base.score(), base.error()), w[2]));
            }
            sb.append(String.format(Locale.ROOT, "%nThe writer pauses %d µs between commits (LockSupport.parkNanos, "
                    + "so the real period is longer); it is one more runnable thread, so with 2 readers on 2 cores "
                    + "it also takes CPU from them.%n", writerPauseUs));
        }
        return sb.toString();
    }

    private static void mergeJson(Path jsonDir, Path target) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        File[] files = jsonDir.toFile().listFiles((d, n) -> n.endsWith(".json"));
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
        Files.writeString(target, sb.append("\n]\n").toString());
    }

    private static String fmt(double v) {
        return BenchMain.fmt(v);
    }
}
