package dev.junction.jmh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL harness runs end to end on a small size (a throwaway server, 20k links, a few hundred
 * transactions): every measurement prints its line and the answers of PostgreSQL and the replica agree (the harness
 * throws otherwise). Skipped without PostgreSQL binaries, except with CI=true.
 */
class PgReplicaTimingTest {

    @Test
    void runsEveryMeasurementOnASmallSize() throws Exception {
        if (LocalPostgres.find() == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL 15+ is not installed, and CI=true");
            }
            Assumptions.abort("PostgreSQL 15+ is not installed");
        }
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            PgReplicaTiming.main(new String[] {"--links", "20k", "--copies", "1", "--single", "500", "--batches", "3",
                "--lag-rate", "200", "--lag-seconds", "1", "--read-seconds", "0.1"});
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        for (String m : new String[] {"initial copy of 20000 links", "copy: live heap", "read: membership",
            "read: neighbour list", "read: lefts linked to two popular rights", "apply 1-row transactions, in memory",
            "apply 1-row transactions, journaled", "apply 1,000-row transactions, in memory", "lag, PostgreSQL commit",
            "read your writes"}) {
            assertTrue(text.contains("PG\t" + m), "no line for " + m + " in:\n" + text);
        }
    }
}
