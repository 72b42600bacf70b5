package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files of the format versions ({@code src/test/resources/golden}): a snapshot (format 2, with tables of
 * both id policies, and format 1 which is still read) and a journal
 * (format 3, and format 2 which is still read) written from a fixed script that uses every kind of part, value and
 * change. The writer must still produce the current ones byte for byte (a change of the format must come with a new
 * version and new files), and the reader must still read every one it supports to the script's state (old files
 * keep opening).
 *
 * <p>To rewrite the files after a deliberate format change (with a new version number):
 * {@code mvn test -Dtest=GoldenFormatTest -Djunction.golden.write=src/test/resources/golden}.
 */
class GoldenFormatTest {

    static final String SNAPSHOT = "snapshot-v2.snap";
    /** The previous snapshot version, still read (it has no table flags: every table reused ids). */
    static final String SNAPSHOT_V1 = "snapshot-v1.snap";
    /** The id policy of the script's books, users and loan rows in the version 2 snapshot (its flag bytes are set). */
    static final IdPolicy SNAPSHOT_IDS = IdPolicy.NEVER_REUSE;
    static final String JOURNAL = "journal-v3.log";
    /** The previous journal version, still read: its directory is rewritten as a snapshot and a version 3 journal. */
    static final String JOURNAL_V2 = "journal-v2.log";

    @TempDir
    Path dir;

    /** Every kind of change a journal record holds, one commit each, and a transaction with several. */
    static void script(World w) {
        SnapshotTest.World.populate(w);
        w.tags.add("later");
        w.tagged.link(new Book("Dune", 1965), "later", w.score.value(2.5), w.note.value("journaled"));
        w.weight.set(new Book("Dune", 1965), "later", 17);
        w.tagged.unlink(new Book("Emma", 1815), "classic");
        w.db.inTransaction(() -> {
            w.users.add(42L);
            w.follows.link(42L, 100 * 1_000_000_007L);
            w.friends.link(42L, 42L);
            int row = w.loans.add(42L, new Book("Emma", 1815), w.at.value(-9), w.where.value("shelf"));
            w.at.set(row, 10);
        });
        w.users.remove(103 * 1_000_000_007L);
        w.books.remove(new Book("Ulysses", 1922));
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = GoldenFormatTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new IllegalStateException("missing golden file " + name);
            return in.readAllBytes();
        }
    }

    /** Writes the files anew if asked ({@code -Djunction.golden.write=DIR}). */
    private static void maybeWrite(String name, byte[] bytes) throws IOException {
        String to = System.getProperty("junction.golden.write");
        if (to != null) Files.write(Path.of(to).resolve(name), bytes);
    }

    @Test
    void theSnapshotWriterStillWritesTheGoldenSnapshotByteForByte() throws IOException {
        World w = new World(SNAPSHOT_IDS);
        script(w);
        Path file = dir.resolve("db.snap");
        w.db.save(file);
        byte[] written = Files.readAllBytes(file);
        maybeWrite(SNAPSHOT, written);
        assertArrayEquals(golden(SNAPSHOT), written, "the snapshot format changed: bump its version and add a "
                + "golden file for it");
    }

    @Test
    void theGoldenSnapshotStillLoadsToTheScriptsState() throws IOException {
        World expected = new World(SNAPSHOT_IDS);
        script(expected);
        Path file = dir.resolve("golden.snap");
        Files.write(file, golden(SNAPSHOT));
        World back = new World(SNAPSHOT_IDS);
        back.db.load(file);
        assertEquals(expected.dump(), back.dump());
        assertEquals(IdPolicy.NEVER_REUSE, back.loans.rowIdPolicy());
    }

    @Test
    void theGoldenVersion1SnapshotStillLoadsToTheScriptsState() throws IOException {
        World expected = new World();
        script(expected);
        Path file = dir.resolve("golden-v1.snap");
        Files.write(file, golden(SNAPSHOT_V1));
        assertEquals(1, java.nio.ByteBuffer.wrap(golden(SNAPSHOT_V1)).getInt(8));
        World back = new World();
        back.db.load(file);
        assertEquals(expected.dump(), back.dump());
    }

    private byte[] journalOf(Path where) throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, where, SyncPolicy.everyCommit())) {
            script(w);
        }
        return Files.readAllBytes(Persistence.journalFile(where, 0));
    }

    @Test
    void theJournalWriterStillWritesTheGoldenJournalByteForByte() throws IOException {
        byte[] written = journalOf(dir.resolve("journaled"));
        maybeWrite(JOURNAL, written);
        assertArrayEquals(golden(JOURNAL), written, "the journal format changed: bump its version and add a "
                + "golden file for it");
    }

    @Test
    void theGoldenJournalStillReplaysToTheScriptsState() throws IOException {
        World expected = new World();
        script(expected);
        Path where = dir.resolve("replayed");
        Files.createDirectories(where);
        Files.write(Persistence.journalFile(where, 0), golden(JOURNAL));
        World back = new World();
        Persistence.open(back.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(expected.dump(), back.dump());
    }

    @Test
    void theGoldenVersion2JournalStillReplaysAndIsReplacedByAVersion3One() throws IOException {
        World expected = new World();
        script(expected);
        Path where = dir.resolve("replayed-v2");
        Files.createDirectories(where);
        Files.write(Persistence.journalFile(where, 0), golden(JOURNAL_V2));
        World back = new World();
        try (Persistence p = Persistence.open(back.db, where, SyncPolicy.everyCommit())) {
            assertEquals(expected.dump(), back.dump());
            assertTrue(p.recovery().rewritten(), p.recovery().toString());
            assertEquals(1, p.generation(), "a new generation: no version 3 record is appended to a version 2 file");
            back.tags.add("after the upgrade");
        }
        try (var files = Files.list(where)) {
            assertEquals(List.of("LOCK", "journal-0000000000000001.log", "snapshot-0000000000000001.snap"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        World again = new World();
        Persistence.open(again.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(back.dump(), again.dump());
        byte[] journal = Files.readAllBytes(Persistence.journalFile(where, 1));
        assertEquals(PersistenceFormat.JOURNAL_VERSION, java.nio.ByteBuffer.wrap(journal).getInt(8));
    }
}
