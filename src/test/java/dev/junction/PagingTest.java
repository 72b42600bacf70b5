package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.query.Ranking;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Keyset pages: typed pages of the neighbour views ({@link NeighborSet}), ascending and descending, the int level's
 * {@link Ranking#pageBefore} and {@link dev.junction.index.IntNeighborSet#countBelow}, and pages ordered by a link
 * column ({@link LinkColumn#rightsPageAfter}); each walked to the end with random limits and compared with sorting a
 * copy, on small sets (sorted runs), large ones (compressed bitmaps) and sets changed by an open transaction.
 *
 * <p>{@code -Djunction.fuzz.seed=S} replays a seed.
 */
class PagingTest {

    record Post(String title) {
    }

    static final class World {
        final Junction db = Junction.create();
        final KeyedTable<Post, String> posts = db.table("posts", Post::title, IdPolicy.NEVER_REUSE);
        final Table<String> tags = db.table("tags");
        final Relation<Post, String> tagged = db.relation("tagged", posts, tags);
        final LinkColumn.OfInt<Post, String> votes = tagged.intColumn("votes", 0);
        final LinkColumn.OfObject<Post, String, String> note = tagged.objectColumn("note", String.class, null);
    }

    /** Walks every page with random limits; returns the concatenation. */
    private static <T> List<T> walk(Random rnd, Function<Integer, List<T>> first,
                                    java.util.function.BiFunction<T, Integer, List<T>> next) {
        List<T> all = new ArrayList<>();
        List<T> page = first.apply(1 + rnd.nextInt(7));
        while (!page.isEmpty()) {
            all.addAll(page);
            int limit = 1 + rnd.nextInt(7);
            List<T> more = next.apply(page.get(page.size() - 1), limit);
            assertTrue(more.size() <= limit);
            page = more;
        }
        return all;
    }

    /** Runs {@code test} with the seed of {@code -Djunction.fuzz.seed}, or {@code defaultSeed}; a failure names it. */
    private static void seeded(long defaultSeed, Consumer<Random> test) {
        long seed = Long.getLong("junction.fuzz.seed", defaultSeed);
        Random rnd = new Random(seed);
        try {
            test.accept(rnd);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + seed + " (replay: -Djunction.fuzz.seed=" + seed + "): " + e, e);
        }
    }

    @Test
    void pagesInIdOrderBothWaysMatchSortingACopy() {
        seeded(1919L, rnd -> {
            World w = new World();
            List<String> tagNames = List.of("java", "sql", "orm", "rare", "none");
            for (String t : tagNames) w.tags.add(t);
            for (int i = 0; i < 3000; i++) w.posts.add(new Post("p" + i));
            for (int i = 0; i < 3000; i++) {
                Post p = new Post("p" + i);
                if (rnd.nextInt(10) < 9) w.tagged.link(p, "java"); // large: a compressed bitmap
                if (rnd.nextInt(60) == 0) w.tagged.link(p, "rare"); // small: a sorted run
                if (rnd.nextInt(3) == 0) w.tagged.link(p, "sql");
            }
            for (int i = 0; i < 3000; i += 1 + rnd.nextInt(20)) w.posts.remove(new Post("p" + i)); // gaps in the ids
            check(rnd, w, tagNames);
            try (Transaction tx = w.db.begin()) { // the same through an open transaction's changed sets
                for (int i = 0; i < 200; i++) {
                    Post p = new Post("p" + rnd.nextInt(3000));
                    if (!w.posts.contains(p)) continue;
                    if (rnd.nextBoolean()) w.tagged.link(p, "rare"); else w.tagged.unlink(p, "java");
                }
                w.posts.add(new Post("new in the transaction"));
                w.tagged.link(new Post("new in the transaction"), "java");
                check(rnd, w, tagNames);
                tx.rollback();
            }
        });
    }

    private static void check(Random rnd, World w, List<String> tagNames) {
        for (String tag : tagNames) {
            NeighborSet<Post> posts = w.tagged.leftsOf(tag);
            List<Post> ascending = new ArrayList<>(posts); // iteration order is id order: the reference is a copy
            ascending.sort(Comparator.comparingInt(w.posts::idOf)); // ... sorted anyway
            assertEquals(ascending, walk(rnd, posts::firstPage, posts::pageAfter), tag);
            List<Post> descending = new ArrayList<>(ascending);
            java.util.Collections.reverse(descending);
            assertEquals(descending, walk(rnd, posts::lastPage, posts::pageBefore), tag);

            int[] ids = w.tagged.ints().leftsOf(w.tags.idOf(tag)).toIntArray();
            var set = w.tagged.ints().leftsOf(w.tags.idOf(tag));
            for (int k = 0; k < 20; k++) {
                int before = rnd.nextInt(3100);
                int below = 0;
                while (below < ids.length && ids[below] < before) below++;
                assertEquals(below, set.countBelow(before), tag + " before " + before);
                int limit = rnd.nextInt(12);
                int[] expected = new int[Math.min(limit, below)];
                for (int i = 0; i < expected.length; i++) expected[i] = ids[below - 1 - i];
                assertArrayEquals(expected, Ranking.pageBefore(set, before, limit), tag + " before " + before);
            }
            assertEquals(ids.length, set.countBelow(Integer.MAX_VALUE));
            assertEquals(0, set.countBelow(Integer.MIN_VALUE));
        }
    }

    @Test
    void aKeysetPageNeitherRepeatsNorSkipsWhenLinksChangeBetweenPages() {
        World w = new World();
        for (int i = 0; i < 10; i++) w.tagged.link(new Post("p" + i), "java");
        NeighborSet<Post> java = w.tagged.leftsOf("java");
        List<Post> page = java.lastPage(3);
        assertEquals(List.of(new Post("p9"), new Post("p8"), new Post("p7")), page, "newest first (never reused ids)");
        w.tagged.unlink(new Post("p7"), "java");           // the cursor itself goes: it still positions the page
        w.posts.remove(new Post("p6"));                    // so does one of the next page
        w.tagged.link(new Post("p10"), "java");             // a newer one: on no later page
        assertEquals(List.of(new Post("p5"), new Post("p4"), new Post("p3")), java.pageBefore(new Post("p7"), 3));
        assertEquals(List.of(new Post("p0"), new Post("p1")), java.firstPage(2));
        assertEquals(List.of(new Post("p9"), new Post("p10")), java.pageAfter(new Post("p8"), 5));
        assertEquals(List.of(), java.pageAfter(new Post("p10"), 5));
        assertEquals(List.of(), java.firstPage(0));
        assertEquals(List.of(), w.tagged.leftsOf("no such tag").firstPage(5), "an owner not in its table: no links");
        assertEquals(List.of("java"), w.tagged.rightsOf(new Post("p0")).lastPage(5));
    }

    @Test
    void badPageArgumentsSayWhatIsWrongAndChangeNothing() {
        World w = new World();
        w.tagged.link(new Post("a"), "java");
        NeighborSet<Post> java = w.tagged.leftsOf("java");
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class, () -> java.firstPage(-1));
        assertTrue(limit.getMessage().contains("'tagged'") && limit.getMessage().contains("-1"), limit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> java.pageBefore(new Post("a"), -5));
        NullPointerException nul = assertThrows(NullPointerException.class, () -> java.pageAfter(null, 3));
        assertTrue(nul.getMessage().contains("'tagged'"), nul.getMessage());
        assertThrows(NullPointerException.class, () -> java.pageBefore(null, 3));
        NoSuchElementException absent = assertThrows(NoSuchElementException.class,
                () -> java.pageAfter(new Post("never added"), 3));
        assertTrue(absent.getMessage().contains("never added") && absent.getMessage().contains("'posts'"),
                absent.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ranking.pageBefore(w.tagged.ints().leftsOf(0), 5, -1));

        IllegalArgumentException colLimit = assertThrows(IllegalArgumentException.class,
                () -> w.votes.leftsPage("java", -1, false));
        assertTrue(colLimit.getMessage().contains("'votes'"), colLimit.getMessage());
        assertThrows(NullPointerException.class, () -> w.votes.leftsPageAfter("java", null, 3, true));
        assertThrows(NullPointerException.class, () -> w.votes.leftsPage(null, 3, true));
        NoSuchElementException notLinked = assertThrows(NoSuchElementException.class,
                () -> w.votes.rightsPageAfter(new Post("a"), "sql", 3, false));
        assertTrue(notLinked.getMessage().contains("'votes'") && notLinked.getMessage().contains("sql"),
                notLinked.getMessage());
        assertEquals(1, w.tagged.size());
        assertEquals(1, w.tags.size(), "nothing added by the failed calls");
        assertEquals(1, w.posts.size(), "nothing added by the failed calls");
    }

    @Test
    void pagesOrderedByALinkColumnMatchSortingACopyByValueThenId() {
        seeded(2020L, rnd -> {
            World w = new World();
            for (int i = 0; i < 400; i++) {
                Post p = new Post("p" + i);
                w.tagged.link(p, "java", w.votes.value(rnd.nextInt(15)),
                        w.note.value(rnd.nextInt(5) == 0 ? null : "n" + rnd.nextInt(8)));
                if (rnd.nextInt(4) == 0) w.tagged.link(p, "sql");
            }
            for (boolean descending : new boolean[] {false, true}) {
                List<Post> byVotes = new ArrayList<>(w.tagged.leftsOf("java"));
                Comparator<Post> votes = Comparator.comparingInt(p -> w.votes.get(p, "java"));
                byVotes.sort((descending ? votes.reversed() : votes).thenComparingInt(w.posts::idOf));
                assertEquals(byVotes, walk(rnd, n -> w.votes.leftsPage("java", n, descending),
                        (after, n) -> w.votes.leftsPageAfter("java", after, n, descending)), "votes " + descending);

                List<Post> byNote = new ArrayList<>(w.tagged.leftsOf("java"));
                Comparator<Post> notes = Comparator.comparing(p -> w.note.get(p, "java"),
                        Comparator.nullsFirst(Comparator.naturalOrder()));
                byNote.sort((descending ? notes.reversed() : notes).thenComparingInt(w.posts::idOf));
                assertEquals(byNote, walk(rnd, n -> w.note.leftsPage("java", n, descending),
                        (after, n) -> w.note.leftsPageAfter("java", after, n, descending)), "note " + descending);
                assertEquals(w.note.leftsOrdered("java", descending), byNote);

                Post some = new Post("p" + rnd.nextInt(400));
                List<String> tags = new ArrayList<>(w.tagged.rightsOf(some));
                assertEquals(w.votes.rightsOrdered(some, descending), walk(rnd,
                        n -> w.votes.rightsPage(some, n, descending),
                        (after, n) -> w.votes.rightsPageAfter(some, after, n, descending)));
                assertEquals(tags.size(), w.votes.rightsPage(some, 10, descending).size());
            }
        });
    }

    @Test
    void aColumnPageContinuesFromTheCursorsValueAndId() {
        World w = new World();
        for (int i = 0; i < 6; i++) w.tagged.link(new Post("p" + i), "java", w.votes.value(i % 3)); // 0 1 2 0 1 2
        assertEquals(List.of(new Post("p2"), new Post("p5"), new Post("p1")), w.votes.leftsPage("java", 3, true));
        w.tagged.link(new Post("p6"), "java", w.votes.value(2)); // a tie after the cursor by id: not skipped
        assertEquals(List.of(new Post("p6"), new Post("p1")), w.votes.leftsPageAfter("java", new Post("p5"), 2, true));
        assertEquals(List.of(new Post("p4"), new Post("p2")), w.votes.leftsPageAfter("java", new Post("p1"), 2, false));
        assertEquals(List.of(new Post("p4"), new Post("p0"), new Post("p3")),
                w.votes.leftsPageAfter("java", new Post("p1"), 5, true));
        assertEquals(List.of(), w.votes.leftsPage("nothing", 5, true), "an owner not in its table: no links");
    }
}
