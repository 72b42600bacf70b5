package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.WireBytes.Sink;
import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files whose checksums are valid but whose content is wrong (written by a buggy or hostile producer, or damaged
 * before the checksum was computed), and a torn record of a large commit: each is refused with a
 * {@link CorruptFileException} that names the file, the part and the byte (or recovered as a torn tail, in time
 * linear in the file), and a refused load leaves the engine as it was, so the valid file still loads into it.
 */
class CraftedFileTest {

    @TempDir
    Path dir;

    // ---- snapshots: sections taken apart and put together again with valid checksums -----------------------

    /** One section of a snapshot: its type and payload. */
    record Section(int type, byte[] payload) {
        String name() {
            if (type != PersistenceFormat.SECTION_TABLE && type != PersistenceFormat.SECTION_RELATION && type != PersistenceFormat.SECTION_ASSOCIATION) return "";
            int n = payload[0]; // names here are short: one varint byte
            return new String(payload, 1, n, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static List<Section> sections(byte[] file) {
        List<Section> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        int pos = PersistenceFormat.SNAPSHOT_HEADER;
        while (pos < file.length) {
            int type = b.getInt(pos);
            int length = (int) b.getLong(pos + 4);
            int start = pos + PersistenceFormat.SECTION_HEADER;
            if (type != PersistenceFormat.SECTION_END) out.add(new Section(type, Arrays.copyOfRange(file, start, start + length)));
            pos = start + length;
        }
        return out;
    }

    /** The sections as a file: header, each section signed, and an END that counts them. */
    static byte[] assemble(List<Section> sections) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(SnapshotCodec.header());
        for (Section s : sections) out.writeBytes(SnapshotCodec.section(s.type(), sink(s.payload())));
        Sink end = new Sink(8);
        end.varint(sections.size());
        out.writeBytes(SnapshotCodec.section(PersistenceFormat.SECTION_END, end));
        return out.toByteArray();
    }

    private static Sink sink(byte[] payload) {
        Sink s = new Sink(payload.length);
        s.write(payload, 0, payload.length);
        return s;
    }

    private static byte[] bytes(Sink s) {
        return Arrays.copyOf(s.buf, s.size);
    }

    private static Section find(List<Section> sections, int type, String name) {
        return sections.stream().filter(s -> s.type() == type && s.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Section> replace(List<Section> sections, int type, String name, byte[] payload) {
        List<Section> out = new ArrayList<>(sections);
        out.set(out.indexOf(find(sections, type, name)), new Section(type, payload));
        return out;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private byte[] saved(World w) throws IOException {
        Path file = dir.resolve("saved-" + System.nanoTime() + ".snap");
        w.db.save(file);
        return Files.readAllBytes(file);
    }

    /** Loading {@code file} into a fresh engine is refused naming all of {@code expected}; the engine stays empty. */
    private World refused(Path file, String... expected) {
        World target = new World();
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> target.db.load(file));
        for (String x : expected) assertTrue(e.getMessage().contains(x), "'" + e.getMessage() + "' should say " + x);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(new World().dump(), target.dump(), "a refused load changed the engine");
        return target;
    }

    /** An empty engine's snapshot with the section {@code type, name} replaced by {@code payload}, as a file. */
    private Path withSection(String file, int type, String name, byte[] payload) throws IOException {
        return write(file, assemble(replace(sections(saved(new World())), type, name, payload)));
    }

    /** The start of a TABLE payload (format 2): its name, its kind, its flags (ids reused), its high-water mark. */
    private static Sink tableStart(String name, int kind, int highWaterMark) {
        Sink s = new Sink(32);
        s.utf(name);
        s.write(kind);
        s.write(0);                  // flags (format 2): ids reused
        s.varint(highWaterMark);
        return s;
    }

    /** A TABLE payload for the object table 'tags' with a high-water mark of 1 and one free id, given raw. */
    private static byte[] tagsWithFreeId(long freeIdAsVarlong) {
        Sink s = tableStart("tags", PersistenceFormat.TABLE_OBJECTS, 1);
        s.varint(1);                 // one free id
        s.varlong(freeIdAsVarlong);  // ... written as an unsigned varint
        s.varint(0);                 // no live ids
        return bytes(s);
    }

    @Test
    void aNegativeVarintIsACorruptFileNamingSectionAndByte() throws IOException {
        Path file = withSection("negative.snap", PersistenceFormat.SECTION_TABLE, "tags", tagsWithFreeId(-1));
        refused(file, "table 'tags'", "18446744073709551615 is out of range", "(at byte ");
    }

    @Test
    void aVarintOf2To63IsRefusedNotReadAsItsLow32Bits() throws IOException {
        // 2^63 (its low 32 bits are 0, a valid free id): refused, never read as 0
        Path file = withSection("huge.snap", PersistenceFormat.SECTION_TABLE, "tags", tagsWithFreeId(Long.MIN_VALUE));
        refused(file, "table 'tags'", "9223372036854775808 is out of range");
    }

    @Test
    void aNegativeRightIdInALinkIsACorruptFile() throws IOException {
        Sink s = new Sink(32);
        s.utf("tagged");
        s.write(0);         // bipartite
        s.utf("books");     // its tables (format version 2)
        s.utf("tags");
        s.varlong(1);       // one link
        s.varint(0);        // at a new left:
        s.zigzag(1);        // left -1 + 1 = 0
        s.varlong(-1);      // right: a negative varint
        s.varint(0);        // no columns
        refused(withSection("link.snap", PersistenceFormat.SECTION_RELATION, "tagged", bytes(s)), "relation 'tagged'", "out of range");
    }

    @Test
    void aNegativeCodecIndexIsACorruptFile() throws IOException {
        Sink s = tableStart("books", PersistenceFormat.TABLE_OBJECTS, 1);
        s.varint(0);                    // no free ids
        s.varint(1);                    // one live id
        s.varint(0);                    // id 0
        s.write(PersistenceFormat.VALUE_CODEC);
        s.varlong(-1);                  // codec index -1
        s.varint(0);
        refused(withSection("codec.snap", PersistenceFormat.SECTION_TABLE, "books", bytes(s)), "table 'books'",
                "out of range");
    }

    /** A world with one link, one row and a few entities. */
    private static World linked() {
        World w = new World();
        w.tagged.link(new Book("Dune", 1965), "sf", w.weight.value(3));
        w.loans.add(7L, new Book("Dune", 1965));
        w.follows.link(7L, 8L);
        return w;
    }

    @Test
    void linksToIdsTheTablesDoNotHoldAreRefused() throws IOException {
        List<Section> empty = sections(saved(new World()));
        World original = linked();
        byte[] good = saved(original);
        List<Section> full = sections(good);
        // the TABLE sections of an empty engine spliced into one with links: every link points nowhere
        List<Section> spliced = full;
        for (String table : List.of("tags", "books", "users")) {
            spliced = replace(spliced, PersistenceFormat.SECTION_TABLE, table, find(empty, PersistenceFormat.SECTION_TABLE, table).payload());
        }
        World target = refused(write("spliced.snap", assemble(spliced)), "relation 'tagged'", "not a live id of table");
        // only the users gone: the association's rows and the directed relation point nowhere
        List<Section> noUsers = replace(full, PersistenceFormat.SECTION_TABLE, "users", find(empty, PersistenceFormat.SECTION_TABLE, "users").payload());
        refused(write("nousers.snap", assemble(noUsers)), "not a live id of table 'users'");
        // the refused engine takes the valid file, and equals the original
        target.db.load(write("good.snap", good));
        assertEquals(original.dump(), target.dump());
        target.tags.add("newcomer");
        assertTrue(target.tagged.leftsOf("newcomer").isEmpty(), "no link nobody made");
    }

    @Test
    void aMissingTableSectionIsRefused() throws IOException {
        World original = linked();
        List<Section> full = sections(saved(original));
        List<Section> missing = new ArrayList<>(full);
        missing.remove(find(full, PersistenceFormat.SECTION_TABLE, "tags"));
        Path file = write("missing.snap", assemble(missing));
        World target = new World();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> target.db.load(file));
        assertTrue(e.getMessage().contains("no table 'tags'") && e.getMessage().contains(file.toString()),
                e.getMessage());
        assertEquals(new World().dump(), target.dump());
    }

    @Test
    void aDuplicatedSectionIsRefusedBeforeAnythingIsAppliedAndTheEngineStillLoads() throws IOException {
        World original = linked();
        byte[] good = saved(original);
        for (int type : new int[] {PersistenceFormat.SECTION_TABLE, PersistenceFormat.SECTION_RELATION, PersistenceFormat.SECTION_ASSOCIATION}) {
            List<Section> full = sections(good);
            List<Section> twice = new ArrayList<>(full);
            Section s = full.stream().filter(x -> x.type() == type).findFirst().orElseThrow();
            twice.add(twice.indexOf(s) + 1, s);
            World target = refused(write("twice" + type + ".snap", assemble(twice)), "a second section for",
                    "'" + s.name() + "'");
            target.db.load(write("good" + type + ".snap", good));
            assertEquals(original.dump(), target.dump());
        }
    }

    @Test
    void aRefusedLoadOfDuplicateKeysLeavesNoKeyBehind() throws IOException {
        World original = new World();
        original.users.add(5L);
        original.users.add(6L);
        byte[] good = saved(original);
        Sink s = tableStart("users", PersistenceFormat.TABLE_LONGS, 2);
        s.varint(0);     // no free ids
        s.varint(2);     // ids 0 and 1, both with key 5
        s.varint(0);
        s.zigzag(5);
        s.varint(0);
        s.zigzag(5);
        Path dup = write("dup.snap", assemble(replace(sections(good), PersistenceFormat.SECTION_TABLE, "users", bytes(s))));
        World target = refused(dup, "table 'users'", "the key of another entity");
        assertFalse(target.users.contains(5L), "a key of the refused file stayed behind");
        target.db.load(write("good.snap", good)); // and the valid file loads into that engine
        assertEquals(original.dump(), target.dump());
        assertEquals(2, target.users.add(7L), "ids continue after the loaded ones");
    }

    // ---- journals: records with valid checksums that break the engine's invariants ------------------------

    /** Opens a journaled world in {@code dir}, runs {@code work}, closes it. */
    private void committed(java.util.function.Consumer<World> work) throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            work.accept(w);
        }
    }

    /** Appends a hand-made record (valid checksums, the next sequence number) to journal 0. */
    private long appendRecord(Sink payload) throws IOException {
        Path file = Persistence.journalFile(dir, 0);
        JournalFile.Contents c = JournalFile.read(FileLayer.SYSTEM, file, 0, true);
        long at = c.validEnd;
        try (JournalFile j = JournalFile.reopen(FileLayer.SYSTEM, file, 0, c, SyncPolicy.everyCommit())) {
            j.append(bytes(payload));
        }
        return at;
    }

    /** A record's payload: the parts it names, no codecs, then {@code ops} changes written by {@code body}. */
    private static Sink record(Object[][] parts, int ops, java.util.function.Consumer<Sink> body) {
        return record(parts, List.of(), ops, body);
    }

    /** A record's payload: the parts it names, the classes of its {@code codecs}, then {@code ops} changes. */
    private static Sink record(Object[][] parts, List<String> codecs, int ops, java.util.function.Consumer<Sink> body) {
        Sink s = new Sink(64);
        s.varint(parts.length);
        for (Object[] p : parts) {
            s.write((Integer) p[0]);
            s.utf((String) p[1]);
        }
        s.varint(codecs.size());
        for (String className : codecs) {
            s.utf(className);
            s.write(PersistenceFormat.CLASS_CODEC); // version 4: the class table entry's kind
        }
        s.varint(ops);
        body.accept(s);
        return s;
    }

    private static void op(Sink s, int kind, int part, int a, int b) {
        s.write(kind);
        s.varint(part);
        s.varint(a);
        if (kind == PersistenceFormat.OP_LINK || kind == PersistenceFormat.OP_UNLINK) s.varint(b);
    }

    /** An entity that is the string {@code value}, as an add or a replacement carries it. */
    private static void stringEntity(Sink s, String value) {
        s.write(PersistenceFormat.ENTITY_VALUE);
        s.write(PersistenceFormat.VALUE_STRING);
        s.utf(value);
    }

    /** The column stores of a record: one, column {@code name} of type {@code kind}, nothing voided, one value. */
    private static void oneColumnValue(Sink s, String name, int kind, long key, long value) {
        s.varint(1);          // one column store
        s.varint(0);
        s.varint(1);
        s.utf(name);
        s.write(kind);
        s.varint(0);          // nothing voided
        s.varint(1);          // one written key
        s.varlong(key);
        s.zigzag(value);
    }

    /** Appends {@code record}; opening is then refused naming its offset and {@code expected}. */
    private void refusesRecord(Sink record, String... expected) throws IOException {
        openRefused(appendRecord(record), expected);
    }

    /** Opening is refused naming the record's offset and {@code expected}; the engine is left empty. */
    private void openRefused(long offset, String... expected) {
        World back = new World();
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> Persistence.open(back.db, dir, SyncPolicy.everyCommit()));
        assertTrue(e.getMessage().contains("at byte " + offset), "'" + e.getMessage() + "' should name byte " + offset);
        for (String x : expected) assertTrue(e.getMessage().contains(x), "'" + e.getMessage() + "' should say " + x);
        assertEquals(new World().dump(), back.dump());
    }

    private static final Object[][] TAGGED = {{PersistenceFormat.PART_RELATION, "tagged"}};

    @Test
    void aJournaledLinkToIdsNoTableHasIsRefused() throws IOException {
        committed(w -> w.tags.add("sf"));
        refusesRecord(record(TAGGED, 1, s -> {
            op(s, PersistenceFormat.OP_LINK, 0, 0, 0); // book 0 does not exist
            s.varint(0);              // no column stores
        }), "relation 'tagged'", "left 0, which is not a live id of table 'books'");
    }

    /**
     * A record with valid checksums that does not replay is where point-in-time recovery stops: the commits
     * before it are recovered, it and the commit after it are dropped and reported (as forced: they may have been
     * acknowledged), and the damaged journal is kept aside.
     */
    @Test
    void aRecordThatDoesNotReplayIsWherePointInTimeRecoveryStops() throws IOException {
        committed(w -> w.tags.add("sf"));
        long at = appendRecord(record(TAGGED, 1, s -> {
            op(s, PersistenceFormat.OP_LINK, 0, 0, 0); // book 0 does not exist
            s.varint(0);
        }));
        appendRecord(record(new Object[][] {{PersistenceFormat.PART_TABLE, "tags"}}, 1, s -> {
            op(s, PersistenceFormat.OP_ADD, 0, 1, 0);
            stringEntity(s, "later");
            s.varint(0);
        }));
        World back = new World();
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit(), RecoveryMode.POINT_IN_TIME)) {
            assertEquals(1, back.tags.size());
            assertTrue(back.tags.contains("sf"));
            RecoveryReport r = p.recovery();
            assertEquals(1, r.dropped().size(), r.toString());
            RecoveryReport.Dropped d = r.dropped().get(0);
            assertEquals(at, d.offset());
            assertEquals(1, d.records(), "the record after it");
            assertTrue(d.acknowledged() && d.reason().contains("left 0, which is not a live id"), d.toString());
            assertEquals(List.of(dir.resolve("journal-0000000000000000.log.damaged")), r.setAside());
        }
        World again = new World();
        Persistence.open(again.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(back.dump(), again.dump());
    }

    /** users 7 (id 0) and book Dune (id 0) exist; rows of 'loans' are crafted around them. */
    private void usersAndBooks() throws IOException {
        committed(w -> {
            w.users.add(7L);
            w.books.add(new Book("Dune", 1965));
        });
    }

    /** Row 0 added to the association's row table: a row has no entity. */
    private static void addRow(Sink s) {
        op(s, PersistenceFormat.OP_ADD, 0, 0, 0);
        s.write(PersistenceFormat.ENTITY_NONE);
    }

    private static final Object[][] LOANS = {{PersistenceFormat.PART_ROWS, "loans"}, {PersistenceFormat.PART_ROWS_BY_LEFT, "loans"},
        {PersistenceFormat.PART_ROWS_BY_RIGHT, "loans"}, {PersistenceFormat.PART_PAIRS, "loans"}};

    @Test
    void aJournaledRowWithNoRightIsRefused() throws IOException {
        usersAndBooks();
        refusesRecord(record(LOANS, 2, s -> {
            addRow(s);
            op(s, PersistenceFormat.OP_LINK, 1, 0, 0);          // user 0 -> row 0, and nothing else
            s.varint(0);                      // no column stores
        }), "association table 'loans'", "row 0 has 1 lefts and 0 rights");
    }

    @Test
    void aJournaledRowWithNoPairIsRefused() throws IOException {
        usersAndBooks();
        refusesRecord(record(LOANS, 3, s -> {
            addRow(s);
            op(s, PersistenceFormat.OP_LINK, 1, 0, 0);
            op(s, PersistenceFormat.OP_LINK, 2, 0, 0);
            s.varint(0);
        }), "association table 'loans'", "row 0 joins (0, 0), which is not a pair");
    }

    @Test
    void aJournaledPairWithNoRowIsRefused() throws IOException {
        usersAndBooks();
        refusesRecord(record(LOANS, 1, s -> {
            op(s, PersistenceFormat.OP_LINK, 3, 0, 0);          // straight into the internal pairs
            s.varint(0);
        }), "association table 'loans'", "has no row");
    }

    @Test
    void journaledValuesOfAPairThatIsNotLinkedAreRefused() throws IOException {
        committed(w -> {
            w.tags.add("sf");
            w.books.add(new Book("Dune", 1965));
        });
        Object[][] parts = {{PersistenceFormat.PART_RELATION_COLUMNS, "tagged"}};
        // the one written key: (0, 0), not linked
        refusesRecord(record(parts, 0, s -> oneColumnValue(s, "weight", PersistenceFormat.COLUMN_INT, 0, 9)),
                "relation 'tagged'", "not linked");
    }

    /** An entity of the wrong form for its table: a tagged String added to a table of longs. */
    @Test
    void aJournaledEntityOfTheWrongFormIsRefused() throws IOException {
        committed(w -> { });
        refusesRecord(record(new Object[][] {{PersistenceFormat.PART_TABLE, "users"}}, 1, s -> {
            op(s, PersistenceFormat.OP_ADD, 0, 0, 0);
            stringEntity(s, "x");
            s.varint(0);
        }), "entity form");
    }

    /** No entity added to an object table (the form of association rows). */
    @Test
    void aJournaledAddOfNoEntityToAnObjectTableIsRefused() throws IOException {
        committed(w -> { });
        refusesRecord(record(new Object[][] {{PersistenceFormat.PART_TABLE, "tags"}}, 1, s -> {
            op(s, PersistenceFormat.OP_ADD, 0, 0, 0);
            s.write(PersistenceFormat.ENTITY_NONE);
            s.varint(0);
        }), "entity form");
    }

    /** A replacement in a table whose entities are their own keys: no writer makes one. */
    @Test
    void aJournaledReplacementInATableWithoutAKeyFunctionIsRefused() throws IOException {
        committed(w -> w.tags.add("sf"));
        refusesRecord(record(new Object[][] {{PersistenceFormat.PART_TABLE, "tags"}}, 1, s -> {
            op(s, PersistenceFormat.OP_REPLACE, 0, 0, 0);
            stringEntity(s, "sf");
            s.varint(0);
        }), "replacement in table 'tags'", "cannot be replaced");
    }

    /** A record replacing book {@code id} by {@code book} (its codec named in the record). */
    private static Sink replaceBook(int id, Book book) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            SnapshotTest.BOOKS.write(book, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return record(new Object[][] {{PersistenceFormat.PART_TABLE, "books"}}, List.of(Book.class.getName()), 1, s -> {
            op(s, PersistenceFormat.OP_REPLACE, 0, id, 0);
            s.write(PersistenceFormat.ENTITY_VALUE);
            s.write(PersistenceFormat.VALUE_CODEC);
            s.varint(0);       // the record's codec 0
            s.varint(bytes.size());
            s.write(bytes.toByteArray(), 0, bytes.size());
            s.varint(0);
        });
    }

    /** Replacements of an id that is not there, and by an entity with another entity's key (or none's). */
    @Test
    void journaledReplacementsThatDoNotFollowTheStateAreRefused() throws IOException {
        committed(w -> {
            w.books.add(new Book("Dune", 1965));
            w.books.add(new Book("Emma", 1815));
        });
        long ok = appendRecord(replaceBook(0, new Book("Dune", 1966))); // a valid one first: it replays
        long at = appendRecord(replaceBook(5, new Book("Dune", 1967)));
        assertTrue(at > ok);
        openRefused(at, "replacement of id 5, which is not there");
        Files.delete(Persistence.journalFile(dir, 0));
        committed(w -> {
            w.books.add(new Book("Dune", 1965));
            w.books.add(new Book("Emma", 1815));
        });
        at = appendRecord(replaceBook(0, new Book("Emma", 1816)));
        openRefused(at, "has the key of id 1");
        Files.delete(Persistence.journalFile(dir, 0));
        committed(w -> w.books.add(new Book("Dune", 1965)));
        at = appendRecord(replaceBook(0, new Book("Else", 1)));
        openRefused(at, "has the key of no entity");
    }

    /** A row value at row key 2^31 (a dense store would allocate for it). */
    @Test
    void journaledValuesOfARowKeyOf2To31AreRefused() throws IOException {
        committed(w -> { });
        refusesRecord(record(new Object[][] {{PersistenceFormat.PART_ROW_COLUMNS, "loans"}}, 0,
                s -> oneColumnValue(s, "at", PersistenceFormat.COLUMN_LONG, 1L << 31, 7)), "values for row 2147483648");
    }

    @Test
    void aCleanlyRemovedMiddleRecordIsRefused() throws IOException {
        committed(w -> {
            w.tags.add("a");
            w.tags.add("b");
            w.tags.add("c");
        });
        Path file = Persistence.journalFile(dir, 0);
        JournalFile.Contents c = JournalFile.read(FileLayer.SYSTEM, file, 0, true);
        byte[] data = Files.readAllBytes(file);
        int from = c.offsets.getInt(1);
        int to = c.offsets.getInt(2);
        byte[] cut = new byte[data.length - (to - from)];
        System.arraycopy(data, 0, cut, 0, from);
        System.arraycopy(data, to, cut, from, data.length - to);
        Files.write(file, cut);
        openRefused(from, "sequence number 2 where 1 was expected");
    }

    @Test
    void aLinkToAnIdThatIsNoEntityIsNeverJournaledOrSaved() throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            w.tags.add("sf");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.tagged.ints().link(5, 0));
            assertTrue(e.getMessage().contains("relation 'tagged'") && e.getMessage().contains("left 5"),
                    e.getMessage());
            assertFalse(w.tagged.ints().contains(5, 0), "rolled back");
        }
        World back = new World();
        Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close(); // the journal still opens
        assertEquals(1, back.tags.size());

        World mem = new World();
        mem.tags.add("sf");
        mem.tagged.ints().link(5, 0); // the int level trusts its ids, like an array index
        Path file = dir.resolve("never.snap");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mem.db.save(file));
        assertTrue(e.getMessage().contains("(5, 0)") && e.getMessage().contains("table 'books'"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    // ---- a torn record of a large commit: recovery is linear in the journal --------------------------------

    /**
     * A 2.25M-link bulk load cut at 90% (about 11 MB of torn record). The old search for a valid record after
     * damage checksummed every candidate length at every byte (22 s at 10 MB, 89 s at 14 MB); the search for a
     * record header is linear (tens of milliseconds here). The timeout is a guard with a wide margin, not a
     * measurement (recovery times are measured by {@code JournalTiming} in jmh/).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aTornRecordOfALargeLoadIsDroppedInLinearTime() throws IOException {
        int side = 1500;
        committed(w -> {
            w.users.add(-1L);
            w.db.bulkLoad(w.follows, () -> {
                int[] ls = new int[side * side];
                int[] rs = new int[side * side];
                int[] ids = new int[side];
                for (int i = 0; i < side; i++) ids[i] = w.users.add((long) i);
                for (int i = 0; i < side * side; i++) {
                    ls[i] = ids[i / side];
                    rs[i] = ids[i % side];
                }
                w.follows.ints().linkAll(ls, rs);
            });
        });
        Path file = Persistence.journalFile(dir, 0);
        JournalFile.Contents c = JournalFile.read(FileLayer.SYSTEM, file, 0, true);
        assertEquals(2, c.size());
        int big = c.offsets.getInt(1);
        assertTrue(c.lengths.getInt(1) > 12_000_000, c.lengths.getInt(1) + " bytes");
        byte[] data = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(data, big + PersistenceFormat.RECORD_HEADER + (int) (c.lengths.getInt(1) * 0.9)));
        long t0 = System.nanoTime();
        World back = new World();
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit())) {
            assertEquals(1, back.users.size(), "only the first commit");
            assertEquals(0, back.follows.ints().size());
            assertEquals(big, Files.size(file), "the torn record is cut off");
        }
        System.out.printf("torn 2.25M-link record (%d bytes of tail) recovered in %d ms%n",
                data.length - big, (System.nanoTime() - t0) / 1_000_000);
    }
}
