package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Persistence;
import dev.junction.Relation;
import dev.junction.SyncPolicy;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Recovery of a journal whose last record, a bulk load of N links, was torn in half by a crash: the time
 * {@code Persistence.open} takes to find that nothing valid follows the damage, drop the torn record and open.
 * Recovery must be linear in the journal's size (a search for record headers), so 4M links should cost about
 * four times 1M. Wall-clock, best of five opens of the same directory (re-torn before each).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.junction.jmh.TornRecoveryTiming [links,...] [dir]} (default
 * {@code 1000000,4000000} in the system temporary directory).
 */
public final class TornRecoveryTiming {

    private TornRecoveryTiming() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "1000000,4000000").split(",");
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        for (String size : sizes) {
            int links = Integer.parseInt(size.trim());
            Path dir = Files.createTempDirectory(base, "junction-torn-");
            long[] cut = build(dir, links);
            double best = Double.MAX_VALUE;
            for (int run = 0; run < 5; run++) {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve(journal(dir)).toFile(), "rw")) {
                    f.setLength(cut[1]); // tear the record again (each open cuts it off)
                }
                Junction db = schema();
                long t0 = System.nanoTime();
                Persistence.open(db, dir, SyncPolicy.everyCommit()).close();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                if (db.getRelation("links").ints().size() != 0) throw new AssertionError("the torn load was replayed");
            }
            System.out.printf(Locale.ROOT, "TORN\t%d links\ttorn record %.1f MB of %.1f MB\trecovery %.0f ms (best of 5)%n",
                    links, (cut[1] - cut[0]) / 1e6, (cut[2] - cut[0]) / 1e6, best);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
    }

    private static Junction schema() {
        Junction db = Junction.create();
        LongTable left = db.longTable("l");
        LongTable right = db.longTable("r");
        db.relation("links", left, right);
        return db;
    }

    private static Path journal(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("journal-")).findFirst().orElseThrow()
                    .getFileName();
        }
    }

    /**
     * Journals one bulk load of {@code links} Zipf-free links (a grid of √links lefts × √links rights). Returns
     * {where the record starts, where it is torn, where it ended}.
     */
    private static long[] build(Path dir, int links) throws Exception {
        Junction db = schema();
        LongTable left = (LongTable) db.getTable("l");
        LongTable right = (LongTable) db.getTable("r");
        Relation<?, ?> rel = db.getRelation("links");
        long start;
        try (Persistence p = Persistence.open(db, dir, SyncPolicy.everyCommit())) {
            start = Files.size(dir.resolve(journal(dir)));
            int side = (int) Math.ceil(Math.sqrt(links));
            db.bulkLoad(rel, () -> {
                int[] ls = new int[links];
                int[] rs = new int[links];
                for (int i = 0; i < side; i++) {
                    left.add(i);
                    right.add(i);
                }
                for (int i = 0; i < links; i++) {
                    ls[i] = left.idOf(i / side);
                    rs[i] = right.idOf(i % side);
                }
                rel.ints().linkAll(ls, rs);
            });
        }
        long end = Files.size(dir.resolve(journal(dir)));
        return new long[] {start, start + (end - start) / 2, end};
    }
}
