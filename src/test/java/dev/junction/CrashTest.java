package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety: a child JVM ({@link CrashChild}) commits transactions and reports each acknowledged one; the test
 * kills it with SIGKILL at a random moment, reopens the directory, and checks that every acknowledged transaction is
 * there, entirely, and that nothing beyond the one in flight is. Several kills per run, the child resuming where the
 * reopened directory ends, with checkpoints along the way; several seeds per sync policy. Seeded
 * ({@code -Djunction.crash.seed} replays one), bounded by {@code -Djunction.crash.seeds} (default 3) and
 * {@code -Djunction.crash.kills} (default 3 per seed).
 */
class CrashTest {

    @TempDir
    Path dir;

    /** The directory of the current seed's run. */
    private Path runDir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"every", "group"})
    void acknowledgedCommitsSurviveSigkill(String policy) throws Exception {
        Long fixed = Long.getLong("junction.crash.seed");
        int seeds = fixed != null ? 1 : Integer.getInteger("junction.crash.seeds", 3);
        long base = fixed != null ? fixed : System.nanoTime();
        for (int i = 0; i < seeds; i++) {
            Path run = dir.resolve("seed" + i);
            java.nio.file.Files.createDirectories(run);
            killRepeatedly(policy, base + i * 7919L, run);
        }
    }

    private void killRepeatedly(String policy, long seed, Path dir) throws Exception {
        this.runDir = dir;
        int kills = Integer.getInteger("junction.crash.kills", 3);
        Random rnd = new Random(seed);
        String where = "seed " + seed + " policy " + policy + " (rerun: -Djunction.crash.seed=" + seed + ")";
        int acked = -1;
        for (int k = 0; k < kills; k++) {
            Process child = start(policy);
            List<String> lines = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("READY "), where + ": child said " + first + errors(child));
            assertEquals(acked + 1, Integer.parseInt(first.substring(6)), where + ": resumed at the wrong place");
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + rnd.nextInt(400));
            while (System.nanoTime() < until) {
                String line = out.readLine();
                if (line == null) break;
                lines.add(line);
            }
            child.toHandle().destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no flush; our end stays open
            child.waitFor(30, TimeUnit.SECONDS);
            for (String line; (line = out.readLine()) != null; ) lines.add(line); // what was printed before dying
            for (String line : lines) {
                if (line.startsWith("ACK ")) acked = Math.max(acked, Integer.parseInt(line.substring(4)));
            }
            acked = check(acked, where + " kill " + k);
        }
        assertTrue(acked > 0, where + ": nothing was acknowledged");
        System.out.println("CrashTest " + where + ": " + kills + " kills, " + (acked + 1) + " transactions acknowledged");
    }

    /** Reopens the directory and checks it; returns the number of the last transaction found. */
    private int check(int acked, String where) throws IOException {
        CrashChild.Schema s = new CrashChild.Schema();
        try (Persistence p = Persistence.open(s.db, runDir, SyncPolicy.everyCommit())) {
            int last = -1;
            for (String e : s.items) last = Math.max(last, Integer.parseInt(e.substring(1)));
            assertTrue(last >= acked, where + ": acknowledged " + acked + " but only " + last + " is there");
            assertTrue(last <= acked + 1, where + ": " + last + " is there, but only " + acked + " was acknowledged");
            for (int i = 0; i <= last; i++) {
                boolean removed = i + 3 <= last && (i + 3) % 5 == 0;
                String e = "e" + i;
                assertEquals(!removed, s.items.contains(e), where + ": entity " + e);
                assertEquals(!removed, s.in.contains(e, "g" + i % 7), where + ": link of " + e);
                if (!removed) assertEquals(i, s.value.get(e, "g" + i % 7), where + ": value of " + e);
            }
            assertEquals(s.items.size(), s.in.size(), where + ": every item has exactly its one link");
            return last;
        }
    }

    private Process start(String policy) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
                CrashChild.class.getName(), runDir.toString(), policy);
        pb.redirectError(new File(runDir.toFile(), "child-stderr.txt"));
        return pb.start();
    }

    private String errors(Process child) throws IOException {
        File f = new File(runDir.toFile(), "child-stderr.txt");
        return f.exists() ? "; stderr: " + java.nio.file.Files.readString(f.toPath()) : "";
    }
}
