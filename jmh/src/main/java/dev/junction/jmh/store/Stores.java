package dev.junction.jmh.store;

import java.sql.SQLException;
import java.util.List;

/** The registry of implementations: names, factories and the size limits each one is run at. */
public final class Stores {

    /** Every implementation, in table order. */
    public static final List<String> ALL =
            List.of("junction", "junction-iter", "junction-typed", "csr", "fastutil", "guava", "jgrapht", "sqlite", "h2");

    /**
     * Largest workload (links) an implementation is benchmarked at. SQLite and the boxed peers (Guava, JGraphT)
     * stop at 1M: at 10M their setup alone takes minutes and several GB, and the ratios are already clear. H2
     * stops at 300k (so the two real data sets are included): on the reference machine its bulk load runs at
     * ~50–80 µs per row even batched in one transaction, so a 1M setup would take over a minute per JMH fork.
     */
    public static long maxLinks(String impl) {
        switch (impl) {
            case "h2":
                return 300_000;
            case "sqlite":
            case "guava":
            case "jgrapht":
                return 1_000_000;
            default:
                return Long.MAX_VALUE;
        }
    }

    private Stores() {
    }

    /** Creates an empty store by name. */
    public static LinkStore create(String impl) {
        try {
            switch (impl) {
                case "junction":
                    return new JunctionStore(false);
                case "junction-iter":
                    return new JunctionStore(true);
                case "junction-typed":
                    return new JunctionTypedStore();
                case "csr":
                    return new CsrStore();
                case "fastutil":
                    return new FastutilStore();
                case "guava":
                    return new GuavaStore();
                case "jgrapht":
                    return new JGraphTStore();
                case "sqlite":
                    return new SqliteStore();
                case "h2":
                    return new H2Store();
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl + " (known: " + ALL + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + impl, e);
        }
    }
}
