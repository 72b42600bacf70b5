package dev.junction.jmh;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.Transaction;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained memory of link columns and association rows, measured with JOL ({@code GraphLayout.totalSize()} of
 * the engine, which reaches every table, relation and column store), on a workload's links:
 *
 * <ol>
 *   <li>the engine with the relation only (two {@code LongTable}s and the relation);</li>
 *   <li>the same after declaring a {@code long} and an {@code int} column and setting both on every link: the
 *       difference is what the columns cost per link;</li>
 *   <li>an engine with an association table holding one row per link, with a {@code long} and an {@code int}
 *       column set on every row (rows, the three internal relations and the values), per row, added row by row in
 *       transactions of 50,000;</li>
 *   <li>the same rows through the bulk path ({@code addAllByIds} and {@code setAll} in one transaction).</li>
 * </ol>
 *
 * <p>Usage: {@code java -Xmx8g -cp benchmarks.jar dev.junction.jmh.ColumnMemory [workload]} (default
 * {@code zipf-1m}). Prints one {@code MEM} line per measurement, like {@link MemoryHarness}.
 */
public final class ColumnMemory {

    private ColumnMemory() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "zipf-1m";
        Workload w = Workload.get(spec);
        int n = w.size();

        Junction db = Junction.create();
        LongTable lefts = db.longTable("left");
        LongTable rights = db.longTable("right");
        for (int i = 0; i < w.numLefts; i++) lefts.add(i);
        for (int i = 0; i < w.numRights; i++) rights.add(i);
        Relation<Long, Long> rel = db.relation("rel", lefts, rights);
        rel.ints().linkAll(w.lefts, w.rights);
        long plain = GraphLayout.parseInstance(db).totalSize();
        print(spec, "relation, no columns", plain, n);

        LinkColumn.OfLong<Long, Long> when = rel.longColumn("when", 0L);
        LinkColumn.OfInt<Long, Long> qty = rel.intColumn("qty", 0);
        for (int i = 0; i < n; i++) {
            when.setByIds(w.lefts[i], w.rights[i], i + 1L);
            qty.setByIds(w.lefts[i], w.rights[i], i + 1);
        }
        long withColumns = GraphLayout.parseInstance(db).totalSize();
        print(spec, "relation + long,int columns", withColumns, n);
        print(spec, "long,int link columns alone", withColumns - plain, n);

        Junction db2 = Junction.create();
        LongTable l2 = db2.longTable("left");
        LongTable r2 = db2.longTable("right");
        for (int i = 0; i < w.numLefts; i++) l2.add(i);
        for (int i = 0; i < w.numRights; i++) r2.add(i);
        AssociationTable<Long, Long> rows = db2.associationTable("rows", l2, r2);
        RowColumn.OfLong at = rows.longColumn("at", 0L);
        RowColumn.OfInt quantity = rows.intColumn("quantity", 0);
        long empty = GraphLayout.parseInstance(db2).totalSize();
        Transaction t = db2.begin();
        for (int i = 0; i < n; i++) {
            rows.addByIds(w.lefts[i], w.rights[i], at.value(i + 1L), quantity.value(i + 1));
            if ((i + 1) % 50_000 == 0) {
                t.commit();
                t = db2.begin();
            }
        }
        t.commit();
        long withRows = GraphLayout.parseInstance(db2).totalSize();
        print(spec, "association rows + long,int columns", withRows - empty, n);

        Junction db3 = Junction.create(); // the same rows through the bulk path, into the empty table
        LongTable l3 = db3.longTable("left");
        LongTable r3 = db3.longTable("right");
        for (int i = 0; i < w.numLefts; i++) l3.add(i);
        for (int i = 0; i < w.numRights; i++) r3.add(i);
        AssociationTable<Long, Long> bulkRows = db3.associationTable("rows", l3, r3);
        RowColumn.OfLong bulkAt = bulkRows.longColumn("at", 0L);
        RowColumn.OfInt bulkQuantity = bulkRows.intColumn("quantity", 0);
        long empty3 = GraphLayout.parseInstance(db3).totalSize();
        long[] ats = new long[n];
        int[] quantities = new int[n];
        for (int i = 0; i < n; i++) {
            ats[i] = i + 1L;
            quantities[i] = i + 1;
        }
        db3.inTransaction(() -> {
            int[] ids = bulkRows.addAllByIds(w.lefts, w.rights);
            bulkAt.setAll(ids, ats);
            bulkQuantity.setAll(ids, quantities);
        });
        long withBulkRows = GraphLayout.parseInstance(db3).totalSize();
        print(spec, "association rows + long,int columns, bulk add", withBulkRows - empty3, n);
    }

    private static void print(String spec, String what, long bytes, int n) {
        System.out.printf(Locale.ROOT, "MEM\t%s\t%s\t%d\t%d\t%.2f\tJOL totalSize%n", spec, what, bytes, n,
                (double) bytes / n);
    }
}
