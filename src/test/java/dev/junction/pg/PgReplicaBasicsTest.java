package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.RowColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Copy then stream, end to end, on a small schema: what each kind of change does to the engine. */
@ExtendWith(PostgresExtension.class)
class PgReplicaBasicsTest {

    private static final String DB = "basics";
    private static PgServer pg;

    @BeforeAll
    static void schema(PgServer server) throws Exception {
        pg = server;
        pg.createDatabase(DB);
        pg.sql(DB,
                "CREATE TABLE author (id bigint PRIMARY KEY, name text)",
                "CREATE TABLE book (id bigint PRIMARY KEY, title text)",
                "CREATE TABLE author_book (author_id bigint REFERENCES author ON DELETE CASCADE, "
                        + "book_id bigint REFERENCES book ON DELETE CASCADE, since date, royalty numeric, "
                        + "PRIMARY KEY (author_id, book_id))",
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint NOT NULL, product bigint NOT NULL, "
                        + "quantity integer, note text, at timestamptz)",
                "INSERT INTO author VALUES (1, 'Alice'), (2, 'Bob'), (3, 'Carol')",
                "INSERT INTO book VALUES (10, 'Flask Basics'), (11, 'Advanced Flask')",
                "INSERT INTO author_book VALUES (1, 10, '2020-01-02', 1.5), (2, 10, '2021-03-04', 2), (2, 11, NULL, 0)",
                "INSERT INTO orders VALUES (100, 7, 8, 2, 'first', '2024-01-01 10:00:00+00'), "
                        + "(101, 7, 9, 1, NULL, '2024-01-02 12:30:00.5+02')",
                "CREATE PUBLICATION pub FOR TABLE author, book, author_book, orders");
    }

    static final class Engine {
        final Junction db = Junction.create();
        final LongTable authors = db.longTable("author");
        final LongTable books = db.longTable("book");
        final Relation<Long, Long> wrote = db.relation("author_book", authors, books);
        final LinkColumn.OfObject<Long, Long, java.time.LocalDate> since =
                wrote.objectColumn("since", java.time.LocalDate.class, null);
        final LinkColumn.OfDouble<Long, Long> royalty = wrote.doubleColumn("royalty", -1);
        final LongTable customers = db.longTable("customer");
        final LongTable products = db.longTable("product");
        final AssociationTable<Long, Long> orders = db.associationTable("orders", customers, products);
        final RowColumn.OfLong orderId = orders.longColumn("id", 0);
        final RowColumn.OfInt quantity = orders.intColumn("quantity", 0);
        final RowColumn.OfObject<String> note = orders.objectColumn("note", String.class, null);
        final RowColumn.OfLong at = orders.longColumn("at", 0);

        PgReplica replica(String slot) {
            return PgReplica.builder(db, pg.url(DB)).user(PgServer.SUPERUSER).slot(slot).publication("pub")
                    .relation("author_book", wrote, "author_id", "book_id",
                            PgReplica.column("since", since), PgReplica.column("royalty", royalty))
                    .table("author", authors, "id")
                    .table("book", books, "id")
                    .associationTable("orders", orders, "id", orderId, "customer", "product",
                            PgReplica.column("quantity", quantity), PgReplica.column("note", note),
                            PgReplica.column("at", at))
                    .build();
        }

        int orderRow(long id) {
            for (int c : customers.ids()) {
                for (int r : orders.rowsOfLeftId(c).toIntArray()) if (orderId.get(r) == id) return r;
            }
            return -1;
        }
    }

    private static long currentLsn(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return PgReplica.parseLsn(rs.getString(1));
        }
    }

    @Test
    void aRowFilteredPublicationGivesASlice() throws Exception {
        pg.createDatabase("slice");
        pg.sql("slice", "CREATE TABLE post_tag (post_id bigint, tag text, PRIMARY KEY (post_id, tag))",
                "INSERT INTO post_tag SELECT p, t FROM generate_series(0, 9) p, unnest(ARRAY['a', 'b']) t",
                "CREATE PUBLICATION odd FOR TABLE post_tag WHERE (post_id % 2 = 1)");
        Junction db = Junction.create();
        LongTable posts = db.longTable("post");
        dev.junction.Table<String> tags = db.table("tag");
        Relation<Long, String> tagged = db.relation("post_tag", posts, tags);
        try (PgReplica r = PgReplica.builder(db, pg.url("slice")).user(PgServer.SUPERUSER).slot("slice_odd")
                .publication("odd").relation("post_tag", tagged, "post_id", "tag").build();
             Connection c = pg.connect("slice"); Statement st = c.createStatement()) {
            r.start();
            assertEquals(10, tagged.size(), "the copy takes the filter: posts 1, 3, 5, 7, 9");
            for (long p = 0; p < 10; p++) assertEquals(p % 2 == 1, tagged.contains(p, "a"), "post " + p);
            st.execute("INSERT INTO post_tag VALUES (11, 'a'), (12, 'a')");
            st.execute("UPDATE post_tag SET post_id = 13 WHERE post_id = 2 AND tag = 'a'"); // moves into the slice
            st.execute("UPDATE post_tag SET post_id = 14 WHERE post_id = 3 AND tag = 'b'"); // moves out of it
            assertTrue(r.awaitPosition(currentLsn(c), Duration.ofSeconds(10)));
            assertTrue(tagged.contains(11L, "a"));
            assertFalse(tagged.contains(12L, "a"));
            assertTrue(tagged.contains(13L, "a"));
            assertFalse(tagged.contains(3L, "b"));
            assertFalse(tagged.contains(14L, "b"));
            assertEquals(11, tagged.size());
            r.closeAndDropSlot();
        }
    }

    @Test
    void copiesThenStreamsEveryKindOfChange() throws Exception {
        Engine e = new Engine();
        try (PgReplica replica = e.replica("basics_1"); Connection c = pg.connect(DB)) {
            replica.start();
            assertEquals(PgReplica.State.STREAMING, replica.state());
            assertEquals(1, replica.copies());
            // the copy
            assertEquals(3, e.wrote.size());
            assertEquals(List.of(10L, 11L), List.copyOf(e.wrote.rightsOf(2L)));
            assertEquals(java.time.LocalDate.of(2020, 1, 2), e.since.get(1L, 10L));
            assertEquals(1.5, e.royalty.get(1L, 10L));
            assertEquals(null, e.since.get(2L, 11L));
            assertEquals(3, e.authors.size());
            assertEquals(2, e.orders.size());
            int r101 = e.orderRow(101);
            assertEquals(1_704_191_400_500_000L, e.at.get(r101)); // 2024-01-02 10:30:00.5 UTC
            assertEquals(null, e.note.get(r101));

            // a transaction of several changes
            try (Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO author VALUES (4, 'Dan')");
                st.execute("INSERT INTO author_book VALUES (4, 11, '2022-05-06', 3.25)");
                st.execute("UPDATE author_book SET royalty = 9 WHERE author_id = 1 AND book_id = 10");
                st.execute("UPDATE author_book SET book_id = 11 WHERE author_id = 1 AND book_id = 10"); // key change
                st.execute("INSERT INTO orders VALUES (102, 7, 8, 5, 'x', '2024-02-01 00:00:00+00')");
                st.execute("UPDATE orders SET quantity = 3 WHERE id = 100");
                st.execute("UPDATE orders SET product = 9 WHERE id = 100"); // moves the row to another pair
                c.commit();
                c.setAutoCommit(true);
            }
            assertTrue(replica.awaitPosition(currentLsn(c), Duration.ofSeconds(10)));
            assertTrue(e.wrote.contains(4L, 11L));
            assertFalse(e.wrote.contains(1L, 10L));
            assertTrue(e.wrote.contains(1L, 11L));
            assertEquals(9.0, e.royalty.get(1L, 11L), "the moved link keeps its values");
            assertEquals(4, e.authors.size());
            assertEquals(3, e.orders.size());
            int r100 = e.orderRow(100);
            assertEquals(3, e.quantity.get(r100));
            assertEquals(9L, e.orders.rightOf(r100));
            assertEquals("first", e.note.get(r100));

            // entity delete with ON DELETE CASCADE
            long before = replica.appliedTransactions();
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM author WHERE id = 2");
            }
            assertTrue(replica.awaitPosition(currentLsn(c), Duration.ofSeconds(10)));
            assertFalse(e.authors.contains(2L));
            assertEquals(2, e.wrote.size());
            assertEquals(before + 1, replica.appliedTransactions());

            // a rolled-back transaction changes nothing
            try (Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO author_book VALUES (3, 10, NULL, NULL)");
                c.rollback();
                c.setAutoCommit(true);
                st.execute("DELETE FROM orders WHERE id = 101");
            }
            assertTrue(replica.awaitPosition(currentLsn(c), Duration.ofSeconds(10)));
            assertFalse(e.wrote.contains(3L, 10L));
            assertEquals(2, e.orders.size());

            // a write that publishes nothing: the position still gets there (keepalives), so read-your-writes works
            long applied = replica.appliedTransactions();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS unpublished (x int)");
                st.execute("INSERT INTO unpublished VALUES (1)");
            }
            long quiet = currentLsn(c);
            assertTrue(replica.awaitPosition(quiet, Duration.ofSeconds(10)), "keepalives move the position: " + replica);
            assertEquals(applied, replica.appliedTransactions());
            assertFalse(replica.awaitPosition(quiet + (1L << 40), Duration.ofMillis(50)), "a position not reached yet");

            // TRUNCATE
            try (Statement st = c.createStatement()) {
                st.execute("TRUNCATE orders");
            }
            assertTrue(replica.awaitPosition(currentLsn(c), Duration.ofSeconds(10)));
            assertEquals(0, e.orders.size());
            assertEquals(0, replica.lagBytes());
            assertTrue(replica.lag().isZero() || replica.lag().toMillis() < 5000);
        }
    }
}
