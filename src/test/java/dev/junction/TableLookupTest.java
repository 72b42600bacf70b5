package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The lookups without exceptions ({@code findId}, {@code findByKey}, {@code findIdOfKey}, {@code LongTable.findId})
 * and {@code Table.stream()}, as one contract over every kind of table, committed and inside a transaction; and
 * the typed lookups of relations and association tables.
 */
class TableLookupTest {

    record Person(String name, int age) {
    }

    /** A kind of table, and how it makes its i-th entity. */
    record Kind(String name, java.util.function.Function<Junction, Table<Object>> make, IntFunction<Object> entity) {
        /** A table of this kind in {@code db} holding entities 0 to {@code count - 1}, but for {@code removed}. */
        Table<Object> filled(Junction db, int count, int removed) {
            Table<Object> t = make.apply(db);
            for (int i = 0; i < count; i++) t.add(entity.apply(i));
            t.remove(entity.apply(removed));
            return t;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind("entities as keys", db -> db.table("t"), i -> "e" + i),
                new Kind("keyed", db -> (Table<Object>) (Table<?>) db.table("t", Person::name), i -> new Person("p" + i, i)),
                new Kind("longs", db -> (Table<Object>) (Table<?>) db.longTable("t"), i -> (long) i * 1_000_003L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void findIdAnswersLikeIdOfWithoutTheException(Kind kind) {
        Junction db = Junction.create();
        Table<Object> t = kind.filled(db, 5, 2);
        for (int i = 0; i < 6; i++) {
            Object e = kind.entity().apply(i);
            OptionalInt found = t.findId(e);
            assertEquals(t.contains(e), found.isPresent(), kind + " " + e);
            if (found.isPresent()) assertEquals(t.idOf(e), found.getAsInt());
        }
        try (Transaction tx = db.begin()) {
            t.add(kind.entity().apply(7));
            t.remove(kind.entity().apply(0));
            assertEquals(t.idOf(kind.entity().apply(7)), t.findId(kind.entity().apply(7)).getAsInt(), "its own add");
            assertTrue(t.findId(kind.entity().apply(0)).isEmpty(), "its own remove");
        }
        assertTrue(t.findId(kind.entity().apply(7)).isEmpty(), "rolled back");
        NullPointerException npe = assertThrows(NullPointerException.class, () -> t.findId(null));
        assertTrue(npe.getMessage().contains("'t'"), npe.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamIsTheEntitiesInIdOrderCopiedInOneState(Kind kind) {
        Junction db = Junction.create();
        Table<Object> t = kind.filled(db, 6, 1);
        t.add(kind.entity().apply(9)); // takes id 1
        List<Object> iterated = new ArrayList<>();
        t.forEach(iterated::add);
        assertEquals(iterated, t.stream().toList());
        assertEquals(kind.entity().apply(9), t.stream().skip(1).findFirst().orElseThrow(), "ascending ids");
        Stream<Object> s = t.stream();
        t.add(kind.entity().apply(20));
        t.remove(kind.entity().apply(0));
        assertEquals(iterated, s.toList(), "a copy: later changes do not reach it, and nothing fails fast");
        try (Transaction tx = db.begin()) {
            t.add(kind.entity().apply(30));
            List<Object> inTx = t.stream().toList();
            assertTrue(inTx.contains(kind.entity().apply(30)), "its own changes");
            assertEquals(t.size(), inTx.size());
        }
        assertEquals(0, Junction.create().table("empty").stream().count());
    }

    @Test
    void keyedAndLongTablesFindByKeyWithoutTheException() {
        Junction db = Junction.create();
        KeyedTable<Person, String> people = db.table("people", Person::name);
        Person ann = new Person("Ann", 30);
        people.add(ann);
        assertSame(ann, people.findByKey("Ann").orElseThrow());
        assertEquals(Optional.empty(), people.findByKey("Bob"));
        assertEquals(OptionalInt.of(0), people.findIdOfKey("Ann"));
        assertEquals(OptionalInt.empty(), people.findIdOfKey("Bob"));
        assertThrows(NullPointerException.class, () -> people.findByKey(null));
        assertThrows(NullPointerException.class, () -> people.findIdOfKey(null));
        LongTable users = db.longTable("users");
        users.add(Long.MIN_VALUE);
        assertEquals(OptionalInt.of(0), users.findId(Long.MIN_VALUE));
        assertEquals(OptionalInt.empty(), users.findId(42L));
        try (Transaction tx = db.begin()) {
            people.removeKey("Ann");
            assertEquals(Optional.empty(), people.findByKey("Ann"), "its own remove");
            users.add(42L);
            assertEquals(OptionalInt.of(1), users.findId(42L), "its own add");
        }
        assertSame(ann, people.findByKey("Ann").orElseThrow(), "rolled back");
    }

    @Test
    void relationsAndAssociationTablesComeTypedByTheirTables() {
        Junction db = Junction.create();
        KeyedTable<Person, String> authors = db.table("authors", Person::name);
        Table<String> books = db.table("books");
        LongTable users = db.longTable("users");
        Relation<Person, String> declared = db.relation("wrote", authors, books);
        Relation<Long, Long> friends = db.symmetric("friends", users);
        AssociationTable<Long, String> loans = db.associationTable("loans", users, books);

        Relation<Person, String> wrote = db.getRelation("wrote", authors, books);
        assertSame(declared, wrote);
        Relation<String, Person> writtenBy = db.getRelation("wrote", books, authors);
        assertSame(declared.inverse(), writtenBy);
        wrote.link(new Person("Ann", 1), "Emma");
        assertEquals(List.of(new Person("Ann", 1)), List.copyOf(writtenBy.rightsOf("Emma")));
        assertSame(friends, db.getRelation("friends", users, users));
        assertSame(loans, db.getAssociationTable("loans", users, books));

        IllegalArgumentException wrongTables = assertThrows(IllegalArgumentException.class,
                () -> db.getRelation("wrote", authors, users));
        assertTrue(wrongTables.getMessage().contains("'authors'") && wrongTables.getMessage().contains("'books'")
                && wrongTables.getMessage().contains("'users'"), wrongTables.getMessage());
        assertThrows(IllegalArgumentException.class, () -> db.getAssociationTable("loans", books, users),
                "an association table is typed in declared order only");
        NoSuchElementException missing = assertThrows(NoSuchElementException.class,
                () -> db.getRelation("nope", authors, books));
        assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
        assertThrows(NoSuchElementException.class, () -> db.getAssociationTable("wrote", authors, books));
        assertThrows(NullPointerException.class, () -> db.getRelation("wrote", null, books));
        assertThrows(NullPointerException.class, () -> db.getRelation(null, authors, books));
        Junction other = Junction.create();
        Table<String> otherBooks = other.table("books");
        assertThrows(IllegalArgumentException.class, () -> db.getRelation("wrote", authors, otherBooks),
                "a table of another engine with the same name is not the relation's");
    }
}
