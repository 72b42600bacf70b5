package dev.junction.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Transaction;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retail example against the data itself: the answers Junction gives are recomputed here from the raw
 * files with plain collections, and the order lines, joined and aggregated through Junction, must reproduce
 * the customer–product summary file exactly (the join the data's README describes).
 */
class RetailOrdersTest {

    static RetailOrders r;
    /** Raw order lines that have a customer: {customer, product, invoice, quantity}. */
    static List<String[]> raw = new ArrayList<>();

    @BeforeAll
    static void load() {
        r = RetailOrders.load();
        Map<String, String> customerOf = new HashMap<>();
        RetailOrders.read("online_retail_customer_invoice.tsv.gz", f -> customerOf.put(f[1], f[0]));
        RetailOrders.read("online_retail_invoice_product.tsv.gz", f -> {
            String c = customerOf.get(f[0]);
            if (c != null) raw.add(new String[] {c, f[1], f[0], f[2]});
        });
    }

    @Test
    void everyLineWithACustomerIsARowAndThePairsAreTheDistinctPairs() {
        assertEquals(raw.size(), r.lines.size());
        Set<String> pairs = new HashSet<>();
        for (String[] l : raw) pairs.add(l[0] + "|" + l[1]);
        assertEquals(pairs.size(), r.lines.pairs().size());
        // the two-way invariant over every pair, and the rows agree with the pairs
        long seen = 0;
        for (String c : r.customers) {
            for (String p : r.lines.pairs().rightsOf(c)) {
                assertTrue(r.lines.pairs().leftsOf(p).contains(c), c + " -> " + p);
                assertTrue(pairs.contains(c + "|" + p), c + " -> " + p + " is not in the data");
                assertTrue(r.lines.rowsOf(c, p).length > 0, c + " -> " + p + " has no row");
                seen++;
            }
        }
        assertEquals(pairs.size(), seen);
    }

    /** Customers → order lines → products, aggregated through Junction, equals the summary file pair by pair. */
    @Test
    void orderLinesAggregatedThroughJunctionReproduceTheSummaryExactly() {
        long checked = 0;
        for (String c : r.customers) {
            Int2IntOpenHashMap quantity = new Int2IntOpenHashMap();
            Map<Integer, Set<String>> invoices = new HashMap<>();
            for (int row : r.lines.rowsOfLeft(c).toIntArray()) {
                String inv = r.invoice.get(row);
                int q = r.quantity.get(row);
                if (inv.startsWith("C") || q <= 0) continue;
                int p = r.lines.rightIdOf(row);
                quantity.addTo(p, q);
                invoices.computeIfAbsent(p, k -> new HashSet<>()).add(inv);
            }
            Set<String> bought = r.bought.rightsOf(c);
            assertEquals(quantity.size(), bought.size(), "products of " + c);
            for (String p : bought) {
                int id = r.products.idOf(p);
                assertEquals(r.totalQuantity.get(c, p), quantity.get(id), c + " -> " + p + " quantity");
                assertEquals(r.orders.get(c, p), invoices.get(id).size(), c + " -> " + p + " orders");
                assertTrue(r.firstDay.get(c, p) <= r.lastDay.get(c, p), c + " -> " + p + " dates");
                checked++;
            }
        }
        assertEquals(r.bought.size(), checked);
        assertEquals(266_802, checked, "the summary file's pair count (see the data README)");
    }

    @Test
    void topProductsByQuantityMatchTheRawLines() {
        for (String customer : List.of("14911", "12347", "17841")) {
            Map<String, Long> sums = new HashMap<>();
            for (String[] l : raw) {
                if (l[0].equals(customer) && !l[2].startsWith("C") && Integer.parseInt(l[3]) > 0) {
                    sums.merge(l[1], Long.parseLong(l[3]), Long::sum);
                }
            }
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(sums.entrySet());
            sorted.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Long.compare(b.getValue(), a.getValue())
                    : a.getKey().compareTo(b.getKey()));
            List<RetailOrders.Ranked> top = r.productsByQuantity(customer, 5);
            assertEquals(5, top.size());
            for (int i = 0; i < 5; i++) {
                assertEquals(sorted.get(i).getKey(), top.get(i).product(), customer + " rank " + i);
                assertEquals(sorted.get(i).getValue(), top.get(i).amount(), customer + " rank " + i);
            }
        }
    }

    @Test
    void largestLinesAreTheCustomersLinesByQuantity() {
        int[] top = r.largestLines("12347", 5);
        List<Integer> all = new ArrayList<>();
        for (String[] l : raw) if (l[0].equals("12347")) all.add(Integer.parseInt(l[3]));
        all.sort((a, b) -> b - a);
        for (int i = 0; i < top.length; i++) {
            assertEquals(all.get(i), r.quantity.get(top[i]), "rank " + i);
            assertEquals("12347", r.lines.leftOf(top[i]));
        }
    }

    @Test
    void aProductsCustomersAreThoseWithALineOfIt() {
        Set<String> expected = new HashSet<>();
        for (String[] l : raw) if (l[1].equals("85123A")) expected.add(l[0]);
        assertEquals(expected, new HashSet<>(r.lines.pairs().leftsOf("85123A")));
        List<String> recent = r.lastDay.leftsOrdered("85123A", true);
        for (int i = 1; i < recent.size(); i++) {
            assertTrue(r.lastDay.get(recent.get(i - 1), "85123A") >= r.lastDay.get(recent.get(i), "85123A"));
        }
    }

    @Test
    void deletingACustomerInATransactionAndRollingBackRestoresEverything() {
        int rowsBefore = r.lines.size();
        int linesOf = r.lines.rowsOfLeft("12347").size();
        IntOpenHashSet before = new IntOpenHashSet(r.lines.rowsOfLeft("12347").toIntArray());
        try (Transaction t = r.db.begin()) {
            assertTrue(r.lines.pairs().rightsOf("12347").add("NEW-PRODUCT"));
            assertTrue(r.customers.remove("12347"));
            assertEquals(rowsBefore - linesOf, r.lines.size());
            assertFalse(r.lines.pairs().leftsOf("85123A").contains("12347"));
        }
        assertEquals(rowsBefore, r.lines.size());
        assertEquals(before, new IntOpenHashSet(r.lines.rowsOfLeft("12347").toIntArray()));
        assertFalse(r.products.contains("NEW-PRODUCT"));
    }
}
