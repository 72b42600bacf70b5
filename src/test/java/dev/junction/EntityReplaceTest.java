package dev.junction;

import static dev.junction.EngineWorld.onOtherThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeyedTable#put} and {@link KeyedTable#replace}: a replacement keeps the id, the links (both ways), the
 * link values and the association rows; in and out of transactions (rollback and failed operations restore the old
 * object, other threads see the old one until commit); listeners hear a typed "replaced"; the journal replays it and
 * snapshots carry the new object; bad input is refused, naming the table and key, with nothing changed; and a
 * seeded random sequence against a map.
 */
class EntityReplaceTest {

    @TempDir
    Path dir;

    private static final Book DUNE = new Book("Dune", 1965);
    private static final Book DUNE2 = new Book("Dune", 1966);

    /** The populated world's dump with Dune's year changed: what a replacement must leave, and nothing else. */
    private static String dumpWithDune1966(World w) {
        return w.dump().replace("Book[title=Dune, year=1965]", "Book[title=Dune, year=1966]");
    }

    @Test
    void putReplacesKeepingTheIdLinksValuesAndRows() {
        World w = World.sample();
        int id = w.books.idOf(DUNE);
        String expected = dumpWithDune1966(w);
        assertTrue(w.db.read(() -> w.loans.rowsOfLeft(100 * 1_000_000_007L).size()) > 0);
        assertEquals(id, w.books.put(DUNE2));
        assertEquals(expected, w.dump());
        assertEquals(DUNE2, w.books.get(id));
        assertEquals(DUNE2, w.books.byKey("Dune"));
        assertEquals(Set.of("sf", "nz"), w.tagged.rightsOf(DUNE2));
        assertTrue(w.tagged.inverse().rightsOf("sf").contains(DUNE2));
        assertEquals(-0.25, w.score.get(DUNE2, "sf"));
        assertEquals(DUNE2, w.loans.rightOf(w.loans.rowsOfRight(DUNE2).iterator().nextInt()));
        assertNull(EngineInvariants.problem(w.db));
    }

    @Test
    void putAddsWhenAbsentAndReplaceReturnsThePrevious() {
        World w = World.sample();
        int before = w.books.size();
        int id = w.books.put(new Book("New", 1));
        assertEquals(before + 1, w.books.size());
        assertEquals(new Book("New", 1), w.books.get(id));
        assertEquals(new Book("New", 1), w.books.replace(new Book("New", 2)));
        assertEquals(new Book("New", 2), w.books.get(id));
        assertEquals(before + 1, w.books.size());
        Book same = w.books.get(id);
        assertSame(same, w.books.replace(same), "the very object stored is replaced too (by itself)");
    }

    @Test
    void badInputIsRefusedNamingTheTableAndKeyAndChangesNothing() {
        World w = World.sample();
        KeyedTable<Book, String> nullKeys = w.db.table("nullKeys", b -> b.year() == 0 ? null : b.title());
        String before = w.dump();
        NoSuchElementException e = assertThrows(NoSuchElementException.class,
                () -> w.books.replace(new Book("Nope", 1)));
        assertTrue(e.getMessage().contains("'books'") && e.getMessage().contains("Nope"), e.getMessage());
        assertThrows(NullPointerException.class, () -> w.books.replace(null));
        assertThrows(NullPointerException.class, () -> w.books.put(null));
        @SuppressWarnings("unchecked")
        KeyedTable<String, String> plain = (KeyedTable<String, String>) (KeyedTable<?, ?>) w.tags;
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> plain.put("sf"));
        assertTrue(u.getMessage().contains("'tags'"), u.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> plain.replace("sf"));
        assertThrows(NullPointerException.class, () -> nullKeys.put(new Book("x", 0)));
        assertEquals(before, w.dump());
        // inside a transaction: the failed replace changes nothing, and the transaction goes on
        w.db.inTransaction(() -> {
            w.books.put(DUNE2);
            assertThrows(NoSuchElementException.class, () -> w.books.replace(new Book("Nope", 1)));
            assertEquals(DUNE2, w.books.byKey("Dune"));
        });
        assertEquals(DUNE2, w.books.byKey("Dune"));
    }

    @Test
    void rollbackRestoresTheOldObjectAndOtherThreadsSeeItUntilCommit() throws Exception {
        World w = World.sample();
        String before = w.dump();
        int id = w.books.idOf(DUNE);
        try (Transaction t = w.db.begin()) {
            w.books.put(DUNE2);
            w.books.replace(new Book("Dune", 1967));
            assertEquals(new Book("Dune", 1967), w.books.get(id));
            assertEquals(List.of(new Book("Dune", 1967)),
                    w.books.stream().filter(b -> b.title().equals("Dune")).toList());
            assertEquals(DUNE, onOtherThread("reader", () -> w.books.get(id)));
            assertEquals(DUNE, onOtherThread("reader", () -> w.books.byKey("Dune")));
            t.rollback();
        }
        assertEquals(before, w.dump());
        // nested: the inner rollback restores the outer's replacement
        w.db.inTransaction(() -> {
            w.books.put(DUNE2);
            try (Transaction inner = w.db.begin()) {
                w.books.put(new Book("Dune", 1999));
                inner.rollback();
            }
            assertEquals(DUNE2, w.books.get(id));
        });
        assertEquals(dumpWithDune1966(World.sample()), w.dump());
    }

    @Test
    void replacementsOfEntitiesAddedOrRemovedInTheSameTransaction() {
        World w = World.sample();
        w.db.inTransaction(() -> {
            int id = w.books.put(new Book("Fresh", 1));
            w.tagged.link(new Book("Fresh", 1), "sf");
            assertEquals(id, w.books.put(new Book("Fresh", 2)));
            assertEquals(new Book("Fresh", 2), w.books.get(id));
            w.books.put(DUNE2);
            w.books.remove(DUNE2); // replaced, then removed: gone at commit
        });
        assertEquals(new Book("Fresh", 2), w.books.byKey("Fresh"));
        assertEquals(Set.of("sf"), w.tagged.rightsOf(new Book("Fresh", 0)));
        assertFalse(w.books.containsKey("Dune"));
        assertNull(EngineInvariants.problem(w.db));
        // replaced then removed, rolled back: the committed object, not the replacement
        World v = World.sample();
        String before = v.dump();
        try (Transaction t = v.db.begin()) {
            v.books.put(DUNE2);
            v.books.remove(DUNE2);
            t.rollback();
        }
        assertEquals(before, v.dump());
    }

    @Test
    void listenersHearReplacedWithBothObjectsAndNothingOnRollback() {
        World w = World.sample();
        List<String> heard = new ArrayList<>();
        w.db.addListener(new ChangeListener() {
            @Override
            public void replaced(Table<?> table, int id, Object previous, Object entity) {
                heard.add(table.name() + " " + id + " " + previous + " -> " + entity);
            }
        });
        int id = w.books.idOf(DUNE);
        try (Transaction t = w.db.begin()) {
            w.books.put(DUNE2);
            t.rollback();
        }
        assertEquals(List.of(), heard);
        w.books.put(DUNE2);
        assertEquals(List.of("books " + id + " " + DUNE + " -> " + DUNE2), heard);
    }

    @Test
    void theJournalReplaysReplacementsAndSnapshotsCarryTheNewObject() throws IOException {
        Path where = dir.resolve("journaled");
        World w = new World();
        try (Persistence p = Persistence.open(w.db, where, SyncPolicy.everyCommit())) {
            World.populate(w);
            w.books.put(DUNE2);
            w.db.inTransaction(() -> {
                w.books.replace(new Book("Emma", 1816));
                w.books.put(new Book("Emma", 1817));
                try (Transaction inner = w.db.begin()) {
                    w.books.put(new Book("Ulysses", 0));
                    inner.rollback();
                }
            });
        }
        World back = new World();
        try (Persistence p = Persistence.open(back.db, where, SyncPolicy.everyCommit())) {
            assertEquals(w.dump(), back.dump());
            assertEquals(new Book("Emma", 1817), back.books.byKey("Emma"));
            assertEquals(new Book("Ulysses", 1922), back.books.byKey("Ulysses"));
            back.books.put(new Book("Ulysses", 1923));
            p.checkpoint(); // a snapshot of the new object, then the journal goes on
            back.books.put(new Book("Ulysses", 1924));
        }
        World again = new World();
        Persistence.open(again.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(back.dump(), again.dump());
        assertEquals(new Book("Ulysses", 1924), again.books.byKey("Ulysses"));

        Path file = dir.resolve("db.snap");
        again.db.save(file);
        World loaded = new World();
        loaded.db.load(file);
        assertEquals(again.dump(), loaded.dump());
        assertEquals(new Book("Dune", 1966), loaded.books.byKey("Dune"));
    }

    @Test
    void readersOnOtherThreadsSeeTheOldOrTheNewObjectWhole() throws Exception {
        World w = World.sample();
        int id = w.books.idOf(DUNE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get() && problem.get() == null) {
                Book b = w.books.byKey("Dune");
                Book g = w.books.get(id);
                if (!b.title().equals("Dune") || !g.title().equals("Dune") || b.year() < 1965 || g.year() < 1965) {
                    problem.set(b + " / " + g);
                }
            }
        });
        reader.start();
        for (int year = 1966; year < 3000; year++) {
            int y = year;
            if (year % 2 == 0) w.books.put(new Book("Dune", y)); else w.db.inTransaction(() -> w.books.replace(new Book("Dune", y)));
        }
        stop.set(true);
        reader.join();
        assertNull(problem.get());
        assertEquals(new Book("Dune", 2999), w.books.get(id));
        assertEquals(Set.of("sf", "nz"), w.tagged.rightsOf(DUNE));
    }

    @Test
    void seededRandomPutsReplacesAndRemovesAgreeWithAMap() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        World w = World.sample();
        Map<String, Integer> model = new HashMap<>();
        for (Book b : w.books) model.put(b.title(), b.year());
        for (int round = 0; round < 300; round++) {
            boolean tx = rnd.nextBoolean();
            boolean rollback = tx && rnd.nextInt(4) == 0;
            Map<String, Integer> next = new HashMap<>(model);
            Runnable ops = () -> {
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    String title = "t" + rnd.nextInt(8);
                    int year = rnd.nextInt(100);
                    switch (rnd.nextInt(4)) {
                        case 0 -> {
                            w.books.put(new Book(title, year));
                            next.put(title, year);
                        }
                        case 1 -> {
                            if (next.containsKey(title)) {
                                assertEquals(next.get(title), w.books.replace(new Book(title, year)).year());
                                next.put(title, year);
                            } else {
                                assertThrows(NoSuchElementException.class, () -> w.books.replace(new Book(title, year)));
                            }
                        }
                        case 2 -> {
                            w.tagged.link(new Book(title, year), "sf");
                            next.putIfAbsent(title, year);
                        }
                        default -> {
                            assertEquals(next.containsKey(title), w.books.remove(new Book(title, 0)));
                            next.remove(title);
                        }
                    }
                }
            };
            if (tx) {
                try (Transaction t = w.db.begin()) {
                    ops.run();
                    if (rollback) t.rollback(); else t.commit();
                }
            } else {
                ops.run();
            }
            if (!rollback) model = next;
            Map<String, Integer> seen = new HashMap<>();
            for (Book b : w.books) seen.put(b.title(), b.year());
            assertEquals(model, seen, "seed " + seed + ", round " + round);
            for (Map.Entry<String, Integer> e : model.entrySet()) {
                assertEquals(e.getValue(), w.books.byKey(e.getKey()).year(), "seed " + seed);
            }
        }
        assertNull(EngineInvariants.problem(w.db), "seed " + seed);
    }
}
