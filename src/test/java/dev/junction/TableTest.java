package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TableTest {

    record Person(String name, int age) {
    }

    private static <E> List<E> list(Iterable<E> it) {
        List<E> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    @Test
    void idsAreTheLiveIdsAscendingAsTheThreadSeesThem() {
        Junction db = Junction.create();
        Table<String> t = db.table("t");
        for (String x : List.of("a", "b", "c", "d")) t.add(x);
        t.remove("b");
        assertEquals("[0, 2, 3]", java.util.Arrays.toString(t.ids()));
        Transaction tx = db.begin();
        t.remove("a");
        t.add("e"); // reuses b's id 1, freed before; a's id 0, freed in this transaction, waits for the commit
        t.add("f");
        assertEquals("[1, 2, 3, 4]", java.util.Arrays.toString(t.ids()));
        tx.rollback();
        assertEquals("[0, 2, 3]", java.util.Arrays.toString(t.ids()));
        assertEquals(0, Junction.create().table("empty").ids().length);
    }

    @Test
    void addHandsOutDenseIdsAndKeepsTheFirstEntity() {
        Junction db = Junction.create();
        KeyedTable<Person, String> people = db.table("people", Person::name);
        Person ann = new Person("Ann", 30);
        assertEquals(0, people.add(ann));
        assertEquals(1, people.add(new Person("Ben", 40)));
        assertEquals(0, people.add(new Person("Ann", 99)), "equal key: the existing id");
        assertSame(ann, people.get(0), "the stored entity is kept, not replaced");
        assertSame(ann, people.byKey("Ann"));
        assertEquals(1, people.idOfKey("Ben"));
        assertEquals(0, people.idOf(new Person("Ann", 1)));
        assertTrue(people.contains(new Person("Ann", 1)));
        assertTrue(people.containsKey("Ben"));
        assertFalse(people.containsKey("Cid"));
        assertEquals("Ann", people.keyOf(ann));
        assertEquals(2, people.size());
        assertEquals(List.of(ann, new Person("Ben", 40)), list(people));
    }

    @Test
    void removedIdsAreReusedLastInFirstOutAndIterationIsByAscendingId() {
        Table<String> t = Junction.create().table("t");
        for (String s : List.of("a", "b", "c", "d")) {
            t.add(s);
        }
        assertEquals(List.of("a", "b", "c", "d"), list(t), "insertion order while nothing was removed");
        assertTrue(t.remove("b"));
        assertTrue(t.remove("c"));
        assertFalse(t.remove("c"));
        assertFalse(t.containsId(1));
        assertFalse(t.containsId(2));
        assertEquals(2, t.add("e"), "the most recently freed id first");
        assertEquals(1, t.add("f"));
        assertEquals(4, t.add("g"));
        assertEquals(List.of("a", "f", "e", "d", "g"), list(t), "ascending id order");
        assertEquals(5, t.size());
    }

    @Test
    void missingEntitiesAndUnusedIdsThrowNamingValueAndTable() {
        Table<String> t = Junction.create().table("tags");
        t.add("java");
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> t.idOf("rust"));
        assertTrue(e.getMessage().contains("rust") && e.getMessage().contains("tags"), e.getMessage());
        e = assertThrows(NoSuchElementException.class, () -> t.get(7));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("tags"), e.getMessage());
        assertThrows(NoSuchElementException.class, () -> t.get(-1));
        t.remove("java");
        assertThrows(NoSuchElementException.class, () -> t.get(0), "a freed id");
        assertEquals(0, t.size());
        assertEquals(List.of(), list(t));
    }

    @Test
    void nullsThrowNamingTheTableAndChangeNothing() {
        Junction db = Junction.create();
        Table<String> t = db.table("tags");
        t.add("a");
        for (Runnable r : List.<Runnable>of(() -> t.add(null), () -> t.idOf(null), () -> t.contains(null),
                () -> t.remove(null))) {
            NullPointerException e = assertThrows(NullPointerException.class, r::run);
            assertTrue(e.getMessage().contains("tags"), e.getMessage());
        }
        assertEquals(List.of("a"), list(t));

        KeyedTable<Person, String> people = db.table("people", Person::name);
        people.add(new Person("Ann", 1));
        NullPointerException e = assertThrows(NullPointerException.class, () -> people.add(new Person(null, 2)));
        assertTrue(e.getMessage().contains("people") && e.getMessage().contains("key"), e.getMessage());
        assertThrows(NullPointerException.class, () -> people.byKey(null));
        assertThrows(NullPointerException.class, () -> people.containsKey(null));
        assertThrows(NoSuchElementException.class, () -> people.byKey("Zed"));
        assertEquals(1, people.size());
        assertEquals(1, people.add(new Person("Ben", 2)), "a failed add used no id");
    }

    @Test
    void keyFunctionExceptionsChangeNothing() {
        KeyedTable<String, Integer> t = Junction.create().table("t", s -> {
            if (s.startsWith("!")) {
                throw new IllegalStateException("bad " + s);
            }
            return s.length();
        });
        t.add("a");
        assertThrows(IllegalStateException.class, () -> t.add("!x"));
        assertEquals(1, t.size());
        assertEquals(1, t.add("bb"));
        assertEquals(0, t.add("c"), "same key (length 1) as \"a\"");
        assertEquals("a", t.get(0));
    }

    @Test
    void longTableWorksOnPrimitivesAndAsATableOfLong() {
        LongTable users = Junction.create().longTable("users");
        assertEquals(0, users.add(1_000_000_000_123L));
        assertEquals(1, users.add(-5L));
        assertEquals(0, users.add(1_000_000_000_123L));
        assertEquals(1, users.idOf(-5L));
        assertEquals(-5L, users.keyOf(1));
        assertEquals(Long.valueOf(-5L), users.get(1));
        assertTrue(users.contains(-5L));
        assertTrue(users.contains(Long.valueOf(-5L)));
        assertFalse(users.contains(7L));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> users.idOf(7L));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("users"), e.getMessage());
        assertThrows(NoSuchElementException.class, () -> users.keyOf(2));
        assertThrows(NullPointerException.class, () -> users.add((Long) null));
        Table<Long> boxed = users;
        assertEquals(2, boxed.add(42L));
        assertEquals(List.of(1_000_000_000_123L, -5L, 42L), list(users));
        assertTrue(users.remove(-5L));
        assertFalse(users.remove(-5L));
        assertEquals(1, users.add(8L), "freed id reused");
        assertEquals(3, users.size());
    }

    @Test
    void tableIteratorIsFailFastAndItsRemoveDeletesTheEntity() {
        Relation<String, String> r = Schemas.symmetric("friends", "t");
        Table<String> t = r.leftTable();
        Schemas.link(r, "a", "b", "b", "c");
        Iterator<String> it = t.iterator();
        assertEquals("a", it.next());
        t.add("d");
        assertThrows(ConcurrentModificationException.class, it::next);

        it = t.iterator();
        it.next();
        assertEquals("b", it.next());
        it.remove();
        assertThrows(IllegalStateException.class, it::remove);
        assertEquals("c", it.next());
        assertEquals(List.of("a", "c", "d"), list(t));
        assertEquals(0, r.size(), "removing b through the iterator removed its links");
        assertEquals(List.of(), List.copyOf(r.rightsOf("a")));
    }

    @Test
    void namesAreUniquePerEngineAndLookupsFindThem() {
        Schemas.Strings world = Schemas.strings("user_roles", "users", "roles");
        Junction db = world.db();
        Table<String> users = world.lefts();
        Relation<String, String> r = world.rel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> db.table("users"));
        assertTrue(e.getMessage().contains("users"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> db.longTable("user_roles"));
        assertTrue(e.getMessage().contains("user_roles"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> db.symmetric("roles", users));
        assertTrue(e.getMessage().contains("roles"), e.getMessage());
        assertSame(users, db.getTable("users"));
        assertSame(r, db.getRelation("user_roles"));
        assertThrows(NoSuchElementException.class, () -> db.getTable("user_roles"));
        assertThrows(NoSuchElementException.class, () -> db.getRelation("nope"));
        assertEquals(List.of(users, world.rights()), List.copyOf(db.tables()));
        assertEquals(List.of(r), List.copyOf(db.relations()));
        assertSame(db, users.junction());
        assertThrows(NullPointerException.class, () -> db.table(null));
    }

    @Test
    void tablesOfAnotherEngineAreRejectedNamingBothEngines() {
        Junction one = Junction.create();
        Junction two = Junction.create();
        Table<String> a = one.table("a");
        Table<String> b = two.table("b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.relation("ab", a, b));
        String m = e.getMessage();
        assertTrue(m.contains("'b'") && m.contains("ab") && m.contains(one.toString()) && m.contains(two.toString()), m);
        assertThrows(IllegalArgumentException.class, () -> one.directed("bb", b));
        assertThrows(IllegalArgumentException.class, () -> one.symmetric("bb", b));
        assertTrue(one.relations().isEmpty(), "nothing registered");
        assertEquals(0, one.relation("ab", a, one.table("b")).size(), "the name is still free");
        assertThrows(NullPointerException.class, () -> one.relation("x", a, null));
    }
}
