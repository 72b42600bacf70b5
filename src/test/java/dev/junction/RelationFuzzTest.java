package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random test of the typed layer against a reference model: sets of key pairs for three relations over
 * two tables (a bipartite relation, a second bipartite relation over the same tables, a directed
 * self-relation), and a LIFO id allocator per table. After every step, every view of every entity of the key
 * universe, from both sides, must list exactly the model's pairs in ascending id order, and every table must
 * hold exactly the model's entities under the model's ids. Some steps are made to fail (a key function that
 * throws, a null element): they must change nothing.
 *
 * <p>{@code -Djunction.fuzz.ops=N} sets the number of steps, {@code -Djunction.fuzz.seed=S} replays a seed.
 */
class RelationFuzzTest {

    private static final int UNIVERSE = 14;

    /** The model of a table's ids: a key → id map, a LIFO free list and a high-water mark. */
    static final class IdModel<K> {
        final Map<K, Integer> ids = new HashMap<>();
        final ArrayDeque<Integer> free = new ArrayDeque<>();
        int highWater;

        void add(K k) {
            if (!ids.containsKey(k)) {
                ids.put(k, free.isEmpty() ? highWater++ : free.pop());
            }
        }

        void remove(K k) {
            Integer id = ids.remove(k);
            if (id != null) {
                free.push(id);
            }
        }
    }

    private final List<String> names = new ArrayList<>();
    private final List<Long> numbers = new ArrayList<>();
    private long seed;
    private int step;

    private Junction db;
    private KeyedTable<String, String> lefts;
    private LongTable rights;
    private Relation<String, Long> rel;
    private Relation<String, Long> rel2;
    private Relation<String, String> follows;

    private final IdModel<String> lModel = new IdModel<>();
    private final IdModel<Long> rModel = new IdModel<>();
    private final Set<List<Object>> relModel = new HashSet<>();
    private final Set<List<Object>> rel2Model = new HashSet<>();
    private final Set<List<Object>> followsModel = new HashSet<>();

    private Supplier<String> where() {
        return () -> "seed=" + seed + " step=" + step;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 2024, 987_654_321})
    void typedLayerMatchesTheReferenceModel(long defaultSeed) {
        int ops = Integer.getInteger("junction.fuzz.ops", 20000);
        seed = Long.getLong("junction.fuzz.seed", defaultSeed);
        System.out.println("RelationFuzzTest seed=" + seed + " ops=" + ops);
        Random rnd = new Random(seed);
        for (int i = 0; i < UNIVERSE; i++) {
            names.add("n" + i);
            numbers.add((long) i * 1_000_003L - 7);
        }
        db = Junction.create();
        lefts = db.table("lefts", s -> {
            if (s.startsWith("!")) {
                throw new IllegalArgumentException("poison " + s);
            }
            return s;
        });
        rights = db.longTable("rights");
        rel = db.relation("rel", lefts, rights);
        rel2 = db.relation("rel2", lefts, rights);
        follows = db.directed("follows", lefts);

        for (step = 0; step < ops; step++) {
            try {
                doStep(rnd);
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new AssertionError(where().get() + ": unexpected " + e, e);
            }
            verify();
        }
    }

    private String anyName(Random rnd) {
        return names.get(rnd.nextInt(UNIVERSE));
    }

    private Long anyNumber(Random rnd) {
        return numbers.get(rnd.nextInt(UNIVERSE));
    }

    private Relation<String, Long> pickRel(Random rnd) {
        return rnd.nextInt(4) == 0 ? rel2 : rel;
    }

    private Set<List<Object>> model(Relation<?, ?> r) {
        return r == rel ? relModel : r == rel2 ? rel2Model : followsModel;
    }

    private void doStep(Random rnd) {
        Relation<String, Long> r = pickRel(rnd);
        Set<List<Object>> m = model(r);
        String l = anyName(rnd);
        Long x = anyNumber(rnd);
        int op = rnd.nextInt(22);
        switch (op) {
            case 0, 1 -> { // link, three ways
                boolean expected = !m.contains(List.of(l, x));
                boolean got = switch (rnd.nextInt(3)) {
                    case 0 -> r.link(l, x);
                    case 1 -> r.inverse().link(x, l);
                    default -> r.inverse().rightsOf(x).add(l);
                };
                assertEquals(expected, got, where());
                lModel.add(l);
                rModel.add(x);
                m.add(List.of(l, x));
            }
            case 2, 3 -> { // view add, from the left (owner first)
                assertEquals(!m.contains(List.of(l, x)), r.rightsOf(l).add(x), where());
                lModel.add(l);
                rModel.add(x);
                m.add(List.of(l, x));
            }
            case 4, 5 -> { // unlink, four ways
                boolean expected = m.remove(List.of(l, x));
                boolean got = switch (rnd.nextInt(4)) {
                    case 0 -> r.unlink(l, x);
                    case 1 -> r.rightsOf(l).remove(x);
                    case 2 -> r.leftsOf(x).remove(l);
                    default -> r.inverse().unlink(x, l);
                };
                assertEquals(expected, got, where());
            }
            case 6 -> { // delete an entity: cascades to all three relations
                if (rnd.nextBoolean()) {
                    boolean present = lModel.ids.containsKey(l);
                    assertEquals(present, rnd.nextBoolean() ? lefts.remove(l) : lefts.removeKey(l), where());
                    dropLeft(l);
                } else {
                    boolean present = rModel.ids.containsKey(x);
                    assertEquals(present, rnd.nextBoolean() ? rights.remove(x.longValue()) : rights.remove(x), where());
                    relModel.removeIf(p -> p.get(1).equals(x));
                    rel2Model.removeIf(p -> p.get(1).equals(x));
                    rModel.remove(x);
                }
            }
            case 7 -> { // add an entity
                if (rnd.nextBoolean()) {
                    lefts.add(l);
                    lModel.add(l);
                } else {
                    rights.add(x.longValue());
                    rModel.add(x);
                }
            }
            case 8 -> { // setRights
                List<Long> xs = someNumbers(rnd);
                boolean changed = !m.stream().filter(p -> p.get(0).equals(l)).map(p -> p.get(1))
                        .collect(java.util.stream.Collectors.toSet()).equals(new HashSet<>(xs));
                assertEquals(changed, r.setRights(l, xs), where());
                if (!xs.isEmpty()) {
                    lModel.add(l);
                }
                xs.forEach(rModel::add);
                m.removeIf(p -> p.get(0).equals(l));
                xs.forEach(y -> m.add(List.of(l, y)));
            }
            case 9 -> { // setLefts
                List<String> ls = someNames(rnd);
                r.setLefts(x, ls);
                if (!ls.isEmpty()) {
                    rModel.add(x);
                }
                ls.forEach(lModel::add);
                m.removeIf(p -> p.get(1).equals(x));
                ls.forEach(k -> m.add(List.of(k, x)));
            }
            case 10 -> { // addAll from the right side
                List<String> ls = someNames(rnd);
                boolean expected = ls.stream().anyMatch(k -> !m.contains(List.of(k, x)));
                assertEquals(expected, r.leftsOf(x).addAll(ls), where());
                if (!ls.isEmpty()) {
                    rModel.add(x);
                }
                ls.forEach(lModel::add);
                ls.forEach(k -> m.add(List.of(k, x)));
            }
            case 11 -> { // removeIf from either side
                int salt = rnd.nextInt(3);
                if (rnd.nextBoolean()) {
                    r.rightsOf(l).removeIf(y -> Math.floorMod(y, 3) == salt);
                    m.removeIf(p -> p.get(0).equals(l) && Math.floorMod((Long) p.get(1), 3) == salt);
                } else {
                    r.leftsOf(x).removeIf(k -> k.hashCode() % 3 == salt);
                    m.removeIf(p -> p.get(1).equals(x) && ((String) p.get(0)).hashCode() % 3 == salt);
                }
            }
            case 12 -> { // retainAll / removeAll
                List<Long> xs = someNumbers(rnd);
                if (rnd.nextBoolean()) {
                    r.rightsOf(l).retainAll(xs);
                    m.removeIf(p -> p.get(0).equals(l) && !xs.contains(p.get(1)));
                } else {
                    r.rightsOf(l).removeAll(xs);
                    m.removeIf(p -> p.get(0).equals(l) && xs.contains(p.get(1)));
                }
            }
            case 13 -> { // clear from either side
                if (rnd.nextBoolean()) {
                    r.rightsOf(l).clear();
                    m.removeIf(p -> p.get(0).equals(l));
                } else {
                    r.leftsOf(x).clear();
                    m.removeIf(p -> p.get(1).equals(x));
                }
            }
            case 14 -> { // iterator remove of a random subset, from the right side
                for (Iterator<String> it = r.leftsOf(x).iterator(); it.hasNext(); ) {
                    String k = it.next();
                    if (rnd.nextBoolean()) {
                        it.remove();
                        m.remove(List.of(k, x));
                    }
                }
            }
            case 15, 16 -> { // the directed self-relation, either direction, owner first
                String b = anyName(rnd);
                if (rnd.nextBoolean()) {
                    boolean expected = !followsModel.contains(List.of(l, b));
                    if (rnd.nextBoolean()) {
                        assertEquals(expected, follows.rightsOf(l).add(b), where());
                        lModel.add(l);
                        lModel.add(b);
                    } else {
                        assertEquals(expected, follows.leftsOf(b).add(l), where());
                        lModel.add(b);
                        lModel.add(l);
                    }
                    followsModel.add(List.of(l, b));
                } else {
                    assertEquals(followsModel.remove(List.of(l, b)), follows.inverse().unlink(b, l), where());
                }
            }
            case 17 -> { // failing writes: a key function that throws midway
                List<String> ls = someNames(rnd);
                ls.add(rnd.nextInt(ls.size() + 1), "!poison");
                assertThrows(IllegalArgumentException.class, rnd.nextBoolean()
                        ? () -> r.leftsOf(x).addAll(ls) : () -> r.setLefts(x, ls), where());
                String b = anyName(rnd);
                assertThrows(IllegalArgumentException.class, () -> follows.rightsOf(b).add("!poison"), where());
            }
            case 18 -> { // failing writes: a null element
                List<Long> xs = someNumbers(rnd);
                xs.add(rnd.nextInt(xs.size() + 1), null);
                assertThrows(NullPointerException.class, rnd.nextBoolean()
                        ? () -> r.rightsOf(l).addAll(xs) : () -> r.setRights(l, xs), where());
            }
            case 19 -> { // a predicate that throws midway changes nothing
                if (!r.leftsOf(x).isEmpty()) {
                    assertThrows(IllegalStateException.class, () -> r.leftsOf(x).removeIf(k -> {
                        throw new IllegalStateException();
                    }), where());
                }
                if (!r.rightsOf(l).isEmpty()) {
                    assertThrows(IllegalStateException.class, () -> r.rightsOf(l).removeIf(y -> {
                        throw new IllegalStateException();
                    }), where());
                }
            }
            case 20 -> { // addAll from the left with a live view of another entity as the source
                String k = anyName(rnd);
                List<Long> src = List.copyOf(r.rightsOf(k));
                r.rightsOf(l).addAll(r.rightsOf(k));
                if (!src.isEmpty()) {
                    lModel.add(l); // an empty addAll creates no link and adds no entity
                }
                src.forEach(y -> m.add(List.of(l, y)));
            }
            default -> { // table iterator removal (cascade), rarely
                if (rnd.nextInt(4) == 0) {
                    for (Iterator<String> it = lefts.iterator(); it.hasNext(); ) {
                        String k = it.next();
                        if (k.equals(l)) {
                            it.remove();
                            dropLeft(k);
                        }
                    }
                }
            }
        }
    }

    private void dropLeft(String l) {
        relModel.removeIf(p -> p.get(0).equals(l));
        rel2Model.removeIf(p -> p.get(0).equals(l));
        followsModel.removeIf(p -> p.get(0).equals(l) || p.get(1).equals(l));
        lModel.remove(l);
    }

    private List<Long> someNumbers(Random rnd) {
        List<Long> out = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            out.add(anyNumber(rnd));
        }
        return out;
    }

    private List<String> someNames(Random rnd) {
        List<String> out = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            out.add(anyName(rnd));
        }
        return out;
    }

    // ---- verification ----------------------------------------------------------------------------------

    private void verify() {
        checkTable(lefts, lModel, names);
        checkTable(rights, rModel, numbers);
        for (long n : numbers) {
            Integer id = rModel.ids.get(n);
            assertEquals(id != null, rights.contains(n), where());
            if (id != null) {
                assertEquals(id.intValue(), rights.idOf(n), where());
                assertEquals(n, rights.keyOf(id), where());
            }
        }
        checkRelation(rel, relModel, names, numbers, lModel, rModel);
        checkRelation(rel2, rel2Model, names, numbers, lModel, rModel);
        checkRelation(follows, followsModel, names, names, lModel, lModel);
    }

    private <K> void checkTable(Table<K> t, IdModel<K> model, List<K> universe) {
        assertEquals(model.ids.size(), t.size(), where());
        for (K k : universe) {
            Integer id = model.ids.get(k);
            assertEquals(id != null, t.contains(k), where());
            if (id != null) {
                assertEquals(id.intValue(), t.idOf(k), where());
                assertEquals(k, t.get(id), where());
            }
        }
        List<K> expected = new ArrayList<>(model.ids.keySet());
        expected.sort(Comparator.comparing(model.ids::get));
        List<K> actual = new ArrayList<>();
        t.forEach(actual::add);
        assertEquals(expected, actual, where());
    }

    /** Both directions of {@code r} (and of its inverse) list exactly the model's pairs, by ascending id. */
    private <A, B> void checkRelation(Relation<A, B> r, Set<List<Object>> model, List<A> as, List<B> bs,
                                      IdModel<A> aIds, IdModel<B> bIds) {
        assertEquals(model.size(), r.size(), where());
        assertEquals(model.size(), r.ints().size(), where());
        for (A a : as) {
            List<B> expected = new ArrayList<>();
            for (B b : bs) {
                if (model.contains(List.of(a, b))) {
                    expected.add(b);
                }
            }
            expected.sort(Comparator.comparing(bIds.ids::get));
            assertView(expected, r.rightsOf(a));
            assertView(expected, r.inverse().leftsOf(a));
            if (aIds.ids.containsKey(a)) {
                assertEquals(expected.size(), r.ints().degreeOfLeft(aIds.ids.get(a)), where());
            }
        }
        for (B b : bs) {
            List<A> expected = new ArrayList<>();
            for (A a : as) {
                if (model.contains(List.of(a, b))) {
                    expected.add(a);
                    assertEquals(true, r.contains(a, b), where());
                }
            }
            expected.sort(Comparator.comparing(aIds.ids::get));
            assertView(expected, r.leftsOf(b));
            assertView(expected, r.inverse().rightsOf(b));
        }
    }

    private <T> void assertView(List<T> expected, Collection<T> view) {
        assertEquals(expected.size(), view.size(), where());
        List<T> actual = new ArrayList<>(expected.size());
        view.forEach(actual::add);
        assertEquals(expected, actual, where());
    }
}
