package dev.junction.jmh;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall-clock timing of {@link Junction#save} and {@link Junction#load} for a whole engine: two {@code LongTable}s
 * (ids for every entity of the workload) and one relation holding the workload's links. A save or a load is a
 * single multi-second operation that includes I/O, so this is a timing harness, not a JMH benchmark: each is
 * repeated (default 5 times, after 1 warm-up) and the minimum and median are reported, with the file size.
 * {@code save} includes the fsync of the file and of its directory; {@code load} reads the file (from the page
 * cache after the save), checks it, and builds the engine.
 *
 * <p>Usage: {@code java -Xmx12g -cp benchmarks.jar dev.junction.jmh.SnapshotTiming [workload] [repeats] [dir]}
 * (defaults {@code zipf-10m}, 5, the system temporary directory).
 */
public final class SnapshotTiming {

    private SnapshotTiming() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        String spec = args.length > 0 ? args[0] : "zipf-10m";
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty(
                "java.io.tmpdir")), "junction-snapshot-");
        Workload w = Workload.get(spec);
        Junction db = schema();
        LongTable lefts = (LongTable) db.getTable("lefts");
        LongTable rights = (LongTable) db.getTable("rights");
        for (int i = 0; i < w.numLefts; i++) lefts.add(i);
        for (int i = 0; i < w.numRights; i++) rights.add(i);
        db.getRelation("links").ints().linkAll(w.lefts, w.rights);
        Path file = dir.resolve("engine.snap");
        long[] save = new long[repeats];
        long[] load = new long[repeats];
        for (int r = -1; r < repeats; r++) {
            long t0 = System.nanoTime();
            db.save(file);
            long t1 = System.nanoTime();
            Junction back = schema();
            long t2 = System.nanoTime();
            back.load(file);
            long t3 = System.nanoTime();
            if (back.getRelation("links").size() != w.size()) {
                throw new AssertionError("loaded " + back.getRelation("links").size() + " links of " + w.size());
            }
            if (r >= 0) {
                save[r] = t1 - t0;
                load[r] = t3 - t2;
            }
            System.gc();
        }
        long bytes = Files.size(file);
        Files.delete(file);
        Files.delete(dir);
        System.out.printf(Locale.ROOT, "SNAPSHOT\t%s\tlinks=%d\tentities=%d\tbytes=%d\tbytes/link=%.2f%n", spec,
                w.size(), w.numLefts + w.numRights, bytes, (double) bytes / w.size());
        System.out.printf(Locale.ROOT, "SNAPSHOT\tsave\tmin=%.0f ms\tmedian=%.0f ms%n", min(save) / 1e6, median(save) / 1e6);
        System.out.printf(Locale.ROOT, "SNAPSHOT\tload\tmin=%.0f ms\tmedian=%.0f ms%n", min(load) / 1e6, median(load) / 1e6);
    }

    private static Junction schema() {
        Junction db = Junction.create();
        LongTable l = db.longTable("lefts");
        LongTable r = db.longTable("rights");
        Relation<Long, Long> links = db.relation("links", l, r);
        return links.leftTable().junction();
    }

    private static long min(long[] a) {
        return Arrays.stream(a).min().orElse(0);
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
