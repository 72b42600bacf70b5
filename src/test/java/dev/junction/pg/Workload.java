package dev.junction.pg;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.ReadView;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.SyncPolicy;
import dev.junction.Table;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The schema, the random writers and the comparison shared by the differential and fault tests (and the child JVM
 * of the crash test): an ORM's tables in PostgreSQL, one engine declaration mapping them, seeded JDBC writers, and
 * a dump of both sides in one comparable form, row by row and value by value.
 *
 * <ul>
 *   <li>{@code author(id)}, {@code book(id)}: entity tables, mapped to {@code LongTable}s;</li>
 *   <li>{@code author_book(author_id, book_id, since bigint, note text)}: composite key, {@code ON DELETE CASCADE}
 *       to both, mapped to a relation with two link columns;</li>
 *   <li>{@code loan(id, author_id, book_id, days int, returned boolean, at timestamptz)}: an association table
 *       with its own id, mapped to an association table with row columns;</li>
 *   <li>{@code post_tag(post_id bigint, tag text, weight double precision)}: text keys, no entity tables;</li>
 *   <li>{@code follows(src uuid, dst uuid)}: a directed relation over a table of UUIDs.</li>
 * </ul>
 */
final class Workload {

    static final int AUTHORS = 20;
    static final int BOOKS = 30;
    static final int POSTS = 40;
    static final String[] TAGS = {"java", "sql", "web", "graph", "db", "jvm", "api", "ops"};
    static final int USERS = 12;

    private Workload() {
    }

    static void createSchema(PgServer pg, String database) throws SQLException {
        pg.createDatabase(database);
        pg.sql(database,
                "CREATE TABLE author (id bigint PRIMARY KEY)",
                "CREATE TABLE book (id bigint PRIMARY KEY)",
                "CREATE TABLE author_book (author_id bigint REFERENCES author ON DELETE CASCADE, "
                        + "book_id bigint REFERENCES book ON DELETE CASCADE, since bigint NOT NULL, note text, "
                        + "PRIMARY KEY (author_id, book_id))",
                "CREATE TABLE loan (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES author ON DELETE CASCADE, "
                        + "book_id bigint NOT NULL REFERENCES book ON DELETE CASCADE, days integer NOT NULL, "
                        + "returned boolean NOT NULL, at timestamptz)",
                "CREATE TABLE post_tag (post_id bigint, tag text, weight double precision NOT NULL, "
                        + "PRIMARY KEY (post_id, tag))",
                "CREATE TABLE follows (src uuid, dst uuid, PRIMARY KEY (src, dst))",
                "CREATE SEQUENCE loan_ids",
                "INSERT INTO author SELECT generate_series(1, 10)",
                "INSERT INTO book SELECT generate_series(1, 15)",
                "INSERT INTO author_book SELECT a, b, a * 100 + b, 'n' || a FROM generate_series(1, 10) a, "
                        + "generate_series(1, 15) b WHERE (a + b) % 3 = 0",
                "CREATE PUBLICATION pub FOR TABLE author, book, author_book, loan, post_tag, follows");
    }

    static UUID user(int i) {
        return new UUID(0x1234_5678_9abc_def0L, i);
    }

    /** One engine with the schema declared. */
    static final class Engine {
        final Junction db = Junction.create();
        final LongTable authors = db.longTable("author");
        final LongTable books = db.longTable("book");
        final Relation<Long, Long> wrote = db.relation("author_book", authors, books);
        final LinkColumn.OfLong<Long, Long> since = wrote.longColumn("since", -1);
        final LinkColumn.OfObject<Long, Long, String> note = wrote.objectColumn("note", String.class, null);
        final AssociationTable<Long, Long> loans = db.associationTable("loan", authors, books);
        final RowColumn.OfLong loanId = loans.longColumn("id", -1);
        final RowColumn.OfInt days = loans.intColumn("days", -1);
        final RowColumn.OfBoolean returned = loans.booleanColumn("returned", false);
        final RowColumn.OfObject<java.time.Instant> at = loans.objectColumn("at", java.time.Instant.class, null);
        final LongTable posts = db.longTable("post");
        final Table<String> tags = db.table("tag");
        final Relation<Long, String> tagged = db.relation("post_tag", posts, tags);
        final LinkColumn.OfDouble<Long, String> weight = tagged.doubleColumn("weight", 0);
        final Table<UUID> users = db.table("user");
        final Relation<UUID, UUID> follows = db.directed("follows", users);

        PgReplica.Builder builder(PgServer pg, String database, String slot) {
            return builder(pg.url(database), slot);
        }

        PgReplica.Builder builder(String url, String slot) {
            return PgReplica.builder(db, url).user(PgServer.SUPERUSER).slot(slot).publication("pub")
                    .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(800))
                    .schemaCheckInterval(Duration.ofMillis(500))
                    .table("author", authors, "id")
                    .table("book", books, "id")
                    .relation("author_book", wrote, "author_id", "book_id", PgReplica.column("since", since),
                            PgReplica.column("note", note))
                    .associationTable("loan", loans, "id", loanId, "author_id", "book_id",
                            PgReplica.column("days", days), PgReplica.column("returned", returned),
                            PgReplica.column("at", at))
                    .relation("post_tag", tagged, "post_id", "tag", PgReplica.column("weight", weight))
                    .relation("follows", follows, "src", "dst");
        }

        PgReplica replica(PgServer pg, String database, String slot, Path journal) {
            PgReplica.Builder b = builder(pg, database, slot);
            if (journal != null) b.journal(journal, SyncPolicy.everyCommit());
            return b.build();
        }

        /** Everything the replica holds, in the form {@link #dump(Connection)} gives PostgreSQL's tables. */
        TreeMap<String, String> dump() {
            TreeMap<String, String> out = new TreeMap<>();
            try (ReadView v = db.readView()) {
                for (int a : authors.ids()) out.put("author " + authors.keyOf(a), "");
                for (int b : books.ids()) out.put("book " + books.keyOf(b), "");
                for (int a : authors.ids()) {
                    long ak = authors.keyOf(a);
                    for (int b : wrote.ints().rightsOf(a).toIntArray()) {
                        long bk = books.keyOf(b);
                        put(out, "author_book " + ak + " " + bk, since.getByIds(a, b) + " " + note.getByIds(a, b));
                    }
                    for (int r : loans.rowsOfLeftId(a).toIntArray()) {
                        put(out, "loan " + loanId.get(r), ak + " " + books.keyOf(loans.rightIdOf(r)) + " "
                                + days.get(r) + " " + returned.get(r) + " " + at.get(r));
                    }
                }
                for (int p : posts.ids()) {
                    for (int t : tagged.ints().rightsOf(p).toIntArray()) {
                        put(out, "post_tag " + posts.keyOf(p) + " " + tags.get(t), Double.toString(weight.getByIds(p, t)));
                    }
                }
                for (int u : users.ids()) {
                    for (int w : follows.ints().rightsOf(u).toIntArray()) {
                        put(out, "follows " + users.get(u) + " " + users.get(w), "");
                    }
                }
            }
            return out;
        }
    }

    private static void put(TreeMap<String, String> out, String key, String value) {
        if (out.put(key, value) != null) out.put(key + " (twice)", value);
    }

    /** PostgreSQL's side, in the engine's form; entity tables' keys, every link and row with its values. */
    static TreeMap<String, String> dump(Connection c) throws SQLException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id FROM author")) {
                while (rs.next()) out.put("author " + rs.getLong(1), "");
            }
            try (ResultSet rs = st.executeQuery("SELECT id FROM book")) {
                while (rs.next()) out.put("book " + rs.getLong(1), "");
            }
            try (ResultSet rs = st.executeQuery("SELECT author_id, book_id, since, note FROM author_book")) {
                while (rs.next()) {
                    put(out, "author_book " + rs.getLong(1) + " " + rs.getLong(2), rs.getLong(3) + " " + rs.getString(4));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, author_id, book_id, days, returned, at FROM loan")) {
                while (rs.next()) {
                    java.sql.Timestamp ts = rs.getTimestamp(6);
                    put(out, "loan " + rs.getLong(1), rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getInt(4) + " "
                            + rs.getBoolean(5) + " " + (ts == null ? null : ts.toInstant()));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT post_id, tag, weight FROM post_tag")) {
                while (rs.next()) {
                    put(out, "post_tag " + rs.getLong(1) + " " + rs.getString(2), Double.toString(rs.getDouble(3)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT src, dst FROM follows")) {
                while (rs.next()) put(out, "follows " + rs.getObject(1) + " " + rs.getObject(2), "");
            }
        }
        return out;
    }

    /** What differs, for a failure message: counts of missing and extra entries, and a few of each; null if none. */
    static String diff(TreeMap<String, String> expected, TreeMap<String, String> actual) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String v = actual.get(e.getKey());
            if (v == null) missing.add(e.getKey() + " = " + e.getValue());
            else if (!v.equals(e.getValue())) wrong.add(e.getKey() + ": " + e.getValue() + " in PostgreSQL, " + v + " in Junction");
        }
        for (var e : actual.entrySet()) if (!expected.containsKey(e.getKey())) extra.add(e.getKey() + " = " + e.getValue());
        if (missing.isEmpty() && extra.isEmpty() && wrong.isEmpty()) return null;
        return "lost " + missing.size() + " (in PostgreSQL, not in Junction), extra or duplicated " + extra.size()
                + ", wrong values " + wrong.size() + "; lost " + head(missing) + "; extra " + head(extra) + "; wrong "
                + head(wrong);
    }

    private static String head(List<String> l) {
        return l.size() <= 6 ? l.toString() : l.subList(0, 6) + "...";
    }

    static long currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return PgReplica.parseLsn(rs.getString(1));
        }
    }

    /**
     * A seeded JDBC writer: each call of {@link #transaction} runs one random transaction (one to five statements:
     * inserts, deletes, key-changing and value updates, entity deletes that cascade, loans, tags, follows, now and
     * then a TRUNCATE), committed, or rolled back on purpose one time in ten, or by PostgreSQL on a conflict with
     * another writer. Counts what happened.
     */
    static final class Writer {
        final Random rnd;
        final Connection c;
        int committed;
        int rolledBack;
        int failed;

        Writer(Connection c, long seed) throws SQLException {
            this.c = c;
            this.rnd = new Random(seed);
            c.setAutoCommit(false);
        }

        void transaction() throws SQLException {
            int n = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 12 : 3);
            boolean rollback = rnd.nextInt(10) == 0;
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < n; i++) st.execute(statement());
                if (rollback) {
                    c.rollback();
                    rolledBack++;
                } else {
                    c.commit();
                    committed++;
                }
            } catch (SQLException e) {
                c.rollback();
                String s = e.getSQLState();
                if (s == null || !(s.startsWith("23") || s.startsWith("40"))) throw e; // not a conflict: a bug
                failed++;
            }
        }

        private String statement() {
            int a = 1 + rnd.nextInt(AUTHORS);
            int b = 1 + rnd.nextInt(BOOKS);
            int b2 = 1 + rnd.nextInt(BOOKS);
            int k = rnd.nextInt(1000);
            if (k < 160) {
                return "INSERT INTO author_book SELECT " + a + ", " + b + ", " + rnd.nextInt(100000) + ", "
                        + (rnd.nextBoolean() ? "NULL" : "'note " + rnd.nextInt(50) + " \\t é'") + " WHERE EXISTS "
                        + "(SELECT 1 FROM author WHERE id = " + a + ") AND EXISTS (SELECT 1 FROM book WHERE id = " + b
                        + ") ON CONFLICT DO NOTHING";
            } else if (k < 210) {
                return "DELETE FROM author_book WHERE author_id = " + a + " AND book_id IN (" + b + ", " + b2 + ")";
            } else if (k < 260) {
                return "UPDATE author_book SET book_id = " + b2 + " WHERE author_id = " + a + " AND book_id = " + b
                        + " AND NOT EXISTS (SELECT 1 FROM author_book WHERE author_id = " + a + " AND book_id = " + b2
                        + ") AND EXISTS (SELECT 1 FROM book WHERE id = " + b2 + ")";
            } else if (k < 310) {
                return "UPDATE author_book SET since = since + 1, note = " + (rnd.nextBoolean() ? "NULL" : "'u" + k + "'")
                        + " WHERE author_id = " + a;
            } else if (k < 325) {
                return "DELETE FROM author WHERE id = " + a;
            } else if (k < 375) {
                return "INSERT INTO author VALUES (" + a + ") ON CONFLICT DO NOTHING";
            } else if (k < 385) {
                return "DELETE FROM book WHERE id = " + b;
            } else if (k < 425) {
                return "INSERT INTO book VALUES (" + b + ") ON CONFLICT DO NOTHING";
            } else if (k < 545) {
                return "INSERT INTO loan SELECT nextval('loan_ids'), " + a + ", " + b + ", " + rnd.nextInt(60) + ", "
                        + rnd.nextBoolean() + ", " + (rnd.nextInt(4) == 0 ? "NULL" : "now() - interval '"
                        + rnd.nextInt(100000) + " seconds'") + " WHERE EXISTS (SELECT 1 FROM author WHERE id = " + a
                        + ") AND EXISTS (SELECT 1 FROM book WHERE id = " + b + ")";
            } else if (k < 575) {
                return "DELETE FROM loan WHERE id IN (SELECT id FROM loan WHERE author_id = " + a + " LIMIT 1)";
            } else if (k < 625) {
                return "UPDATE loan SET days = days + 1, returned = NOT returned WHERE author_id = " + a;
            } else if (k < 655) {
                return "UPDATE loan SET book_id = " + b2 + " WHERE id IN (SELECT id FROM loan WHERE book_id = " + b
                        + " LIMIT 2) AND EXISTS (SELECT 1 FROM book WHERE id = " + b2 + ")";
            } else if (k < 755) {
                return "INSERT INTO post_tag VALUES (" + rnd.nextInt(POSTS) + ", '" + TAGS[rnd.nextInt(TAGS.length)]
                        + "', " + (rnd.nextInt(2000) / 8.0) + ") ON CONFLICT (post_id, tag) DO UPDATE SET weight = "
                        + "EXCLUDED.weight";
            } else if (k < 775) {
                return "DELETE FROM post_tag WHERE post_id = " + rnd.nextInt(POSTS);
            } else if (k < 805) {
                return "UPDATE post_tag SET tag = '" + TAGS[rnd.nextInt(TAGS.length)] + "x' WHERE post_id = "
                        + rnd.nextInt(POSTS) + " AND tag = '" + TAGS[rnd.nextInt(TAGS.length)] + "'";
            } else if (k < 895) {
                return "INSERT INTO follows VALUES ('" + user(rnd.nextInt(USERS)) + "', '" + user(rnd.nextInt(USERS))
                        + "') ON CONFLICT DO NOTHING";
            } else if (k < 915) {
                return "DELETE FROM follows WHERE src = '" + user(rnd.nextInt(USERS)) + "'";
            } else if (k < 999 || rnd.nextInt(5) > 0) {
                return "UPDATE follows SET dst = '" + user(rnd.nextInt(USERS)) + "' WHERE src = '"
                        + user(rnd.nextInt(USERS)) + "' AND dst = '" + user(rnd.nextInt(USERS)) + "'";
            } else {
                return rnd.nextBoolean() ? "TRUNCATE post_tag" : "TRUNCATE follows";
            }
        }
    }

    /** Runs {@code writers} seeded writers for {@code transactions} transactions each, concurrently. */
    static List<Writer> write(PgServer pg, String database, long seed, int writers, int transactions)
            throws Exception {
        List<Writer> ws = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Throwable[] error = {null};
        for (int i = 0; i < writers; i++) {
            Writer w = new Writer(pg.connect(database), seed * 31 + i);
            ws.add(w);
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < transactions; n++) w.transaction();
                } catch (Throwable e) {
                    synchronized (error) {
                        if (error[0] == null) error[0] = e;
                    }
                }
            }, "writer-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        for (Writer w : ws) w.c.close();
        if (error[0] != null) throw new AssertionError("writer failed (seed " + seed + ")", error[0]);
        return ws;
    }

    /** Counts of a round of writers, for the test log. */
    static String summary(List<Writer> ws) {
        int c = 0;
        int r = 0;
        int f = 0;
        for (Writer w : ws) {
            c += w.committed;
            r += w.rolledBack;
            f += w.failed;
        }
        return c + " committed, " + r + " rolled back, " + f + " refused by PostgreSQL (conflicts)";
    }

    /**
     * Writers that keep writing through server restarts and terminated connections, until stopped: each
     * transaction that fails for a connection fault is given up and the writer connects again.
     */
    static final class Background {
        private final PgServer pg;
        private final String database;
        private final List<Thread> threads = new ArrayList<>();
        private final List<Writer> writers = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;
        private volatile Throwable error;
        final java.util.concurrent.atomic.AtomicInteger reconnects = new java.util.concurrent.atomic.AtomicInteger();

        Background(PgServer pg, String database, long seed, int n) {
            this.pg = pg;
            this.database = database;
            for (int i = 0; i < n; i++) {
                long s = seed * 31 + i;
                Thread t = new Thread(() -> loop(s), "background-writer-" + i);
                threads.add(t);
                t.start();
            }
        }

        private void loop(long seed) {
            Random rnd = new Random(seed);
            Writer w = null;
            while (running) {
                try {
                    if (w == null) {
                        w = new Writer(pg.connect(database), rnd.nextLong());
                        writers.add(w);
                    }
                    w.transaction();
                    Thread.sleep(0, 200_000);
                } catch (SQLException e) {
                    String s = e.getSQLState();
                    if (s != null && !s.startsWith("08") && !s.startsWith("57")) {
                        error = e;
                        return;
                    }
                    reconnects.incrementAndGet();
                    if (w != null) {
                        try {
                            w.c.close();
                        } catch (SQLException ignored) {
                            // gone
                        }
                    }
                    w = null;
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        return;
                    }
                } catch (Throwable e) {
                    error = e;
                    return;
                }
            }
            if (w != null) {
                try {
                    w.c.close();
                } catch (SQLException ignored) {
                    // gone
                }
            }
        }

        /** Stops the writers; returns their counts. */
        String stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) t.join();
            if (error != null) throw new AssertionError("a background writer failed", error);
            synchronized (writers) {
                return summary(writers) + ", " + reconnects.get() + " reconnections";
            }
        }
    }
}
