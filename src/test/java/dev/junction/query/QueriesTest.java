package dev.junction.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.junction.Junction;
import dev.junction.Relation;
import dev.junction.Schemas;
import dev.junction.Table;
import dev.junction.Transaction;
import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The typed queries on posts × tags and authors × books: every answer compared with the same question asked
 * through the relation's plain views, on a seeded random relation, plus the documented edge cases.
 */
class QueriesTest {

    @Test
    void typedQueriesAgreeWithThePlainViews() {
        Seeded seeded = Seeded.tagged(200, 12, 900, 4);
        String at = seeded.at();
        Random rnd = seeded.rnd();
        Relation<String, String> tagged = seeded.tagged();
        Table<String> posts = tagged.leftTable();
        Table<String> tags = tagged.rightTable();
        for (int round = 0; round < 50; round++) {
            List<String> ask = new ArrayList<>();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) ask.add("t" + rnd.nextInt(13)); // t12 is not a tag
            assertLinkedToAllAnyNone(at, ask, posts, tagged::rightsOf,
                    q -> Queries.leftsLinkedToAll(tagged, q), q -> Queries.countLinkedToAll(tagged, q),
                    q -> Queries.leftsLinkedToAny(tagged, q), q -> Queries.countLinkedToAny(tagged, q),
                    q -> Queries.leftsLinkedToNone(tagged, q));

            String p = "p" + rnd.nextInt(200);
            assertEquals(sharing(posts, tagged::rightsOf, p, 5), Queries.sharingRights(tagged, p, 5), at);

            String tag = "t" + rnd.nextInt(12);
            List<String> ofTag = new ArrayList<>(tagged.leftsOf(tag));
            int offset = rnd.nextInt(ofTag.size() + 2);
            assertEquals(ofTag.stream().skip(offset).limit(7).collect(Collectors.toList()),
                    Queries.rightsPage(tagged.inverse(), tag, offset, 7), at + " page " + offset);
        }
        List<Queries.Ranked<String>> top = Queries.topLeftsByDegree(tagged.inverse(), 3);
        List<String> byDegree = byDegree(tags, tagged::leftsOf);
        assertEquals(byDegree.subList(0, 3), top.stream().map(Queries.Ranked::entity).toList(), at);
        List<String> orphans = new ArrayList<>();
        posts.forEach(q -> {
            if (tagged.rightsOf(q).isEmpty()) orphans.add(q);
        });
        assertEquals(orphans, Queries.orphanLefts(tagged), at);
        assertEquals(posts.size(), Queries.leftDegrees(tagged).count());
        assertEquals(tagged.size(), Queries.leftDegrees(tagged).mapToLong(Queries.Ranked::score).sum(), at);
        assertEquals(tagged.rightsOf("p0").size(), Queries.rightIds(tagged, "p0").count(), at);
    }

    @Test
    void coAuthorsInsideATransactionSeeItsChanges() {
        Relation<String, String> wrote = Schemas.strings("wrote", "authors", "books").rel();
        Schemas.link(wrote, "alice", "b1", "bob", "b1", "bob", "b2", "carol", "b2", "alice", "b2");
        assertEquals(List.of(new Queries.Ranked<>("bob", 2), new Queries.Ranked<>("carol", 1)),
                Queries.sharingRights(wrote, "alice", 10));
        try (Transaction t = wrote.leftTable().junction().begin()) {
            wrote.link("dave", "b1");
            wrote.link("dave", "b2");
            assertEquals(List.of(new Queries.Ranked<>("bob", 2), new Queries.Ranked<>("dave", 2),
                    new Queries.Ranked<>("carol", 1)), Queries.sharingRights(wrote, "alice", 10));
        }
        assertEquals(List.of(), Queries.sharingRights(wrote, "nobody", 3), "an entity not in its table");
        assertEquals(List.of(), Queries.leftsLinkedToAll(wrote, List.of()), "no right: nothing");
        assertEquals(List.of(), Queries.leftsLinkedToAll(wrote, List.of("b1", "missing")));
        assertThrows(NullPointerException.class, () -> Queries.leftsLinkedToAll(wrote, null));
        assertThrows(IllegalArgumentException.class, () -> Queries.rightsPage(wrote, "alice", -1, 3));
    }

    /** A caller's "everything" limit gets the set, never an array of that many slots (an OutOfMemoryError before). */
    @Test
    void anOffsetPageWithTheLargestLimitAllocatesOnlyWhatTheSetHolds() {
        Relation<String, String> wrote = Schemas.strings("wrote", "authors", "books").rel();
        wrote.link("alice", "b1");
        IntRelation ints = wrote.ints();
        int alice = wrote.leftTable().idOf("alice");
        assertArrayEquals(new int[] {wrote.rightTable().idOf("b1")},
                Ranking.pageAt(ints.rightsOf(alice), 0, Integer.MAX_VALUE));
        assertArrayEquals(new int[0], Ranking.pageAt(ints.rightsOf(alice), 1, Integer.MAX_VALUE));
        assertArrayEquals(new int[0], Ranking.pageAt(ints.rightsOf(alice), Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(List.of("b1"), Queries.rightsPage(wrote, "alice", 0, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Ranking.pageAt(ints.rightsOf(alice), -1, 1));
    }

    /**
     * Every right-side question answers as the left-side one on the inverse, and as the plain views say, on a
     * seeded random posts × tags relation; then on a directed and a symmetric one.
     */
    @Test
    void rightSideQuestionsReadAsRightSideOnes() {
        Seeded seeded = Seeded.tagged(60, 30, 400, 8);
        System.out.println("QueriesTest.rightSideQuestionsReadAsRightSideOnes " + seeded.at());
        String at = seeded.at();
        Random rnd = seeded.rnd();
        Relation<String, String> tagged = seeded.tagged();
        Table<String> posts = tagged.leftTable();
        Table<String> tags = tagged.rightTable();
        for (int round = 0; round < 40; round++) {
            List<String> ask = new ArrayList<>();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) ask.add("p" + rnd.nextInt(61)); // p60 is not a post
            assertLinkedToAllAnyNone(at, ask, tags, tagged::leftsOf,
                    q -> Queries.rightsLinkedToAll(tagged, q), q -> Queries.countRightsLinkedToAll(tagged, q),
                    q -> Queries.rightsLinkedToAny(tagged, q), q -> Queries.countRightsLinkedToAny(tagged, q),
                    q -> Queries.rightsLinkedToNone(tagged, q));

            String tag = "t" + rnd.nextInt(30);
            assertEquals(sharing(tags, tagged::leftsOf, tag, 4), Queries.sharingLefts(tagged, tag, 4), at);
            assertEquals(Queries.sharingRights(tagged.inverse(), tag, 4), Queries.sharingLefts(tagged, tag, 4), at);

            List<String> ofTag = new ArrayList<>(tagged.leftsOf(tag));
            int offset = rnd.nextInt(ofTag.size() + 2);
            assertEquals(ofTag.stream().skip(offset).limit(5).collect(Collectors.toList()),
                    Queries.leftsPage(tagged, tag, offset, 5), at + " page " + offset);
            assertEquals(ofTag.stream().mapToInt(posts::idOf).boxed().toList(),
                    Queries.leftIds(tagged, tag).boxed().toList(), at);
        }
        List<String> byDegree = byDegree(tags, tagged::leftsOf);
        assertEquals(byDegree.subList(0, 5),
                Queries.topRightsByDegree(tagged, 5).stream().map(Queries.Ranked::entity).toList(), at);
        assertEquals(Queries.topLeftsByDegree(tagged.inverse(), 5), Queries.topRightsByDegree(tagged, 5), at);
        List<String> unused = new ArrayList<>();
        tags.forEach(t -> {
            if (tagged.leftsOf(t).isEmpty()) unused.add(t);
        });
        assertEquals(unused, Queries.orphanRights(tagged), at);
        List<Queries.Ranked<String>> perTag = new ArrayList<>();
        tags.forEach(t -> perTag.add(new Queries.Ranked<>(t, tagged.leftsOf(t).size())));
        assertEquals(perTag, Queries.rightDegrees(tagged).toList(), at);

        // directed: the right side is the followed side (in-degree); symmetric: both sides are one
        Junction db = posts.junction();
        Table<String> users = db.table("users");
        Relation<String, String> follows = db.directed("follows", users);
        Relation<String, String> friends = db.symmetric("friends", users);
        Schemas.link(follows, "ann", "bob", "cid", "bob", "bob", "ann");
        Schemas.link(friends, "ann", "bob", "ann", "cid");
        assertEquals(List.of(new Queries.Ranked<>("ann", 1), new Queries.Ranked<>("bob", 2),
                new Queries.Ranked<>("cid", 0)), Queries.rightDegrees(follows).toList());
        assertEquals(List.of(new Queries.Ranked<>("bob", 2)), Queries.topRightsByDegree(follows, 1));
        assertEquals(List.of("cid"), Queries.orphanRights(follows));
        assertEquals(Queries.leftDegrees(friends).toList(), Queries.rightDegrees(friends).toList());
        assertEquals(List.of("bob", "cid"), Queries.rightsLinkedToAll(friends, List.of("ann")));
    }

    @Test
    void rightSideQuestionsRefuseBadInputLikeTheLeftSide() {
        Relation<String, String> wrote = Schemas.strings("wrote", "authors", "books").rel();
        wrote.link("alice", "b1");
        assertThrows(NullPointerException.class, () -> Queries.rightsLinkedToAll(null, List.of("alice")));
        assertThrows(NullPointerException.class, () -> Queries.rightsLinkedToAny(wrote, null));
        assertThrows(NullPointerException.class, () -> Queries.sharingLefts(wrote, null, 3));
        assertThrows(IllegalArgumentException.class, () -> Queries.sharingLefts(wrote, "b1", -1));
        assertThrows(IllegalArgumentException.class, () -> Queries.topRightsByDegree(wrote, -1));
        assertThrows(IllegalArgumentException.class, () -> Queries.leftsPage(wrote, "b1", 0, -1));
        assertEquals(List.of(), Queries.leftsPage(wrote, "no such book", 0, 3));
        assertEquals(0, Queries.leftIds(wrote, "no such book").count());
        assertEquals(List.of(), Queries.sharingLefts(wrote, "no such book", 3));
        assertEquals(1, wrote.size(), "nothing changed");
    }

    /** Scores compare, hash and print by their arrays' contents (a record of arrays would not). */
    @Test
    void scoresCompareHashAndPrintByContent() {
        Ranking.Scores a = new Ranking.Scores(new int[] {3, 1}, new int[] {2, 1});
        Ranking.Scores b = new Ranking.Scores(new int[] {3, 1}, new int[] {2, 1});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("Scores[ids=[3, 1], scores=[2, 1]]", a.toString());
        org.junit.jupiter.api.Assertions.assertNotEquals(a, new Ranking.Scores(new int[] {1, 3}, new int[] {2, 1}));
        org.junit.jupiter.api.Assertions.assertNotEquals(a, new Ranking.Scores(new int[] {3, 1}, new int[] {2, 2}));
        assertThrows(IllegalArgumentException.class, () -> new Ranking.Scores(new int[] {1}, new int[0]));
        assertThrows(NullPointerException.class, () -> new Ranking.Scores(null, new int[0]));
        Relation<String, String> wrote = Schemas.strings("wrote", "authors", "books").rel();
        wrote.link("alice", "b1");
        wrote.link("bob", "b1");
        int alice = wrote.leftTable().idOf("alice");
        int bob = wrote.leftTable().idOf("bob");
        assertEquals(new Ranking.Scores(new int[] {bob}, new int[] {1}), Ranking.sharedRights(wrote.ints(), alice, 5));
        assertEquals("[Ranked[entity=bob, score=1]]", Queries.sharingRights(wrote, "alice", 5).toString(),
                "the README shows this form");
    }

    /** A seeded random posts × tags relation, and the seed as failure messages name it. */
    private record Seeded(String at, Random rnd, Relation<String, String> tagged) {
        static Seeded tagged(int posts, int tags, int links, double spread) {
            long seed = Long.getLong("junction.query.seed", System.nanoTime());
            Random rnd = new Random(seed);
            return new Seeded("seed " + seed, rnd, randomTagged(Junction.create(), rnd, posts, tags, links, spread));
        }
    }

    /**
     * The all/any/none questions for {@code ask}, and their counts, answer as the candidates' neighbour sets say;
     * {@code all} to {@code none} ask them of one side of the relation.
     */
    private static void assertLinkedToAllAnyNone(String at, List<String> ask, Table<String> candidates,
                                                 Function<String, Set<String>> neighbours,
                                                 Function<List<String>, List<String>> all,
                                                 ToIntFunction<List<String>> countAll,
                                                 Function<List<String>, List<String>> any,
                                                 ToIntFunction<List<String>> countAny,
                                                 Function<List<String>, List<String>> none) {
        List<List<String>> expected = linkedToAllAnyNone(candidates, neighbours, ask);
        assertEquals(expected.get(0), all.apply(ask), at + " all " + ask);
        assertEquals(expected.get(0).size(), countAll.applyAsInt(ask), at);
        assertEquals(expected.get(1), any.apply(ask), at + " any " + ask);
        assertEquals(expected.get(1).size(), countAny.applyAsInt(ask), at);
        assertEquals(expected.get(2), none.apply(ask), at + " none " + ask);
    }

    /** posts × tags: {@code links} random links, tags drawn from a half-normal of width {@code spread}. */
    private static Relation<String, String> randomTagged(Junction db, Random rnd, int posts, int tags, int links,
                                                         double spread) {
        Relation<String, String> tagged = db.relation("tagged", db.table("posts"), db.table("tags"));
        for (int p = 0; p < posts; p++) tagged.leftTable().add("p" + p);
        for (int t = 0; t < tags; t++) tagged.rightTable().add("t" + t);
        for (int i = 0; i < links; i++) {
            tagged.link("p" + rnd.nextInt(posts), "t" + (int) Math.abs(rnd.nextGaussian() * spread) % tags);
        }
        return tagged;
    }

    /** The candidates linked to all, any and none of {@code ask}, by their neighbour sets. */
    private static List<List<String>> linkedToAllAnyNone(Table<String> candidates,
                                                         Function<String, Set<String>> neighbours, List<String> ask) {
        List<String> all = new ArrayList<>();
        List<String> any = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (String c : candidates) {
            Set<String> n = neighbours.apply(c);
            if (n.containsAll(ask)) all.add(c);
            if (ask.stream().anyMatch(n::contains)) any.add(c);
            if (ask.stream().noneMatch(n::contains)) none.add(c);
        }
        return List.of(all, any, none);
    }

    /** The {@code limit} candidates sharing most neighbours with {@code self}, best first, ties by id. */
    private static List<Queries.Ranked<String>> sharing(Table<String> candidates,
                                                        Function<String, Set<String>> neighbours, String self,
                                                        int limit) {
        List<Queries.Ranked<String>> expected = new ArrayList<>();
        for (String c : candidates) {
            if (c.equals(self)) continue;
            int shared = (int) neighbours.apply(c).stream().filter(neighbours.apply(self)::contains).count();
            if (shared > 0) expected.add(new Queries.Ranked<>(c, shared));
        }
        expected.sort(Comparator.<Queries.Ranked<String>>comparingInt(r -> -r.score())
                .thenComparingInt(r -> candidates.idOf(r.entity())));
        return expected.subList(0, Math.min(limit, expected.size()));
    }

    /** The entities by their neighbour count, highest first, ties by id. */
    private static List<String> byDegree(Table<String> table, Function<String, Set<String>> neighbours) {
        List<String> out = new ArrayList<>();
        table.forEach(out::add);
        out.sort(Comparator.<String>comparingInt(e -> -neighbours.apply(e).size()).thenComparingInt(table::idOf));
        return out;
    }
}
