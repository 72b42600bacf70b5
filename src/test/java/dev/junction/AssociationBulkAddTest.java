package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk path of association tables ({@link AssociationTable#addAllByIds}, the columns' {@code setAll}): the
 * same state as adding the rows one by one, into an empty table (staged internal relations) and into one with
 * rows (the ordinary overlay), inside a larger transaction and on their own, through rollback, listeners, the
 * journal and snapshots; bad input refused with nothing added.
 */
class AssociationBulkAddTest {

    @TempDir
    Path dir;

    /** Customers c0..c(n-1), products p0..p(m-1), an association table with an int and an object column. */
    static final class Shop extends CustomerOrders {
        final RowColumn.OfInt quantity = orders.intColumn("quantity", 1);
        final RowColumn.OfObject<String> note = orders.objectColumn("note", String.class, null);

        Shop(int n, int m) {
            for (long i = 0; i < n; i++) customers.add(i);
            for (long i = 0; i < m; i++) products.add(i);
        }

        /** Every row with its ends and values, the pairs, ascending: what a test compares. */
        String dump() {
            return db.read(() -> {
                StringBuilder b = new StringBuilder();
                for (int row = 0, seen = 0; seen < orders.size(); row++) {
                    if (!orders.contains(row)) continue;
                    seen++;
                    b.append(row).append(':').append(orders.leftIdOf(row)).append('-').append(orders.rightIdOf(row))
                            .append('=').append(quantity.get(row)).append(',').append(note.get(row)).append(' ');
                }
                List<String> pairs = new ArrayList<>();
                orders.pairs().ints().forEachLink((l, r) -> pairs.add(l + "-" + r));
                return b + " pairs " + pairs + " problem " + EngineInvariants.problem(db);
            });
        }
    }

    private static int[][] randomRows(Random rnd, int count, int n, int m) {
        int[] ls = new int[count];
        int[] rs = new int[count];
        for (int i = 0; i < count; i++) {
            ls[i] = rnd.nextInt(n);
            rs[i] = rnd.nextInt(m); // pairs repeat: many rows per pair
        }
        return new int[][] {ls, rs};
    }

    @Test
    void aBulkAddEqualsAddingTheRowsOneByOneIntoEmptyAndNonEmptyTables() {
        long seed = Long.getLong("junction.bulkadd.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int round = 0; round < 20; round++) {
            Shop bulk = new Shop(30, 20);
            Shop single = new Shop(30, 20);
            for (int batch = 0; batch < 3; batch++) { // the first into an empty table, then into one with rows
                int[][] rows = randomRows(rnd, 1 + rnd.nextInt(200), 30, 20);
                int[] values = new int[rows[0].length];
                String[] notes = new String[rows[0].length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rnd.nextInt(100);
                    notes[i] = rnd.nextBoolean() ? null : "n" + i;
                }
                java.util.function.Supplier<int[]> load = () -> {
                    int[] added = bulk.orders.addAllByIds(rows[0], rows[1]);
                    bulk.quantity.setAll(added, values);
                    bulk.note.setAll(added, notes);
                    return added;
                };
                // in one transaction (into an empty table: staged relations and dense staged values) or not
                int[] ids = rnd.nextBoolean() ? bulk.db.inTransaction(load) : load.get();
                int[] expected = new int[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    expected[i] = single.orders.addByIds(rows[0][i], rows[1][i], single.quantity.value(values[i]),
                            single.note.value(notes[i]));
                }
                assertArrayEquals(expected, ids, "seed " + seed + " round " + round + ": row ids");
                if (rnd.nextInt(3) == 0) { // deletes between batches
                    int victim = ids[rnd.nextInt(ids.length)];
                    bulk.orders.remove(victim);
                    single.orders.remove(victim);
                }
                assertEquals(single.dump(), bulk.dump(), "seed " + seed + " round " + round + " batch " + batch);
            }
        }
    }

    @Test
    void inAnOpenTransactionTheBulkAddIsPartOfItAndRollsBackWithIt() {
        Shop s = new Shop(5, 5);
        String before = s.dump();
        try (Transaction t = s.db.begin()) {
            s.customers.add(99L);
            int[] ids = s.orders.addAllByIds(new int[] {0, 1, 1}, new int[] {2, 2, 3});
            s.quantity.setAll(ids, new int[] {7, 8, 9});
            assertEquals(3, s.orders.size());
            assertEquals(8, s.quantity.get(ids[1]));
            s.orders.remove(ids[0]); // the staged rows can be changed later in the transaction
            assertEquals(2, s.orders.pairs().size());
            t.rollback();
        }
        assertEquals(before, s.dump());
        assertEquals(0, s.orders.size());
    }

    @Test
    void badInputIsRefusedAndAddsNothing() {
        Shop s = new Shop(3, 3);
        s.orders.addAllByIds(new int[] {0}, new int[] {0});
        String before = s.dump();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.orders.addAllByIds(new int[] {0, 1}, new int[] {1, 7}));
        assertTrue(e.getMessage().contains("right 7 at index 1") && e.getMessage().contains("'products'"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.orders.addAllByIds(new int[] {0, 1}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> s.orders.addAllByIds(new int[] {-1}, new int[] {1}));
        assertThrows(NullPointerException.class, () -> s.orders.addAllByIds(null, new int[0]));
        assertThrows(java.util.NoSuchElementException.class, () -> s.quantity.setAll(new int[] {0, 5}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> s.quantity.setAll(new int[] {0}, new int[] {1, 2}));
        assertEquals(before, s.dump());
        assertEquals(1, s.quantity.get(0), "nothing set by the refused setAll");
    }

    @Test
    void aBulkAddIsJournaledHeardAndSavedLikeAnyRows() throws IOException {
        Shop s = new Shop(0, 0);
        List<String> heard = new ArrayList<>();
        s.db.addListener(new ChangeListener() {
            @Override
            public void linked(Relation<?, ?> relation, int left, int right) {
                heard.add(left + "-" + right);
            }
        });
        try (Persistence p = Persistence.open(s.db, dir.resolve("journal"), SyncPolicy.everyCommit())) {
            for (long i = 0; i < 4; i++) {
                s.customers.add(i);
                s.products.add(i);
            }
            int[] ids = s.orders.addAllByIds(new int[] {0, 0, 3}, new int[] {1, 1, 2});
            s.quantity.setAll(ids, new int[] {4, 5, 6});
        }
        assertEquals(List.of("0-1", "3-2"), heard, "listeners hear the new pairs");
        Shop back = new Shop(0, 0);
        Persistence.open(back.db, dir.resolve("journal"), SyncPolicy.everyCommit()).close();
        assertEquals(s.dump(), back.dump());
        Path snap = dir.resolve("shop.snap");
        s.db.save(snap);
        Shop loaded = new Shop(0, 0);
        loaded.db.load(snap);
        assertEquals(s.dump(), loaded.dump());
    }

    @Test
    void stagedRowValuesAreJournaledWithoutRowsDeletedInTheSameTransaction() throws IOException {
        Shop s = new Shop(0, 0);
        try (Persistence p = Persistence.open(s.db, dir.resolve("journal"), SyncPolicy.everyCommit())) {
            for (long i = 0; i < 4; i++) {
                s.customers.add(i);
                s.products.add(i);
            }
            s.db.inTransaction(() -> {
                int[] ids = s.orders.addAllByIds(new int[] {0, 1, 2, 3}, new int[] {3, 2, 1, 0});
                s.quantity.setAll(ids, new int[] {10, 1, 30, 40}); // row 1 keeps the default
                s.note.setAll(ids, new String[] {"a", null, "c", "d"});
                s.orders.remove(ids[2]); // staged, then deleted: no values of it may reach the journal
                s.quantity.set(ids[3], 44);
            });
        }
        assertEquals("0:0-3=10,a 1:1-2=1,null 3:3-0=44,d ", s.dump().substring(0, s.dump().indexOf(" pairs")));
        Shop back = new Shop(0, 0);
        Persistence.open(back.db, dir.resolve("journal"), SyncPolicy.everyCommit()).close();
        assertEquals(s.dump(), back.dump());
        int row = back.orders.addByIds(2, 1); // the deleted row's id is free again and starts from the defaults
        assertEquals(2, row);
        assertEquals(1, back.quantity.get(row));
        assertEquals(null, back.note.get(row));
    }

    @Test
    void stagedRowValuesAreSeenByTheirTransactionOnlyUntilItCommits() throws Exception {
        Shop s = new Shop(3, 3);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Transaction t = s.db.begin()) {
            int[] ids = s.orders.addAllByIds(new int[] {0, 1}, new int[] {1, 2});
            s.quantity.setAll(ids, new int[] {5, 6});
            assertEquals(6, s.quantity.get(ids[1]));
            assertEquals(0, other.submit(() -> s.orders.size()).get(), "another thread sees no staged row");
            t.commit();
            assertEquals(6, other.submit(() -> s.quantity.get(ids[1])).get(), "and sees the values once committed");
        } finally {
            other.shutdownNow();
        }
        // a second bulk add into the table that now has rows goes through the ordinary overlay
        s.db.inTransaction(() -> {
            int[] more = s.orders.addAllByIds(new int[] {2}, new int[] {0});
            s.quantity.setAll(more, new int[] {7});
        });
        assertEquals(7, s.quantity.get(2));
        assertEquals(null, EngineInvariants.problem(s.db));
    }

    @Test
    void aFailureAfterAStagedBulkAddRollsItAllBack() {
        Shop s = new Shop(3, 3);
        String before = s.dump();
        assertThrows(IllegalStateException.class, () -> s.db.inTransaction(() -> {
            int[] ids = s.orders.addAllByIds(new int[] {0, 1}, new int[] {1, 2});
            s.quantity.setAll(ids, new int[] {5, 6});
            throw new IllegalStateException("the application gives up");
        }));
        assertEquals(before, s.dump());
        int[] ids = s.orders.addAllByIds(new int[] {2}, new int[] {2}); // the table is usable, and empty
        assertEquals(0, ids[0]);
        assertEquals(1, s.quantity.get(0));
    }
}
