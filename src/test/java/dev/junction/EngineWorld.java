package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A small, deterministic engine used by the transaction and listener tests: three tables (a plain object
 * table, a keyed table whose key function can be made to throw, a long table) and five relations (two
 * bipartite, one bipartite over two other tables, a directed and a symmetric self-relation), populated with
 * links and with removals, so that every table has a non-empty free list. Two worlds built by {@code new
 * EngineWorld()} are identical, ids included, so one can be changed and compared with the other.
 *
 * <p>{@link #snapshot(Junction)} renders every table (ids, entities, order, size) and relation (pairs from
 * both sides, typed and {@code ints()}, degrees, sizes) as text, asserting on the way that both sides, the
 * typed and the int layer, iteration, {@code forEach*}, {@code copyTo}, {@code contains}, {@code forEachLink}
 * and the degrees all agree, and that no relation holds a link to an id that is not live in its table.
 */
final class EngineWorld {

    /** A book; its title is the key. A title starting with BOOM makes the key function throw. */
    record Book(String title) {
    }

    /** Thrown by the key function of {@link #books} for titles starting with "BOOM". */
    static final class KeyBoom extends RuntimeException {
        KeyBoom(String title) {
            super("key function refuses " + title);
        }
    }

    /** Thrown by the key function for titles starting with "ERROR": an {@link Error}. */
    static final class KeyError extends Error {
        KeyError(String title) {
            super("key function fails hard on " + title);
        }
    }

    final Junction db;
    final Table<String> authors;
    final KeyedTable<Book, String> books;
    final LongTable users;
    final Relation<String, Book> wrote;
    final Relation<Long, Book> read;
    final Relation<Long, Long> follows;
    final Relation<Long, Long> friends;
    final Relation<String, Long> fans;

    EngineWorld() {
        this(Junction.create());
    }

    EngineWorld(Junction db) {
        this(db, true);
    }

    /** The schema, and the population unless {@code populate} is false (then {@link #populate()} adds it). */
    EngineWorld(Junction db, boolean populate) {
        this.db = db;
        authors = db.table("authors");
        books = db.table("books", b -> {
            if (b.title().startsWith("BOOM")) {
                throw new KeyBoom(b.title());
            }
            if (b.title().startsWith("ERROR")) {
                throw new KeyError(b.title());
            }
            return b.title();
        });
        users = db.longTable("users");
        wrote = db.relation("wrote", authors, books);
        read = db.relation("read", users, books);
        follows = db.directed("follows", users);
        friends = db.symmetric("friends", users);
        fans = db.relation("fans", authors, users);
        if (populate) {
            populate();
        }
    }

    /** The deterministic population (see the class comment). */
    void populate() {
        for (int i = 0; i <= 5; i++) {
            authors.add("a" + i);
        }
        for (int i = 0; i <= 8; i++) {
            books.add(b(i));
        }
        for (long u = 100; u <= 109; u++) {
            users.add(u);
        }
        link(wrote, "a0", b(0), "a0", b(1), "a0", b(2), "a1", b(1), "a1", b(4), "a3", b(5), "a3", b(6),
                "a5", b(0), "a5", b(7), "a2", b(3), "a4", b(8));
        link(read, 100L, b(0), 100L, b(1), 101L, b(1), 102L, b(2), 102L, b(4), 102L, b(5), 108L, b(7), 109L, b(0),
                105L, b(0), 107L, b(8));
        link(follows, 100L, 101L, 101L, 100L, 102L, 100L, 103L, 103L, 104L, 102L, 106L, 100L, 100L, 108L,
                105L, 100L, 107L, 107L);
        link(friends, 100L, 101L, 101L, 102L, 103L, 103L, 104L, 106L, 108L, 109L, 100L, 109L, 105L, 100L,
                107L, 101L);
        link(fans, "a0", 100L, "a1", 101L, "a1", 102L, "a3", 109L, "a2", 105L, "a4", 100L);
        // free lists: authors [2, 4], books [3, 8], users ids of 105 and 107 (LIFO)
        authors.remove("a2");
        authors.remove("a4");
        books.remove(b(3));
        books.remove(b(8));
        users.remove(105L);
        users.remove(107L);
    }

    @SuppressWarnings("unchecked")
    private static <L, R> void link(Relation<L, R> rel, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            assertTrue(rel.link((L) pairs[i], (R) pairs[i + 1]), rel.name() + " " + pairs[i] + " " + pairs[i + 1]);
        }
    }

    static Book b(int i) {
        return new Book("b" + i);
    }

    static Book b(String title) {
        return new Book(title);
    }

    int a(String author) {
        return authors.idOf(author);
    }

    int bk(int i) {
        return books.idOf(b(i));
    }

    int u(long user) {
        return users.idOf(user);
    }

    /** The same writes on any world: adds, removals and links, so that the ids handed out afterwards show. */
    void followUp() {
        authors.add("f1");
        books.add(b("f1"));
        users.add(900L);
        users.add(901L);
        users.add(902L);
        wrote.link("f2", b("f2"));
        friends.link(900L, 100L);
        read.link(901L, b(1));
        authors.remove("f1");
        authors.add("f3");
        users.remove(900L);
        users.add(903L);
        books.add(b("f4"));
    }

    String snapshot() {
        return snapshot(db);
    }

    // ---- snapshot -------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static String snapshot(Junction db) {
        StringBuilder sb = new StringBuilder();
        for (Table<?> t : db.tables()) {
            table(sb, (Table<Object>) t);
        }
        for (Relation<?, ?> r : db.relations()) {
            relation(sb, (Relation<Object, Object>) r);
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, Table<Object> t) {
        List<Object> entities = new ArrayList<>();
        for (Object e : t) {
            entities.add(e);
        }
        String where = "table '" + t.name() + "'";
        assertEquals(entities.size(), t.size(), where + ": size vs iteration");
        sb.append("table ").append(t.name()).append(" size=").append(t.size()).append(':');
        TreeSet<Integer> ids = new TreeSet<>();
        int prev = -1;
        for (Object e : entities) {
            int id = t.idOf(e);
            assertTrue(id > prev, where + ": ascending id order at " + e);
            prev = id;
            ids.add(id);
            assertTrue(t.contains(e), where + ": contains " + e);
            assertEquals(e, t.get(id), where + ": get(" + id + ")");
            if ((Object) t instanceof LongTable lt) {
                long k = (Long) e;
                assertEquals(id, lt.idOf(k));
                assertEquals(k, lt.keyOf(id));
                assertTrue(lt.contains(k));
            }
            if ((Object) t instanceof KeyedTable<?, ?> kt) {
                @SuppressWarnings("unchecked")
                KeyedTable<Object, Object> k = (KeyedTable<Object, Object>) kt;
                Object key = k.keyOf(e);
                assertEquals(id, k.idOfKey(key));
                assertTrue(k.containsKey(key));
                assertSame(t.get(id), k.byKey(key));
            }
            sb.append(' ').append(id).append('=').append(e);
        }
        int max = ids.isEmpty() ? 0 : ids.last();
        for (int id = -1; id <= max + 3; id++) {
            assertEquals(ids.contains(id), t.containsId(id), where + ": containsId(" + id + ")");
        }
        sb.append('\n');
    }

    private static int[] drain(IntIterator it) {
        IntArrayList out = new IntArrayList();
        while (it.hasNext()) {
            out.add(it.nextInt());
        }
        return out.toIntArray();
    }

    private static void relation(StringBuilder sb, Relation<Object, Object> r) {
        IntRelation ir = r.ints();
        Table<Object> lt = r.leftTable();
        Table<Object> rt = r.rightTable();
        boolean symmetric = r.kind() == IntRelation.Kind.SYMMETRIC;
        String where = "relation '" + r.name() + "'";
        sb.append("relation ").append(r.name()).append(" size=").append(r.size()).append(':');
        Set<List<Integer>> fromLeft = new HashSet<>();
        for (Object le : lt) {
            int l = lt.idOf(le);
            int[] rs = side(where + " rights of " + le, ir, l, true);
            List<Object> typed = typed(where + ": typed rights of " + le, rs, r.rightsOf(le));
            assertEquals(rs.length, r.rightsOf(le).size(), where + ": typed degree of " + le);
            assertEquals(typed, new ArrayList<>(r.inverse().leftsOf(le)), where + ": inverse().leftsOf(" + le + ")");
            for (int i = 0; i < rs.length; i++) {
                assertTrue(rt.containsId(rs[i]), where + ": " + le + " linked to dead right id " + rs[i]);
                assertEquals(rt.get(rs[i]), typed.get(i), where + ": typed order of rights of " + le);
                assertTrue(ir.contains(l, rs[i]), where + ": contains");
                assertTrue(ir.leftsOf(rs[i]).contains(l), where + ": two-way " + le + " -> " + typed.get(i));
                assertTrue(r.contains(le, typed.get(i)), where + ": typed contains");
                assertTrue(r.leftsOf(typed.get(i)).contains(le), where + ": typed two-way");
                fromLeft.add(List.of(l, rs[i]));
            }
            if (rs.length > 0) {
                sb.append(' ').append(le).append("->").append(typed);
            }
        }
        Set<List<Integer>> fromRight = new HashSet<>();
        for (Object re : rt) {
            int x = rt.idOf(re);
            int[] ls = side(where + " lefts of " + re, ir, x, false);
            List<Object> typed = typed(where + ": typed lefts of " + re, ls, r.leftsOf(re));
            assertEquals(typed, new ArrayList<>(r.inverse().rightsOf(re)), where + ": inverse().rightsOf(" + re + ")");
            assertArrayEquals(ls, r.inverse().ints().rightsOf(x).toIntArray(), where + ": inverse ints");
            for (int i = 0; i < ls.length; i++) {
                assertTrue(lt.containsId(ls[i]), where + ": " + re + " linked from dead left id " + ls[i]);
                assertEquals(lt.get(ls[i]), typed.get(i), where + ": typed order of lefts of " + re);
                fromRight.add(List.of(ls[i], x));
            }
        }
        Set<List<Integer>> links = new HashSet<>();
        long[] count = {0};
        ir.forEachLink((l, x) -> {
            count[0]++;
            assertTrue(links.add(List.of(l, x)), where + ": forEachLink repeats " + l + "," + x);
        });
        if (symmetric) {
            assertEquals(fromLeft, fromRight, where + ": symmetric sides");
            Set<List<Integer>> normalized = new HashSet<>();
            for (List<Integer> p : fromLeft) {
                assertTrue(fromLeft.contains(List.of(p.get(1), p.get(0))), where + ": symmetric pair " + p);
                normalized.add(List.of(Math.min(p.get(0), p.get(1)), Math.max(p.get(0), p.get(1))));
            }
            assertEquals(normalized, links, where + ": forEachLink");
        } else {
            assertEquals(fromLeft, fromRight, where + ": left and right sides");
            assertEquals(fromLeft, links, where + ": forEachLink");
        }
        assertEquals(links.size(), r.size(), where + ": size");
        assertEquals(links.size(), ir.size(), where + ": ints size");
        assertEquals(links.size(), r.inverse().size(), where + ": inverse size");
        deadIdsHaveNoLinks(where + ": dead left id ", lt, ir::degreeOfLeft);
        deadIdsHaveNoLinks(where + ": dead right id ", rt, ir::degreeOfRight);
        sb.append('\n');
    }

    /** The ids of {@code t} from 0 to 3 past its largest live one that are not live have {@code degree} 0. */
    private static void deadIdsHaveNoLinks(String where, Table<Object> t, java.util.function.IntUnaryOperator degree) {
        int max = 0;
        for (Object e : t) {
            max = Math.max(max, t.idOf(e));
        }
        for (int id = 0; id <= max + 3; id++) {
            if (!t.containsId(id)) {
                assertEquals(0, degree.applyAsInt(id), where + id + " has links");
            }
        }
    }

    /** The neighbours of {@code id} (its rights if {@code ofLeft}, else its lefts): a new view at each call. */
    private static IntNeighborSet neighbours(IntRelation ir, int id, boolean ofLeft) {
        return ofLeft ? ir.rightsOf(id) : ir.leftsOf(id);
    }

    /**
     * The neighbours of {@code id} as an array, which its size, its degree, iteration, {@code forEach} and
     * {@code copyTo} all agree with, in ascending order.
     */
    private static int[] side(String where, IntRelation ir, int id, boolean ofLeft) {
        int[] array = neighbours(ir, id, ofLeft).toIntArray();
        assertEquals(array.length, neighbours(ir, id, ofLeft).size(), where + ": size()");
        assertEquals(array.length, ofLeft ? ir.degreeOfLeft(id) : ir.degreeOfRight(id), where + ": degree");
        assertArrayEquals(array, drain(neighbours(ir, id, ofLeft).iterator()), where + ": iterator");
        assertArrayEquals(array, forEach(ir, id, ofLeft), where + ": forEach");
        assertArrayEquals(array, copy(ir, id, ofLeft), where + ": copyTo");
        for (int i = 1; i < array.length; i++) {
            assertTrue(array[i - 1] < array[i], where + ": ascending");
        }
        return array;
    }

    /** The typed neighbours, as many as the int layer's {@code ids}. */
    private static List<Object> typed(String where, int[] ids, java.util.Collection<Object> neighbours) {
        List<Object> typed = new ArrayList<>(neighbours);
        assertEquals(ids.length, typed.size(), where);
        return typed;
    }

    private static int[] forEach(IntRelation ir, int id, boolean ofLeft) {
        IntArrayList out = new IntArrayList();
        if (ofLeft) {
            ir.forEachRight(id, out::add);
        } else {
            ir.forEachLeft(id, out::add);
        }
        return out.toIntArray();
    }

    private static int[] copy(IntRelation ir, int id, boolean ofLeft) {
        IntNeighborSet set = neighbours(ir, id, ofLeft);
        int[] dest = new int[set.size() + 8];
        int n = set.copyTo(dest);
        assertFalse(n > dest.length, "copyTo: the set grew while nothing writes");
        return java.util.Arrays.copyOf(dest, n);
    }

    // ---- threads --------------------------------------------------------------------------------------

    /** Runs {@code c} on a new thread and returns its result; rethrows what it threw. */
    static <T> T onOtherThread(String name, Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        try {
            return task.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            throw (Exception) cause;
        }
    }

    /** Something a thread waits for, which an interruption may cut short. */
    @FunctionalInterface
    interface Wait {
        void run() throws InterruptedException;
    }

    /** Waits where a lambda cannot throw {@link InterruptedException}: an interruption fails the test. */
    static void uninterrupted(Wait wait) {
        try {
            wait.run();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The snapshot of {@code db} as another thread sees it, in a read view. */
    static String snapshotFromOtherThread(Junction db) throws Exception {
        return onOtherThread("snapshot-reader", () -> db.read(() -> snapshot(db)));
    }

    /** Waits until {@code t} is blocked (parked or waiting), or fails after 10 s. */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                throw new AssertionError("thread " + t.getName() + " ended instead of blocking");
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("thread " + t.getName() + " did not block; state " + s);
            }
            Thread.sleep(1);
        }
    }
}
