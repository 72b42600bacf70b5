package dev.junction.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.junction.pg.PgServer;
import dev.junction.pg.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The PostgreSQL example of the README: its exact output, and no slot left behind. */
@ExtendWith(PostgresExtension.class)
class FlaskPostgresTest {

    @Test
    void printsWhatTheReadmeShows(PgServer pg) throws Exception {
        pg.createDatabase("flask");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            FlaskPostgres.run(pg.url("flask") + "?user=" + PgServer.SUPERUSER, out);
        }
        assertEquals(String.join(System.lineSeparator(),
                "copied 4 links of 3 authors and 3 books",
                "Which books did Bob write? Flask Basics, Advanced Flask",
                "Who wrote Flask Basics? Alice, Bob",
                "Alice's co-authors: Bob (1 shared)",
                "JDBC: alice.books.append(advanced), bob.books.remove(basics), committed",
                "read your writes: the replica reached the commit's LSN",
                "Which books did Alice write? Flask Basics, Advanced Flask",
                "Who wrote Flask Basics? Alice",
                "JDBC: DELETE FROM author WHERE name = 'Carol' (ON DELETE CASCADE)",
                "Who wrote SQLAlchemy in Depth? nobody; authors: 2",
                "the replica applied 2 transactions, 4 changed rows") + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
        try (Connection c = pg.connect("flask"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'flask%'")) {
            rs.next();
            assertFalse(rs.getInt(1) > 0, "the example drops its slot");
        }
    }
}
