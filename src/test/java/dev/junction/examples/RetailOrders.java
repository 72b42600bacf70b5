package dev.junction.examples;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.Table;
import dev.junction.Transaction;
import it.unimi.dsi.fastutil.doubles.DoubleArrayList;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Orders between customers and products, on the real UCI "Online Retail" data (see
 * {@code src/test/resources/retail/README.md} for its source and licence): SQLAlchemy's
 * Users–Orders–Products pattern with both kinds of association object.
 *
 * <ul>
 *   <li>{@link #lines}: an association table with row identity, one row per invoice line, joining a customer
 *       and a product, with its own columns (invoice, quantity, unit price, timestamp): a customer orders the
 *       same product on many invoices. {@code lines.rowsOfLeft(customer)} is {@code customer.order_lines};
 *       {@code lines.pairs()} the distinct products of a customer ({@code customer.products}).</li>
 *   <li>{@link #bought}: the customer–product summary as a plain relation with columns on its links (number of
 *       orders, total quantity, first and last purchase day), the shape of an association table keyed by the
 *       pair.</li>
 * </ul>
 *
 * Run with {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.junction.examples.RetailOrders}.
 */
public final class RetailOrders {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    final Junction db = Junction.create();
    final Table<String> customers = db.table("customer");
    final Table<String> products = db.table("product");
    /** Stock code to description. */
    final Map<String, String> descriptions = new HashMap<>();

    final AssociationTable<String, String> lines = db.associationTable("order_line", customers, products);
    final RowColumn.OfObject<String> invoice = lines.objectColumn("invoice", String.class, null);
    final RowColumn.OfInt quantity = lines.intColumn("quantity", 1);
    final RowColumn.OfDouble unitPrice = lines.doubleColumn("unit_price", 0.0);
    final RowColumn.OfLong at = lines.longColumn("at", 0L); // epoch seconds

    final Relation<String, String> bought = db.relation("bought", customers, products);
    final LinkColumn.OfInt<String, String> orders = bought.intColumn("orders", 0);
    final LinkColumn.OfInt<String, String> totalQuantity = bought.intColumn("quantity", 0);
    final LinkColumn.OfLong<String, String> firstDay = bought.longColumn("first_day", 0L); // epoch day
    final LinkColumn.OfLong<String, String> lastDay = bought.longColumn("last_day", 0L);

    /** Loads the four files from the test resources, a few thousand rows per transaction. */
    static RetailOrders load() {
        RetailOrders r = new RetailOrders();
        r.loadAll();
        return r;
    }

    private void loadAll() {
        Map<String, String[]> invoices = new HashMap<>(); // invoice -> {customer, timestamp}
        read("online_retail_products.tsv.gz", f -> descriptions.put(f[0], f[1]));
        read("online_retail_customer_invoice.tsv.gz", f -> invoices.put(f[1], new String[] {f[0], f[2]}));
        loadLines(invoices);
        batched("online_retail_customer_product.tsv.gz", f -> bought.link(f[0], f[1],
                orders.value(Integer.parseInt(f[2])), totalQuantity.value(Integer.parseInt(f[3])),
                firstDay.value(LocalDate.parse(f[4]).toEpochDay()), lastDay.value(LocalDate.parse(f[5]).toEpochDay())));
    }

    /**
     * The order lines, through the bulk path of association tables: the file parsed into columns first, then,
     * in one transaction, the customers and products added, one {@code addAllByIds} and one {@code setAll} per
     * column: O(n log n), no per-row log of links or values.
     */
    private void loadLines(Map<String, String[]> invoices) {
        List<String> customerKeys = new ArrayList<>();
        List<String> productKeys = new ArrayList<>();
        List<String> invoiceNos = new ArrayList<>();
        IntArrayList quantities = new IntArrayList();
        DoubleArrayList prices = new DoubleArrayList();
        LongArrayList times = new LongArrayList();
        Map<String, Long> seconds = new HashMap<>(); // an invoice's timestamp, parsed once
        read("online_retail_invoice_product.tsv.gz", f -> {
            String[] c = invoices.get(f[0]);
            if (c == null) {
                return; // a line without a customer: no row to hang it on
            }
            customerKeys.add(c[0]);
            productKeys.add(f[1]);
            invoiceNos.add(f[0]);
            quantities.add(Integer.parseInt(f[2]));
            prices.add(Double.parseDouble(f[3]));
            times.add(seconds.computeIfAbsent(f[0], k -> LocalDateTime.parse(c[1], TIMESTAMP).toEpochSecond(ZoneOffset.UTC)));
        });
        db.inTransaction(() -> {
            int n = customerKeys.size();
            int[] ls = new int[n];
            int[] rs = new int[n];
            for (int i = 0; i < n; i++) {
                ls[i] = customers.add(customerKeys.get(i));
                rs[i] = products.add(productKeys.get(i));
            }
            int[] rows = lines.addAllByIds(ls, rs);
            invoice.setAll(rows, invoiceNos.toArray(new String[0]));
            quantity.setAll(rows, quantities.toIntArray());
            unitPrice.setAll(rows, prices.toDoubleArray());
            at.setAll(rows, times.toLongArray());
        });
    }

    /** Applies {@code row} to every line of a file, committing every 5,000 lines. */
    private void batched(String file, Consumer<String[]> row) {
        Transaction[] t = {db.begin()};
        int[] n = {0};
        read(file, f -> {
            row.accept(f);
            if (++n[0] % 5_000 == 0) {
                t[0].commit();
                t[0] = db.begin();
            }
        });
        t[0].commit();
    }

    /** Calls {@code row} with the fields of every line of a gzipped TSV resource after its header. */
    static void read(String file, Consumer<String[]> row) {
        String path = "/retail/" + file;
        try (InputStream in = RetailOrders.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16),
                    StandardCharsets.UTF_8));
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                row.accept(line.split("\t", -1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** A product and an amount, for printing. */
    record Ranked(String product, long amount) {
    }

    /**
     * A customer's products by total quantity over their order lines (sales only: not cancellations, quantity
     * above zero), largest first, ties by stock code; the first {@code limit}.
     */
    List<Ranked> productsByQuantity(String customer, int limit) {
        return db.read(() -> { // one consistent state for the rows and their values
            int[] rows = lines.rowsOfLeft(customer).toIntArray();
            int[] sales = quantity.filter(rows, q -> q > 0);
            Int2LongOpenHashMap byProduct = new Int2LongOpenHashMap();
            for (int row : sales) {
                if (!invoice.get(row).startsWith("C")) {
                    byProduct.addTo(lines.rightIdOf(row), quantity.get(row));
                }
            }
            List<Ranked> out = new ArrayList<>();
            byProduct.int2LongEntrySet().forEach(e -> out.add(new Ranked(products.get(e.getIntKey()), e.getLongValue())));
            out.sort((a, b) -> a.amount() != b.amount() ? Long.compare(b.amount(), a.amount())
                    : a.product().compareTo(b.product()));
            return out.subList(0, Math.min(limit, out.size()));
        });
    }

    /** A customer's largest order lines by quantity, ties in row order: the top products of their orders. */
    int[] largestLines(String customer, int limit) {
        return db.read(() -> {
            int[] sorted = quantity.sort(lines.rowsOfLeft(customer).toIntArray(), true);
            return java.util.Arrays.copyOf(sorted, Math.min(limit, sorted.length));
        });
    }

    private String describe(String product) {
        return product + " " + descriptions.getOrDefault(product, "");
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        RetailOrders r = load();
        System.out.printf("loaded %,d order lines (%,d customer-product pairs) and %,d summary links in %.1f s%n",
                r.lines.size(), r.lines.pairs().size(), r.bought.size(), (System.nanoTime() - t0) / 1e9);

        String customer = "14911";
        System.out.println();
        System.out.println("customer " + customer + ": " + r.lines.rowsOfLeft(customer).size() + " order lines, "
                + r.lines.pairs().rightsOf(customer).size() + " distinct products; top 5 by total quantity:");
        for (Ranked p : r.productsByQuantity(customer, 5)) {
            System.out.printf("  %6d  %s%n", p.amount(), r.describe(p.product()));
        }

        String product = "85123A";
        System.out.println();
        System.out.println("product " + r.describe(product) + ": bought by "
                + r.lines.pairs().leftsOf(product).size() + " customers; the 5 who bought it most recently:");
        for (String c : r.lastDay.leftsOrdered(product, true).subList(0, 5)) {
            System.out.printf("  customer %s  last %s  first %s  %d orders%n", c,
                    LocalDate.ofEpochDay(r.lastDay.get(c, product)), LocalDate.ofEpochDay(r.firstDay.get(c, product)),
                    r.orders.get(c, product));
        }

        String small = "12347";
        System.out.println();
        System.out.println("customer " + small + ": the 5 largest order lines");
        for (int row : r.largestLines(small, 5)) {
            System.out.printf("  %5d x %-45s invoice %s  %s  at %.2f%n", r.quantity.get(row),
                    r.describe(r.lines.rightOf(row)), r.invoice.get(row),
                    LocalDateTime.ofEpochSecond(r.at.get(row), 0, ZoneOffset.UTC).toLocalDate(), r.unitPrice.get(row));
        }
        long cutoff = LocalDate.parse("2011-10-01").toEpochDay();
        System.out.println("customer " + small + ": products bought since 2011-10-01, newest first: "
                + r.lastDay.rightsOrdered(small, true).stream()
                .filter(p -> r.lastDay.get(small, p) >= cutoff).limit(8).toList() + " ...");

        System.out.println();
        System.out.println("in a transaction: the association proxy, then deleting a customer, then rollback");
        try (Transaction t = r.db.begin()) {
            Set<String> products = r.lines.pairs().rightsOf(small); // customer.products, the association proxy
            boolean added = products.add(product); // a product they never bought: a new line, default values
            int[] rows = r.lines.rowsOf(small, product);
            System.out.println("  " + small + ".products.add(" + product + "): " + added + ", " + rows.length
                    + " new line with quantity " + r.quantity.get(rows[0]));
            r.customers.remove(small); // cascade: the customer's lines go, and with them its pairs
            System.out.println("  after deleting customer " + small + ": " + r.lines.rowsOfLeft(small).size()
                    + " lines; among the customers of " + product + ": "
                    + r.lines.pairs().leftsOf(product).contains(small));
        } // rolled back
        System.out.println("  after rollback: " + r.lines.rowsOfLeft(small).size() + " lines of " + small);
    }
}
