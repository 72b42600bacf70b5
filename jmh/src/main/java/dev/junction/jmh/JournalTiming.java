package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Persistence;
import dev.junction.Relation;
import dev.junction.SyncPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Commit throughput with and without a journal: each commit links one new pair (a small transaction, the worst
 * case for a journal). Modes: in memory (no journal), journal with {@link SyncPolicy#everyCommit()}, group
 * commit forcing back to back ({@code Duration.ZERO}) and with at most one force per 2 ms, from 1 and 4
 * committing threads. Wall-clock for a fixed number of seconds per mode;
 * the journal is on the file system of {@code dir} (default: the system temporary directory, which may be a
 * RAM-backed file system where a force costs little: pass a directory on the disk you care about).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.junction.jmh.JournalTiming [seconds] [dir]}.
 */
public final class JournalTiming {

    private JournalTiming() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        for (String mode : List.of("memory", "every", "group", "group-2ms")) {
            for (int threads : new int[] {1, 4}) {
                Path dir = Files.createTempDirectory(base, "junction-journal-");
                double rate = run(mode, threads, seconds, dir);
                System.out.printf(Locale.ROOT, "JOURNAL\t%s\tthreads=%d\t%.0f commits/s\t%.1f us/commit%n", mode,
                        threads, rate, 1e6 / rate);
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
                }
            }
        }
    }

    private static double run(String mode, int threads, double seconds, Path dir) throws Exception {
        Junction db = Junction.create();
        LongTable left = db.longTable("l");
        LongTable right = db.longTable("r");
        Relation<Long, Long> rel = db.relation("links", left, right);
        Persistence p = mode.equals("memory") ? null : Persistence.open(db, dir, switch (mode) {
            case "every" -> SyncPolicy.everyCommit();
            case "group" -> SyncPolicy.groupCommit(Duration.ZERO);
            default -> SyncPolicy.groupCommit(Duration.ofMillis(2));
        });
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long[] counts = new long[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < deadline) {
                    long k = n * threads + id;
                    rel.link(k, k % 1000);
                    n++;
                }
                counts[id] = n;
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) w.join();
        if (p != null) p.close();
        long total = 0;
        for (long c : counts) total += c;
        return total / seconds;
    }
}
