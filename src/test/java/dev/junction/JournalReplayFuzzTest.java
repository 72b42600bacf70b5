package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal replay equivalence: random mixes of every public write, in and out of transactions, with nested failures,
 * rollbacks and checkpoints, under both sync policies; reopening the directory gives exactly the state the engine
 * had. Each repetition is seeded and prints its seed on failure.
 */
class JournalReplayFuzzTest {

    @TempDir
    Path dir;

    static final long U = 1_000_000_007L;

    @RepeatedTest(20)
    void replayGivesTheSameState() throws Exception {
        long seed = Long.getLong("junction.replay.seed", System.nanoTime());
        Random rnd = new Random(seed);
        World w = new World();
        SyncPolicy pol = rnd.nextBoolean() ? SyncPolicy.everyCommit() : SyncPolicy.groupCommit(Duration.ZERO);
        try (Persistence p = Persistence.open(w.db, dir, pol)) {
            for (int step = 0; step < 300; step++) {
                int mode = rnd.nextInt(10);
                if (mode < 5) {
                    op(w, rnd);
                } else if (mode < 8) {
                    try {
                        w.db.inTransaction(() -> {
                            int n = 1 + rnd.nextInt(6);
                            for (int i = 0; i < n; i++) {
                                if (rnd.nextInt(5) == 0) {
                                    try {
                                        w.db.inTransaction(() -> { // nested: undone alone
                                            op(w, rnd);
                                            op(w, rnd);
                                            throw new IllegalStateException("undo me");
                                        });
                                    } catch (IllegalStateException ignored) {
                                    }
                                } else {
                                    op(w, rnd);
                                }
                            }
                            if (rnd.nextInt(8) == 0) throw new ArithmeticException("roll back all");
                        });
                    } catch (ArithmeticException ignored) {
                    }
                } else if (mode == 8 && rnd.nextInt(10) == 0) {
                    p.checkpoint();
                } else {
                    try (Transaction t = w.db.begin()) {
                        op(w, rnd);
                        op(w, rnd);
                    }
                }
            }
        }
        System.out.println("SIZES " + w.tagged.size() + " " + w.follows.size() + " " + w.friends.size() + " " + w.loans.pairs().size() + " gen");
        World back = new World();
        Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(w.dump(), back.dump(), "seed " + seed);
        assertEquals(w.users.add(999L), back.users.add(999L), "seed " + seed);
        assertEquals(w.books.add(new Book("Z", 1)), back.books.add(new Book("Z", 1)), "seed " + seed);
        assertEquals(w.loans.add(999L, new Book("Z", 1)), back.loans.add(999L, new Book("Z", 1)), "seed " + seed);
    }

    static Book book(Random r) {
        return new Book("b" + r.nextInt(6), 1900 + r.nextInt(2));
    }

    static String tag(Random r) {
        return "t" + r.nextInt(5);
    }

    static long user(Random r) {
        return (1 + r.nextInt(6)) * U;
    }

    static void op(World w, Random r) {
        try {
            switch (r.nextInt(24)) {
                case 0 -> w.tags.add(tag(r));
                case 1 -> w.tags.remove(tag(r));
                case 2 -> w.books.add(book(r));
                case 3 -> w.books.remove(book(r));
                case 4 -> w.users.add(user(r));
                case 5 -> w.users.remove(user(r));
                case 6 -> w.tagged.link(book(r), tag(r), w.weight.value(r.nextInt(100)), w.note.value("n" + r.nextInt(3)));
                case 7 -> w.tagged.unlink(book(r), tag(r));
                case 8 -> {
                    Book b = book(r);
                    String t = tag(r);
                    if (w.tagged.contains(b, t)) w.weight.set(b, t, r.nextInt(1000));
                }
                case 9 -> {
                    Book b = book(r);
                    String t = tag(r);
                    if (w.tagged.contains(b, t)) w.related.set(b, t, book(r));
                }
                case 10 -> w.follows.link(user(r), user(r));
                case 11 -> w.follows.unlink(user(r), user(r));
                case 12 -> w.friends.link(user(r), user(r));
                case 13 -> w.friends.unlink(user(r), user(r));
                case 14 -> w.loans.add(user(r), book(r), w.at.value(r.nextInt(50)), w.where.value("w" + r.nextInt(3)));
                case 15 -> {
                    int row = r.nextInt(40);
                    if (w.loans.contains(row)) w.loans.remove(row);
                }
                case 16 -> {
                    int row = r.nextInt(40);
                    if (w.loans.contains(row)) w.at.set(row, r.nextInt(1000));
                }
                case 17 -> {
                    int a = w.users.idOf(user(r));
                    int b = w.users.idOf(user(r));
                    w.follows.ints().linkAll(new int[] {a, b}, new int[] {b, a});
                }
                case 18 -> w.friends.ints().removeLeft(w.users.idOf(user(r)));
                case 19 -> w.tagged.ints().replaceRights(w.books.idOf(book(r)), new int[] {w.tags.idOf(tag(r))});
                case 20 -> {
                    Book b = book(r);
                    w.books.remove(b);
                    w.books.add(b); // removal and re-add
                    w.tagged.link(b, tag(r), w.since.value(r.nextLong()));
                }
                case 22 -> w.books.put(new Book("b" + r.nextInt(6), 2000 + r.nextInt(50))); // replaced or added
                case 23 -> w.books.replace(new Book("b" + r.nextInt(6), 2000 + r.nextInt(50))); // or refused
                default -> {
                    Book b = book(r);
                    String t = tag(r);
                    w.tagged.unlink(b, t);
                    w.tagged.link(b, t, w.score.value(r.nextDouble())); // values voided and rewritten
                }
            }
        } catch (java.util.NoSuchElementException | IllegalArgumentException ignored) {
            // an id of a missing entity: nothing done
        }
    }
}
