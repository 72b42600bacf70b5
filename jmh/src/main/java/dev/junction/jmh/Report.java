package dev.junction.jmh;

import dev.junction.jmh.BenchMain.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats results: the Markdown/plain text table and a self-contained SVG bar chart of ratios to Junction. */
final class Report {

    private static final Map<String, String> COLORS = Map.of("junction", "#1b7837", "junction-iter", "#5aae61",
            "junction-typed", "#a6dba0",
            "csr", "#762a83", "fastutil", "#2166ac", "guava", "#e08214", "jgrapht", "#b35806", "sqlite", "#b2182b",
            "h2", "#d6604d");

    private Report() {
    }

    private static Row find(List<Row> rows, String workload, String op, String impl) {
        for (Row r : rows) {
            if (r.workload().equals(workload) && r.op().equals(op) && r.impl().equals(impl)) {
                return r;
            }
        }
        return null;
    }

    /** Ratio of a row's score to Junction's for the same workload and op, NaN if there is no Junction row. */
    static double ratio(List<Row> rows, Row row) {
        Row base = find(rows, row.workload(), row.op(), "junction");
        return base == null ? Double.NaN : row.score() / base.score();
    }

    /**
     * The engine rows ({@link EngineBench}): each operation with its score, allocation, and its ratio to the
     * operation it is compared with ({@code pairs}: name, reference or null), measured in the same run.
     */
    static String engineTable(List<Row> rows, List<String[]> pairs) {
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "### What application code touches (EngineBench, %s)%n%n",
                rows.get(0).workload()));
        sb.append(String.format(Locale.ROOT, "| %-18s | %14s | %10s | %10s | %-28s |%n", "operation", "score",
                "± error", "alloc B/op", "vs"));
        sb.append("|--------------------|---------------:|-----------:|-----------:|------------------------------|\n");
        for (String[] pair : pairs) {
            Row r = find(rows, rows.get(0).workload(), pair[0], "engine");
            if (r == null) {
                continue;
            }
            Row ref = pair[1] == null ? null : find(rows, r.workload(), pair[1], "engine");
            String vs = ref == null ? "" : String.format(Locale.ROOT, "%.2f× %s", r.score() / ref.score(), pair[1]);
            sb.append(String.format(Locale.ROOT, "| %-18s | %14s | %10s | %10s | %-28s |%n", r.op(),
                    BenchMain.fmt(r.score()) + " " + r.unit().replace("/op", ""), BenchMain.fmt(r.error()),
                    Double.isNaN(r.allocNorm()) ? "" : BenchMain.fmt(r.allocNorm()), vs));
        }
        sb.append('\n');
        return sb.toString();
    }

    /** The operation × implementation table (one row per pair) and the bytes-per-link table, as Markdown. */
    static String table(List<Row> rows, List<String[]> memory, List<String> workloads, List<String> ops,
            List<String> impls) {
        StringBuilder sb = new StringBuilder();
        for (String w : workloads) {
            sb.append(String.format(Locale.ROOT, "### Workload %s%n%n", w));
            sb.append(String.format(Locale.ROOT, "| %-16s | %-13s | %14s | %10s | %9s | %10s |%n", "operation",
                    "impl", "score", "± error", "vs junction", "alloc B/op"));
            sb.append("|------------------|---------------|---------------:|-----------:|----------:|-----------:|\n");
            for (String op : ops) {
                for (String impl : impls) {
                    Row r = find(rows, w, op, impl);
                    if (r == null) {
                        continue;
                    }
                    double ratio = ratio(rows, r);
                    sb.append(String.format(Locale.ROOT, "| %-16s | %-13s | %14s | %10s | %9s | %10s |%n", op, impl,
                            BenchMain.fmt(r.score()) + " " + r.unit().replace("/op", ""), BenchMain.fmt(r.error()),
                            Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio),
                            Double.isNaN(r.allocNorm()) ? "" : BenchMain.fmt(r.allocNorm())));
                }
            }
            sb.append('\n');
        }
        if (!memory.isEmpty()) {
            sb.append("### Retained memory, bytes per link (both directions)\n\n");
            sb.append(String.format(Locale.ROOT, "| %-16s | %-10s | %14s | %12s | %8s |%n", "workload", "impl",
                    "bytes/link", "total MB", "method"));
            sb.append("|------------------|------------|---------------:|-------------:|----------|\n");
            for (String[] m : memory) {
                sb.append(String.format(Locale.ROOT, "| %-16s | %-10s | %14s | %12.1f | %-8s |%n", m[0], m[1], m[4],
                        Long.parseLong(m[2]) / 1e6, m[5]));
            }
            sb.append('\n');
        }
        sb.append("Scores are ns/op (bulkBuild: ms per full build). \"vs junction\" = score / Junction's score for the"
                + " same operation and workload: above 1 means slower than Junction.\n");
        return sb.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * A horizontal grouped bar chart: one group per workload × operation, one bar per implementation, bar length
     * = ratio to Junction on a log10 axis, starting at 1 (bars to the left are faster than Junction).
     */
    static String svg(List<Row> rows, List<String> workloads, List<String> ops, List<String> impls) {
        double lo = 1;
        double hi = 1;
        int bars = 0;
        int groups = 0;
        for (String w : workloads) {
            for (String op : ops) {
                boolean any = false;
                for (String impl : impls) {
                    Row r = find(rows, w, op, impl);
                    double q = r == null ? Double.NaN : ratio(rows, r);
                    if (!Double.isNaN(q) && q > 0) {
                        lo = Math.min(lo, q);
                        hi = Math.max(hi, q);
                        bars++;
                        any = true;
                    }
                }
                groups += any ? 1 : 0;
            }
        }
        double minExp = Math.floor(Math.log10(lo));
        double maxExp = Math.ceil(Math.log10(hi));
        if (maxExp - minExp < 2) {
            maxExp = minExp + 2;
        }
        int left = 250;
        int plotWidth = 620;
        int barH = 14;
        int groupGap = 26;
        int top = 60;
        int height = top + bars * barH + groups * groupGap + 50;
        int width = left + plotWidth + 90;
        double fMin = minExp;
        double fSpan = maxExp - minExp;
        java.util.function.DoubleUnaryOperator x = q -> left + (Math.log10(q) - fMin) / fSpan * plotWidth;

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        sb.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Time per operation relative to "
                + "Junction (log scale; &lt; 1 = faster than Junction)</text>\n");
        for (double e = minExp; e <= maxExp; e++) {
            double gx = x.applyAsDouble(Math.pow(10, e));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
                    gx, top - 10, gx, height - 40, e == 0 ? "#000" : "#ddd"));
            String label = String.format(Locale.ROOT, "%." + (int) Math.max(0, -e) + "f×", Math.pow(10, e));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", gx,
                    top - 14, label));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", gx,
                    height - 26, label));
        }
        int y = top;
        for (String w : workloads) {
            for (String op : ops) {
                List<Row> group = new ArrayList<>();
                for (String impl : impls) {
                    Row r = find(rows, w, op, impl);
                    if (r != null && !Double.isNaN(ratio(rows, r)) && ratio(rows, r) > 0) {
                        group.add(r);
                    }
                }
                if (group.isEmpty()) {
                    continue;
                }
                y += 8;
                sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s · %s</text>%n",
                        y + 6, esc(op), esc(w)));
                y += 14;
                for (Row r : group) {
                    double q = ratio(rows, r);
                    double x0 = x.applyAsDouble(1);
                    double x1 = x.applyAsDouble(q);
                    double bx = Math.min(x0, x1);
                    double bw = Math.max(1.5, Math.abs(x1 - x0));
                    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                            left - 8, y + barH - 4, esc(r.impl())));
                    sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                    + "fill=\"%s\"><title>%s %s %s: %s %s (%.2f×)</title></rect>%n", bx, y + 1, bw,
                            barH - 3, COLORS.getOrDefault(r.impl(), "#888"), esc(w), esc(op), esc(r.impl()),
                            BenchMain.fmt(r.score()), esc(r.unit()), q));
                    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s×</text>%n",
                            Math.max(x0, x1) + 4, y + barH - 4, q >= 10 ? String.format(Locale.ROOT, "%.0f", q)
                                    : String.format(Locale.ROOT, "%.2f", q)));
                    y += barH;
                }
                y += 4;
            }
        }
        sb.append("</svg>\n");
        return sb.toString();
    }
}
