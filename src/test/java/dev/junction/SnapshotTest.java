package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.junction.index.IntRelation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots: round trips of every kind of data (tables of every kind with removed ids, the three relation
 * kinds, link columns of every type, association rows with values), an empty engine, a huge degree and sparse
 * ids; then bad files (not a snapshot, a newer version, truncated, damaged, a schema that does not match, an
 * engine that is not empty, a missing codec), each a clear exception with the engine left empty; and a seeded
 * fuzz over thousands of mutations of a real snapshot.
 */
class SnapshotTest {

    @TempDir
    Path dir;

    /** The live ids of {@code t}, each with its committed entity as {@code show} writes it: "id=entity ". */
    static String liveEntities(AbstractTable<?> t, java.util.function.Function<Object, String> show) {
        StringBuilder b = new StringBuilder();
        BitSet live = t.liveIds();
        for (int id = live.nextSetBit(0); id >= 0; id = live.nextSetBit(id + 1)) {
            b.append(id).append('=').append(show.apply(t.committedEntity(id))).append(' ');
        }
        return b.toString();
    }

    /** An entity type that needs a codec. */
    record Book(String title, int year) {
    }

    static final ValueCodec<Book> BOOKS = TestCodecs.of(Book.class, (b, out) -> {
        out.writeUTF(b.title());
        out.writeInt(b.year());
    }, in -> new Book(in.readUTF(), in.readInt()));

    /** The schema every test declares, and handles to its parts. */
    static final class World {
        final Junction db = Junction.create();
        final Table<String> tags;
        final KeyedTable<Book, String> books;
        final LongTable users;
        final Relation<Book, String> tagged;
        final Relation<Long, Long> follows;
        final Relation<Long, Long> friends;
        final LinkColumn.OfLong<Book, String> since;
        final LinkColumn.OfInt<Book, String> weight;
        final LinkColumn.OfDouble<Book, String> score;
        final LinkColumn.OfBoolean<Book, String> pinned;
        final LinkColumn.OfObject<Book, String, String> note;
        final LinkColumn.OfObject<Book, String, Book> related;
        final AssociationTable<Long, Book> loans;
        final RowColumn.OfLong at;
        final RowColumn.OfObject<String> where;

        World() {
            this(IdPolicy.REUSE_FREED);
        }

        /** A world whose books, users and loan rows hand out ids by {@code ids}. */
        World(IdPolicy ids) {
            db.registerCodec(BOOKS);
            tags = db.table("tags");
            books = db.table("books", Book::title, ids);
            users = db.longTable("users", ids);
            tagged = db.relation("tagged", books, tags);
            follows = db.directed("follows", users);
            friends = db.symmetric("friends", users);
            since = tagged.longColumn("since", -1);
            weight = tagged.intColumn("weight", 1);
            score = tagged.doubleColumn("score", 0.5);
            pinned = tagged.booleanColumn("pinned", false);
            note = tagged.objectColumn("note", String.class, "none");
            related = tagged.objectColumn("related", Book.class, null);
            loans = db.associationTable("loans", users, books, ids);
            at = loans.longColumn("at", 0);
            where = loans.objectColumn("where", String.class, null);
        }

        /** Everything observable, as text: ids, entities, links both ways, values, rows, next ids. */
        String dump() {
            TreeMap<String, String> out = new TreeMap<>();
            for (AbstractTable<?> t : db.tablesInOrder()) {
                out.put("table " + t.name, liveEntities(t, String::valueOf) + " free=" + Arrays.toString(t.freeStack()) + " hw=" + t.highWaterMark()
                        + " size=" + t.size());
            }
            for (RelationImpl<?, ?> r : db.relationsInOrder()) {
                out.put("relation " + r.name, links(r.ints()));
            }
            StringBuilder v = new StringBuilder();
            tagged.ints().forEachLink((l, r) -> v.append(l).append('-').append(r).append(':')
                    .append(since.getByIds(l, r)).append(',').append(weight.getByIds(l, r)).append(',')
                    .append(score.getByIds(l, r)).append(',').append(pinned.getByIds(l, r)).append(',')
                    .append(note.getByIds(l, r)).append(',').append(related.getByIds(l, r)).append(' '));
            out.put("values", v.toString());
            StringBuilder rows = new StringBuilder();
            for (int row = 0; row < 200; row++) {
                if (loans.contains(row)) {
                    rows.append(row).append(':').append(loans.leftIdOf(row)).append('-').append(loans.rightIdOf(row))
                            .append(',').append(at.get(row)).append(',').append(where.get(row)).append(' ');
                }
            }
            out.put("rows", rows + " pairs=" + links(loans.pairs().ints()));
            return out.toString();
        }

        static String links(IntRelation rel) {
            List<String> all = new ArrayList<>();
            rel.forEachLink((l, r) -> all.add(l + "-" + r));
            java.util.Collections.sort(all);
            return all.size() + " " + all;
        }

        /** A world with something of everything, including removed entities and rows. */
        static World sample() {
            World w = new World();
            populate(w);
            return w;
        }

        /** Something of everything, including removed entities and rows, each change its own commit. */
        static void populate(World w) {
            Book dune = new Book("Dune", 1965);
            Book emma = new Book("Emma", 1815);
            Book ulysses = new Book("Ulysses", 1922);
            for (String t : List.of("sf", "classic", "long", "gone", "nz")) w.tags.add(t);
            w.tags.remove("gone");
            w.tagged.link(dune, "sf", w.since.value(1_700_000_000_000L), w.weight.value(-3), w.score.value(-0.25),
                    w.pinned.value(true), w.note.value("ünïcödé ✓"), w.related.value(emma));
            w.tagged.link(emma, "classic", w.note.value(null));
            w.tagged.link(ulysses, "long");
            w.tagged.link(ulysses, "classic", w.weight.value(Integer.MIN_VALUE), w.since.value(Long.MAX_VALUE));
            w.tagged.link(dune, "nz");
            w.books.add(new Book("Removed", 2000));
            w.books.remove(new Book("Removed", 2000));
            for (long u = 100; u < 110; u++) w.users.add(u * 1_000_000_007L);
            w.users.remove(104 * 1_000_000_007L);
            w.users.remove(101 * 1_000_000_007L); // free stack [4, 1]: 1 is reused first
            w.follows.link(100 * 1_000_000_007L, 102 * 1_000_000_007L);
            w.follows.link(102 * 1_000_000_007L, 100 * 1_000_000_007L);
            w.follows.link(103 * 1_000_000_007L, 103 * 1_000_000_007L);
            w.friends.link(105 * 1_000_000_007L, 100 * 1_000_000_007L);
            w.friends.link(106 * 1_000_000_007L, 106 * 1_000_000_007L);
            int r1 = w.loans.add(100 * 1_000_000_007L, dune, w.at.value(5), w.where.value("desk"));
            w.loans.add(100 * 1_000_000_007L, dune, w.at.value(6));
            w.loans.add(102 * 1_000_000_007L, emma);
            int gone = w.loans.add(103 * 1_000_000_007L, ulysses, w.at.value(99));
            w.loans.remove(gone);
            w.loans.remove(r1);
            w.loans.add(105 * 1_000_000_007L, emma, w.where.value("home"));
        }
    }

    private Path save(World w) throws IOException {
        Path file = dir.resolve("db.snap");
        w.db.save(file);
        return file;
    }

    @Test
    void roundTripOfEveryKindOfData() throws IOException {
        World w = World.sample();
        Path file = save(w);
        World back = new World();
        back.db.load(file);
        assertEquals(w.dump(), back.dump());
        // the allocators carry on the same way: the same next ids
        assertEquals(w.users.add(7L), back.users.add(7L));
        assertEquals(w.users.add(8L), back.users.add(8L));
        assertEquals(w.tags.add("new"), back.tags.add("new"));
        assertEquals(w.loans.add(7L, new Book("Dune", 1965)), back.loans.add(7L, new Book("Dune", 1965)));
        assertEquals(w.dump(), back.dump());
        // typed reads work on the loaded engine, keys included
        assertEquals(1_700_000_000_000L, back.since.get(new Book("Dune", 1965), "sf"));
        assertEquals(new Book("Emma", 1815), back.related.get(new Book("Dune", 1965), "sf"));
        assertTrue(back.tagged.inverse().rightsOf("classic").contains(new Book("Ulysses", 1922)));
        // saving the loaded engine gives the same bytes
        Path again = dir.resolve("again.snap");
        World third = new World();
        third.db.load(file);
        third.db.save(again);
        assertEquals(Arrays.toString(Files.readAllBytes(file)), Arrays.toString(Files.readAllBytes(again)));
    }

    @Test
    void emptyEngineRoundTrips() throws IOException {
        World w = new World();
        Path file = save(w);
        World back = new World();
        back.db.load(file);
        assertEquals(w.dump(), back.dump());
        assertEquals(0, back.tags.size());
    }

    @Test
    void hugeDegreeAndSparseIdsRoundTripInAFewBytesPerLink() throws IOException {
        World w = new World();
        int n = 300_000;
        for (long k = 0; k < n; k++) w.users.add(k * 1_000_000_007L);
        for (long k = 1_000; k < 250_000; k++) w.users.remove(k * 1_000_000_007L); // a wide gap of free ids
        IntRelation follows = w.follows.ints();
        int hub = w.users.idOf(7 * 1_000_000_007L);
        int[] ls = new int[n];
        int[] rs = new int[n];
        int links = 0;
        for (long k = 0; k < n; k++) {
            if (k >= 1_000 && k < 250_000) continue;
            ls[links] = hub;
            rs[links++] = w.users.idOf(k * 1_000_000_007L);
        }
        follows.linkAll(Arrays.copyOf(ls, links), Arrays.copyOf(rs, links));
        int top = w.users.idOf((n - 1) * 1_000_000_007L);
        follows.link(top, hub);
        w.tagged.link(new Book("Dune", 1965), "sf", w.weight.value(42));
        Path file = save(w);
        long bytes = Files.size(file);
        long total = links + 2;
        assertTrue(bytes < 8L * total + 32L * (n - 249_000), bytes + " bytes for " + total + " links");
        World back = new World();
        back.db.load(file);
        assertEquals(links + 1, back.follows.ints().size());
        assertEquals(links, back.follows.ints().degreeOfLeft(hub));
        assertTrue(back.follows.ints().contains(top, hub));
        assertEquals(42, back.weight.get(new Book("Dune", 1965), "sf"));
        assertEquals(World.links(w.follows.ints()), World.links(back.follows.ints()));
        assertEquals(w.dump(), back.dump());
    }

    // ---- bad files ----------------------------------------------------------------------------------------

    private static void assertCorrupt(Path file, World target, String expected) {
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> target.db.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say " + expected);
        assertEquals(new World().dump(), target.dump(), "a failed load must leave the engine empty");
    }

    @Test
    void notASnapshotNewerVersionTruncatedAndFlippedAreRefused() throws IOException {
        Path good = save(World.sample());
        byte[] bytes = Files.readAllBytes(good);

        Path text = dir.resolve("text.snap");
        Files.writeString(text, "hello, this is not a snapshot at all");
        assertCorrupt(text, new World(), "not a Junction snapshot");

        Path empty = dir.resolve("empty.snap");
        Files.write(empty, new byte[0]);
        assertCorrupt(empty, new World(), "not a Junction snapshot");

        byte[] newer = bytes.clone();
        ByteBuffer.wrap(newer).putInt(8, PersistenceFormat.SNAPSHOT_VERSION + 1);
        ByteBuffer.wrap(newer).putInt(16, DurableFiles.crc(newer, 0, 16));
        Path newerFile = dir.resolve("newer.snap");
        Files.write(newerFile, newer);
        assertCorrupt(newerFile, new World(), "newer");

        Path cut = dir.resolve("cut.snap");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 7));
        assertCorrupt(cut, new World(), "truncated");

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        Path flippedFile = dir.resolve("flipped.snap");
        Files.write(flippedFile, flipped);
        assertCorrupt(flippedFile, new World(), "checksum");

        World after = new World();
        after.db.load(good); // the failed loads did not spoil anything
        assertEquals(World.sample().dump(), after.dump());
    }

    @Test
    void aLengthThatDoesNotFitIsRefusedBeforeAllocating() throws IOException {
        byte[] bytes = Files.readAllBytes(save(World.sample()));
        // the first section's length, made enormous, with its header checksum fixed
        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).putLong(PersistenceFormat.SNAPSHOT_HEADER + 4, Long.MAX_VALUE / 3);
        ByteBuffer.wrap(huge).putInt(PersistenceFormat.SNAPSHOT_HEADER + 16, DurableFiles.crc(huge, PersistenceFormat.SNAPSHOT_HEADER, 16));
        Path file = dir.resolve("huge.snap");
        Files.write(file, huge);
        assertCorrupt(file, new World(), "declares");
    }

    @Test
    void schemaMismatchNonEmptyEngineAndMissingCodecAreClearAndChangeNothing() throws IOException {
        Path file = save(World.sample());
        Junction other = Junction.create();
        other.registerCodec(BOOKS);
        other.table("tags");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.load(file));
        assertTrue(e.getMessage().contains("does not declare") && e.getMessage().contains(file.toString()),
                e.getMessage());
        assertEquals(0, other.getTable("tags").size());

        World used = new World();
        used.tags.add("x");
        e = assertThrows(IllegalStateException.class, () -> used.db.load(file));
        assertTrue(e.getMessage().contains("tags"), e.getMessage());
        assertEquals(1, used.tags.size());

        Junction noCodec = Junction.create();
        noCodec.table("tags");
        e = assertThrows(IllegalStateException.class, () -> noCodec.load(file));
        assertTrue(e.getMessage().contains(Book.class.getName()), e.getMessage());

        Junction unsaved = Junction.create();
        Table<Object> odd = unsaved.table("odd");
        odd.add(new StringBuilder("no codec"));
        Path target = dir.resolve("odd.snap");
        e = assertThrows(IllegalStateException.class, () -> unsaved.save(target));
        assertTrue(e.getMessage().contains("StringBuilder") && e.getMessage().contains("'odd'"), e.getMessage());
        assertFalse(Files.exists(target), "nothing written");
        try (var list = Files.list(dir)) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void saveReplacesTheOldFileAndRefusesInsideATransaction() throws IOException {
        World w = World.sample();
        Path file = save(w);
        w.tags.add("later");
        w.db.save(file);
        World back = new World();
        back.db.load(file);
        assertTrue(back.tags.contains("later"));
        Transaction t = w.db.begin();
        assertThrows(IllegalStateException.class, () -> w.db.save(file));
        assertThrows(IllegalStateException.class, () -> back.db.load(file));
        t.rollback();
    }

    // ---- fuzz ---------------------------------------------------------------------------------------------

    /**
     * Seeded mutations of a real snapshot: flipped bytes, truncations, inserted junk, overwritten lengths. A
     * mutated file either loads exactly the original data or is refused with {@link CorruptFileException};
     * nothing else is acceptable. A second class of mutations re-signs the damaged sections (fixes their
     * checksums) to reach the decoder's own checks, and a third rebuilds the file from its sections with one
     * duplicated, dropped, swapped or taken from an empty engine's snapshot (checksums and END valid): those may
     * decode into other data, which must then keep every invariant of the engine ({@link EngineInvariants}) and
     * save and load again to itself; they must never fail in any other way (no {@code OutOfMemoryError}, no
     * {@code NegativeArraySizeException}, no hang). After every refusal the valid file loads into the same
     * engine, exactly. The counts of each outcome are printed.
     */
    @Test
    void fuzzedSnapshotsLoadExactlyOrAreRefused() throws IOException {
        long seed = Long.getLong("junction.snapshot.seed", System.nanoTime());
        int rounds = Integer.getInteger("junction.snapshot.fuzz", 3000);
        World original = World.sample();
        String expected = original.dump();
        Path goodFile = save(original);
        byte[] good = Files.readAllBytes(goodFile);
        List<CraftedFileTest.Section> sections = CraftedFileTest.sections(good);
        List<CraftedFileTest.Section> emptySections = CraftedFileTest.sections(Files.readAllBytes(save(new World())));
        Files.write(dir.resolve("good.snap"), good);
        Random rnd = new Random(seed);
        Path file = dir.resolve("fuzz.snap");
        int exactly = 0;
        int other = 0;
        int refused = 0;
        for (int round = 0; round < rounds; round++) {
            int mode = round % 3; // 0: raw damage, 1: damage re-signed, 2: sections rebuilt
            byte[] bad = mode == 2 ? rebuild(sections, emptySections, rnd) : mutate(good, rnd);
            if (mode == 1) resign(bad);
            Files.write(file, bad);
            World target = new World();
            String at = "seed " + seed + " round " + round + " (rerun: -Djunction.snapshot.seed=" + seed + ")";
            try {
                target.db.load(file);
                if (target.dump().equals(expected)) {
                    exactly++;
                    continue;
                }
                assertTrue(mode != 0, at + ": loaded other data from damage the checksums should have caught");
                String problem = EngineInvariants.problem(target.db);
                assertEquals(null, problem, at + ": loaded a state that breaks an invariant");
                Path again = dir.resolve("again.snap");
                target.db.save(again);
                World copy = new World();
                copy.db.load(again);
                assertEquals(target.dump(), copy.dump(), at + ": what it loaded does not save and load to itself");
                other++;
            } catch (CorruptFileException | IllegalStateException e) {
                // a re-signed or rebuilt file can rename or drop a part: the schema no longer matches
                assertTrue(e instanceof CorruptFileException || mode != 0, at + ": " + e);
                refused++;
                assertEquals(new World().dump(), target.dump(), at + ": a refused load changed the engine");
                target.db.load(dir.resolve("good.snap"));
                assertEquals(expected, target.dump(), at + ": after a refused load the valid file loads otherwise");
            } catch (Throwable e) {
                throw new AssertionError(at + ": unexpected " + e, e);
            }
        }
        System.out.printf("snapshot fuzz, seed %d: %d variants: %d loaded exactly, %d loaded other consistent data "
                + "(re-signed or rebuilt only), %d refused, 0 failed otherwise%n", seed, rounds, exactly, other, refused);
        assertEquals(rounds, exactly + other + refused);
        assertTrue(refused > rounds / 2, "seed " + seed + ": only " + refused + " of " + rounds + " refused");
    }

    /** The snapshot rebuilt from its sections, one duplicated, dropped, swapped or taken from an empty engine. */
    private static byte[] rebuild(List<CraftedFileTest.Section> sections, List<CraftedFileTest.Section> empty,
                                  Random rnd) {
        List<CraftedFileTest.Section> out = new ArrayList<>(sections);
        int i = 1 + rnd.nextInt(out.size() - 1); // never the CODECS section, which must come first
        switch (rnd.nextInt(4)) {
            case 0 -> out.add(1 + rnd.nextInt(out.size() - 1), out.get(i));
            case 1 -> out.remove(i);
            case 2 -> {
                int j = 1 + rnd.nextInt(out.size() - 1);
                CraftedFileTest.Section x = out.get(i);
                out.set(i, out.get(j));
                out.set(j, x);
            }
            default -> {
                CraftedFileTest.Section from = empty.get(1 + rnd.nextInt(empty.size() - 1));
                for (int k = 0; k < out.size(); k++) {
                    if (out.get(k).type() == from.type() && out.get(k).name().equals(from.name())) out.set(k, from);
                }
            }
        }
        return CraftedFileTest.assemble(out);
    }

    /** {@code b} with {@code length} random bytes of {@code rnd} inserted at {@code at}. */
    static byte[] insertJunk(byte[] b, int at, int length, Random rnd) {
        byte[] junk = new byte[length];
        rnd.nextBytes(junk);
        byte[] out = new byte[b.length + junk.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(junk, 0, out, at, junk.length);
        System.arraycopy(b, at, out, at + junk.length, b.length - at);
        return out;
    }

    private static byte[] mutate(byte[] good, Random rnd) {
        byte[] b = good.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> { // flip one to three bits
                for (int i = 1 + rnd.nextInt(3); i > 0; i--) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
            case 2 -> { // insert junk
                int at = rnd.nextInt(b.length);
                b = insertJunk(b, at, 1 + rnd.nextInt(16), rnd);
            }
            case 3 -> { // overwrite a varint-sized run with a large or negative-looking number
                int at = rnd.nextInt(b.length);
                for (int i = 0; i < 5 && at + i < b.length; i++) b[at + i] = (byte) (i < 4 ? 0xFF : 0x0F);
            }
            default -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // one random byte
        }
        return b;
    }

    /** Recomputes the checksums of every section whose header still parses (to reach the decoder). */
    private static void resign(byte[] b) {
        if (b.length < PersistenceFormat.SNAPSHOT_HEADER) return;
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(16, DurableFiles.crc(b, 0, 16));
        int pos = PersistenceFormat.SNAPSHOT_HEADER;
        while (b.length - pos >= PersistenceFormat.SECTION_HEADER) {
            long length = buf.getLong(pos + 4);
            int start = pos + PersistenceFormat.SECTION_HEADER;
            if (length < 0 || length > b.length - start) {
                buf.putInt(pos + 16, DurableFiles.crc(b, pos, 16));
                return;
            }
            buf.putInt(pos + 12, DurableFiles.crc(b, start, (int) length));
            buf.putInt(pos + 16, DurableFiles.crc(b, pos, 16));
            pos = start + (int) length;
        }
    }
}
