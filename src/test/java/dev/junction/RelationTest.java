package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelationTest {

    record Student(String name) {
    }

    record Course(String code) {
    }

    // the schema as initialized fields: JUnit makes a new instance, so a new engine, for every test
    private final Junction db = Junction.create();
    private final Table<String> lefts = db.table("lefts");
    private final Table<String> rights = db.table("rights");
    private final Relation<String, String> rel = db.relation("lr", lefts, rights);

    private static <E> List<E> list(Iterable<E> it) {
        List<E> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    /** Both sides agree with the expected pairs {l, r, l, r, ...}, over every entity of both tables. */
    private void assertPairs(Relation<String, String> r, String... pairs) {
        Set<List<String>> expected = new java.util.HashSet<>();
        for (int i = 0; i < pairs.length; i += 2) {
            expected.add(List.of(pairs[i], pairs[i + 1]));
        }
        Set<List<String>> fromLeft = new java.util.HashSet<>();
        for (String l : r.leftTable()) {
            for (String x : r.rightsOf(l)) {
                fromLeft.add(List.of(l, x));
                assertTrue(r.leftsOf(x).contains(l), "two-way: " + l + " -> " + x);
            }
        }
        Set<List<String>> fromRight = new java.util.HashSet<>();
        for (String x : r.rightTable()) {
            for (String l : r.leftsOf(x)) {
                fromRight.add(List.of(l, x));
            }
        }
        assertEquals(expected, fromLeft);
        assertEquals(expected, fromRight);
        assertEquals(expected.size(), r.size());
    }

    // ---- tutorial scenarios ----------------------------------------------------------------------------

    @Test
    void twoAppendsShowOnBothSidesImmediately() {
        assertTrue(rel.rightsOf("l1").add("r1"));
        assertTrue(rel.rightsOf("l1").add("r2"));
        assertEquals(List.of("r1", "r2"), list(rel.rightsOf("l1")));
        assertEquals(List.of("l1"), list(rel.leftsOf("r1")));
        assertEquals(List.of("l1"), list(rel.leftsOf("r2")));
        assertEquals("[r1, r2]", rel.rightsOf("l1").toString());
        assertEquals(2, rel.size());
        assertEquals(List.of("l1"), list(lefts), "save-update cascade added the entities");
        assertEquals(List.of("r1", "r2"), list(rights));
    }

    @Test
    void studentsAndCoursesFromEitherSide() {
        KeyedTable<Student, String> students = db.table("students", Student::name);
        KeyedTable<Course, String> courses = db.table("courses", Course::code);
        Relation<Student, Course> enrolled = db.relation("enrollment", students, courses);
        Student ann = new Student("Ann");
        Student ben = new Student("Ben");
        Course math = new Course("MATH");
        Course art = new Course("ART");
        enrolled.rightsOf(ann).add(math);
        enrolled.leftsOf(math).add(ben);               // from the course side
        enrolled.inverse().rightsOf(art).add(ann);     // the declared-once inverse
        assertEquals(List.of(math, art), list(enrolled.rightsOf(ann)));
        assertEquals(List.of(math), list(enrolled.rightsOf(new Student("Ben"))), "views look up by key");
        assertEquals(List.of(ann, ben), list(enrolled.leftsOf(math)));
        assertEquals(List.of(ann), list(enrolled.inverse().rightsOf(art)));
        assertTrue(enrolled.contains(ben, math));
        assertTrue(enrolled.inverse().contains(math, ben));
        assertEquals(3, enrolled.inverse().size());
        assertSame(enrolled, enrolled.inverse().inverse());
        assertSame(students, enrolled.inverse().rightTable());
        assertEquals("enrollment", enrolled.inverse().name());
    }

    @Test
    void postsTagsAndUsersRolesLinkedFromEitherSideAreOneLink() {
        Table<String> posts = db.table("posts");
        Table<String> tags = db.table("tags");
        Relation<String, String> tagged = db.relation("post_tags", posts, tags);
        assertTrue(tagged.rightsOf("p1").add("java"));
        assertFalse(tagged.leftsOf("java").add("p1"), "the same pair from the other side");
        assertTrue(tagged.link("p2", "java"));
        assertEquals(List.of("p1", "p2"), list(tagged.leftsOf("java")));
        assertEquals(2, tagged.size());

        LongTable users = db.longTable("users");
        Table<String> roles = db.table("roles");
        Relation<Long, String> hasRole = db.relation("user_roles", users, roles);
        hasRole.leftsOf("admin").add(7L);
        hasRole.rightsOf(7L).add("dev");
        assertEquals(List.of("admin", "dev"), list(hasRole.rightsOf(7L)));
        assertEquals(Set.of(7L), hasRole.leftsOf("dev"));
        assertEquals(0, hasRole.ints().rightsOf(users.idOf(7L)).toIntArray()[0]);
    }

    // ---- synchronisation -------------------------------------------------------------------------------

    @Test
    void removeFromEitherSideUnlinksBoth() {
        rel.link("a", "x");
        rel.link("a", "y");
        rel.link("b", "x");
        assertTrue(rel.rightsOf("a").remove("x"));
        assertFalse(rel.rightsOf("a").remove("x"));
        assertPairs(rel, "a", "y", "b", "x");
        assertTrue(rel.leftsOf("x").remove("b"));
        assertPairs(rel, "a", "y");
        assertTrue(rel.unlink("a", "y"));
        assertFalse(rel.unlink("a", "y"));
        assertFalse(rel.unlink("nobody", "y"), "absent entity: false, no throw");
        assertPairs(rel);
        assertEquals(List.of("a", "b"), list(lefts), "unlinking keeps the entities");
    }

    @Test
    void addAllSetRightsAndClearKeepBothSidesInSync() {
        assertTrue(rel.rightsOf("a").addAll(List.of("x", "y", "x")));
        assertFalse(rel.rightsOf("a").addAll(List.of("y")));
        assertTrue(rel.leftsOf("z").addAll(List.of("a", "b")));
        assertPairs(rel, "a", "x", "a", "y", "a", "z", "b", "z");

        assertTrue(rel.setRights("a", List.of("y", "w", "w")));
        assertPairs(rel, "a", "y", "a", "w", "b", "z");
        assertFalse(rel.setRights("a", Set.of("w", "y")));
        assertTrue(rel.setLefts("z", List.of("a")));
        assertPairs(rel, "a", "y", "a", "w", "a", "z");
        assertEquals(List.of("y", "z", "w"), list(rel.rightsOf("a")), "ascending id of the rights table");

        rel.leftsOf("y").clear();
        assertPairs(rel, "a", "w", "a", "z");
        rel.rightsOf("a").clear();
        assertPairs(rel);
        assertTrue(lefts.contains("a"), "clear removes links, not the entity");
        rel.rightsOf("ghost").clear();
        assertFalse(lefts.contains("ghost"), "clear of an absent entity adds nothing");

        assertFalse(rel.setRights("c", List.of()));
        assertFalse(rel.rightsOf("c").addAll(List.of()));
        assertFalse(lefts.contains("c"), "a write that creates no link adds no entity");
        assertTrue(rel.setRights("c", List.of("x")));
        assertTrue(lefts.contains("c"), "a write that links adds the owner");
    }

    @Test
    void iteratorRemoveAndBulkRemovalsSyncBothSides() {
        for (String r : List.of("p", "q", "s", "t")) {
            rel.link("a", r);
        }
        rel.link("b", "q");
        Iterator<String> it = rel.rightsOf("a").iterator();
        assertEquals("p", it.next());
        assertEquals("q", it.next());
        it.remove();
        assertThrows(IllegalStateException.class, it::remove);
        assertEquals("s", it.next(), "re-positioned after the removed element");
        it.remove();
        assertEquals("t", it.next());
        assertFalse(it.hasNext());
        assertPairs(rel, "a", "p", "a", "t", "b", "q");

        rel.link("a", "q");
        assertTrue(rel.rightsOf("a").removeIf(r -> r.compareTo("q") >= 0));
        assertPairs(rel, "a", "p", "b", "q");
        rel.link("a", "q");
        rel.link("a", "s");
        assertTrue(rel.rightsOf("a").removeAll(List.of("q", "nope", "q")));
        assertPairs(rel, "a", "p", "a", "s", "b", "q");
        assertTrue(rel.leftsOf("q").retainAll(Set.of("a")));
        assertPairs(rel, "a", "p", "a", "s");
        assertFalse(rel.rightsOf("a").retainAll(Set.of("p", "s")));
        assertTrue(rel.rightsOf("a").removeAll(rel.rightsOf("a")), "removeAll of itself");
        assertPairs(rel);
    }

    @Test
    void entityDeleteRemovesItsLinksFromEitherSide() {
        rel.link("a", "x");
        rel.link("a", "y");
        rel.link("b", "x");
        Set<String> xs = rel.leftsOf("x");
        assertTrue(lefts.remove("a"));
        assertPairs(rel, "b", "x");
        assertEquals(List.of("b"), list(xs), "a view held before the delete is current");
        assertEquals(0, rel.rightsOf("a").size());
        assertTrue(rights.remove("x"));
        assertPairs(rel);
        assertEquals(List.of("b"), list(lefts));
        assertEquals(List.of("y"), list(rights));
        // ids are reused: the new entity must not inherit links
        assertEquals(0, lefts.add("c"));
        assertEquals(Set.of(), rel.rightsOf("c"));
    }

    @Test
    void viewsResolveTheEntityOnEveryCall() {
        Set<String> ofA = rel.rightsOf("a");
        assertTrue(ofA.isEmpty());
        assertFalse(lefts.contains("a"), "reading a view adds nothing");
        ofA.add("x");
        assertEquals(1, ofA.size());
        lefts.remove("a");
        assertEquals(0, ofA.size());
        lefts.add("b");      // takes a's old id
        rel.link("b", "y");
        assertEquals(Set.of(), ofA, "the view follows the entity, not the id");
        ofA.add("z");
        assertEquals(List.of("z"), list(ofA));
        assertEquals(List.of("y"), list(rel.rightsOf("b")));
    }

    // ---- set semantics ---------------------------------------------------------------------------------

    @Test
    void duplicatesAreOneLink() {
        assertTrue(rel.link("a", "x"));
        assertFalse(rel.link("a", "x"));
        assertFalse(rel.rightsOf("a").add("x"));
        assertFalse(rel.leftsOf("x").add("a"));
        assertFalse(rel.inverse().link("x", "a"));
        assertEquals(1, rel.size());
        assertEquals(1, rel.rightsOf("a").size());
        assertTrue(rel.rightsOf("a").remove("x"));
        assertEquals(0, rel.size());
        assertFalse(rel.leftsOf("x").contains("a"));
    }

    @Test
    void viewsHaveSetEquality() {
        rel.link("a", "x");
        rel.link("a", "y");
        rel.link("b", "y");
        rel.link("b", "x");
        assertEquals(rel.rightsOf("a"), rel.rightsOf("b"));
        assertEquals(Set.of("x", "y"), rel.rightsOf("a"));
        assertEquals(Set.of("x", "y").hashCode(), rel.rightsOf("a").hashCode());
        assertEquals(List.of("x", "y"), list(rel.rightsOf("b")), "ascending id order, not insertion order");
    }

    // ---- several relations, cascades ---------------------------------------------------------------------

    @Test
    void deletingAUserCascadesToEveryRelationOfTheEngine() {
        Table<String> users = db.table("users");
        Table<String> roles = db.table("roles");
        Table<String> groups = db.table("groups");
        Relation<String, String> userRoles = db.relation("user_roles", users, roles);
        Relation<String, String> userGroups = db.relation("user_groups", users, groups);
        Relation<String, String> follows = db.directed("follows", users);
        userRoles.link("ann", "admin");
        userRoles.link("bob", "admin");
        userGroups.link("ann", "staff");
        userGroups.link("bob", "staff");
        follows.link("ann", "bob");
        follows.link("bob", "ann");
        follows.link("bob", "cid");
        rel.link("ann", "x"); // another relation, other tables: untouched
        assertTrue(users.remove("ann"));
        assertEquals(List.of("bob"), list(userRoles.leftsOf("admin")));
        assertEquals(List.of("bob"), list(userGroups.leftsOf("staff")));
        assertEquals(List.of("cid"), list(follows.rightsOf("bob")));
        assertEquals(Set.of(), follows.leftsOf("bob"));
        assertEquals(1, userRoles.size());
        assertEquals(1, userGroups.size());
        assertEquals(1, follows.size());
        assertEquals(1, rel.size());
        assertTrue(roles.remove("admin"));
        assertEquals(0, userRoles.size());
        assertEquals(Set.of(), userRoles.rightsOf("bob"));
        assertEquals(1, userGroups.size());
    }

    // ---- self-referential --------------------------------------------------------------------------------

    @Test
    void directedFollowHasFollowingAndFollowers() {
        Table<String> users = db.table("users");
        Relation<String, String> follows = db.directed("follows", users);
        assertEquals(IntRelation.Kind.DIRECTED, follows.kind());
        follows.rightsOf("ann").add("bob");   // ann follows bob
        follows.rightsOf("ann").add("cid");
        follows.leftsOf("ann").add("cid");    // cid follows ann
        assertEquals(List.of("bob", "cid"), list(follows.rightsOf("ann")));
        assertEquals(List.of("cid"), list(follows.leftsOf("ann")));
        assertEquals(List.of("ann"), list(follows.leftsOf("bob")));
        assertEquals(Set.of(), follows.rightsOf("bob"), "following is not mutual");
        assertEquals(List.of("cid"), list(follows.inverse().rightsOf("ann")), "inverse: followers");
        assertTrue(follows.inverse().link("bob", "cid"));    // cid follows bob
        assertTrue(follows.contains("cid", "bob"));
        assertFalse(follows.contains("bob", "cid"));
        assertEquals(4, follows.size());
        assertTrue(follows.link("ann", "ann"), "self-follow allowed");
        users.remove("cid");
        assertEquals(List.of("ann", "bob"), list(follows.rightsOf("ann")));
        assertEquals(List.of("ann"), list(follows.leftsOf("ann")));
        assertEquals(2, follows.size(), "ann->bob and ann->ann remain; cid's links went in both directions");
    }

    @Test
    void symmetricFriendsLinkBothWays() {
        Table<String> people = db.table("people");
        Relation<String, String> friends = db.symmetric("friends", people);
        assertSame(friends, friends.inverse());
        assertTrue(friends.rightsOf("ann").add("bob"));
        assertFalse(friends.rightsOf("bob").add("ann"), "the same friendship");
        assertFalse(friends.leftsOf("ann").add("bob"));
        assertTrue(friends.link("cid", "ann"));
        assertEquals(List.of("bob", "cid"), list(friends.rightsOf("ann")));
        assertEquals(friends.rightsOf("ann"), friends.leftsOf("ann"));
        assertEquals(List.of("ann"), list(friends.rightsOf("bob")));
        assertEquals(2, friends.size());
        assertTrue(friends.rightsOf("bob").remove("ann"), "one call unlinks both ways");
        assertEquals(List.of("cid"), list(friends.rightsOf("ann")));
        assertTrue(friends.setRights("ann", List.of("bob", "dan")));
        assertEquals(Set.of(), friends.rightsOf("cid"));
        assertEquals(List.of("ann"), list(friends.leftsOf("dan")));
        people.remove("ann");
        assertEquals(0, friends.size());
        assertEquals(Set.of(), friends.rightsOf("bob"));
    }

    // ---- iterators -------------------------------------------------------------------------------------

    @Test
    void iteratorsAreFailFastAgainstChangesByOtherMeans() {
        rel.link("a", "x");
        rel.link("a", "y");
        rel.link("b", "x");
        Iterator<String> it = rel.rightsOf("a").iterator();
        it.next();
        rel.leftsOf("z").add("a");
        assertThrows(ConcurrentModificationException.class, it::next);

        Iterator<String> it2 = rel.rightsOf("a").iterator();
        it2.next();
        rights.remove("y");
        assertThrows(ConcurrentModificationException.class, it2::next);

        Iterator<String> it3 = rel.rightsOf("a").iterator();
        it3.next();
        rel.unlink("a", "z");
        assertThrows(ConcurrentModificationException.class, it3::remove, "remove after a foreign change");
        assertPairs(rel, "a", "x", "b", "x");

        Iterator<String> it4 = rel.rightsOf("a").iterator();
        it4.next();
        rel.link("b", "q"); // another entity's links: not a concurrent modification of a's set
        assertFalse(it4.hasNext());
    }

    // ---- bad input ---------------------------------------------------------------------------------------

    @Test
    void nullsThrowNamingTheRelationAndChangeNothing() {
        rel.link("a", "x");
        List<Runnable> calls = List.of(
                () -> rel.link(null, "x"), () -> rel.link("a", null), () -> rel.unlink("a", null),
                () -> rel.contains(null, "x"), () -> rel.rightsOf(null), () -> rel.leftsOf(null),
                () -> rel.rightsOf("a").add(null), () -> rel.rightsOf("a").contains(null),
                () -> rel.rightsOf("a").remove(null), () -> rel.setRights("a", null),
                () -> rel.setRights("a", Arrays.asList("y", null)), () -> rel.setLefts(null, List.of()),
                () -> rel.rightsOf("b").addAll(Arrays.asList("y", null)),
                () -> rel.rightsOf("a").removeAll(Arrays.asList("x", null)),
                () -> rel.rightsOf("a").removeIf(null), () -> rel.rightsOf("a").retainAll(null));
        for (int i = 0; i < calls.size(); i++) {
            int n = i;
            NullPointerException e = assertThrows(NullPointerException.class, calls.get(i)::run, "call " + n);
            assertTrue(e.getMessage() != null && e.getMessage().contains("lr"), "call " + n + ": " + e.getMessage());
            assertPairs(rel, "a", "x");
            assertEquals(List.of("a"), list(lefts), "call " + n);
            assertEquals(List.of("x"), list(rights), "call " + n);
        }
    }

    @Test
    void failedBulkWritesUndoTheirLinksAndTableInserts() {
        Junction j = Junction.create();
        KeyedTable<String, String> as = j.table("as", s -> s);
        KeyedTable<String, String> bs = j.table("bs", s -> {
            if (s.startsWith("!")) {
                throw new IllegalStateException("no " + s);
            }
            return s;
        });
        Relation<String, String> r = j.relation("ab", as, bs);
        r.link("a", "x");
        bs.add("gone");
        bs.remove("gone"); // leaves id 1 on the free list
        Iterator<String> tableIt = bs.iterator();

        assertThrows(IllegalStateException.class, () -> r.rightsOf("new").addAll(List.of("x", "y", "z", "!bad")));
        assertThrows(IllegalStateException.class, () -> r.setRights("a", List.of("p", "!bad")));
        assertThrows(IllegalStateException.class, () -> r.leftsOf("!bad").add("a"));
        assertThrows(IllegalStateException.class, () -> r.rightsOf("a").add("!bad"));
        assertThrows(IllegalStateException.class, () -> r.link("b", "!bad"));

        assertEquals(1, r.size());
        assertEquals(List.of("x"), list(r.rightsOf("a")));
        assertEquals(List.of("a"), list(as));
        assertEquals(List.of("x"), list(bs));
        assertEquals("x", tableIt.next(), "a failed write leaves table iterators valid");
        assertEquals(1, bs.add("y"), "the id allocator is restored: freed id first");
        assertEquals(2, bs.add("z"));
        assertEquals(1, as.add("b"));
    }

    @Test
    void predicateAndCollectionExceptionsChangeNothing() {
        rel.link("a", "x");
        rel.link("a", "y");
        rel.link("a", "z");
        assertThrows(IllegalStateException.class, () -> rel.rightsOf("a").removeIf(r -> {
            if (r.equals("z")) {
                throw new IllegalStateException();
            }
            return true;
        }));
        assertPairs(rel, "a", "x", "a", "y", "a", "z");
        Set<String> hostile = new java.util.AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                if (o.equals("z")) {
                    throw new UnsupportedOperationException();
                }
                return false;
            }

            @Override
            public Iterator<String> iterator() {
                return java.util.Collections.emptyIterator();
            }

            @Override
            public int size() {
                return 0;
            }
        };
        assertThrows(UnsupportedOperationException.class, () -> rel.rightsOf("a").retainAll(hostile));
        assertPairs(rel, "a", "x", "a", "y", "a", "z");
        assertTrue(rel.leftsOf("y").removeIf(l -> true));
        assertPairs(rel, "a", "x", "a", "z");
    }

    @Test
    void intsExposeTheSameStorageInBothOrientations() {
        rel.link("a", "x");
        rel.link("b", "x");
        IntRelation ints = rel.ints();
        int a = lefts.idOf("a");
        int x = rights.idOf("x");
        assertTrue(ints.contains(a, x));
        assertEquals(2, ints.degreeOfRight(x));
        IntRelation inv = rel.inverse().ints();
        assertTrue(inv.contains(x, a));
        assertEquals(2, inv.degreeOfLeft(x));
        assertTrue(inv.unlink(x, a));
        assertEquals(List.of("b"), list(rel.leftsOf("x")), "typed views see int-level changes");
        assertEquals("lr", ints.name());
    }
}
