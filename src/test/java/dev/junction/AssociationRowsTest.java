package dev.junction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of an association table as a whole: {@link AssociationTable#rows()}, {@link AssociationTable#rowsWhere}
 * (against filtering a reference copy, seeded) and {@link AssociationTable#row} snapshots; and orders between
 * customers and products whose ids are never reused, so a new order never takes a deleted order's id.
 *
 * <p>{@code -Djunction.fuzz.seed=S} replays a seed.
 */
class AssociationRowsTest {

    @TempDir
    Path dir;

    static final class Shop {
        final Junction db = Junction.create();
        final Table<String> customers = db.table("customers");
        final Table<String> products = db.table("products");
        final AssociationTable<String, String> orders;
        final RowColumn.OfInt quantity;
        final RowColumn.OfLong at;
        final RowColumn.OfDouble price;
        final RowColumn.OfBoolean gift;
        final RowColumn.OfObject<String> status;

        Shop(IdPolicy ids) {
            orders = db.associationTable("orders", customers, products, ids);
            quantity = orders.intColumn("quantity", 1);
            at = orders.longColumn("at", 0);
            price = orders.doubleColumn("price", 0.0);
            gift = orders.booleanColumn("gift", false);
            status = orders.objectColumn("status", String.class, "open");
        }
    }

    @Test
    void aNewOrderNeverTakesADeletedOrdersIdUnderNeverReuse() throws Exception {
        Shop shop = new Shop(IdPolicy.NEVER_REUSE);
        int first = shop.orders.add("ann", "tea", shop.quantity.value(2));
        int second = shop.orders.add("ben", "tea");
        int third = shop.orders.add("ann", "cake");
        assertTrue(shop.orders.remove(second));
        int fourth = shop.orders.add("cid", "tea");
        assertEquals(3, fourth, "not the deleted order's id 1");
        shop.customers.remove("ann"); // deletes orders 0 and 2 by cascade
        int fifth = shop.orders.add("ann", "tea");
        assertEquals(4, fifth);
        try (Transaction tx = shop.db.begin()) {
            shop.orders.remove(fifth);
            assertEquals(5, shop.orders.add("dan", "cake"), "not the id deleted in this transaction either");
            tx.commit();
        }
        assertArrayEquals(new int[] {fourth, 5}, shop.orders.rows(), "row id order is creation order");
        assertTrue(first < second && second < third);

        Path file = dir.resolve("shop.snap");
        shop.db.save(file);
        Shop back = new Shop(IdPolicy.NEVER_REUSE);
        back.db.load(file);
        assertEquals(IdPolicy.NEVER_REUSE, back.orders.rowIdPolicy());
        assertArrayEquals(shop.orders.rows(), back.orders.rows());
        assertEquals(6, back.orders.add("eve", "tea"), "after a reload too");

        assertEquals(List.of("cake"), back.orders.pairs().rightsOf("dan").lastPage(5), "the pairs page like a relation");
        assertEquals(List.of("cid", "eve"), back.orders.pairs().leftsOf("tea").pageAfter("ann", 5));
        assertEquals(List.of("eve"), back.orders.pairs().leftsOf("tea").lastPage(1));

        Shop reusing = new Shop(IdPolicy.REUSE_FREED); // the default, for contrast
        reusing.orders.add("ann", "tea");
        int doomed = reusing.orders.add("ben", "tea");
        reusing.orders.remove(doomed);
        assertEquals(doomed, reusing.orders.add("cid", "tea"), "the default reuses the deleted order's id");
    }

    @Test
    void rowsWhereMatchesFilteringACopyForEveryColumnType() {
        long seed = Long.getLong("junction.fuzz.seed", 1905L);
        Random rnd = new Random(seed);
        Shop shop = new Shop(IdPolicy.NEVER_REUSE);
        TreeMap<Integer, Map<String, Object>> model = new TreeMap<>();
        double[] prices = {0.0, -0.0, 1.5, Double.NaN};
        try {
            for (int step = 0; step < 600; step++) {
                int op = rnd.nextInt(10);
                if (op < 5 || model.isEmpty()) {
                    Map<String, Object> v = new HashMap<>();
                    v.put("quantity", 1 + rnd.nextInt(3));
                    v.put("at", (long) rnd.nextInt(3) - 1);
                    v.put("price", prices[rnd.nextInt(prices.length)]);
                    v.put("gift", rnd.nextBoolean());
                    v.put("status", rnd.nextInt(3) == 0 ? null : rnd.nextBoolean() ? "open" : "shipped");
                    int row = shop.orders.add("c" + rnd.nextInt(10), "p" + rnd.nextInt(10),
                            shop.quantity.value((Integer) v.get("quantity")), shop.at.value((Long) v.get("at")),
                            shop.price.value((Double) v.get("price")), shop.gift.value((Boolean) v.get("gift")),
                            shop.status.value((String) v.get("status")));
                    model.put(row, v);
                } else if (op < 7) {
                    int row = List.copyOf(model.keySet()).get(rnd.nextInt(model.size()));
                    shop.orders.remove(row);
                    model.remove(row);
                } else if (op < 8) {
                    int row = List.copyOf(model.keySet()).get(rnd.nextInt(model.size()));
                    int q = 1 + rnd.nextInt(3);
                    shop.quantity.set(row, q);
                    model.get(row).put("quantity", q);
                } else {
                    String customer = "c" + rnd.nextInt(10);
                    shop.customers.remove(customer); // its orders go by cascade
                    model.keySet().removeIf(row -> !shop.orders.contains(row));
                }
            }
            assertArrayEquals(model.keySet().stream().mapToInt(Integer::intValue).toArray(), shop.orders.rows());
            for (RowColumn.Value value : List.of(shop.quantity.value(2), shop.at.value(-1), shop.at.value(0),
                    shop.price.value(0.0), shop.price.value(-0.0), shop.price.value(Double.NaN),
                    shop.gift.value(true), shop.status.value(null), shop.status.value("shipped"))) {
                String column = value.column().name();
                int[] expected = model.entrySet().stream()
                        .filter(e -> Objects.equals(e.getValue().get(column), valueOf(value)))
                        .mapToInt(Map.Entry::getKey).toArray();
                assertArrayEquals(expected, shop.orders.rowsWhere(value), column + " = " + valueOf(value));
            }
            for (int row : shop.orders.rows()) { // every row read back whole
                AssociationTable.Row<String, String> r = shop.orders.row(row);
                assertEquals(model.get(row), new HashMap<>(r.values()), "row " + row);
                assertEquals(shop.orders.leftOf(row), r.left());
                assertEquals(shop.orders.rightOf(row), r.right());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + seed + " (replay: -Djunction.fuzz.seed=" + seed + "): " + e, e);
        }
    }

    /** The value a {@code column.value(v)} holds, boxed, read back through a fresh row. */
    private static Object valueOf(RowColumn.Value value) {
        RowColumns.ValueImpl v = (RowColumns.ValueImpl) value;
        return v.column().isObject() ? v.object() : v.column().boxed(v.bits());
    }

    @Test
    void aRowIsASnapshotWithTypedValues() {
        Shop shop = new Shop(IdPolicy.REUSE_FREED);
        int row = shop.orders.add("ann", "tea", shop.quantity.value(3), shop.price.value(2.5),
                shop.status.value("shipped"));
        AssociationTable.Row<String, String> r = shop.orders.row(row);
        assertEquals(row, r.id());
        assertEquals("ann", r.left());
        assertEquals("tea", r.right());
        assertEquals(3, r.get(shop.quantity));
        assertEquals(0L, r.get(shop.at));
        assertEquals(2.5, r.get(shop.price));
        assertEquals(false, r.get(shop.gift));
        assertEquals("shipped", r.get(shop.status));
        assertEquals(List.of("quantity", "at", "price", "gift", "status"), List.copyOf(r.values().keySet()));
        assertEquals("orders row 0: ann -> tea {quantity=3, at=0, price=2.5, gift=false, status=shipped}", r.toString());
        shop.quantity.set(row, 9);
        shop.status.set(row, null);
        assertEquals(3, r.get(shop.quantity), "a snapshot: later changes do not show");
        assertNull(shop.orders.row(row).get(shop.status));
        assertNotEquals(r, shop.orders.row(row));
        assertThrows(UnsupportedOperationException.class, () -> r.values().put("quantity", 1));

        try (Transaction tx = shop.db.begin()) { // the transaction's own state
            shop.quantity.set(row, 4);
            int added = shop.orders.add("ben", "cake", shop.quantity.value(4));
            assertEquals(4, shop.orders.row(added).get(shop.quantity));
            assertArrayEquals(new int[] {row, added}, shop.orders.rowsWhere(shop.quantity.value(4)));
            assertArrayEquals(new int[] {row, added}, shop.orders.rows());
            tx.rollback();
        }
        assertArrayEquals(new int[] {row}, shop.orders.rows());
        assertArrayEquals(new int[0], shop.orders.rowsWhere(shop.quantity.value(4)));
    }

    @Test
    void badRowArgumentsSayWhatIsWrong() {
        Shop shop = new Shop(IdPolicy.REUSE_FREED);
        int row = shop.orders.add("ann", "tea");
        AssociationTable.Row<String, String> r = shop.orders.row(row);
        NoSuchElementException none = assertThrows(NoSuchElementException.class, () -> shop.orders.row(7));
        assertTrue(none.getMessage().contains("'orders'") && none.getMessage().contains("7"), none.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> shop.orders.row(-1));
        assertTrue(negative.getMessage().contains("'orders'") && negative.getMessage().contains("-1"));
        assertThrows(NullPointerException.class, () -> shop.orders.rowsWhere(null));

        Shop other = new Shop(IdPolicy.REUSE_FREED);
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> shop.orders.rowsWhere(other.quantity.value(1)));
        assertTrue(foreign.getMessage().contains("'orders'") && foreign.getMessage().contains("quantity"),
                foreign.getMessage());
        IllegalArgumentException foreignColumn = assertThrows(IllegalArgumentException.class,
                () -> r.get(other.quantity));
        assertTrue(foreignColumn.getMessage().contains("quantity"), foreignColumn.getMessage());
        RowColumn.OfInt later = shop.orders.intColumn("later", 5);
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> r.get(later));
        assertTrue(late.getMessage().contains("'later'") && late.getMessage().contains("declared after"),
                late.getMessage());
        assertEquals(5, shop.orders.row(row).get(later), "a row read now has it");
        assertThrows(NullPointerException.class, () -> r.value(null));
    }
}
