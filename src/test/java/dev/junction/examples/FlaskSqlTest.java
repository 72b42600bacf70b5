package dev.junction.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL round-trip example: its exact output, and the database reloaded equals what Junction holds. */
class FlaskSqlTest {

    @Test
    void printsTheTutorialAnswersAndWritesTheChangesBack() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            FlaskSql.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        assertEquals(String.join(System.lineSeparator(),
                "loaded 4 links of 3 authors and 3 books",
                "Which books did Bob write? Flask Basics, Advanced Flask",
                "Who wrote Flask Basics? Alice, Bob",
                "Alice's co-authors: Bob (1 shared)",
                "wrote back 2 inserted and 2 deleted rows; author_book is now:",
                "  Alice - Advanced Flask",
                "  Alice - Flask Basics",
                "  Bob - Advanced Flask",
                "  Carol - Flask Basics") + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reloadingTheSavedDatabaseGivesTheSameLinks() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            FlaskSql.createTutorialDatabase(c);
            FlaskSql.Loaded j = new FlaskSql.Loaded(c);
            j.wrote.link(j.authors.byKey(3L), j.books.byKey(2L));
            j.wrote.unlink(j.authors.byKey(1L), j.books.byKey(1L));
            dev.junction.sql.SqlRelations.save(c, j.wrote, j.mapping, dev.junction.sql.SqlRelations.Save.DIFFERENCE);
            FlaskSql.Loaded again = new FlaskSql.Loaded(c);
            assertEquals(List.of("Bob - Advanced Flask", "Bob - Flask Basics", "Carol - Advanced Flask",
                    "Carol - SQLAlchemy in Depth"), FlaskSql.pairsInDatabase(c));
            assertEquals(j.wrote.size(), again.wrote.size());
            for (FlaskSql.Author a : j.authors) {
                assertEquals(j.wrote.rightsOf(a), again.wrote.rightsOf(a), a.name());
            }
        }
    }
}
