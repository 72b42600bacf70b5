package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Inspect verify}: exit codes and output on good, truncated and corrupted snapshots, journals and directories. */
class InspectTest {

    @TempDir
    Path dir;

    /** The exit code and what was printed. */
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Inspect.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void says(Result r, int code, String... parts) {
        assertEquals(code, r.code(), r.toString());
        for (String p : parts) assertTrue(r.out().contains(p) || r.err().contains(p), r + " should say " + p);
    }

    private Path golden(String name, Path to) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            Files.createDirectories(to.getParent());
            Files.write(to, in.readAllBytes());
        }
        return to;
    }

    @Test
    void usageErrorsExitWith2() {
        says(run(), 2, "usage");
        says(run("check", dir.toString()), 2, "usage");
        says(run("verify"), 2, "usage");
        says(run("verify", dir.resolve("missing").toString()), 2, "no such file");
    }

    @Test
    void aGoodSnapshotIsListedWithoutItsCodecs() throws IOException {
        SnapshotTest.World w = SnapshotTest.World.sample();
        Path file = dir.resolve("db.snap");
        w.db.save(file);
        says(run("verify", file.toString()), 0, "format " + PersistenceFormat.SNAPSHOT_VERSION + ", intact",
                "table 'tags': " + w.tags.size() + " entities", "relation 'tagged': " + w.tagged.ints().size()
                        + " links", "association table 'loans': " + w.loans.size() + " rows",
                "dev.junction.SnapshotTest$Book (codec)", "OK");
        says(run("verify", golden(GoldenFormatTest.SNAPSHOT_V1, dir.resolve("v1.snap")).toString()), 0, "format 1");
    }

    @Test
    void aTruncatedOrCorruptedSnapshotExitsWith1() throws IOException {
        Path file = dir.resolve("db.snap");
        SnapshotTest.World.sample().db.save(file);
        byte[] good = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.snap");
        Files.write(cut, Arrays.copyOf(good, good.length - 7));
        says(run("verify", cut.toString()), 1, "DAMAGED", "truncated");
        for (int at : new int[] {12, PersistenceFormat.SNAPSHOT_HEADER + 3, good.length / 2, good.length - 2}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Path f = dir.resolve("bad-" + at + ".snap");
            Files.write(f, bad);
            says(run("verify", f.toString()), 1, "DAMAGED", "checksum");
        }
        Path other = dir.resolve("other.txt");
        Files.writeString(other, "hello, world");
        says(run("verify", other.toString()), 1, "not a Junction snapshot or journal");
    }

    @Test
    void journalsOfEveryVersionAreChecked() throws IOException {
        for (String name : List.of(GoldenFormatTest.JOURNAL, GoldenFormatTest.JOURNAL_V3, GoldenFormatTest.JOURNAL_V2)) {
            Path f = golden(name, dir.resolve(name));
            says(run("verify", f.toString()), 0, "generation 0", "intact", "OK");
        }
        Path only = golden(GoldenFormatTest.JOURNAL, Persistence.journalFile(dir.resolve("only"), 0));
        says(run("verify", only.getParent().toString()), 0, "not replayed", "no snapshot");
    }

    /** A directory with a snapshot (a checkpoint) and a journal of later commits, all of built-in values. */
    private Path dataDir() throws IOException {
        Path where = dir.resolve("data");
        BuiltinValuesTest.Types t = new BuiltinValuesTest.Types();
        try (Persistence p = Persistence.open(t.db, where, SyncPolicy.everyCommit())) {
            BuiltinValuesTest.script(t);
            p.checkpoint();
            t.ids.add(1000);
            t.things.add("after the checkpoint");
            t.about.link("after the checkpoint", 1000L);
        }
        return where;
    }

    private static TreeMap<String, String> contents(Path where) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(where)) {
            for (Path f : s.toList()) files.put(f.getFileName().toString(), Arrays.toString(Files.readAllBytes(f)));
        }
        return files;
    }

    @Test
    void aGoodDirectoryIsRecoveredOnACopyAndLeftUntouched() throws IOException {
        Path where = dataDir();
        TreeMap<String, String> before = contents(where);
        Result r = run("verify", where.toString());
        says(r, 0, "snapshot " + Persistence.snapshotFile(where, 1), "journal " + Persistence.journalFile(where, 1),
                "3 records", "recovered (strict, on a copy)", "3 records replayed", "table 'things': "
                        + (BuiltinValuesTest.samples().size()) + " entities", "OK");
        assertEquals(before, contents(where), "verify wrote to the directory");
    }

    @Test
    void aTornJournalEndExitsWith1AndSaysRecoveryDropsIt() throws IOException {
        Path where = dataDir();
        Path journal = Persistence.journalFile(where, 1);
        byte[] b = Files.readAllBytes(journal);
        Files.write(journal, Arrays.copyOf(b, b.length - 5));
        says(run("verify", where.toString()), 1, "DAMAGED", "never forced");
    }

    @Test
    void aCorruptedForcedRecordExitsWith1() throws IOException {
        Path where = dataDir();
        Path journal = Persistence.journalFile(where, 1);
        byte[] b = Files.readAllBytes(journal);
        b[24 + PersistenceFormat.RECORD_HEADER + 1] ^= 0x01; // the first record's payload; later records say it was forced
        Files.write(journal, b);
        says(run("verify", where.toString()), 1, "DAMAGED", "strict recovery refuses it");
        says(run("verify", journal.toString()), 1, "DAMAGED");
    }

    @Test
    void aDamagedSnapshotInADirectoryExitsWith1() throws IOException {
        Path where = dataDir();
        Path snap = Persistence.snapshotFile(where, 1);
        byte[] b = Files.readAllBytes(snap);
        b[b.length / 3] ^= 0x40;
        Files.write(snap, b);
        says(run("verify", where.toString()), 1, "DAMAGED");
        assertArrayEquals(b, Files.readAllBytes(snap));
    }
}
