package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IdPolicy}: the same contract for every kind of table (entities as their own keys, keyed objects, longs,
 * association rows) under both policies, a seeded random walk of adds, removals, transactions (committed, rolled
 * back, nested) and snapshot round trips against a reference allocator, and the policy across files: snapshots
 * keep it (version 2 flag byte), refuse another declaration and unknown flag bits, version 1 files still load, and
 * a journal replays to the same ids.
 *
 * <p>{@code -Djunction.fuzz.seed=S} replays a seed of the random walk.
 */
class IdPolicyTest {

    @TempDir
    Path dir;

    enum Kind { OBJECTS, KEYED, LONGS, ROWS }

    /** One table of a kind, driven by id: every add makes a new entity (or row). */
    static final class Subject {
        final Kind kind;
        final IdPolicy ids;
        final Junction db = Junction.create();
        final AbstractTable<?> table;
        Table<String> objects;
        KeyedTable<String, String> keyed;
        LongTable longs;
        AssociationTable<String, Long> rows;
        int next;

        Subject(Kind kind, IdPolicy ids) {
            this.kind = kind;
            this.ids = ids;
            switch (kind) {
                case OBJECTS -> table = (AbstractTable<?>) (objects = db.table("t", ids));
                case KEYED -> table = (AbstractTable<?>) (keyed = db.table("t", s -> "k" + s, ids));
                case LONGS -> table = (AbstractTable<?>) (longs = db.longTable("t", ids));
                default -> {
                    Table<String> people = db.table("people");
                    LongTable products = db.longTable("products");
                    rows = db.associationTable("t", people, products, ids);
                    table = ((AssociationTableImpl<?, ?>) rows).rows;
                }
            }
        }

        int add() {
            int n = next++;
            return switch (kind) {
                case OBJECTS -> objects.add("e" + n);
                case KEYED -> keyed.add("e" + n);
                case LONGS -> longs.add(1000L + n);
                case ROWS -> rows.add("p" + n % 5, (long) (n % 7)); // pairs repeat: every add is a new row
            };
        }

        void remove(int id) {
            boolean removed = switch (kind) {
                case OBJECTS -> objects.remove(objects.get(id));
                case KEYED -> keyed.remove(keyed.get(id));
                case LONGS -> longs.remove(longs.keyOf(id));
                case ROWS -> rows.remove(id);
            };
            assertTrue(removed, "id " + id);
        }

        int[] liveIds() {
            return db.read(table::ids);
        }

        /** A new engine of the same kind, loaded from a snapshot of this one; adds go on with new entities. */
        Subject reloaded(Path file, IdPolicy declared) throws IOException {
            db.save(file);
            Subject s = new Subject(kind, declared);
            s.next = next;
            s.db.load(file);
            return s;
        }
    }

    /** The allocator as documented: a LIFO free list (reuse only), freed ids usable after their commit. */
    static final class Model {
        final boolean never;
        TreeSet<Integer> live = new TreeSet<>();
        IntArrayList free = new IntArrayList();
        IntArrayList pending = new IntArrayList();
        int high;

        Model(IdPolicy ids) {
            never = ids == IdPolicy.NEVER_REUSE;
        }

        Model copy() {
            Model m = new Model(never ? IdPolicy.NEVER_REUSE : IdPolicy.REUSE_FREED);
            m.live = new TreeSet<>(live);
            m.free = new IntArrayList(free);
            m.pending = new IntArrayList(pending);
            m.high = high;
            return m;
        }

        int add() {
            int id = !free.isEmpty() ? free.popInt() : high++;
            live.add(id);
            return id;
        }

        void remove(int id, boolean inTransaction) {
            live.remove(id);
            if (never) return;
            if (inTransaction) pending.add(id); else free.add(id);
        }

        void commit() {
            free.addAll(pending);
            pending.clear();
        }

        int[] ids() {
            return live.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    static Stream<Arguments> kinds() {
        List<Arguments> out = new ArrayList<>();
        for (Kind k : Kind.values()) for (IdPolicy p : IdPolicy.values()) out.add(Arguments.of(k, p));
        return out.stream();
    }

    // ---- the contract, every kind and policy -----------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinds")
    void aFreedIdIsHandedOutAgainOnlyUnderReuseFreed(Kind kind, IdPolicy policy) {
        Subject s = new Subject(kind, policy);
        assertEquals(policy, s.table.idPolicy());
        if (kind == Kind.ROWS) assertEquals(policy, s.rows.rowIdPolicy());
        assertEquals(0, s.add());
        assertEquals(1, s.add());
        assertEquals(2, s.add());
        s.remove(1);
        s.remove(0);
        boolean never = policy == IdPolicy.NEVER_REUSE;
        assertEquals(never ? 3 : 0, s.add(), "most recently freed first, or never");
        assertEquals(never ? 4 : 1, s.add());
        assertEquals(never ? 5 : 3, s.add());
        assertArrayEquals(never ? new int[] {2, 3, 4, 5} : new int[] {0, 1, 2, 3}, s.liveIds());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinds")
    void insideATransactionAnIdFreedThereWaitsForTheCommitAndARollbackGivesBackItsIds(Kind kind, IdPolicy policy) {
        Subject s = new Subject(kind, policy);
        for (int i = 0; i < 3; i++) s.add();
        boolean never = policy == IdPolicy.NEVER_REUSE;
        try (Transaction tx = s.db.begin()) {
            s.remove(0);
            assertEquals(3, s.add(), "an id freed in the transaction is not reused by it, whatever the policy");
            tx.commit();
        }
        assertEquals(never ? 4 : 0, s.add());
        int[] before = s.liveIds();
        int expected = never ? 5 : 4;
        try (Transaction tx = s.db.begin()) {
            assertEquals(expected, s.add());
            s.remove(1);
            tx.rollback();
        }
        assertArrayEquals(before, s.liveIds(), "the rollback restored the ids");
        // the rolled-back id was never committed (nor journaled): the next add hands it out, so a journal replays
        assertEquals(expected, s.add());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinds")
    void aSnapshotKeepsThePolicyAndRefusesAnotherDeclaration(Kind kind, IdPolicy policy) throws IOException {
        Subject s = new Subject(kind, policy);
        for (int i = 0; i < 6; i++) s.add();
        s.remove(2);
        s.remove(4);
        Path file = dir.resolve("t.snap");
        Subject back = s.reloaded(file, policy);
        assertArrayEquals(s.liveIds(), back.liveIds());
        assertEquals(s.add(), back.add(), "the loaded table hands out the id the saved one does");
        assertEquals(s.add(), back.add());

        IdPolicy other = policy == IdPolicy.NEVER_REUSE ? IdPolicy.REUSE_FREED : IdPolicy.NEVER_REUSE;
        Subject wrong = new Subject(kind, other);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.db.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'t'")
                && e.getMessage().contains("id policy " + policy) && e.getMessage().contains("declared " + other),
                e.getMessage());
        assertEquals(0, wrong.liveIds().length, "nothing loaded");
        assertTrue(wrong.table.pristine());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinds")
    void aFullTableSaysSoAndStaysAsItWas(Kind kind, IdPolicy policy) {
        Subject s = new Subject(kind, policy);
        s.table.highWater = Integer.MAX_VALUE; // as if every id had been handed out (and, here, freed and retired)
        IllegalStateException e = assertThrows(IllegalStateException.class, s::add);
        assertTrue(e.getMessage().contains("'t" + (kind == Kind.ROWS ? ".rows" : "") + "' is full"), e.getMessage());
        if (policy == IdPolicy.NEVER_REUSE) {
            assertTrue(e.getMessage().contains("NEVER_REUSE") && e.getMessage().contains("0 are live"), e.getMessage());
        }
        assertEquals(0, s.liveIds().length);
        assertEquals(Integer.MAX_VALUE, s.table.highWaterMark());
        if (kind == Kind.ROWS) {
            assertEquals(0, s.rows.size());
            assertEquals(0, s.rows.pairs().size(), "the row's pair was not made either");
        } else {
            assertEquals(0, s.table.size());
        }
    }

    @Test
    void nullPoliciesAreRefusedNamingTheTable() {
        Junction db = Junction.create();
        Table<String> a = db.table("a");
        for (Supplier<?> declare : List.<Supplier<?>>of(() -> db.table("x", (IdPolicy) null),
                () -> db.table("x", s -> s, null), () -> db.longTable("x", null),
                () -> db.associationTable("x", a, a, null))) {
            NullPointerException e = assertThrows(NullPointerException.class, declare::get);
            assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("id policy"), e.getMessage());
        }
        assertEquals(1, db.tables().size(), "nothing declared");
        assertEquals(IdPolicy.REUSE_FREED, a.idPolicy(), "the default");
    }

    // ---- a seeded random walk against the model ------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinds")
    void aRandomWalkHandsOutTheIdsOfTheReferenceAllocator(Kind kind, IdPolicy policy) throws IOException {
        long seed = Long.getLong("junction.fuzz.seed", 19L * 31 + kind.ordinal() * 2 + policy.ordinal());
        Random rnd = new Random(seed);
        Subject s = new Subject(kind, policy);
        Model m = new Model(policy);
        int step = 0;
        try {
            for (; step < 1500; step++) {
                int op = rnd.nextInt(100);
                if (op < 45 || m.live.isEmpty()) {
                    assertEquals(m.add(), s.add(), "add");
                } else if (op < 80) {
                    int id = pick(rnd, m);
                    s.remove(id);
                    m.remove(id, false);
                } else if (op < 97) {
                    transaction(rnd, s, m);
                } else {
                    s = s.reloaded(dir.resolve("walk-" + step + ".snap"), policy);
                }
                assertArrayEquals(m.ids(), s.liveIds());
                if (policy == IdPolicy.NEVER_REUSE) assertEquals(m.high, s.table.highWaterMark());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + seed + " step=" + step + " (replay: -Djunction.fuzz.seed=" + seed
                    + "): " + e.getMessage(), e);
        }
    }

    private static int pick(Random rnd, Model m) {
        int skip = rnd.nextInt(m.live.size());
        for (int id : m.live) if (skip-- == 0) return id;
        throw new AssertionError();
    }

    /** A transaction of a few steps, maybe with a nested one, committed or rolled back. */
    private static void transaction(Random rnd, Subject s, Model m) {
        Model before = m.copy();
        try (Transaction tx = s.db.begin()) {
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (rnd.nextBoolean() || m.live.isEmpty()) {
                    assertEquals(m.add(), s.add(), "add in a transaction");
                } else {
                    int id = pick(rnd, m);
                    s.remove(id);
                    m.remove(id, true);
                }
                if (rnd.nextInt(8) == 0) { // an inner transaction rolled back: its part is undone only
                    Model inner = m.copy();
                    try (Transaction in = s.db.begin()) {
                        assertEquals(inner.add(), s.add(), "add in a nested transaction");
                        in.rollback();
                    }
                }
            }
            assertArrayEquals(m.ids(), s.liveIds(), "inside the transaction");
            if (rnd.nextBoolean()) {
                tx.commit();
                m.commit();
            } else {
                tx.rollback();
                m.live = before.live;
                m.free = before.free;
                m.pending = before.pending;
                m.high = before.high;
            }
        }
    }

    // ---- across files ------------------------------------------------------------------------------------

    @Test
    void theJournalReplaysToTheSameIdsAndTheNextAddGoesOnFromThere() throws IOException {
        Path where = dir.resolve("journaled");
        World w = new World(IdPolicy.NEVER_REUSE);
        int[] expectedNext;
        try (Persistence p = Persistence.open(w.db, where, SyncPolicy.everyCommit())) {
            SnapshotTest.World.populate(w);
            churn(w, 0);
            p.checkpoint(); // a snapshot, then a journal on top of it
            churn(w, 1);
            try (Transaction tx = w.db.begin()) {
                w.books.add(new Book("Rolled back", 2000));
                tx.rollback();
            }
            churn(w, 2);
            expectedNext = nextIds(copyOf(w));
        }
        World back = new World(IdPolicy.NEVER_REUSE);
        try (Persistence p = Persistence.open(back.db, where, SyncPolicy.everyCommit())) {
            assertEquals(w.dump(), back.dump());
            assertArrayEquals(expectedNext, nextIds(back), "the recovered tables go on with the same ids");
        }
        World again = new World(IdPolicy.NEVER_REUSE);
        Persistence.open(again.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(back.dump(), again.dump(), "the ids handed out after recovery replay too");
    }

    @Test
    void aJournalReplayedUnderAnotherPolicyIsRefusedSayingSo() throws IOException {
        for (IdPolicy written : IdPolicy.values()) {
            IdPolicy declared = written == IdPolicy.NEVER_REUSE ? IdPolicy.REUSE_FREED : IdPolicy.NEVER_REUSE;
            Path where = dir.resolve("written-" + written);
            World w = new World(written);
            try (Persistence p = Persistence.open(w.db, where, SyncPolicy.everyCommit())) {
                churn(w, 0); // no checkpoint: the journal alone says what happened
            }
            World other = new World(declared);
            CorruptFileException e = assertThrows(CorruptFileException.class,
                    () -> Persistence.open(other.db, where, SyncPolicy.everyCommit()));
            assertTrue(e.getMessage().contains("another id policy") && e.getMessage().contains("declared " + declared),
                    e.getMessage());
            World same = new World(written);
            Persistence.open(same.db, where, SyncPolicy.everyCommit()).close();
            assertEquals(w.dump(), same.dump(), "the declared policy still opens it");
        }
    }

    /** Adds and removes books, users and loan rows: each commit retires ids. */
    private static void churn(World w, int round) {
        for (int i = 0; i < 5; i++) {
            Book b = new Book("churn " + round + "-" + i, 1900 + i);
            w.books.add(b);
            w.users.add(5000L + round * 10 + i);
            w.loans.add(5000L + round * 10 + i, b);
        }
        w.books.remove(new Book("churn " + round + "-1", 1901));
        w.users.remove(5000L + round * 10 + 3);
        w.db.inTransaction(() -> {
            w.books.remove(new Book("churn " + round + "-2", 1902));
            w.books.add(new Book("churn " + round + "-again", 1999));
        });
    }

    /** What the next add hands out in the books, the users and the loan rows (it adds them). */
    private static int[] nextIds(World w) {
        return new int[] {w.books.add(new Book("next", 2024)), w.users.add(999_999L),
                w.loans.add(999_999L, new Book("next", 2024))};
    }

    private World copyOf(World w) throws IOException {
        Path file = dir.resolve("copy-" + System.nanoTime() + ".snap");
        w.db.save(file);
        World c = new World(IdPolicy.NEVER_REUSE);
        c.db.load(file);
        return c;
    }

    @Test
    void aVersion1SnapshotLoadsIntoTablesOfEitherPolicyAndANeverReuseTableRetiresItsFreeIds() throws IOException {
        Path file = dir.resolve("v1.snap");
        try (InputStream in = IdPolicyTest.class.getResourceAsStream("/golden/" + GoldenFormatTest.SNAPSHOT_V1)) {
            Files.write(file, in.readAllBytes());
        }
        World reuse = new World();
        reuse.db.load(file);
        World never = new World(IdPolicy.NEVER_REUSE);
        never.db.load(file);
        List<AbstractTable<?>> reuseTables = List.copyOf(reuse.db.tablesInOrder());
        List<AbstractTable<?>> neverTables = List.copyOf(never.db.tablesInOrder());
        assertEquals(reuseTables.size(), neverTables.size());
        for (int i = 0; i < reuseTables.size(); i++) {
            AbstractTable<?> t = reuseTables.get(i);
            AbstractTable<?> n = neverTables.get(i);
            assertEquals(t.name, n.name);
            assertArrayEquals(t.ids(), n.ids(), t.name);
            assertEquals(t.highWaterMark(), n.highWaterMark(), t.name);
        }
        int[] freeBooks = ((AbstractTable<?>) reuse.books).freeStack();
        assertTrue(freeBooks.length > 0, "the script removed a book");
        assertEquals(0, ((AbstractTable<?>) never.books).freeStack().length, "retired");
        assertEquals(freeBooks[freeBooks.length - 1], reuse.books.add(new Book("New", 2000)));
        assertEquals(((AbstractTable<?>) never.books).highWaterMark(), never.books.add(new Book("New", 2000)));
    }

    @Test
    void aTableFlagsByteWithUnknownBitsIsRefusedNamingTheFileAndTheByte() throws IOException {
        World w = new World(IdPolicy.NEVER_REUSE);
        SnapshotTest.World.populate(w);
        Path good = dir.resolve("good.snap");
        w.db.save(good);
        List<CraftedFileTest.Section> sections = CraftedFileTest.sections(Files.readAllBytes(good));
        int flagsAt = PersistenceFormat.SNAPSHOT_HEADER;
        for (int i = 0; i < sections.size(); i++) {
            CraftedFileTest.Section s = sections.get(i);
            if (s.type() == PersistenceFormat.SECTION_TABLE && s.name().equals("books")) {
                byte[] payload = s.payload().clone();
                int at = 1 + payload[0] + 1; // name (one length byte, then the name), kind, flags
                assertEquals(PersistenceFormat.TABLE_FLAG_NEVER_REUSE, payload[at]);
                payload[at] = 0x05;
                sections.set(i, new CraftedFileTest.Section(s.type(), payload));
                flagsAt += PersistenceFormat.SECTION_HEADER + at;
                break;
            }
            flagsAt += PersistenceFormat.SECTION_HEADER + s.payload().length;
        }
        Path bad = dir.resolve("bad.snap");
        Files.write(bad, CraftedFileTest.assemble(sections));
        World target = new World(IdPolicy.NEVER_REUSE);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> target.db.load(bad));
        assertEquals(bad, e.file());
        assertEquals(flagsAt, e.offset());
        assertTrue(e.getMessage().contains("table 'books'") && e.getMessage().contains("flags 0x5")
                && e.getMessage().contains("at byte " + flagsAt), e.getMessage());
        assertFalse(target.books.iterator().hasNext(), "nothing loaded");
        target.db.load(good);
        assertEquals(w.dump(), target.dump());
    }
}
