package dev.junction.examples;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.pg.PgReplica;
import dev.junction.pg.PgServer;
import dev.junction.query.Queries;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Flask-SQLAlchemy many-to-many tutorial with PostgreSQL as the truth and Junction as an in-process replica:
 * the tutorial's tables ({@code author}, {@code book}, {@code author_book} with two foreign keys, {@code ON DELETE
 * CASCADE} and a composite primary key) are created and written through JDBC, and every read goes to the engine,
 * which follows PostgreSQL over logical replication. After each JDBC commit the example reads
 * {@code pg_current_wal_lsn()} and waits for the replica to reach it: it reads its own writes.
 *
 * <p>The engine holds the graph (ids); names stay where the application keeps them (here, one SELECT at start).
 * Everything lives in the schema {@code flask_tutorial}, which is dropped and created again; the replica's slot is
 * dropped at the end.
 *
 * <p>Run with {@code mvn -q test-compile exec:java -Dexample=FlaskPostgres} to start a throwaway PostgreSQL (the
 * tests' {@code dev.junction.pg.PgServer}, with Debian's {@code postgresql} package, 15 or later), or pass a JDBC
 * URL of a server with {@code wal_level=logical} and a role that may replicate:
 * {@code -Dexec.args="jdbc:postgresql://localhost:5432/app?user=postgres"}. {@code FlaskPostgresTest} checks its
 * output.
 */
public final class FlaskPostgres {

    private FlaskPostgres() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            run(args[0], System.out);
            return;
        }
        try (PgServer pg = PgServer.start()) {
            run(pg.url("postgres") + "?user=" + PgServer.SUPERUSER, System.out);
        }
    }

    /** Creates the tutorial's tables, follows them, writes through JDBC and prints what the replica answers. */
    static void run(String url, PrintStream out) throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS flask_tutorial CASCADE");
            st.execute("DROP PUBLICATION IF EXISTS flask_tutorial");
            st.execute("CREATE SCHEMA flask_tutorial");
            st.execute("CREATE TABLE flask_tutorial.author (id serial PRIMARY KEY, name text NOT NULL UNIQUE)");
            st.execute("CREATE TABLE flask_tutorial.book (id serial PRIMARY KEY, title text NOT NULL UNIQUE)");
            st.execute("CREATE TABLE flask_tutorial.author_book ("
                    + "author_id integer REFERENCES flask_tutorial.author ON DELETE CASCADE, "
                    + "book_id integer REFERENCES flask_tutorial.book ON DELETE CASCADE, "
                    + "PRIMARY KEY (author_id, book_id))");
            st.execute("INSERT INTO flask_tutorial.author (name) VALUES ('Alice'), ('Bob'), ('Carol')");
            st.execute("INSERT INTO flask_tutorial.book (title) VALUES ('Flask Basics'), ('Advanced Flask'), "
                    + "('SQLAlchemy in Depth')");
            st.execute("INSERT INTO flask_tutorial.author_book VALUES (1, 1), (2, 1), (2, 2), (3, 3)");
            st.execute("CREATE PUBLICATION flask_tutorial FOR TABLE flask_tutorial.author, flask_tutorial.book, "
                    + "flask_tutorial.author_book");
        }

        Junction db = Junction.create();
        LongTable authors = db.longTable("author");
        LongTable books = db.longTable("book");
        Relation<Long, Long> wrote = db.relation("author_book", authors, books);
        PgReplica replica = PgReplica.builder(db, url)
                .slot("flask_tutorial_node_1").publication("flask_tutorial")
                .table("flask_tutorial.author", authors, "id")
                .table("flask_tutorial.book", books, "id")
                .relation("flask_tutorial.author_book", wrote, "author_id", "book_id")
                .build();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            replica.start(); // copies the three tables, then streams
            Names names = new Names(st);
            out.println("copied " + wrote.size() + " links of " + authors.size() + " authors and " + books.size()
                    + " books");
            long alice = names.author("Alice");
            long bob = names.author("Bob");
            long basics = names.book("Flask Basics");
            long advanced = names.book("Advanced Flask");
            long depth = names.book("SQLAlchemy in Depth");
            out.println("Which books did Bob write? " + names.titles(wrote.rightsOf(bob)));
            out.println("Who wrote Flask Basics? " + names.authors(wrote.leftsOf(basics)));
            out.println("Alice's co-authors: " + Queries.sharingRights(wrote, alice, 10).stream()
                    .map(r -> names.authorName(r.entity()) + " (" + r.score() + " shared)").collect(Collectors.joining(", ")));

            c.setAutoCommit(false); // alice.books.append(advanced); bob.books.remove(basics); session.commit()
            st.execute("INSERT INTO flask_tutorial.author_book VALUES (" + alice + ", " + advanced + ")");
            st.execute("DELETE FROM flask_tutorial.author_book WHERE author_id = " + bob + " AND book_id = " + basics);
            c.commit();
            c.setAutoCommit(true);
            out.println("JDBC: alice.books.append(advanced), bob.books.remove(basics), committed");
            boolean there = replica.awaitPosition(currentLsn(st), Duration.ofSeconds(10)); // read your writes
            out.println("read your writes: " + (there ? "the replica reached the commit's LSN" : "timed out"));
            out.println("Which books did Alice write? " + names.titles(wrote.rightsOf(alice)));
            out.println("Who wrote Flask Basics? " + names.authors(wrote.leftsOf(basics)));

            st.execute("DELETE FROM flask_tutorial.author WHERE name = 'Carol'");
            out.println("JDBC: DELETE FROM author WHERE name = 'Carol' (ON DELETE CASCADE)");
            replica.awaitPosition(currentLsn(st), Duration.ofSeconds(10));
            String who = names.authors(wrote.leftsOf(depth));
            out.println("Who wrote SQLAlchemy in Depth? " + (who.isEmpty() ? "nobody" : who) + "; authors: "
                    + authors.size());
            out.println("the replica applied " + replica.appliedTransactions() + " transactions, "
                    + replica.appliedChanges() + " changed rows");
        } finally {
            replica.closeAndDropSlot(); // a slot left behind keeps WAL for a replica that will not come back
        }
    }

    private static long currentLsn(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return PgReplica.parseLsn(rs.getString(1));
        }
    }

    /** The application's own names for ids (its ORM objects, in a real application). */
    private static final class Names {
        final Map<Long, String> authorNames = new HashMap<>();
        final Map<Long, String> bookTitles = new HashMap<>();

        Names(Statement st) throws SQLException {
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM flask_tutorial.author")) {
                while (rs.next()) authorNames.put(rs.getLong(1), rs.getString(2));
            }
            try (ResultSet rs = st.executeQuery("SELECT id, title FROM flask_tutorial.book")) {
                while (rs.next()) bookTitles.put(rs.getLong(1), rs.getString(2));
            }
        }

        long author(String name) {
            return authorNames.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst().orElseThrow()
                    .getKey();
        }

        long book(String title) {
            return bookTitles.entrySet().stream().filter(e -> e.getValue().equals(title)).findFirst().orElseThrow()
                    .getKey();
        }

        String authorName(long id) {
            return authorNames.get(id);
        }

        String titles(Collection<Long> ids) {
            return ids.stream().sorted().map(bookTitles::get).collect(Collectors.joining(", "));
        }

        String authors(Collection<Long> ids) {
            return ids.stream().sorted().map(authorNames::get).collect(Collectors.joining(", "));
        }
    }
}
