package dev.junction.examples;

import dev.junction.Junction;
import dev.junction.KeyedTable;
import dev.junction.Relation;
import dev.junction.query.Queries;
import dev.junction.sql.SqlRelations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Flask-SQLAlchemy many-to-many tutorial's database, round trip: create its SQLite schema ({@code author},
 * {@code book}, the association table {@code author_book} with two foreign keys and a composite primary key) with
 * data, load it into Junction, answer the tutorial's questions, change some links, and write only the difference
 * back.
 *
 * <p>Run with {@code mvn -q test-compile exec:java -Dexample=FlaskSql} (SQLite in memory, through the
 * {@code sqlite-jdbc} test dependency); {@code FlaskSqlTest} checks its output.
 */
public final class FlaskSql {

    /** An author, with the id of its database row. */
    public record Author(long id, String name) {
    }

    /** A book, with the id of its database row. */
    public record Book(long id, String title) {
    }

    private FlaskSql() {
    }

    static void createTutorialDatabase(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA foreign_keys = ON");
            st.execute("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
            st.execute("CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE)");
            st.execute("CREATE TABLE author_book ("
                    + "author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE, "
                    + "book_id INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE, "
                    + "PRIMARY KEY (author_id, book_id))");
            st.execute("INSERT INTO author VALUES (1, 'Alice'), (2, 'Bob'), (3, 'Carol')");
            st.execute("INSERT INTO book VALUES (1, 'Flask Basics'), (2, 'Advanced Flask'), (3, 'SQLAlchemy in Depth')");
            st.execute("INSERT INTO author_book VALUES (1, 1), (2, 1), (2, 2), (3, 3)");
        }
    }

    /** The engine, loaded from the database. */
    static final class Loaded {
        final Junction db = Junction.create();
        final KeyedTable<Author, Long> authors = db.table("author", Author::id);
        final KeyedTable<Book, Long> books = db.table("book", Book::id);
        final Relation<Author, Book> wrote = db.relation("author_book", authors, books);
        final SqlRelations.Mapping<Author, Book> mapping;

        Loaded(Connection c) throws SQLException {
            SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"),
                    rs -> new Author(rs.getLong(1), rs.getString(2)));
            SqlRelations.loadEntities(c, books, "book", "id", List.of("title"),
                    rs -> new Book(rs.getLong(1), rs.getString(2)));
            mapping = SqlRelations.mapping("author_book", "author_id", "book_id",
                    SqlRelations.Keys.keyed(authors, Long.class), SqlRelations.Keys.keyed(books, Long.class));
            SqlRelations.load(c, wrote, mapping, null);
        }
    }

    static List<String> pairsInDatabase(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.name, b.title FROM author_book ab "
                + "JOIN author a ON a.id = ab.author_id JOIN book b ON b.id = ab.book_id ORDER BY a.name, b.title");
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) out.add(rs.getString(1) + " - " + rs.getString(2));
            return out;
        }
    }

    private static String titles(java.util.Collection<Book> books) {
        return books.stream().map(Book::title).collect(Collectors.joining(", "));
    }

    public static void main(String[] args) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            createTutorialDatabase(c);
            Loaded j = new Loaded(c);
            Author alice = j.authors.byKey(1L);
            Author bob = j.authors.byKey(2L);
            Author carol = j.authors.byKey(3L);
            Book basics = j.books.byKey(1L);
            Book advanced = j.books.byKey(2L);
            System.out.println("loaded " + j.wrote.size() + " links of " + j.authors.size() + " authors and "
                    + j.books.size() + " books");
            System.out.println("Which books did Bob write? " + titles(j.wrote.rightsOf(bob)));
            System.out.println("Who wrote Flask Basics? " + j.wrote.leftsOf(basics).stream().map(Author::name)
                    .collect(Collectors.joining(", ")));
            System.out.println("Alice's co-authors: " + Queries.sharingRights(j.wrote, alice, 10).stream()
                    .map(r -> r.entity().name() + " (" + r.score() + " shared)").collect(Collectors.joining(", ")));

            j.wrote.rightsOf(alice).add(advanced);   // alice.books.append(advanced)
            j.wrote.unlink(bob, basics);              // bob.books.remove(basics)
            j.wrote.setRights(carol, List.of(basics)); // carol.books = [basics]
            SqlRelations.Result saved = SqlRelations.save(c, j.wrote, j.mapping, SqlRelations.Save.DIFFERENCE);
            System.out.println("wrote back " + saved.inserted() + " inserted and " + saved.deleted()
                    + " deleted rows; author_book is now:");
            for (String p : pairsInDatabase(c)) System.out.println("  " + p);
        }
    }
}
