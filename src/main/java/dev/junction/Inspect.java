package dev.junction;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The command-line check of Junction files, with the same code that loads and recovers them and without writing
 * to them: {@code java -cp junction.jar:fastutil.jar dev.junction.Inspect verify PATH}, where {@code PATH} is a
 * snapshot, a journal or a {@link Persistence} directory. It prints each file's parts and counts, and exits with 0
 * if everything is intact, 1 if something is damaged (or is not a Junction file), 2 on a usage error.
 *
 * <ul>
 *   <li>A snapshot is checked completely ({@link Snapshot#describe}: checksums, structure, every value; values of
 *       classes not on the class path are skipped, their bytes still checksummed).</li>
 *   <li>A journal's framing is checked (header, every record's checksums and sequence number); any damage is
 *       reported with whether strict recovery would refuse it (forced) or drop it (a torn, never forced end).</li>
 *   <li>A directory: each of its snapshots and journals as above; then, if its newest snapshot names its schema
 *       (format 2 on) and its classes are here, a copy of the directory in a temporary directory is recovered in
 *       {@link RecoveryMode#STRICT} mode, which replays and checks every record, and the recovered parts are
 *       printed. The directory itself is never written (not even its lock file).</li>
 * </ul>
 */
final class Inspect {

    private Inspect() {
    }

    static final int OK = 0, DAMAGED = 1, USAGE = 2;

    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d{16})\\.log");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{16})\\.snap");

    /**
     * Runs {@code verify PATH} and exits with its code.
     *
     * @param args {@code verify} and a path
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command's logic: prints to {@code out} and {@code err}, returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !args[0].equals("verify")) {
            err.println("usage: java -cp junction.jar:fastutil.jar dev.junction.Inspect verify "
                    + "<snapshot | journal | data directory>");
            return USAGE;
        }
        Path path = Path.of(args[1]);
        if (!Files.exists(path)) {
            err.println("no such file or directory: " + path);
            return USAGE;
        }
        try {
            boolean ok = Files.isDirectory(path) ? directory(path, out) : file(path, out, true);
            out.println(ok ? "OK" : "DAMAGED");
            return ok ? OK : DAMAGED;
        } catch (IOException e) {
            err.println("cannot read " + path + ": " + e);
            return DAMAGED;
        }
    }

    /** Checks one file by its magic; false if it is damaged or not a Junction file. */
    private static boolean file(Path file, PrintStream out, boolean lastJournal) throws IOException {
        byte[] head = new byte[8];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 8);
        }
        if (n == 8 && Arrays.equals(head, PersistenceFormat.SNAPSHOT_MAGIC)) return snapshot(file, out);
        if (n == 8 && Arrays.equals(head, PersistenceFormat.JOURNAL_MAGIC)) return journal(file, out, lastJournal);
        out.println(file + ": DAMAGED: not a Junction snapshot or journal (no JUNCTION or JNCTJRNL header)");
        return false;
    }

    private static boolean snapshot(Path file, PrintStream out) throws IOException {
        Snapshot.Summary s;
        try {
            s = Snapshot.describe(file);
        } catch (CorruptFileException e) {
            out.println("snapshot " + file + ": DAMAGED: " + e.getMessage());
            return false;
        }
        out.println("snapshot " + file + ": format " + s.version() + ", intact");
        print(s, out);
        return true;
    }

    private static void print(Snapshot.Summary s, PrintStream out) {
        for (Snapshot.Part p : s.parts()) {
            String unit = p.kind().endsWith("table") ? (p.kind().equals("association table") ? "rows" : "entities")
                    : "links";
            out.println("  " + p.kind() + " '" + p.name() + "': " + p.count() + " " + unit
                    + (p.detail().isEmpty() ? "" : " (" + p.detail() + ")"));
        }
        if (!s.classes().isEmpty()) out.println("  classes: " + String.join(", ", s.classes()));
    }

    private static boolean journal(Path file, PrintStream out, boolean last) throws IOException {
        byte[] data = DurableFiles.readAll(file, JournalFile.MAX_SIZE, "a journal");
        Matcher m = JOURNAL.matcher(file.getFileName().toString());
        // a journal outside its directory may be renamed: take the generation its header states
        long generation = m.matches() ? Long.parseLong(m.group(1))
                : data.length >= 20 ? ByteBuffer.wrap(data, 12, 8).getLong() : 0;
        JournalFile.Contents c;
        try {
            c = JournalFile.read(FileLayer.SYSTEM, file, generation, last);
        } catch (CorruptFileException e) {
            out.println("journal " + file + ": DAMAGED: " + e.getMessage());
            return false;
        }
        String head = "journal " + file + ": format " + c.version + ", generation " + generation + ", " + c.size()
                + " records";
        if (c.damage == null) {
            out.println(head + ", intact");
            return true;
        }
        out.println(head + " before the damage; DAMAGED at byte " + c.damage.offset() + ": " + c.damage.problem()
                + (c.damage.forced() ? " (forced: strict recovery refuses it)"
                : " (never forced: recovery drops it as a torn end, losing no acknowledged commit)"));
        return false;
    }

    private static boolean directory(Path dir, PrintStream out) throws IOException {
        List<Path> snapshots = new ArrayList<>();
        List<Path> journals = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (SNAPSHOT.matcher(name).matches()) snapshots.add(f);
                else if (JOURNAL.matcher(name).matches()) journals.add(f);
            }
        }
        snapshots.sort(Comparator.comparing(Path::toString));
        journals.sort(Comparator.comparing(Path::toString));
        if (snapshots.isEmpty() && journals.isEmpty()) {
            out.println(dir + ": no snapshot-N.snap or journal-N.log: not a Junction data directory");
            return false;
        }
        boolean ok = true;
        for (Path s : snapshots) ok &= snapshot(s, out);
        for (int i = 0; i < journals.size(); i++) ok &= journal(journals.get(i), out, i == journals.size() - 1);
        if (ok) ok = replay(dir, snapshots, journals, out);
        return ok;
    }

    /** Recovers a copy of the directory strictly (every record replayed and checked); false if it is refused. */
    private static boolean replay(Path dir, List<Path> snapshots, List<Path> journals, PrintStream out)
            throws IOException {
        if (snapshots.isEmpty()) {
            out.println("journal records not replayed: the directory has no snapshot to declare the schema from");
            return true;
        }
        Path newest = snapshots.get(snapshots.size() - 1);
        Junction db = Junction.create();
        SnapshotCodec.Content content;
        try {
            content = SnapshotCodec.read(newest, db.codecs());
            if (content.version < 2) {
                out.println("journal records not replayed: " + newest + " is of format 1, which does not name its "
                        + "schema");
                return true;
            }
            Snapshot.declare(db, newest, content);
        } catch (IllegalStateException | IllegalArgumentException e) {
            out.println("journal records not replayed: " + e.getMessage());
            return true;
        }
        Path copy = Files.createTempDirectory("junction-inspect");
        try {
            for (Path f : snapshots) Files.copy(f, copy.resolve(f.getFileName()));
            for (Path f : journals) Files.copy(f, copy.resolve(f.getFileName()));
            try (Persistence p = Persistence.open(db, copy, SyncPolicy.everyCommit(), RecoveryMode.STRICT)) {
                RecoveryReport r = p.recovery();
                out.println("recovered (strict, on a copy): snapshot generation " + r.snapshotGeneration() + ", "
                        + r.journalsRead() + " journals, " + r.recordsReplayed() + " records replayed"
                        + (r.droppedAnything() ? "; dropped " + r.dropped() : ""));
            }
            // the recovered state, listed as a snapshot of it would be
            print(Snapshot.summary(SnapshotCodec.decode(newest, flatten(SnapshotCodec.encode(db)), db.codecs(), true)),
                    out);
            return true;
        } catch (CorruptFileException e) {
            out.println("DAMAGED: replay refused: " + e.getMessage().replace(copy.toString(), dir.toString()));
            return false;
        } catch (IllegalStateException | IllegalArgumentException e) { // a class or codec that is not here
            out.println("journal records not replayed: " + e.getMessage().replace(copy.toString(), dir.toString()));
            return true;
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    private static byte[] flatten(List<byte[]> parts) {
        int n = 0;
        for (byte[] b : parts) n += b.length;
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return all;
    }
}
