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
 * Golden files of the format versions ({@code src/test/resources/golden}): a snapshot (format 2, with tables of both id
 * policies, and format 1 which is still read) and a journal (format 4, and formats 3 and 2 which are still read) written from a fixed script that
 * uses every kind of part, value and change (the journal's also entity replacements), and a snapshot and a journal of every built-in value class
 * ({@link BuiltinValuesTest#script}). The writer must still produce the current ones byte for byte (a change of the format must come with a new
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
    static final String JOURNAL = "journal-v4.log";
    /** Previous journal versions, still read: their directory is rewritten as a snapshot and a current journal. */
    static final String JOURNAL_V3 = "journal-v3.log", JOURNAL_V2 = "journal-v2.log";
    /** Every built-in value class (format 2 snapshots and format 4 journals on). */
    static final String BUILTINS_SNAPSHOT = "builtins-v2.snap", BUILTINS_JOURNAL = "builtins-journal-v4.log";

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

    /** {@link #script}, then entity replacements (journal version 4): alone, and in a transaction with an add. */
    static void scriptV4(World w) {
        script(w);
        w.books.put(new Book("Dune", 1966));
        w.db.inTransaction(() -> {
            w.books.replace(new Book("Emma", 1816));
            w.books.put(new Book("Persuasion", 1817));
            w.tagged.link(new Book("Persuasion", 1817), "classic");
            w.books.put(new Book("Persuasion", 1818));
        });
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

    @Test
    void theBuiltinsGoldenFilesAreStillWrittenAndRead() throws IOException {
        BuiltinValuesTest.Types t = new BuiltinValuesTest.Types();
        BuiltinValuesTest.script(t);
        Path file = dir.resolve("builtins.snap");
        t.db.save(file);
        byte[] written = Files.readAllBytes(file);
        maybeWrite(BUILTINS_SNAPSHOT, written);
        BuiltinValuesTest.Types journaled = new BuiltinValuesTest.Types();
        Path where2 = dir.resolve("builtins-journal");
        try (Persistence p = Persistence.open(journaled.db, where2, SyncPolicy.everyCommit())) {
            BuiltinValuesTest.script(journaled);
        }
        byte[] journal = Files.readAllBytes(Persistence.journalFile(where2, 0));
        maybeWrite(BUILTINS_JOURNAL, journal);
        assertArrayEquals(golden(BUILTINS_SNAPSHOT), written, "the snapshot format of built-in values changed: bump "
                + "its version and add a golden file for it");
        assertArrayEquals(golden(BUILTINS_JOURNAL), journal, "the journal format of built-in values changed: bump "
                + "its version and add a golden file for it");

        Path snap = dir.resolve("builtins-golden.snap");
        Files.write(snap, golden(BUILTINS_SNAPSHOT));
        BuiltinValuesTest.Types loaded = new BuiltinValuesTest.Types();
        loaded.db.load(snap);
        assertEquals(t.dump(), loaded.dump());
        Path replayed = dir.resolve("builtins-replayed");
        Files.createDirectories(replayed);
        Files.write(Persistence.journalFile(replayed, 0), golden(BUILTINS_JOURNAL));
        BuiltinValuesTest.Types back = new BuiltinValuesTest.Types();
        Persistence.open(back.db, replayed, SyncPolicy.everyCommit()).close();
        assertEquals(t.dump(), back.dump());
    }

    private byte[] journalOf(Path where) throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, where, SyncPolicy.everyCommit())) {
            scriptV4(w);
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
        scriptV4(expected);
        Path where = dir.resolve("replayed");
        Files.createDirectories(where);
        Files.write(Persistence.journalFile(where, 0), golden(JOURNAL));
        World back = new World();
        Persistence.open(back.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(expected.dump(), back.dump());
    }

    @Test
    void theGoldenVersion3JournalStillReplaysAndIsReplacedByACurrentOne() throws IOException {
        olderJournalReplaysAndIsReplaced(JOURNAL_V3);
    }

    @Test
    void theGoldenVersion2JournalStillReplaysAndIsReplacedByACurrentOne() throws IOException {
        olderJournalReplaysAndIsReplaced(JOURNAL_V2);
    }

    @Test
    void aReplacementInAVersion3JournalIsRefusedAsCorrupt() throws IOException {
        // a version 4 journal of String entities (an empty class table, written alike in versions 3 and 4) with a
        // replacement, under a version 3 header (framing is the same; the header checksum redone)
        Path written = dir.resolve("v4-strings");
        Junction db = Junction.create();
        KeyedTable<String, Character> words = db.table("words", w -> w.charAt(0));
        try (Persistence p = Persistence.open(db, written, SyncPolicy.everyCommit())) {
            words.put("apple");
            words.put("avocado");
        }
        byte[] bytes = Files.readAllBytes(Persistence.journalFile(written, 0));
        java.nio.ByteBuffer.wrap(bytes).putInt(8, 3);
        java.nio.ByteBuffer.wrap(bytes).putInt(20, DurableFiles.crc(bytes, 0, 20));
        Path where = dir.resolve("v3-with-replace");
        Files.createDirectories(where);
        Files.write(Persistence.journalFile(where, 0), bytes);
        Junction back = Junction.create();
        KeyedTable<String, Character> backWords = back.table("words", w -> w.charAt(0));
        CorruptFileException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptFileException.class,
                () -> Persistence.open(back, where, SyncPolicy.everyCommit()));
        assertTrue(e.getMessage().contains("a replacement") && e.getMessage().contains("version 3"), e.getMessage());
        assertEquals(0, backWords.size(), "nothing applied");
    }

    private void olderJournalReplaysAndIsReplaced(String golden) throws IOException {
        World expected = new World();
        script(expected);
        Path where = dir.resolve("replayed-" + golden);
        Files.createDirectories(where);
        Files.write(Persistence.journalFile(where, 0), golden(golden));
        World back = new World();
        try (Persistence p = Persistence.open(back.db, where, SyncPolicy.everyCommit())) {
            assertEquals(expected.dump(), back.dump());
            assertTrue(p.recovery().rewritten(), p.recovery().toString());
            assertEquals(1, p.generation(), "a new generation: no current record is appended to an older file");
            back.tags.add("after the upgrade");
            back.books.put(new Book("Dune", 2021)); // a version 4 change, in the new journal
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
