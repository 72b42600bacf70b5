package dev.junction.jmh;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.RowColumn;
import dev.junction.Table;
import dev.junction.Transaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the 396,681 order lines of the UCI "Online Retail" data (the library's {@code RetailOrders} example;
 * {@code data/README.md}) into an association table with four columns (invoice, quantity, unit price, time),
 * after the files were parsed and the customers and products added to their tables (the setup of each
 * invocation, not timed):
 * <ul>
 *   <li>{@code bulk}: one transaction of {@code addAllByIds} and one {@code setAll} per column, the bulk path;</li>
 *   <li>{@code perRow}: {@code addByIds} with the four values per row, committing every 5,000 rows, the path
 *       of code that adds rows as they come;</li>
 *   <li>{@code sqlite}: the peer, the same rows inserted into an in-memory SQLite table with an index on each
 *       end (what an ORM's association object maps to), as a prepared-statement batch in one transaction.</li>
 * </ul>
 * One shot per invocation, on a pre-touched heap.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xms4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class RetailLoadBench {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The order lines, column-wise. */
    private String[] customerKeys;
    private String[] productKeys;
    private String[] invoices;
    private int[] quantities;
    private double[] prices;
    private long[] times;

    private Junction db;
    private AssociationTable<String, String> lines;
    private RowColumn.OfObject<String> invoice;
    private RowColumn.OfInt quantity;
    private RowColumn.OfDouble unitPrice;
    private RowColumn.OfLong at;
    private int[] lefts;
    private int[] rights;
    private Connection sql;

    @Setup(Level.Trial)
    public void parse() {
        Map<String, String[]> customerOf = new HashMap<>(); // invoice -> {customer, timestamp}
        read("data/online_retail_customer_invoice.tsv.gz", f -> customerOf.put(f[1], new String[] {f[0], f[2]}));
        List<String[]> kept = new ArrayList<>();
        read("data/online_retail_invoice_product.tsv.gz", f -> {
            if (customerOf.containsKey(f[0])) kept.add(f); // a line without a customer has no row
        });
        int n = kept.size();
        customerKeys = new String[n];
        productKeys = new String[n];
        invoices = new String[n];
        quantities = new int[n];
        prices = new double[n];
        times = new long[n];
        for (int i = 0; i < n; i++) {
            String[] f = kept.get(i);
            String[] c = customerOf.get(f[0]);
            customerKeys[i] = c[0];
            productKeys[i] = f[1];
            invoices[i] = f[0];
            quantities[i] = Integer.parseInt(f[2]);
            prices[i] = Double.parseDouble(f[3]);
            times[i] = LocalDateTime.parse(c[1], TIMESTAMP).toEpochSecond(ZoneOffset.UTC);
        }
    }

    /** A fresh engine with every customer and product added, and the ends of each line as ids. */
    @Setup(Level.Invocation)
    public void freshEngine() throws SQLException {
        db = Junction.create();
        Table<String> customers = db.table("customer");
        Table<String> products = db.table("product");
        lines = db.associationTable("order_line", customers, products);
        invoice = lines.objectColumn("invoice", String.class, null);
        quantity = lines.intColumn("quantity", 1);
        unitPrice = lines.doubleColumn("unit_price", 0.0);
        at = lines.longColumn("at", 0L);
        int n = customerKeys.length;
        lefts = new int[n];
        rights = new int[n];
        db.inTransaction(() -> {
            for (int i = 0; i < n; i++) {
                lefts[i] = customers.add(customerKeys[i]);
                rights[i] = products.add(productKeys[i]);
            }
        });
        if (sql != null) sql.close();
        sql = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = sql.createStatement()) {
            s.execute("CREATE TABLE order_line (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL, "
                    + "product INTEGER NOT NULL, invoice TEXT, quantity INTEGER, unit_price REAL, at INTEGER)");
            s.execute("CREATE INDEX order_line_customer ON order_line (customer)");
            s.execute("CREATE INDEX order_line_product ON order_line (product)");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        if (sql != null) sql.close();
    }

    @Benchmark
    public int bulk() {
        return db.inTransaction(() -> {
            int[] rows = lines.addAllByIds(lefts, rights);
            invoice.setAll(rows, invoices);
            quantity.setAll(rows, quantities);
            unitPrice.setAll(rows, prices);
            at.setAll(rows, times);
            return rows.length;
        });
    }

    @Benchmark
    public int perRow() {
        Transaction t = db.begin();
        for (int i = 0; i < lefts.length; i++) {
            lines.addByIds(lefts[i], rights[i], invoice.value(invoices[i]), quantity.value(quantities[i]),
                    unitPrice.value(prices[i]), at.value(times[i]));
            if ((i + 1) % 5_000 == 0) {
                t.commit();
                t = db.begin();
            }
        }
        t.commit();
        return lines.size();
    }

    @Benchmark
    public int sqlite() throws SQLException {
        sql.setAutoCommit(false);
        try (PreparedStatement p = sql.prepareStatement("INSERT INTO order_line "
                + "(customer, product, invoice, quantity, unit_price, at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < lefts.length; i++) {
                p.setInt(1, lefts[i]);
                p.setInt(2, rights[i]);
                p.setString(3, invoices[i]);
                p.setInt(4, quantities[i]);
                p.setDouble(5, prices[i]);
                p.setLong(6, times[i]);
                p.addBatch();
                if ((i + 1) % 5_000 == 0) p.executeBatch();
            }
            p.executeBatch();
        }
        sql.commit();
        return lefts.length;
    }

    private static void read(String resource, Consumer<String[]> row) {
        InputStream raw = RetailLoadBench.class.getClassLoader().getResourceAsStream(resource);
        if (raw == null) {
            throw new IllegalStateException("resource " + resource + " not on the classpath (jmh/data/ is packed"
                    + " into the jar by the build)");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw, 1 << 16),
                StandardCharsets.UTF_8))) {
            r.readLine(); // header
            for (String line = r.readLine(); line != null; line = r.readLine()) row.accept(line.split("\t", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
