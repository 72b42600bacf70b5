package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.index.IntNeighborSet;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Association rows with their own identity: orders between customers and products (the SQLAlchemy tutorial's
 * Users–Orders–Products), many rows per pair, each with quantity, unit price and timestamp; the rows and
 * distinct-pairs views from both ends; the association proxy; cascades; transactions; bad input; and a seeded
 * random comparison against a list of rows.
 */
class AssociationTableTest {

    // the schema as initialized fields: JUnit makes a new instance, so a new engine, for every test
    final Junction db = Junction.create();
    final Table<String> customers = db.table("customers");
    final Table<String> products = db.table("products");
    final AssociationTable<String, String> orders = db.associationTable("orders", customers, products);
    final RowColumn.OfInt quantity = orders.intColumn("quantity", 1);
    final RowColumn.OfDouble unitPrice = orders.doubleColumn("unit_price", 0.0);
    final RowColumn.OfLong at = orders.longColumn("at", 0L); // epoch seconds
    final RowColumn.OfObject<String> channel = orders.objectColumn("channel", String.class, "web");
    final RowColumn.OfBoolean paid = orders.booleanColumn("paid", false);

    @Test
    void manyRowsPerPairEachWithItsOwnValues() {
        int r1 = orders.add("ann", "mug", quantity.value(2), unitPrice.value(3.5), at.value(100));
        int r2 = orders.add("ann", "mug", quantity.value(5), at.value(200), channel.value("shop"));
        int r3 = orders.add("ann", "tea", at.value(150));
        int r4 = orders.add("bob", "mug", quantity.value(1), paid.value(true));
        assertEquals(4, orders.size());
        assertEquals(4, new TreeSet<>(List.of(r1, r2, r3, r4)).size(), "each row has its own id");
        assertEquals(2, quantity.get(r1));
        assertEquals(5, quantity.get(r2));
        assertEquals(1, quantity.get(r3), "default");
        assertEquals(3.5, unitPrice.get(r1));
        assertEquals("shop", channel.get(r2));
        assertEquals("web", channel.get(r1));
        assertTrue(paid.get(r4));
        assertFalse(paid.get(r1));
        assertEquals("ann", orders.leftOf(r2));
        assertEquals("mug", orders.rightOf(r2));
        assertEquals(customers.idOf("bob"), orders.leftIdOf(r4));
        assertEquals(products.idOf("tea"), orders.rightIdOf(r3));
        // user.orders and user.products, from both ends
        assertArrayEquals(new int[] {r1, r2, r3}, orders.rowsOfLeft("ann").toIntArray());
        assertArrayEquals(new int[] {r1, r2, r4}, orders.rowsOfRight("mug").toIntArray());
        assertEquals(Set.of("mug", "tea"), orders.pairs().rightsOf("ann"));
        assertEquals(Set.of("ann", "bob"), orders.pairs().leftsOf("mug"));
        assertEquals(Set.of("ann", "bob"), orders.pairs().inverse().rightsOf("mug"));
        assertEquals(3, orders.pairs().size(), "three distinct pairs");
        assertArrayEquals(new int[] {r1, r2}, orders.rowsOf("ann", "mug"));
        assertArrayEquals(new int[0], orders.rowsOf("bob", "tea"));
        // ordered and aggregated over a customer's rows
        int[] annRows = orders.rowsOfLeft("ann").toIntArray();
        assertArrayEquals(new int[] {r2, r3, r1}, at.sort(annRows, true), "newest first");
        assertArrayEquals(new int[] {r1, r3, r2}, at.sort(annRows, false));
        assertArrayEquals(new int[] {r2, r1, r3}, quantity.sort(annRows, true));
        assertEquals(8, quantity.sum(annRows));
        assertArrayEquals(new int[] {r2, r3}, at.filter(annRows, t -> t >= 150));
        assertArrayEquals(new int[] {r2}, channel.filter(annRows, "shop"::equals));
        // "shop" < "web": r2 first; r1 and r3 tie, in row order
        assertArrayEquals(new int[] {r2, r1, r3}, channel.sort(new int[] {r3, r2, r1}, false));
        assertEquals(7.0, unitPrice.sum(new int[] {r1, r1}));
        assertArrayEquals(new int[] {r4}, paid.filter(new int[] {r1, r2, r3, r4}, true));
    }

    @Test
    void deletingARowUnlinksThePairOnlyWhenItWasTheLast() {
        int r1 = orders.add("ann", "mug");
        int r2 = orders.add("ann", "mug");
        assertTrue(orders.remove(r1));
        assertFalse(orders.remove(r1), "already gone");
        assertTrue(orders.pairs().contains("ann", "mug"), "another row still joins them");
        assertTrue(orders.rowsOfLeft("ann").remove(r2), "removing from customer.orders deletes the row");
        assertFalse(orders.contains(r2));
        assertFalse(orders.pairs().contains("ann", "mug"));
        assertTrue(orders.pairs().rightsOf("ann").isEmpty());
        assertTrue(orders.pairs().leftsOf("mug").isEmpty());
        assertTrue(customers.contains("ann"), "entities stay");
        // a row of someone else is not removed through ann's rows
        int r3 = orders.add("bob", "mug");
        assertFalse(orders.rowsOfLeft("ann").remove(r3));
        assertTrue(orders.contains(r3));
    }

    @Test
    void rowsViewIsLiveAndClearDeletesTheRows() {
        IntNeighborSet annRows = orders.rowsOfLeft("ann"); // ann is not there yet: an empty view
        assertTrue(annRows.isEmpty());
        orders.add("ann", "mug");
        IntNeighborSet live = orders.rowsOfLeft("ann");
        int r = orders.add("ann", "tea");
        assertTrue(live.contains(r), "the view shows rows added after it was made");
        assertEquals(2, live.size());
        assertThrows(UnsupportedOperationException.class, () -> live.add(99));
        live.clear();
        assertEquals(0, orders.size());
        assertEquals(0, orders.pairs().size());
    }

    /** The row sets' writes, as AssociationTable, IntNeighborSet and the README say: remove and clear delete rows. */
    @Test
    void rowSetsDeleteOnRemoveAndClearAndRefuseEveryOtherWrite() {
        int r1 = orders.add("ann", "mug", quantity.value(4));
        int r2 = orders.add("ann", "tea");
        int r3 = orders.add("bob", "tea");
        IntNeighborSet ann = orders.rowsOfLeft("ann");
        assertEquals("[" + r1 + ", " + r2 + "]", ann.toString());
        String before = orders.size() + " " + orders.pairs().size() + " " + ann;
        it.unimi.dsi.fastutil.ints.IntSet other = new it.unimi.dsi.fastutil.ints.IntArraySet(new int[] {r1, 12345});
        assertThrows(UnsupportedOperationException.class, () -> ann.add(77));
        assertThrows(UnsupportedOperationException.class, () -> ann.addAll(other));
        assertThrows(UnsupportedOperationException.class, () -> ann.removeAll(other));
        assertThrows(UnsupportedOperationException.class, () -> ann.removeAll(List.of(12345)), "even with no match");
        assertThrows(UnsupportedOperationException.class, () -> ann.retainAll(other));
        assertThrows(UnsupportedOperationException.class, () -> ann.removeIf(row -> row == r1));
        assertThrows(UnsupportedOperationException.class, () -> {
            it.unimi.dsi.fastutil.ints.IntIterator it = ann.iterator();
            it.nextInt();
            it.remove();
        });
        assertEquals(before, orders.size() + " " + orders.pairs().size() + " " + ann, "nothing changed");
        assertTrue(ann.remove(r1), "remove deletes the row");
        assertFalse(orders.contains(r1));
        assertFalse(orders.pairs().contains("ann", "mug"), "its pair had no other row");
        assertFalse(ann.remove(r3), "bob's row is not ann's");
        assertTrue(orders.contains(r3));
        orders.rowsOfRight("tea").clear();
        assertEquals(0, orders.size());
        assertEquals(0, orders.pairs().size());
        assertTrue(customers.contains("ann") && customers.contains("bob"), "entities stay");
        assertEquals("[]", ann.toString());
    }

    @Test
    void associationProxyCreatesAndDeletesRows() {
        Set<String> annProducts = orders.pairs().rightsOf("ann");
        assertTrue(annProducts.add("mug"), "creates a row with defaults");
        assertFalse(annProducts.add("mug"), "the pair is there: no second row");
        int[] rows = orders.rowsOfLeft("ann").toIntArray();
        assertEquals(1, rows.length);
        assertEquals(1, quantity.get(rows[0]));
        assertEquals("web", channel.get(rows[0]));
        orders.add("ann", "mug", quantity.value(3));
        assertTrue(orders.pairs().link("ann", "tea"));
        assertTrue(orders.pairs().inverse().link("jam", "ann"), "from the product side");
        assertEquals(4, orders.size());
        assertTrue(annProducts.remove("mug"), "unlinking a pair deletes all its rows");
        assertEquals(2, orders.size());
        assertTrue(orders.pairs().setRights("ann", List.of("tea", "cup")));
        assertEquals(Set.of("tea", "cup"), annProducts);
        assertEquals(2, orders.size());
        Iterator<String> it = annProducts.iterator();
        it.next();
        it.remove();
        assertEquals(1, annProducts.size());
        assertEquals(1, orders.size());
        // the int level has the same semantics
        int ann = customers.idOf("ann");
        int mug = products.idOf("mug");
        assertTrue(orders.pairs().ints().link(ann, mug));
        assertEquals(2, orders.size());
        assertEquals(2, orders.pairs().ints().removeLeft(ann), "two pairs removed");
        assertEquals(0, orders.size());
        assertThrows(UnsupportedOperationException.class, () -> orders.pairs().longColumn("x", 0));
    }

    @Test
    void deletingACustomerOrAProductDeletesItsRowsAndValues() {
        int r1 = orders.add("ann", "mug", quantity.value(7));
        int r2 = orders.add("ann", "tea");
        int r3 = orders.add("bob", "tea", quantity.value(9));
        assertTrue(customers.remove("ann"));
        assertFalse(orders.contains(r1));
        assertFalse(orders.contains(r2));
        assertTrue(orders.contains(r3));
        assertEquals(Set.of("bob"), orders.pairs().leftsOf("tea"));
        assertTrue(orders.pairs().leftsOf("mug").isEmpty());
        assertTrue(products.remove("tea"));
        assertEquals(0, orders.size());
        assertEquals(0, orders.pairs().size());
        // ids are reused: a new row on a reused id starts from the defaults
        int r4 = orders.add("cat", "pen");
        assertTrue(r4 == r1 || r4 == r2 || r4 == r3, "a freed id is reused");
        assertEquals(1, quantity.get(r4));
    }

    @Test
    void rollbackRestoresRowsValuesPairsAndIds() throws Exception {
        int r1 = orders.add("ann", "mug", quantity.value(2));
        int r2 = orders.add("bob", "tea", quantity.value(4));
        Transaction t = db.begin();
        quantity.set(r1, 20);
        orders.remove(r2);
        int r3 = orders.add("ann", "tea", quantity.value(6));
        customers.remove("ann");
        orders.pairs().link("cat", "mug");
        assertFalse(orders.contains(r1));
        assertFalse(orders.contains(r3));
        String other = EngineWorld.onOtherThread("reader", () -> quantity.get(r1) + "/" + orders.size() + "/"
                + orders.pairs().rightsOf("ann"));
        assertEquals("2/2/[mug]", other, "other threads see the committed state");
        t.rollback();
        assertEquals(2, quantity.get(r1));
        assertEquals(4, quantity.get(r2));
        assertEquals(2, orders.size());
        assertEquals(Set.of("mug"), orders.pairs().rightsOf("ann"));
        assertEquals(Set.of("tea"), orders.pairs().rightsOf("bob"));
        assertFalse(customers.contains("cat"));
        int again = orders.add("dan", "cup");
        assertEquals(r3, again, "the next row id is the one the rolled-back transaction took");
        assertEquals(1, quantity.get(again));
    }

    @Test
    void commitPublishesRowsAndValuesTogether() throws Exception {
        int[] made = new int[2];
        db.inTransaction(() -> {
            made[0] = orders.add("ann", "mug", quantity.value(3));
            made[1] = orders.add("ann", "mug");
            quantity.set(made[1], 8);
            orders.remove(made[0]);
        });
        assertFalse(orders.contains(made[0]));
        assertEquals(8, quantity.get(made[1]));
        String other = EngineWorld.onOtherThread("reader", () -> quantity.get(made[1]) + "/" + orders.size());
        assertEquals("8/1", other);
    }

    @Test
    void badInputNamesTheValueAndChangesNothing() {
        int r1 = orders.add("ann", "mug", quantity.value(2));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> quantity.get(r1 + 5));
        assertTrue(e.getMessage().contains(String.valueOf(r1 + 5)) && e.getMessage().contains("'orders'"),
                e.getMessage());
        assertThrows(NoSuchElementException.class, () -> quantity.set(r1 + 5, 1));
        assertThrows(NoSuchElementException.class, () -> orders.leftOf(r1 + 5));
        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class, () -> quantity.get(-4));
        assertTrue(iae.getMessage().contains("-4"), iae.getMessage());
        assertThrows(IllegalArgumentException.class, () -> orders.remove(-1));
        assertThrows(IllegalArgumentException.class, () -> orders.rightIdOf(-2));
        assertThrows(IllegalArgumentException.class, () -> orders.addByIds(-1, 0));
        assertThrows(NullPointerException.class, () -> orders.add(null, "mug"));
        assertThrows(NullPointerException.class, () -> orders.add("ann", "mug", (RowColumn.Value) null));
        AssociationTable<String, String> other = db.associationTable("returns", customers, products);
        RowColumn.OfInt otherQty = other.intColumn("quantity", 0);
        iae = assertThrows(IllegalArgumentException.class, () -> orders.add("zed", "mug", otherQty.value(1)));
        assertTrue(iae.getMessage().contains("orders"), iae.getMessage());
        assertFalse(customers.contains("zed"), "nothing added");
        @SuppressWarnings({"unchecked", "rawtypes"})
        RowColumn.OfObject<Object> raw = (RowColumn.OfObject) channel;
        assertThrows(ClassCastException.class, () -> raw.set(r1, 5));
        assertThrows(ClassCastException.class, () -> raw.value(5));
        assertThrows(IllegalArgumentException.class, () -> orders.intColumn("quantity", 0));
        assertThrows(IllegalArgumentException.class, () -> db.associationTable("orders", customers, products));
        assertThrows(IllegalArgumentException.class, () -> db.table("orders"));
        Transaction t = db.begin();
        assertThrows(IllegalStateException.class, () -> orders.longColumn("late", 0));
        t.rollback();
        assertEquals(1, orders.size());
        assertEquals(2, quantity.get(r1));
        assertEquals("web", channel.get(r1));
        assertEquals(1, orders.pairs().size());
    }

    @Test
    void listenersHearThePairsNotTheInternalParts() {
        List<String> heard = new ArrayList<>();
        db.addListener(new LambdaListener(
                (relation, left, right) -> heard.add("link " + relation.name() + " " + (relation == orders.pairs())),
                (relation, left, right) -> heard.add("unlink " + relation.name()),
                (table, id, entity) -> heard.add("add " + table.name() + " " + entity),
                (table, id, entity) -> heard.add("remove " + table.name() + " " + entity)));
        int r = orders.add("ann", "mug");
        orders.add("ann", "mug");
        orders.remove(r);
        orders.pairs().unlink("ann", "mug");
        assertEquals(List.of("add customers ann", "add products mug", "link orders true", "unlink orders"), heard);
    }

    /**
     * Seeded random operations (add rows with values, set values, delete rows, proxy links and unlinks, entity
     * deletes, transactions that commit or roll back) against a list of rows. After every step: the rows of
     * each entity, the distinct pairs from both sides (the two-way invariant), and every row's values agree.
     */
    @Test
    void randomOperationsAgainstAListOfRows() {
        RandomModelRuns.run("junction.rows", 3000, this::runRandom);
    }

    /** A row of the model. */
    record Row(int id, String customer, String product, int quantity) {
    }

    private void runRandom(long seed, int ops) {
        Random rnd = new Random(seed);
        List<Row> model = new ArrayList<>();
        RandomModelRuns.ModelTransaction<List<Row>> t = new RandomModelRuns.ModelTransaction<>(db, ArrayList::new);
        int n = 6;
        for (int step = 0; step < ops; step++) {
            String c = "c" + rnd.nextInt(n);
            String p = "p" + rnd.nextInt(n);
            int op = rnd.nextInt(100);
            if (op < 30) {
                int q = rnd.nextInt(50);
                int id = orders.add(c, p, quantity.value(q));
                model.add(new Row(id, c, p, q));
            } else if (op < 40 && !model.isEmpty()) {
                Row row = model.get(rnd.nextInt(model.size()));
                int q = rnd.nextInt(50);
                quantity.set(row.id(), q);
                model.set(model.indexOf(row), new Row(row.id(), row.customer(), row.product(), q));
            } else if (op < 55 && !model.isEmpty()) {
                Row row = model.remove(rnd.nextInt(model.size()));
                assertTrue(orders.remove(row.id()));
            } else if (op < 62) {
                boolean had = model.stream().anyMatch(x -> x.customer().equals(c) && x.product().equals(p));
                if (orders.pairs().link(c, p)) {
                    assertFalse(had);
                    int[] rs = orders.rowsOf(c, p);
                    assertEquals(1, rs.length);
                    model.add(new Row(rs[0], c, p, 1));
                } else {
                    assertTrue(had);
                }
            } else if (op < 68) {
                boolean had = model.removeIf(x -> x.customer().equals(c) && x.product().equals(p));
                assertEquals(had, orders.pairs().unlink(c, p));
            } else if (op < 71) {
                boolean had = customers.contains(c);
                assertEquals(had, customers.remove(c));
                model.removeIf(x -> x.customer().equals(c));
            } else if (op < 73) {
                products.remove(p);
                model.removeIf(x -> x.product().equals(p));
            } else if (op < 88) {
                model = t.beginOrEnd(op < 78, rnd, model);
            }
            check(model, n, step);
        }
        if (t.isOpen()) t.end(false, model);
    }

    private void check(List<Row> model, int n, int step) {
        assertEquals(model.size(), orders.size(), "step " + step + ": row count");
        for (Row row : model) {
            assertTrue(orders.contains(row.id()), "step " + step + ": row " + row);
            assertEquals(row.quantity(), quantity.get(row.id()), "step " + step + ": quantity of " + row);
            assertEquals(row.customer(), orders.leftOf(row.id()), "step " + step);
            assertEquals(row.product(), orders.rightOf(row.id()), "step " + step);
        }
        Set<String> pairs = new TreeSet<>();
        for (Row row : model) pairs.add(row.customer() + "|" + row.product());
        assertEquals(pairs.size(), orders.pairs().size(), "step " + step + ": distinct pairs");
        for (int i = 0; i < n; i++) {
            String c = "c" + i;
            String p = "p" + i;
            IntArrayList expected = new IntArrayList();
            model.stream().filter(x -> x.customer().equals(c)).mapToInt(Row::id).sorted().forEach(expected::add);
            assertArrayEquals(expected.toIntArray(), orders.rowsOfLeft(c).toIntArray(), "step " + step + ": rows of " + c);
            int[] ofP = model.stream().filter(x -> x.product().equals(p)).mapToInt(Row::id).sorted().toArray();
            assertArrayEquals(ofP, orders.rowsOfRight(p).toIntArray(), "step " + step + ": rows of " + p);
            for (int j = 0; j < n; j++) {
                String pj = "p" + j;
                boolean linked = pairs.contains(c + "|" + pj);
                assertEquals(linked, orders.pairs().rightsOf(c).contains(pj), "step " + step + ": " + c + "-" + pj);
                assertEquals(linked, orders.pairs().leftsOf(pj).contains(c), "step " + step + ": two-way " + c + "-" + pj);
            }
        }
        int[] all = model.stream().mapToInt(Row::id).toArray();
        Arrays.sort(all);
        assertEquals(model.stream().mapToLong(Row::quantity).sum(), quantity.sum(all), "step " + step + ": sum");
    }
}
