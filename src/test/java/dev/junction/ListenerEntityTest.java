package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangeListener}'s entity payloads and the order of a delete's cascade: every link and unlink carries its
 * ends' entities as they were when it changed (resolved at commit, so a removed entity, or an id reused by a later
 * commit before delivery, does not matter), association rows' pairs first, then relation unlinks, then
 * {@code removed} with the entity; nothing for rolled-back work; nested transactions; the int-only callbacks still
 * called for listeners that override only them.
 */
class ListenerEntityTest {

    record Book(String title, int year) {
    }

    // the schema as initialized fields: JUnit makes a new instance, so a new engine, for every test
    private final Junction db = Junction.create();
    private final Table<String> authors = db.table("authors");
    private final KeyedTable<Book, String> books = db.table("books", Book::title);
    private final LongTable users = db.longTable("users");
    private final Relation<String, Book> wrote = db.relation("wrote", authors, books);
    private final Relation<Long, Book> read = db.relation("read", users, books);
    private final Relation<String, String> admires = db.directed("admires", authors);
    private final AssociationTable<String, Book> reviews = db.associationTable("reviews", authors, books);
    private final List<String> events = new ArrayList<>();

    /** Records entity-carrying events as text: what a listener can know without looking anything up. */
    private final ChangeListener recorder = new ChangeListener() {
        @Override
        public void linked(Relation<?, ?> r, int left, int right, Object le, Object re) {
            events.add("link " + r.name() + " " + le + " " + re);
        }

        @Override
        public void unlinked(Relation<?, ?> r, int left, int right, Object le, Object re) {
            events.add("unlink " + r.name() + " " + le + " " + re);
        }

        @Override
        public void added(Table<?> table, int id, Object entity) {
            events.add("add " + table.name() + " " + entity);
        }

        @Override
        public void removed(Table<?> table, int id, Object entity) {
            events.add("remove " + table.name() + " " + entity);
        }

        @Override
        public void replaced(Table<?> table, int id, Object previous, Object entity) {
            events.add("replace " + table.name() + " " + previous + " " + entity);
        }
    };

    private static final Book DUNE = new Book("Dune", 1965);
    private static final Book EMMA = new Book("Emma", 1815);

    @BeforeEach
    void setUp() {
        wrote.link("frank", DUNE);
        wrote.link("jane", EMMA);
        read.link(7L, DUNE);
        admires.link("jane", "frank");
        admires.link("frank", "frank");
        reviews.add("frank", DUNE);
        reviews.add("frank", DUNE);
        reviews.add("jane", DUNE);
        db.addListener(recorder);
    }

    @Test
    void deletingAnEntityTellsRowsThenUnlinksWithBothEntitiesThenTheRemovedEntity() {
        books.remove(DUNE);
        assertEquals(List.of(
                "unlink reviews frank " + DUNE, // the pair goes with its last row
                "unlink reviews jane " + DUNE,
                "unlink wrote frank " + DUNE,
                "unlink read 7 " + DUNE,
                "remove books " + DUNE), events);
        assertThrows(NoSuchElementException.class, () -> books.idOf(DUNE));
        events.clear();
        authors.remove("frank"); // a directed self-relation: links it starts and links to it, the self-loop once
        assertEquals("remove authors frank", events.get(events.size() - 1));
        assertEquals(List.of("unlink admires frank frank", "unlink admires jane frank"),
                events.subList(0, events.size() - 1).stream().sorted().toList());
    }

    @Test
    void associationRowDeletesTellThePairOnlyWhenItsLastRowGoes() {
        int[] rows = db.read(() -> reviews.rowsOf("frank", DUNE));
        reviews.remove(rows[0]);
        assertEquals(List.of(), events);
        reviews.remove(rows[1]);
        assertEquals(List.of("unlink reviews frank " + DUNE), events);
    }

    @Test
    void theEntitiesAreThoseAtCommitEvenIfLaterCommitsRemoveThemAndReuseTheirIds() {
        int emmaId = books.idOf(EMMA);
        List<String> late = new ArrayList<>();
        db.addListener(new ChangeListener() {
            boolean done;

            @Override
            public void linked(Relation<?, ?> r, int left, int right, Object le, Object re) {
                if (!done) { // before the rest of the batch is told: Emma goes and her id is reused
                    done = true;
                    books.remove(EMMA);
                    books.add(new Book("Usurper", 1));
                    late.add("id " + emmaId + " is now " + books.get(emmaId));
                }
            }
        });
        db.inTransaction(() -> {
            wrote.link("frank", EMMA);
            wrote.link("anne", EMMA);
        });
        assertEquals(List.of("id " + emmaId + " is now Book[title=Usurper, year=1]"), late);
        assertEquals(List.of("link wrote frank " + EMMA, "add authors anne", "link wrote anne " + EMMA),
                events.subList(0, 3), "the batch's entities, not the id's new owner");
        assertEquals(List.of("unlink wrote frank " + EMMA, "unlink wrote jane " + EMMA, "unlink wrote anne " + EMMA,
                "remove books " + EMMA, "add books Book[title=Usurper, year=1]"),
                events.subList(3, events.size()), "then the listener's own writes, with their entities");
    }

    @Test
    void aTransactionTellsEachChangeWithTheEntityOfItsMomentAndARollbackTellsNothing() {
        try (Transaction t = db.begin()) {
            books.remove(DUNE);
            wrote.link("frank", new Book("Other", 2));
            t.rollback();
        }
        assertEquals(List.of(), events);
        db.inTransaction(() -> {
            books.put(new Book("Emma", 1816));
            wrote.unlink("jane", EMMA); // the entity at that moment: the replacement
            books.remove(EMMA);
            wrote.link("jane", new Book("Emma", 2000)); // a new entity, a new id
        });
        assertEquals(List.of(
                "replace books " + EMMA + " Book[title=Emma, year=1816]",
                "unlink wrote jane Book[title=Emma, year=1816]",
                "remove books Book[title=Emma, year=1816]",
                "add books Book[title=Emma, year=2000]",
                "link wrote jane Book[title=Emma, year=2000]"), events);
    }

    @Test
    void nestedTransactionsTellWhatCommittedInOrderAndNothingOfWhatRolledBack() {
        db.inTransaction(() -> {
            wrote.link("anne", DUNE);
            try (Transaction inner = db.begin()) {
                books.remove(DUNE);
                inner.rollback();
            }
            try (Transaction inner = db.begin()) {
                read.unlink(7L, DUNE);
                users.remove(7L);
                inner.commit();
            }
            assertThrows(NoSuchElementException.class, () -> books.replace(new Book("Nope", 0)));
        });
        assertEquals(List.of("add authors anne", "link wrote anne " + DUNE, "unlink read 7 " + DUNE,
                "remove users 7"), events);
        assertNull(EngineInvariants.problem(db));
    }

    @Test
    void aBulkLoadTellsEveryLinkWithItsEntities() {
        Relation<Long, Book> likes = db.relation("likes", users, books);
        int emma = books.idOf(EMMA);
        int dune = books.idOf(DUNE);
        db.bulkLoad(likes, () -> {
            likes.ints().linkAll(new int[] {users.idOf(7L), users.idOf(7L)}, new int[] {emma, dune});
            books.remove(EMMA); // the load's link to Emma goes with her before commit: staged, so never told
        });
        assertEquals(List.of("unlink wrote jane " + EMMA, "remove books " + EMMA, "link likes 7 " + DUNE), events);
    }

    @Test
    void inPlaceWritesCarryTheirEntitiesAndIntOnlyListenersStillHearEverything() {
        List<String> ints = new ArrayList<>();
        db.addListener(new LambdaListener(
                (r, left, right) -> ints.add("link " + r.name() + " " + left + " " + right),
                (r, left, right) -> ints.add("unlink " + r.name() + " " + left + " " + right),
                LambdaListener.NO_ENTITY,
                LambdaListener.NO_ENTITY));
        int frank = authors.idOf("frank");
        int dune = books.idOf(DUNE);
        wrote.unlink("frank", DUNE); // outside a transaction, both ends present: in place
        wrote.ints().link(frank, dune);
        assertEquals(List.of("unlink wrote frank " + DUNE, "link wrote frank " + DUNE), events);
        assertEquals(List.of("unlink wrote " + frank + " " + dune, "link wrote " + frank + " " + dune), ints);
        events.clear();
        books.remove(DUNE);
        assertEquals("remove books " + DUNE, events.get(events.size() - 1));
        assertEquals(events.size() - 1, ints.size() - 2, "int-only listeners hear every unlink of the cascade");
    }
}
