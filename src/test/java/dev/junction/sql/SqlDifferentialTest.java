package dev.junction.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.Table;
import dev.junction.Transaction;
import dev.junction.query.Queries;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Junction against a real SQL database as the oracle of ORM semantics. Seeded random operation sequences (link,
 * unlink, replace a collection, delete an entity with its links, set a link column, add and remove association
 * rows, transactions committed and rolled back) run on Junction and, through JDBC, on SQLite and on H2 with the
 * tables an ORM creates: {@code author}, {@code book}, the association table {@code author_book} with two foreign
 * keys, a composite primary key, {@code ON DELETE CASCADE} and a {@code since} column, and {@code loan}, an
 * association table with its own id. After every step both sides of every touched collection, the link values, the
 * rows, the counts, and two queries (authors of two books: {@code INTERSECT}; co-authors: a self-join with
 * {@code GROUP BY}) must agree. On a mismatch the sequence is shrunk (operations removed while it still fails) and
 * the seed and the shortest failing sequence are printed.
 *
 * <p>{@code -Djunction.sql.ops=N} (default 3000 per database) and {@code -Djunction.sql.seed=S}.
 */
class SqlDifferentialTest {

    private static final int AUTHORS = 8;
    private static final int BOOKS = 12;

    /** One operation, replayable: kind and parameters (resolved against the state when it runs). */
    record Op(int kind, int a, int b, int v, int[] list) {
        @Override
        public String toString() {
            String[] names = {"link", "unlink", "setBooks", "deleteAuthor", "deleteBook", "setSince", "addLoan",
                "removeLoan", "begin", "commit", "rollback"};
            return names[kind] + "(a" + a + ", b" + b + ", " + v + (list == null ? "" : ", " + Arrays.toString(list)) + ")";
        }
    }

    static List<Op> generate(long seed, int n) {
        Random rnd = new Random(seed);
        List<Op> ops = new ArrayList<>();
        boolean inTxn = false;
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(100);
            int a = rnd.nextInt(AUTHORS);
            int b = rnd.nextInt(BOOKS);
            int v = rnd.nextInt(1000);
            int kind;
            int[] list = null;
            if (k < 28) kind = 0;
            else if (k < 42) kind = 1;
            else if (k < 48) {
                kind = 2;
                list = rnd.ints(rnd.nextInt(4), 0, BOOKS).toArray();
            } else if (k < 51) kind = 3;
            else if (k < 53) kind = 4;
            else if (k < 63) kind = 5;
            else if (k < 75) kind = 6;
            else if (k < 83) kind = 7;
            else if (!inTxn && k < 90) {
                kind = 8;
                inTxn = true;
            } else if (inTxn && k < 95) {
                kind = rnd.nextBoolean() ? 9 : 10;
                inTxn = false;
            } else kind = 0;
            ops.add(new Op(kind, a, b, v, list));
        }
        if (inTxn) ops.add(new Op(9, 0, 0, 0, null));
        return ops;
    }

    /** Junction and the database side by side. */
    static final class Pair implements AutoCloseable {
        final Junction db = Junction.create();
        final Table<String> authors = db.table("author");
        final Table<String> books = db.table("book");
        final Relation<String, String> wrote = db.relation("author_book", authors, books);
        final LinkColumn.OfLong<String, String> since = wrote.longColumn("since", 0);
        final AssociationTable<String, String> loans = db.associationTable("loan", authors, books);
        final RowColumn.OfInt qty = loans.intColumn("qty", 1);
        final Connection sql;
        Transaction txn;
        /** Junction row id of a loan -> its id in the database. */
        Map<Integer, Long> loanIds = new HashMap<>();
        /** The mapping when the transaction began, restored by a rollback. */
        Map<Integer, Long> loanIdsAtBegin;
        long nextLoanId = 1;

        Pair(String database) throws SQLException {
            sql = database.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite::memory:")
                    : DriverManager.getConnection("jdbc:h2:mem:diff" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            try (Statement st = sql.createStatement()) {
                if (database.equals("sqlite")) st.execute("PRAGMA foreign_keys = ON");
                st.execute("CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)");
                st.execute("CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(40) NOT NULL UNIQUE)");
                st.execute("CREATE TABLE author_book (author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE,"
                        + " book_id INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,"
                        + " since BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (author_id, book_id))");
                st.execute("CREATE TABLE loan (id BIGINT PRIMARY KEY,"
                        + " author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE,"
                        + " book_id INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,"
                        + " qty INTEGER NOT NULL DEFAULT 1)");
            }
            // the database's ids are fixed per name: a<i> is i + 1, b<j> is j + 1 (created on first use)
        }

        @Override
        public void close() throws SQLException {
            if (txn != null && txn.isActive()) txn.rollback();
            sql.close();
        }

        int update(String q, Object... args) throws SQLException {
            try (PreparedStatement ps = sql.prepareStatement(q)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        }

        List<List<Object>> query(String q, Object... args) throws SQLException {
            try (PreparedStatement ps = sql.prepareStatement(q)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                List<List<Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int c = 1; c <= n; c++) row.add(rs.getObject(c));
                        out.add(row);
                    }
                }
                return out;
            }
        }

        boolean exists(String q, Object... args) throws SQLException {
            return !query(q, args).isEmpty();
        }

        void ensureAuthor(int a) throws SQLException {
            if (!exists("SELECT 1 FROM author WHERE id = ?", a + 1)) update("INSERT INTO author VALUES (?, ?)", a + 1, "a" + a);
        }

        void ensureBook(int b) throws SQLException {
            if (!exists("SELECT 1 FROM book WHERE id = ?", b + 1)) update("INSERT INTO book VALUES (?, ?)", b + 1, "b" + b);
        }

        /** Applies one operation to both; returns a mismatch of return values, or null. */
        String apply(Op op) throws SQLException {
            String a = "a" + op.a();
            String b = "b" + op.b();
            switch (op.kind()) {
                case 0 -> {
                    boolean j = wrote.link(a, b);
                    ensureAuthor(op.a());
                    ensureBook(op.b());
                    boolean s = !exists("SELECT 1 FROM author_book WHERE author_id = ? AND book_id = ?", op.a() + 1, op.b() + 1);
                    if (s) update("INSERT INTO author_book (author_id, book_id) VALUES (?, ?)", op.a() + 1, op.b() + 1);
                    return j == s ? null : "link returned " + j + ", SQL inserted " + s;
                }
                case 1 -> {
                    boolean j = wrote.unlink(a, b);
                    boolean s = update("DELETE FROM author_book WHERE author_id = ? AND book_id = ?", op.a() + 1, op.b() + 1) > 0;
                    return j == s ? null : "unlink returned " + j + ", SQL deleted " + s;
                }
                case 2 -> {
                    List<String> titles = new ArrayList<>();
                    TreeSet<Integer> ids = new TreeSet<>();
                    for (int x : op.list()) {
                        titles.add("b" + x);
                        ids.add(x + 1);
                    }
                    wrote.setRights(a, titles);
                    if (!ids.isEmpty()) { // an empty assignment creates nothing (see Relation)
                        ensureAuthor(op.a());
                        for (int x : op.list()) ensureBook(x);
                    }
                    if (exists("SELECT 1 FROM author WHERE id = ?", op.a() + 1)) {
                        StringBuilder in = new StringBuilder("0");
                        for (int id : ids) in.append(',').append(id);
                        update("DELETE FROM author_book WHERE author_id = ? AND book_id NOT IN (" + in + ")", op.a() + 1);
                        for (int id : ids) {
                            if (!exists("SELECT 1 FROM author_book WHERE author_id = ? AND book_id = ?", op.a() + 1, id)) {
                                update("INSERT INTO author_book (author_id, book_id) VALUES (?, ?)", op.a() + 1, id);
                            }
                        }
                    }
                    return null;
                }
                case 3 -> {
                    boolean j = authors.remove(a);
                    boolean s = update("DELETE FROM author WHERE id = ?", op.a() + 1) > 0;
                    loanIds.keySet().removeIf(row -> !loans.contains(row));
                    return j == s ? null : "delete author returned " + j + ", SQL " + s;
                }
                case 4 -> {
                    boolean j = books.remove(b);
                    boolean s = update("DELETE FROM book WHERE id = ?", op.b() + 1) > 0;
                    loanIds.keySet().removeIf(row -> !loans.contains(row));
                    return j == s ? null : "delete book returned " + j + ", SQL " + s;
                }
                case 5 -> {
                    if (!wrote.contains(a, b)) return null;
                    since.set(a, b, op.v());
                    update("UPDATE author_book SET since = ? WHERE author_id = ? AND book_id = ?", op.v(), op.a() + 1, op.b() + 1);
                    return null;
                }
                case 6 -> {
                    int row = loans.add(a, b, qty.value(op.v()));
                    ensureAuthor(op.a());
                    ensureBook(op.b());
                    long id = nextLoanId++;
                    update("INSERT INTO loan VALUES (?, ?, ?, ?)", id, op.a() + 1, op.b() + 1, op.v());
                    loanIds.put(row, id);
                    return null;
                }
                case 7 -> {
                    int[] rows = loans.rowsOfLeft(a).toIntArray();
                    if (rows.length == 0) return null;
                    int row = rows[op.v() % rows.length];
                    Long id = loanIds.remove(row);
                    if (id == null) return "loan row " + row + " has no database id";
                    loans.remove(row);
                    update("DELETE FROM loan WHERE id = ?", id);
                    return null;
                }
                case 8 -> {
                    txn = db.begin();
                    sql.setAutoCommit(false);
                    loanIdsAtBegin = new HashMap<>(loanIds);
                    return null;
                }
                case 9, 10 -> {
                    if (txn == null) return null;
                    if (op.kind() == 9) {
                        txn.commit();
                        sql.commit();
                    } else {
                        txn.rollback();
                        sql.rollback();
                        loanIds = loanIdsAtBegin; // rows added in it are gone on both sides, rows deleted are back
                    }
                    sql.setAutoCommit(true);
                    txn = null;
                    return null;
                }
                default -> throw new AssertionError(op);
            }
        }

        /** Everything observable about the touched author and book, and the global counts and queries. */
        String compare(Op op) throws SQLException {
            List<String> diffs = new ArrayList<>();
            check(diffs, "author count", authors.size(), one("SELECT COUNT(*) FROM author"));
            check(diffs, "book count", books.size(), one("SELECT COUNT(*) FROM book"));
            check(diffs, "link count", wrote.size(), one("SELECT COUNT(*) FROM author_book"));
            check(diffs, "loan count", loans.size(), one("SELECT COUNT(*) FROM loan"));
            String a = "a" + op.a();
            String b = "b" + op.b();
            check(diffs, "books of " + a, new TreeSet<>(wrote.rightsOf(a)), names(query(
                    "SELECT b.title FROM author_book ab JOIN book b ON b.id = ab.book_id WHERE ab.author_id = ?", op.a() + 1)));
            check(diffs, "authors of " + b, new TreeSet<>(wrote.leftsOf(b)), names(query(
                    "SELECT a.name FROM author_book ab JOIN author a ON a.id = ab.author_id WHERE ab.book_id = ?", op.b() + 1)));
            TreeMap<String, Long> sinceJ = new TreeMap<>();
            for (String t : wrote.rightsOf(a)) sinceJ.put(t, since.get(a, t));
            TreeMap<String, Long> sinceS = new TreeMap<>();
            for (List<Object> r : query("SELECT b.title, ab.since FROM author_book ab JOIN book b ON b.id = ab.book_id "
                    + "WHERE ab.author_id = ?", op.a() + 1)) {
                sinceS.put((String) r.get(0), ((Number) r.get(1)).longValue());
            }
            check(diffs, "since of " + a, sinceJ, sinceS);
            List<String> loansJ = new ArrayList<>();
            for (int row : loans.rowsOfLeft(a).toIntArray()) loansJ.add(loans.rightOf(row) + "x" + qty.get(row));
            loansJ.sort(null);
            List<String> loansS = new ArrayList<>();
            for (List<Object> r : query("SELECT b.title, l.qty FROM loan l JOIN book b ON b.id = l.book_id WHERE l.author_id = ?",
                    op.a() + 1)) {
                loansS.add(r.get(0) + "x" + ((Number) r.get(1)).intValue());
            }
            loansS.sort(null);
            check(diffs, "loans of " + a, loansJ, loansS);
            check(diffs, "loaned books of " + a, new TreeSet<>(loans.pairs().rightsOf(a)), names(query(
                    "SELECT DISTINCT b.title FROM loan l JOIN book b ON b.id = l.book_id WHERE l.author_id = ?", op.a() + 1)));
            // queries: authors of two books (INTERSECT), co-authors of a (self-join, GROUP BY)
            String b2 = "b" + ((op.b() + 1 + op.v()) % BOOKS);
            check(diffs, "authors of " + b + " and " + b2, new TreeSet<>(Queries.leftsLinkedToAll(wrote, List.of(b, b2))),
                    names(query("SELECT a.name FROM author a JOIN author_book ab ON ab.author_id = a.id WHERE ab.book_id = ? "
                            + "INTERSECT SELECT a.name FROM author a JOIN author_book ab ON ab.author_id = a.id "
                            + "WHERE ab.book_id = ?", op.b() + 1, (op.b() + 1 + op.v()) % BOOKS + 1)));
            TreeMap<String, Integer> coJ = new TreeMap<>();
            for (Queries.Ranked<String> r : Queries.sharingRights(wrote, a, Integer.MAX_VALUE)) coJ.put(r.entity(), r.score());
            TreeMap<String, Integer> coS = new TreeMap<>();
            for (List<Object> r : query("SELECT a2.name, COUNT(*) FROM author_book x JOIN author_book y "
                    + "ON x.book_id = y.book_id AND y.author_id <> x.author_id JOIN author a2 ON a2.id = y.author_id "
                    + "WHERE x.author_id = ? GROUP BY a2.name", op.a() + 1)) {
                coS.put((String) r.get(0), ((Number) r.get(1)).intValue());
            }
            check(diffs, "co-authors of " + a, coJ, coS);
            return diffs.isEmpty() ? null : String.join("; ", diffs);
        }

        private long one(String q) throws SQLException {
            return ((Number) query(q).get(0).get(0)).longValue();
        }

        private static TreeSet<String> names(List<List<Object>> rows) {
            TreeSet<String> out = new TreeSet<>();
            for (List<Object> r : rows) out.add((String) r.get(0));
            return out;
        }

        private static void check(List<String> diffs, String what, Object junction, Object sql) {
            if (junction instanceof Number jn && sql instanceof Number sn) {
                if (jn.longValue() != sn.longValue()) diffs.add(what + ": Junction " + junction + ", SQL " + sql);
            } else if (!junction.equals(sql)) {
                diffs.add(what + ": Junction " + junction + ", SQL " + sql);
            }
        }
    }

    /** Runs {@code ops}; returns the index of the first mismatching step and its description, or null. */
    static String[] run(String database, List<Op> ops) throws SQLException {
        try (Pair p = new Pair(database)) {
            for (int i = 0; i < ops.size(); i++) {
                String bad = p.apply(ops.get(i));
                if (bad == null) bad = p.compare(ops.get(i));
                if (bad != null) return new String[] {Integer.toString(i), bad};
            }
            return null;
        }
    }

    /** Removes operations while the sequence still fails; the shortest found. */
    static List<Op> shrink(String database, List<Op> ops) throws SQLException {
        List<Op> current = new ArrayList<>(ops);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
                for (int i = 0; i + chunk <= current.size(); ) {
                    List<Op> candidate = new ArrayList<>(current.subList(0, i));
                    candidate.addAll(current.subList(i + chunk, current.size()));
                    if (run(database, candidate) != null) {
                        current = candidate;
                        progress = true;
                    } else {
                        i += chunk;
                    }
                }
            }
        }
        return current;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2"})
    void junctionAgreesWithTheDatabase(String database) throws SQLException {
        long seed = Long.getLong("junction.sql.seed", System.nanoTime());
        int n = Integer.getInteger("junction.sql.ops", 3000);
        List<Op> ops = generate(seed, n);
        String[] failure = run(database, ops);
        if (failure != null) {
            int at = Integer.parseInt(failure[0]);
            List<Op> shortest = shrink(database, ops.subList(0, at + 1));
            String[] again = run(database, shortest);
            throw new AssertionError(database + " seed " + seed + " (rerun: -Djunction.sql.seed=" + seed + "): step " + at
                    + ": " + failure[1] + "\nshortest failing sequence (" + shortest.size() + " operations): " + shortest
                    + "\nwhich fails with: " + (again == null ? "?" : again[1]));
        }
        System.out.println("SqlDifferentialTest " + database + " seed " + seed + ": " + n + " operations agree");
    }
}
