package dev.junction.sql;

import static dev.junction.sql.SqlRelationsTest.assertThrowsSaying;
import static dev.junction.sql.SqlRelationsTest.exec;
import static dev.junction.sql.SqlRelationsTest.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Junction;
import dev.junction.KeyedTable;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entity tables loaded from SQL ({@code loadKeys}, {@code loadEntities}) and the typed keys of relation mappings,
 * on SQLite and H2: ids in key order, entities already present kept, keys of other column types read exactly,
 * and bad rows (NULL key, duplicate key, a key that is not a whole number, a mapper that fails, a missing table)
 * refused naming the table, column and row, leaving the table as it was.
 */
class SqlEntityLoadTest {

    record Author(long id, String name) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void entityTablesLoadInKeyOrderAndFeedTypedRelationMappings(String db) throws SQLException {
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE author (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
                    "INSERT INTO author VALUES (30, 'Carol'), (10, 'Alice'), (20, 'Bob')",
                    "CREATE TABLE tag (id BIGINT PRIMARY KEY)", "INSERT INTO tag VALUES (7), (5), (6)",
                    "CREATE TABLE author_tag (author_id BIGINT NOT NULL, tag_id BIGINT NOT NULL,"
                            + " PRIMARY KEY (author_id, tag_id))",
                    "INSERT INTO author_tag VALUES (10, 5), (10, 7), (30, 7)");
            Junction j = Junction.create();
            KeyedTable<Author, Long> authors = j.table("authors", Author::id);
            LongTable tags = j.longTable("tags");
            Relation<Author, Long> tagged = j.relation("tagged", authors, tags);
            Author early = new Author(20, "Bob (already here)");
            authors.add(early);

            assertEquals(2, SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"),
                    rs -> new Author(rs.getLong(1), rs.getString(2))), "Bob was there already");
            assertSame(early, authors.byKey(20L), "the entity already in the table stays");
            assertEquals("Alice", authors.get(authors.idOfKey(10L)).name());
            assertTrue(authors.idOfKey(10L) < authors.idOfKey(30L), "ids in key order");
            assertEquals(3, SqlRelations.loadKeys(c, tags, "tag", "id"));
            assertArrayEquals(new long[] {5, 6, 7}, new long[] {tags.keyOf(0), tags.keyOf(1), tags.keyOf(2)},
                    "ids in key order");

            SqlRelations.Mapping<Author, Long> m = SqlRelations.mapping("author_tag", "author_id", "tag_id",
                    SqlRelations.Keys.keyed(authors, Long.class), SqlRelations.Keys.longs());
            assertEquals(3, SqlRelations.load(c, tagged, m, null));
            assertEquals(List.of(5L, 7L), List.copyOf(tagged.rightsOf(authors.byKey(10L))));

            // a key with no entity in the keyed table refuses the row, naming it
            exec(c, "CREATE TABLE author_tag2 (author_id BIGINT, tag_id BIGINT)", "INSERT INTO author_tag2 VALUES (10, 5)",
                    "INSERT INTO author_tag2 VALUES (40, 5)");
            Relation<Author, Long> other = j.relation("other", authors, tags);
            assertLoadRefused(c, other, SqlRelations.mapping("author_tag2", "author_id", "tag_id",
                    SqlRelations.Keys.keyed(authors, Long.class), SqlRelations.Keys.longs()), "row 2", "author_id", "40");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void keysOfOtherColumnTypesAreReadExactlyOrRefused(String db) throws SQLException {
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE t (a VARCHAR(20), b VARCHAR(20))", "INSERT INTO t VALUES ('1', 'x')",
                    "INSERT INTO t VALUES (' 2', 'y')");
            Junction j = Junction.create();
            LongTable ls = j.longTable("ls");
            Table<String> names = j.table("names");
            Relation<Long, String> rel = j.relation("rel", ls, names);
            SqlRelations.Mapping<Long, String> m = SqlRelations.mapping("t", "a", "b", SqlRelations.Keys.longs(),
                    SqlRelations.Keys.of(String.class, s -> s, s -> s));
            assertEquals(2, SqlRelations.load(c, rel, m, null));
            assertTrue(rel.contains(2L, "y"), "numeric text is its number");
            assertEquals(new SqlRelations.Result(0, 0, 0), SqlRelations.save(c, rel, m, SqlRelations.Save.DIFFERENCE));

            exec(c, "INSERT INTO t VALUES ('1.5', 'z')");
            Relation<Long, String> rel2 = j.relation("rel2", ls, names);
            assertLoadRefused(c, rel2, m, "row 3", "column a", "1.5", "whole number");

            // Integer keys past the int range; a key column of an integer type holding text (SQLite only)
            exec(c, "CREATE TABLE big (a BIGINT, b VARCHAR(20))", "INSERT INTO big VALUES (3000000000, 'x')");
            Table<Integer> ints = j.table("ints");
            Relation<Integer, String> rel3 = j.relation("rel3", ints, names);
            assertLoadRefused(c, rel3, SqlRelations.mapping("big", "a", "b",
                    SqlRelations.Keys.of(Integer.class, i -> i, i -> i), SqlRelations.Keys.of(String.class, s -> s, s -> s)),
                    "row 1", "column a");
            if (db.equals("sqlite")) {
                exec(c, "INSERT INTO big VALUES ('abc', 'y')");
                Relation<Long, String> rel4 = j.relation("rel4", ls, names);
                assertLoadRefused(c, rel4, SqlRelations.mapping("big", "a", "b", SqlRelations.Keys.longs(),
                        SqlRelations.Keys.of(String.class, s -> s, s -> s)), "row 2", "abc");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void badRowsAreRefusedNamingTableColumnAndRowAndChangeNothing(String db) throws SQLException {
        try (Connection c = open(db)) {
            exec(c, "CREATE TABLE author (id BIGINT, name VARCHAR(20))", "INSERT INTO author VALUES (1, 'a')",
                    "INSERT INTO author VALUES (2, 'b')", "INSERT INTO author VALUES (NULL, 'c')");
            Junction j = Junction.create();
            KeyedTable<Author, Long> authors = j.table("authors", Author::id);
            LongTable ids = j.longTable("ids");
            authors.add(new Author(99, "there before"));
            ids.add(99L);
            SqlRelations.RowMapper<Author> mapper = rs -> new Author(rs.getLong(1), rs.getString(2));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"), mapper));
            assertTrue(e.getMessage().contains("'authors'") && e.getMessage().contains("table author")
                    && e.getMessage().contains("NULL") && e.getMessage().contains("column id"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.loadKeys(c, ids, "author", "id"));
            assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("NULL")
                    && e.getMessage().contains("column id"), e.getMessage());
            assertUnchanged(authors, ids);

            exec(c, "UPDATE author SET id = 2 WHERE id IS NULL");
            e = assertThrows(IllegalArgumentException.class,
                    () -> SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"), mapper));
            assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("key 2")
                    && e.getMessage().contains("unique"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.loadKeys(c, ids, "author", "id"));
            assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("unique"), e.getMessage());
            assertUnchanged(authors, ids);

            exec(c, "UPDATE author SET id = 3 WHERE name = 'c'");
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.loadEntities(c, authors, "author", "id",
                    List.of("name"), rs -> rs.getLong(1) == 3 ? null : mapper.map(rs)));
            assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("returned null"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.loadEntities(c, authors, "author", "id",
                    List.of("name"), rs -> {
                        throw new IllegalStateException("no " + rs.getString(2));
                    }));
            assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("no a"), e.getMessage());
            assertUnchanged(authors, ids);

            SQLException missing = assertThrows(SQLException.class,
                    () -> SqlRelations.loadEntities(c, authors, "author", "id", List.of("nope"), mapper));
            assertTrue(missing.getMessage().contains("'authors'") && missing.getMessage().contains("author"),
                    missing.getMessage());
            missing = assertThrows(SQLException.class, () -> SqlRelations.loadKeys(c, ids, "nowhere", "id"));
            assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> SqlRelations.loadEntities(c, authors, "author", "id", List.of("name, (SELECT 1)"), mapper));
            assertTrue(e.getMessage().contains("'name, (SELECT 1)'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SqlRelations.loadKeys(c, ids, "author a", "id"));
            assertTrue(e.getMessage().contains("table name 'author a'"), e.getMessage());
            assertUnchanged(authors, ids);

            assertEquals(3, SqlRelations.loadEntities(c, authors, "author", "id", List.of("name"), mapper));
            assertEquals(3, SqlRelations.loadKeys(c, ids, "author", "id"));
            assertEquals(4, authors.size());
        }
    }

    /** Loading {@code rel} through {@code m} is refused, saying each of {@code fragments}, and links nothing. */
    private static <L, R> void assertLoadRefused(Connection c, Relation<L, R> rel, SqlRelations.Mapping<L, R> m,
                                                 String... fragments) {
        assertThrowsSaying(IllegalArgumentException.class, () -> SqlRelations.load(c, rel, m, null), fragments);
        assertEquals(0, rel.size(), "a refused load links nothing");
    }

    private static void assertUnchanged(KeyedTable<Author, Long> authors, LongTable ids) {
        assertEquals(1, authors.size(), "only the entity there before");
        assertEquals("there before", authors.byKey(99L).name());
        assertEquals(1, ids.size());
        assertTrue(ids.contains(99L));
    }
}
