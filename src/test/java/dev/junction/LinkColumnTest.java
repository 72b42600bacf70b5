package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Columns on links: the student–course enrollment of the SQLAlchemy tutorials (an enrollment date and a grade on
 * each link), read from both sides, with defaults, dropped on unlink, ordered and filtered collections,
 * transactions, and a seeded random comparison against a map of pairs to values.
 */
class LinkColumnTest {

    // the schema as initialized fields: JUnit makes a new instance, so a new engine, for every test
    final Junction db = Junction.create();
    final Table<String> students = db.table("students");
    final Table<String> courses = db.table("courses");
    final Relation<String, String> enrollment = db.relation("enrollment", students, courses);
    final LinkColumn.OfLong<String, String> enrolled = enrollment.longColumn("enrolled", -1); // epoch day
    final LinkColumn.OfInt<String, String> grade = enrollment.intColumn("grade", 0);
    final LinkColumn.OfDouble<String, String> credits = enrollment.doubleColumn("credits", 5.0);
    final LinkColumn.OfBoolean<String, String> audit = enrollment.booleanColumn("audit", true);
    final LinkColumn.OfObject<String, String, String> note = enrollment.objectColumn("note", String.class, "none");

    static long day(String iso) {
        return LocalDate.parse(iso).toEpochDay();
    }

    @Test
    void linkWithValuesInOneCallAndReadFromBothSides() {
        assertTrue(enrollment.link("alice", "math", enrolled.value(day("2025-09-01")), grade.value(3)));
        assertEquals(day("2025-09-01"), enrolled.get("alice", "math"));
        assertEquals(3, grade.get("alice", "math"));
        // unset columns have their defaults
        assertEquals(5.0, credits.get("alice", "math"));
        assertTrue(audit.get("alice", "math"));
        assertEquals("none", note.get("alice", "math"));
        // from the course side: the inverse relation's columns read the same value
        Relation<String, String> byCourse = enrollment.inverse();
        LinkColumn.OfLong<String, String> enrolledByCourse = enrolled.inverse();
        assertEquals(day("2025-09-01"), enrolledByCourse.get("math", "alice"));
        assertSame(enrolled, enrolledByCourse.inverse());
        assertEquals(List.of("enrolled", "grade", "credits", "audit", "note"),
                byCourse.columns().stream().map(LinkColumn::name).toList());
        LinkColumn.OfLong<String, String> named = (LinkColumn.OfLong<String, String>) byCourse.column("enrolled");
        assertEquals(day("2025-09-01"), named.get("math", "alice"));
        // setting from the course side is seen from the student side
        enrolledByCourse.set("math", "alice", day("2025-09-02"));
        assertEquals(day("2025-09-02"), enrolled.get("alice", "math"));
        // by ids, both orientations
        int a = students.idOf("alice");
        int m = courses.idOf("math");
        assertEquals(day("2025-09-02"), enrolled.getByIds(a, m));
        assertEquals(day("2025-09-02"), enrolledByCourse.getByIds(m, a));
        grade.setByIds(a, m, 4);
        assertEquals(4, grade.get("alice", "math"));
    }

    @Test
    void linkingAPresentPairWithValuesSetsThemAndReturnsFalse() {
        enrollment.link("alice", "math");
        assertEquals(-1, enrolled.get("alice", "math"));
        assertFalse(enrollment.link("alice", "math", enrolled.value(7), note.value("late")));
        assertEquals(7, enrolled.get("alice", "math"));
        assertEquals("late", note.get("alice", "math"));
        assertEquals(1, enrollment.size());
    }

    @Test
    void unlinkDropsValuesAndRelinkStartsFromDefaults() {
        enrollment.link("alice", "math", grade.value(5), audit.value(false), note.value("x"), credits.value(2.5));
        assertTrue(enrollment.unlink("alice", "math"));
        assertThrows(NoSuchElementException.class, () -> grade.get("alice", "math"));
        enrollment.link("alice", "math");
        assertEquals(0, grade.get("alice", "math"));
        assertTrue(audit.get("alice", "math"));
        assertEquals("none", note.get("alice", "math"));
        assertEquals(5.0, credits.get("alice", "math"));
    }

    @Test
    void everyWayOfUnlinkingDropsValues() {
        // through a view, through the int level (in place and bulk), and by removing an entity
        List<Runnable> unlinkers = List.of(
                () -> enrollment.rightsOf("alice").remove("math"),
                () -> enrollment.inverse().leftsOf("alice").remove("math"),
                () -> enrollment.ints().unlink(students.idOf("alice"), courses.idOf("math")),
                () -> enrollment.ints().removeLeft(students.idOf("alice")),
                () -> enrollment.ints().removeRight(courses.idOf("math")),
                () -> enrollment.ints().replaceRights(students.idOf("alice"), new int[0]),
                () -> enrollment.ints().clear(),
                () -> enrollment.setRights("alice", List.of()),
                () -> courses.remove("math"),
                () -> students.remove("alice"),
                () -> db.inTransaction(() -> enrollment.unlink("alice", "math")));
        for (int i = 0; i < unlinkers.size(); i++) {
            enrollment.link("alice", "math", grade.value(9));
            enrollment.link("bob", "art", grade.value(8));
            unlinkers.get(i).run();
            assertFalse(enrollment.contains("alice", "math"), "unlinker " + i);
            enrollment.link("alice", "math");
            assertEquals(0, grade.get("alice", "math"), "unlinker " + i + " left the old value behind");
            if (enrollment.contains("bob", "art")) {
                assertEquals(8, grade.get("bob", "art"), "unlinker " + i + " lost another link's value");
            }
            enrollment.ints().clear();
        }
    }

    @Test
    void columnDeclaredLaterGivesExistingLinksItsDefault() {
        enrollment.link("alice", "math", grade.value(2));
        LinkColumn.OfLong<String, String> room = enrollment.longColumn("room", 101);
        assertEquals(101, room.get("alice", "math"));
        room.set("alice", "math", 7);
        assertEquals(7, room.get("alice", "math"));
        assertEquals(2, grade.get("alice", "math"));
        enrollment.link("bob", "math");
        assertEquals(101, room.get("bob", "math"));
    }

    @Test
    void orderedByColumnNewestFirstAndFiltered() {
        enrollment.link("alice", "math", enrolled.value(day("2025-09-01")));
        enrollment.link("alice", "art", enrolled.value(day("2025-10-15")));
        enrollment.link("alice", "bio", enrolled.value(day("2025-08-20")));
        enrollment.link("alice", "chem", enrolled.value(day("2025-10-15"))); // tie with art: by id
        enrollment.link("bob", "math", enrolled.value(day("2025-09-03")));
        assertEquals(List.of("art", "chem", "math", "bio"), enrolled.rightsOrdered("alice", true));
        assertEquals(List.of("bio", "math", "art", "chem"), enrolled.rightsOrdered("alice", false));
        assertEquals(List.of("art", "chem"), enrolled.rightsWhere("alice", d -> d > day("2025-09-01")));
        // the course side: students of math by enrollment date
        assertEquals(List.of("alice", "bob"), enrolled.leftsOrdered("math", false));
        assertEquals(List.of("bob"), enrolled.leftsWhere("math", d -> d > day("2025-09-01")));
        assertEquals(List.of("bob", "alice"), enrolled.inverse().rightsOrdered("math", true));
        // other types
        enrollment.link("alice", "math", note.value("b"), credits.value(1.5), audit.value(false), grade.value(-2));
        enrollment.link("alice", "art", note.value(null), credits.value(-0.5));
        assertEquals(List.of("art", "math", "bio", "chem"), note.rightsOrdered("alice", false)); // null first, "none" > "b"
        assertEquals(List.of("art", "math", "bio", "chem"), credits.rightsOrdered("alice", false));
        assertEquals(List.of("math"), audit.rightsWhere("alice", false));
        assertEquals(List.of("math"), grade.rightsWhere("alice", g -> g < 0));
        assertEquals(List.of("art"), note.rightsWhere("alice", v -> v == null));
        // an entity not in its table has none
        assertEquals(List.of(), enrolled.rightsOrdered("nobody", true));
        assertEquals(List.of(), grade.leftsWhere("nothing", g -> true));
    }

    @Test
    void objectColumnsOfUncomparableValuesCannotOrder() {
        LinkColumn.OfObject<String, String, Object> any = enrollment.objectColumn("any", Object.class, null);
        enrollment.link("alice", "math", any.value(new Object()));
        enrollment.link("alice", "art", any.value(new Object()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> any.rightsOrdered("alice", true));
        assertTrue(e.getMessage().contains("'any'") && e.getMessage().contains("enrollment"), e.getMessage());
    }

    @Test
    void rollbackRestoresValuesSetChangedAndDropped() throws Exception {
        enrollment.link("alice", "math", grade.value(1), note.value("keep"));
        enrollment.link("bob", "art", grade.value(2));
        Transaction t = db.begin();
        grade.set("alice", "math", 10);
        note.set("alice", "math", "changed");
        enrollment.unlink("bob", "art");
        enrollment.link("bob", "art"); // relinked in the transaction: defaults, as the transaction sees it
        assertEquals(0, grade.get("bob", "art"));
        enrollment.link("carol", "bio", grade.value(3));
        students.remove("alice");
        assertThrows(NoSuchElementException.class, () -> grade.get("alice", "math"));
        // other threads see the committed values meanwhile
        String seen = EngineWorld.onOtherThread("reader", () -> grade.get("alice", "math") + "/"
                + note.get("alice", "math") + "/" + grade.get("bob", "art"));
        assertEquals("1/keep/2", seen);
        t.rollback();
        assertEquals(1, grade.get("alice", "math"));
        assertEquals("keep", note.get("alice", "math"));
        assertEquals(2, grade.get("bob", "art"));
        assertFalse(enrollment.contains("carol", "bio"));
    }

    @Test
    void commitPublishesValuesTogetherWithTheLinks() {
        enrollment.link("bob", "art", grade.value(2));
        db.inTransaction(() -> {
            enrollment.link("alice", "math", grade.value(7));
            grade.set("bob", "art", 3);
            enrollment.unlink("bob", "art");
            enrollment.link("bob", "art", note.value("again"));
        });
        assertEquals(7, grade.get("alice", "math"));
        assertEquals(0, grade.get("bob", "art"), "relinked inside the transaction: the old value was dropped");
        assertEquals("again", note.get("bob", "art"));
    }

    @Test
    void badCollectionInsideATransactionChangesNoValues() {
        enrollment.link("alice", "math", grade.value(4));
        enrollment.link("alice", "art", grade.value(5));
        db.inTransaction(() -> {
            grade.set("alice", "art", 6);
            // a null element is refused before anything changes
            List<String> bad = new ArrayList<>(List.of("bio"));
            bad.add(null);
            assertThrows(NullPointerException.class, () -> enrollment.setRights("alice", bad));
            assertEquals(4, grade.get("alice", "math"));
            assertEquals(6, grade.get("alice", "art"));
        });
        assertEquals(4, grade.get("alice", "math"));
        assertEquals(6, grade.get("alice", "art"));
    }

    @Test
    void badInputNamesTheValueAndChangesNothing() {
        enrollment.link("alice", "math", grade.value(4));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> grade.get("alice", "art"));
        assertTrue(e.getMessage().contains("(alice, art)") && e.getMessage().contains("'enrollment'"), e.getMessage());
        e = assertThrows(NoSuchElementException.class, () -> grade.set("zed", "math", 1));
        assertTrue(e.getMessage().contains("zed"), e.getMessage());
        assertFalse(students.contains("zed"), "set must not add entities");
        assertThrows(NoSuchElementException.class, () -> grade.getByIds(5, 0));
        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class, () -> grade.getByIds(-3, 0));
        assertTrue(iae.getMessage().contains("-3"), iae.getMessage());
        assertThrows(IllegalArgumentException.class, () -> grade.setByIds(0, -1, 2));
        assertThrows(NullPointerException.class, () -> grade.get(null, "math"));
        assertThrows(NullPointerException.class, () -> enrollment.link("alice", "math", (LinkColumn.Value) null));
        // a column of another relation
        Relation<String, String> other = db.relation("other", students, courses);
        LinkColumn.OfInt<String, String> otherGrade = other.intColumn("grade", 0);
        iae = assertThrows(IllegalArgumentException.class,
                () -> enrollment.link("bob", "math", otherGrade.value(1)));
        assertTrue(iae.getMessage().contains("enrollment"), iae.getMessage());
        assertFalse(enrollment.contains("bob", "math"));
        assertFalse(students.contains("bob"));
        // wrong type into an object column (raw types get past the compiler)
        @SuppressWarnings({"unchecked", "rawtypes"})
        LinkColumn.OfObject<String, String, Object> raw = (LinkColumn.OfObject) note;
        ClassCastException cce = assertThrows(ClassCastException.class, () -> raw.set("alice", "math", 42));
        assertTrue(cce.getMessage().contains("'note'") && cce.getMessage().contains("Integer"), cce.getMessage());
        assertEquals("none", note.get("alice", "math"));
        // duplicate names, declaring in a transaction
        assertThrows(IllegalArgumentException.class, () -> enrollment.intColumn("grade", 1));
        assertThrows(IllegalArgumentException.class, () -> enrollment.inverse().longColumn("enrolled", 1));
        Transaction t = db.begin();
        assertThrows(IllegalStateException.class, () -> enrollment.intColumn("late", 1));
        t.rollback();
        assertThrows(NoSuchElementException.class, () -> enrollment.column("late"));
        assertThrows(ClassCastException.class, () -> enrollment.objectColumn("n2", Integer.class, (Integer) (Object) "x"));
        assertEquals(4, grade.get("alice", "math"));
        assertEquals(1, enrollment.size());
    }

    @Test
    void symmetricRelationsKeyTheValueByThePair() {
        Table<String> people = db.table("people");
        Relation<String, String> friends = db.symmetric("friends", people);
        LinkColumn.OfLong<String, String> since = friends.longColumn("since", 0);
        friends.link("ann", "ben", since.value(2019));
        assertEquals(2019, since.get("ben", "ann"));
        since.set("ben", "ann", 2020);
        assertEquals(2020, since.get("ann", "ben"));
        assertSame(since, since.inverse());
        friends.unlink("ben", "ann");
        friends.link("ann", "ben");
        assertEquals(0, since.get("ann", "ben"));
    }

    /**
     * Seeded random operations (link with values, set, unlink, entity removal, bulk unlinks, transactions that
     * commit or roll back) against a model: a map from pairs to values. After every step the two-way invariant
     * holds and every linked pair reads the model's values from both sides.
     */
    @Test
    void randomOperationsAgainstAMapOfPairsToValues() {
        RandomModelRuns.run("junction.columns", 4000, this::runRandom);
    }

    private void runRandom(long seed, int ops) {
        Random rnd = new Random(seed);
        Map<Long, long[]> model = new HashMap<>(); // (l << 32 | r) -> {grade, enrolled}
        RandomModelRuns.ModelTransaction<Map<Long, long[]>> t = new RandomModelRuns.ModelTransaction<>(db, m -> {
            Map<Long, long[]> saved = new HashMap<>();
            for (Map.Entry<Long, long[]> e : m.entrySet()) saved.put(e.getKey(), e.getValue().clone());
            return saved;
        });
        int n = 12;
        for (int i = 0; i < n; i++) {
            students.add("s" + i);
            courses.add("c" + i);
        }
        for (int step = 0; step < ops; step++) {
            int l = rnd.nextInt(n);
            int r = rnd.nextInt(n);
            String s = "s" + l;
            String c = "c" + r;
            long key = ((long) l << 32) | r;
            int op = rnd.nextInt(100);
            if (op < 30) {
                int g = rnd.nextInt(100);
                enrollment.link(s, c, grade.value(g));
                model.merge(key, new long[] {g, -1}, (old, x) -> new long[] {g, old[1]});
            } else if (op < 45) {
                if (model.containsKey(key)) {
                    long d = rnd.nextInt(1000);
                    enrolled.inverse().set(c, s, d);
                    model.get(key)[1] = d;
                } else {
                    assertThrows(NoSuchElementException.class, () -> enrolled.set(s, c, 1));
                }
            } else if (op < 65) {
                enrollment.unlink(s, c);
                model.remove(key);
            } else if (op < 68) {
                enrollment.ints().removeLeft(students.idOf(s));
                model.keySet().removeIf(k -> (k >>> 32) == l);
            } else if (op < 70) {
                courses.remove(c);
                courses.add(c); // same id again (the only free one)
                model.keySet().removeIf(k -> (k & 0xFFFFFFFFL) == r);
            } else if (op < 75) {
                enrollment.link(s, c);
                model.putIfAbsent(key, new long[] {0, -1});
            } else if (op < 90) {
                model = t.beginOrEnd(op < 80, rnd, model);
            }
            check(model, n, step);
        }
        if (t.isOpen()) t.end(true, model);
        check(model, n, ops);
    }

    private void check(Map<Long, long[]> model, int n, int step) {
        for (int l = 0; l < n; l++) {
            for (int r = 0; r < n; r++) {
                String s = "s" + l;
                String c = "c" + r;
                long[] v = model.get(((long) l << 32) | r);
                boolean linked = enrollment.contains(s, c);
                assertEquals(v != null, linked, "step " + step + ": link " + s + "-" + c);
                assertEquals(linked, enrollment.inverse().rightsOf(c).contains(s), "step " + step + ": two-way");
                if (v != null) {
                    assertEquals(v[0], grade.get(s, c), "step " + step + ": grade " + s + "-" + c);
                    assertEquals(v[0], grade.inverse().get(c, s), "step " + step + ": grade from the course");
                    assertEquals(v[1], enrolled.get(s, c), "step " + step + ": enrolled " + s + "-" + c);
                }
            }
        }
    }
}
