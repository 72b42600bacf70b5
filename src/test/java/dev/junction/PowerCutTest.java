package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.junction.SimulatedFiles.Choice;
import dev.junction.SimulatedFiles.Moment;
import dev.junction.SimulatedFiles.NodeState;
import dev.junction.SimulatedFiles.Tear;
import dev.junction.SimulatedFiles.TearKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Power cuts, simulated: each workload runs on {@link SimulatedFiles}, which records the file system before every
 * operation (write, truncation, force, creation, rename, delete, directory force); at each of those moments the
 * test builds the states a power cut can leave (only what was forced; plus any subset of the unforced operations;
 * writes torn as a prefix, as zeros or garbage where the data should be, or sector by sector; unforced directory
 * entries lost) and opens each in {@link RecoveryMode#STRICT} mode, which must succeed, hold every commit that was
 * acknowledged before the moment, hold no transaction in part (each transaction adds one order number, one item
 * linked with that number, and every fifth removes an item of three steps before: all or nothing), drop nothing
 * known to be forced, and reopen to the same state.
 *
 * <p>Scenarios: {@code everyCommit} in a new nested directory; {@code groupCommit} with four committing threads,
 * back to back and with a 1 ms window (a force takes 0.3 ms, so commits pile up behind it and their records reach
 * the disk in any order); checkpoints with both
 * policies; recovery interrupted by a power cut, from states with a damaged end (cut off while the power fails
 * again) and from a killed process whose writes were still in the cache; and point-in-time recovery of a forced
 * record that was damaged (which {@code STRICT} refuses), interrupted by power cuts too. States are deduplicated
 * (the same files and the same acknowledgements are tried once). Counts are printed per scenario.
 *
 * <p>Seeded ({@code -Djunction.powercut.seed}); the interleaving of threads is not, so a failure prints the state,
 * the moment and the choices. Defaults: 12 random subsets per moment, 5 runs of each scenario. Long run:
 * {@code -Djunction.powercut.random=40 -Djunction.powercut.rounds=30}.
 */
class PowerCutTest {

    static final Path DATA = SimulatedFiles.ROOT.resolve("a/b/data");
    private static final long FORCE_NANOS = 300_000;

    private static long seed;
    private static int randomPerMoment;
    private static int rounds;
    private static final List<String> summary = new ArrayList<>();

    @BeforeAll
    static void settings() {
        seed = Long.getLong("junction.powercut.seed", System.nanoTime());
        randomPerMoment = Integer.getInteger("junction.powercut.random", 12);
        rounds = Integer.getInteger("junction.powercut.rounds", 5);
    }

    @AfterAll
    static void printSummary() {
        System.out.println("power-cut test, seed " + seed + " (rerun: -Djunction.powercut.seed=" + seed + "), "
                + randomPerMoment + " random states per moment, " + rounds + " round(s):");
        for (String s : summary) System.out.println("  " + s);
    }

    // ---- the workload ---------------------------------------------------------------------------------------------

    /** The schema: items linked to groups with a number, and the numbers (orders) of the transactions. */
    static final class Shop extends CrashChild.Schema {
        final LongTable orders = db.longTable("orders");

        String dump() {
            TreeMap<String, Long> links = new TreeMap<>();
            for (String e : items) {
                for (String g : in.rightsOf(e)) links.put(e + ">" + g, value.get(e, g));
            }
            List<Long> o = new ArrayList<>();
            orders.forEach(o::add);
            o.sort(null);
            return links + " " + o;
        }
    }

    static String item(int thread, int step) {
        return "t" + thread + "-" + step;
    }

    /**
     * Step {@code j} of thread {@code th}: takes the next order number n, links its item to a group with value n,
     * and every fifth step removes the item of step j - 3; then records the acknowledgement.
     */
    static void commit(Shop s, SimulatedFiles fs, int th, int j) {
        s.db.inTransaction(() -> {
            long n = s.orders.size();
            s.orders.add(n);
            s.in.link(item(th, j), "g" + j % 7, s.value.value(n));
            if (j % 5 == 4) s.items.remove(item(th, j - 3));
        });
        fs.ack(th + ":" + j);
    }

    /** The steps per thread the state holds, or a description of what is wrong with it. */
    static Object prefixes(Shop s, int threads) {
        int[] p = new int[threads];
        for (String e : s.items) {
            String[] parts = e.substring(1).split("-");
            int th = Integer.parseInt(parts[0]);
            if (th >= threads) return "an item of thread " + th;
            p[th] = Math.max(p[th], Integer.parseInt(parts[1]) + 1);
        }
        long m = s.orders.size();
        long total = 0;
        for (int th = 0; th < threads; th++) {
            total += p[th];
            for (int j = 0; j < p[th]; j++) {
                boolean removed = j + 3 < p[th] && (j + 3) % 5 == 4;
                if (s.items.contains(item(th, j)) == removed) {
                    return "item " + item(th, j) + (removed ? " is there, but step " + (j + 3) + " removed it"
                            : " is missing, but step " + (p[th] - 1) + " of its thread is there");
                }
            }
        }
        if (total != m) return m + " order numbers for " + total + " steps " + Arrays.toString(p) + ": a partial transaction";
        for (long k = 0; k < m; k++) {
            if (!s.orders.contains(k)) return "order numbers are not 0 to " + (m - 1);
        }
        Set<Long> values = new HashSet<>();
        for (String e : s.items) {
            int j = Integer.parseInt(e.substring(e.indexOf('-') + 1));
            String g = "g" + j % 7;
            if (!s.in.contains(e, g) || s.in.rightsOf(e).size() != 1) return "item " + e + " is not linked to " + g + " alone";
            long v = s.value.get(e, g);
            if (v < 0 || v >= m || !values.add(v)) return "item " + e + " has value " + v;
        }
        return p;
    }

    /** Null if the state holds every acknowledged step ({@code mustHave[th]} steps of thread th) and no partial one. */
    static String check(Shop s, int[] mustHave) {
        Object p = prefixes(s, mustHave.length);
        if (p instanceof String problem) return problem;
        int[] steps = (int[]) p;
        for (int th = 0; th < mustHave.length; th++) {
            if (steps[th] < mustHave[th]) {
                return "thread " + th + " acknowledged " + mustHave[th] + " steps, " + steps[th] + " are there";
            }
        }
        return null;
    }

    /** Per thread, how many steps the acknowledgements {@code acks} ("th:j") cover, at least {@code floor}. */
    static int[] acked(List<String> acks, int count, int[] floor) {
        int[] out = floor.clone();
        for (int i = 0; i < count; i++) {
            String[] a = acks.get(i).split(":");
            int th = Integer.parseInt(a[0]);
            out[th] = Math.max(out[th], Integer.parseInt(a[1]) + 1);
        }
        return out;
    }

    // ---- exploring the states of each moment ------------------------------------------------------------------

    /** Counts of one scenario. */
    static final class Tally {
        final String name;
        int moments;
        int states;
        int dropped;
        /** States whose dropped end held intact records after the damage (a hole before them: group commit). */
        int holes;
        int failures;
        final List<String> failed = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        /** Verified states whose recovery dropped a damaged end, with what they must hold (bases for recovery runs). */
        final List<Object[]> damaged = new ArrayList<>();

        Tally(String name) {
            this.name = name;
        }

        void fail(String what) {
            failures++;
            if (failed.size() < 5) failed.add(what);
        }

        String line() {
            return String.format("%-62s %4d moments %6d states %5d with a dropped end (%4d a hole before intact "
                    + "records) %2d failures", name, moments, states, dropped, holes, failures);
        }
    }

    /** The states to try at moment {@code m}: systematic single faults, torn writes, and random subsets. */
    static List<Choice> choices(Moment m, Random rnd) {
        List<int[]> items = m.pendingItems();
        int n = items.size();
        List<Choice> out = new ArrayList<>();
        out.add(Choice.all(n, false)); // only what was forced
        if (n == 0) return out;
        out.add(Choice.all(n, true)); // everything written reached the disk
        for (int i = 0; i < n; i++) {
            Choice lose = Choice.all(n, true);
            lose.keep()[i] = false; // one operation lost (a hole, or an entry lost)
            out.add(lose);
            Choice only = Choice.all(n, false);
            only.keep()[i] = true; // only one reached the disk
            out.add(only);
        }
        for (int i = 0; i < n; i++) {
            SimulatedFiles.Op op = m.nodes().get(items.get(i)[0]).pending().get(items.get(i)[1]);
            if (!(op instanceof SimulatedFiles.Write w)) continue;
            for (Tear t : tears(w, rnd)) {
                for (boolean later : new boolean[] {true, false}) { // the operations after it kept, or lost
                    Choice c = Choice.all(n, true);
                    for (int k = i + 1; k < n; k++) c.keep()[k] = later;
                    c.keep()[i] = false;
                    c.tears()[i] = t;
                    out.add(c);
                }
            }
        }
        for (int r = 0; r < randomPerMoment; r++) {
            Choice c = Choice.all(n, false);
            for (int i = 0; i < n; i++) {
                c.keep()[i] = rnd.nextBoolean();
                SimulatedFiles.Op op = m.nodes().get(items.get(i)[0]).pending().get(items.get(i)[1]);
                if (op instanceof SimulatedFiles.Write w && rnd.nextInt(4) == 0) {
                    List<Tear> ts = tears(w, rnd);
                    c.tears()[i] = ts.get(rnd.nextInt(ts.size()));
                }
            }
            out.add(c);
        }
        return out;
    }

    private static List<Tear> tears(SimulatedFiles.Write w, Random rnd) {
        int len = w.bytes().length;
        List<Tear> out = new ArrayList<>(List.of(new Tear(TearKind.ZEROS, 0), new Tear(TearKind.GARBAGE, 0)));
        if (len > 1) {
            out.add(new Tear(TearKind.PREFIX, 1 + rnd.nextInt(len - 1)));
            out.add(new Tear(TearKind.PREFIX_ZEROS, 1 + rnd.nextInt(len - 1)));
        }
        if (w.pos() / 512 != (w.pos() + len - 1) / 512) out.add(new Tear(TearKind.SECTORS, rnd.nextInt()));
        return out;
    }

    private static String describe(Choice c) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.keep().length; i++) {
            b.append(c.tears()[i] != null ? c.tears()[i].kind() + "(" + c.tears()[i].cut() + ")" : c.keep()[i] ? "K" : "L");
            b.append(' ');
        }
        return b.toString().trim();
    }

    /**
     * Tries every state of every moment: opens it in {@code mode}, checks it against what the moment's
     * acknowledgements require ({@code mustHave}), and reopens it.
     */
    static void explore(Tally t, List<Moment> moments, Function<Moment, int[]> mustHave, RecoveryMode mode,
            Random rnd) {
        t.moments += moments.size();
        for (Moment m : moments) {
            int[] need = mustHave.apply(m);
            for (Choice c : choices(m, rnd)) {
                Map<Integer, NodeState> image = SimulatedFiles.crash(m, c, rnd);
                if (!t.seen.add(SimulatedFiles.digest(image) + Arrays.toString(need))) continue;
                t.states++;
                String problem = verify(image, need, mode, t);
                if (problem != null) {
                    t.fail(t.name + ": power cut before operation " + m.index() + " (" + m.next() + "), pending "
                            + describe(c) + ", files" + SimulatedFiles.describe(image) + ": " + problem);
                }
            }
        }
    }

    /** Opens a power-cut image, checks it, reopens it; null if all is well. */
    static String verify(Map<Integer, NodeState> image, int[] need, RecoveryMode mode, Tally t) {
        SimulatedFiles fs = SimulatedFiles.of(image);
        Shop s = new Shop();
        String first;
        try (Persistence p = Persistence.open(s.db, DATA, SyncPolicy.everyCommit(), mode, fs)) {
            String problem = check(s, need);
            if (problem != null) return problem;
            RecoveryReport r = p.recovery();
            if (mode == RecoveryMode.STRICT && r.lostAcknowledged()) return "strict recovery dropped forced bytes: " + r;
            if (r.droppedAnything()) {
                t.dropped++;
                if (r.dropped().stream().anyMatch(d -> d.records() > 0 && !d.acknowledged())) t.holes++;
                if (t.damaged.size() < 400) t.damaged.add(new Object[] {image, need});
            }
            first = s.dump();
        } catch (IOException | RuntimeException e) {
            return "open failed: " + e;
        }
        Shop again = new Shop();
        try (Persistence p = Persistence.open(again.db, DATA, SyncPolicy.everyCommit(), mode, fs)) {
            if (!again.dump().equals(first)) return "reopening gave another state";
            if (p.recovery().droppedAnything()) return "reopening dropped more: " + p.recovery();
        } catch (IOException | RuntimeException e) {
            return "reopen failed: " + e;
        }
        return null;
    }

    private static void finish(Tally t) {
        summary.add(t.line());
        System.out.println("power cut " + t.line());
        for (String f : t.failed) System.out.println("  FAILED " + f);
        assertEquals(0, t.failures, t.name + ": " + t.failures + " of " + t.states + " states failed (seed " + seed
                + "); first: " + (t.failed.isEmpty() ? "" : t.failed.get(0)));
        assertTrue(t.states > 0, t.name + ": no state tried");
    }

    /** Runs {@code work} with {@code threads} threads, thread th doing steps 0 to {@code steps - 1}. */
    static void threads(int threads, int steps, Shop s, SimulatedFiles fs) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int id = th;
            Thread t = new Thread(() -> {
                try {
                    for (int j = 0; j < steps; j++) commit(s, fs, id, j);
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            all.add(t);
            t.start();
        }
        for (Thread t : all) t.join();
        if (failed.get() != null) throw new AssertionError(failed.get());
    }

    /** The moments of a recorded run, and the acknowledgements it made. */
    record Run(List<Moment> moments, List<String> acks, int threads) {
        Function<Moment, int[]> mustHave(int[] floor) {
            return m -> acked(acks, m.acks(), floor);
        }
    }

    /** A fresh directory: {@code steps} steps on each of {@code threads} threads, checkpoints as asked. */
    static Run workload(SyncPolicy policy, int threads, int steps, int checkpointEvery) throws Exception {
        SimulatedFiles fs = SimulatedFiles.recording(FORCE_NANOS);
        Shop s = new Shop();
        try (Persistence p = Persistence.open(s.db, DATA, policy, RecoveryMode.STRICT, fs)) {
            if (checkpointEvery == 0) {
                threads(threads, steps, s, fs);
            } else if (threads == 1) {
                for (int j = 0; j < steps; j++) {
                    commit(s, fs, 0, j);
                    if (j % checkpointEvery == checkpointEvery - 1) p.checkpoint();
                }
            } else { // checkpoints race the committing threads
                Thread writers = new Thread(() -> {
                    try {
                        threads(threads, steps, s, fs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                writers.start();
                while (writers.isAlive()) {
                    Thread.sleep(0, 200_000 * checkpointEvery);
                    p.checkpoint();
                }
                writers.join();
            }
        }
        return new Run(fs.moments(), fs.acks(), threads);
    }

    // ---- the scenarios ------------------------------------------------------------------------------------------

    /** The workload scenarios: label, seed step, policy, threads, steps per thread, checkpoint every (0: none). */
    static Stream<Arguments> scenarios() {
        return Stream.of(
                arguments("everyCommit, 1 thread, new nested directory", 1, SyncPolicy.everyCommit(), 1, 24, 0),
                arguments("groupCommit(0), 4 threads", 31, SyncPolicy.groupCommit(Duration.ZERO), 4, 10, 0),
                arguments("groupCommit(1 ms), 4 threads", 53, SyncPolicy.groupCommit(Duration.ofMillis(1)), 4, 10, 0),
                arguments("everyCommit, 1 thread, checkpoint every 6 commits", 37, SyncPolicy.everyCommit(), 1, 20, 6),
                arguments("groupCommit(0), 3 threads, checkpoints racing them", 41, SyncPolicy.groupCommit(Duration.ZERO),
                        3, 8, 4));
    }

    /**
     * One scenario: {@code rounds} seeded runs of the workload ({@code threads} committing {@code steps} steps each,
     * a checkpoint every {@code checkpointEvery} commits or none), each explored at every moment in STRICT mode.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(String label, int seedStep, SyncPolicy policy, int threads, int steps, int checkpointEvery)
            throws Exception {
        Tally t = new Tally(label);
        for (int round = 0; round < rounds; round++) {
            Random rnd = new Random(seed + (long) seedStep * round);
            Run run = workload(policy, threads, steps, checkpointEvery);
            explore(t, run.moments(), run.mustHave(new int[threads]), RecoveryMode.STRICT, rnd);
        }
        finish(t);
    }

    /**
     * Recovery interrupted by power cuts: from states of a group-commit run whose recovery drops a damaged end
     * (the first recovery cuts it off while the power fails again), and from moments of that run as a killed
     * process left them (its unforced writes still only in the cache, so the reopened journal's first force is
     * what makes them durable); each recovery then commits three more steps and closes, and every moment of that
     * is tried.
     */
    @Test
    void powerCutsDuringRecovery() throws Exception {
        Tally t = new Tally("recovery (cutting a damaged end, after a kill) + 3 commits");
        for (int round = 0; round < rounds; round++) {
            Random rnd = new Random(seed + 43 * round);
            Run run = workload(SyncPolicy.groupCommit(Duration.ZERO), 4, 8, 0);
            Tally first = new Tally("(bases)");
            explore(first, run.moments(), run.mustHave(new int[4]), RecoveryMode.STRICT, rnd);
            assertEquals(0, first.failures, first.failed.toString());
            assertTrue(!first.damaged.isEmpty(), "no state with a damaged end to recover");
            for (int b = 0; b < 8; b++) { // after power cuts that left a damaged end
                Object[] base = first.damaged.get(rnd.nextInt(first.damaged.size()));
                @SuppressWarnings("unchecked")
                Map<Integer, NodeState> image = (Map<Integer, NodeState>) base[0];
                resume(t, SimulatedFiles.recordingFrom(image, FORCE_NANOS), (int[]) base[1], rnd);
            }
            List<Moment> ms = run.moments();
            for (int b = 0; b < 8; b++) { // after process kills with writes still in the cache
                Moment m = ms.get(ms.size() / 4 + rnd.nextInt(ms.size() / 2));
                resume(t, SimulatedFiles.afterKill(m, FORCE_NANOS), acked(run.acks(), m.acks(), new int[4]), rnd);
            }
        }
        finish(t);
    }

    /** Opens {@code fs} (recording), commits three steps of thread 0, closes; tries every moment of that. */
    private static void resume(Tally t, SimulatedFiles fs, int[] before, Random rnd) throws IOException {
        Shop s = new Shop();
        int[] after;
        try (Persistence p = Persistence.open(s.db, DATA, SyncPolicy.groupCommit(Duration.ZERO), RecoveryMode.STRICT,
                fs)) {
            assertEquals(null, check(s, before));
            after = (int[]) prefixes(s, before.length);
            for (int j = after[0]; j < after[0] + 3; j++) commit(s, fs, 0, j);
        }
        List<String> acks = fs.acks();
        explore(t, fs.moments(), m -> acked(acks, m.acks(), before), RecoveryMode.STRICT, rnd);
    }

    /**
     * Damage to forced bytes (a flipped byte in the first record of the newest journal of a cleanly closed
     * directory): {@code STRICT} refuses it naming the file and byte and changes nothing; {@code POINT_IN_TIME}
     * recovers the state before it, and power cuts during that recovery (writing the new snapshot, setting the
     * damaged journal aside, starting a new journal) and the two commits after it leave directories that
     * {@code POINT_IN_TIME} opens to that state or later, never a partial one.
     */
    @Test
    void pointInTimeRecoveryOfDamagedForcedBytes() throws Exception {
        Tally t = new Tally("point-in-time recovery of a damaged forced record + 2 commits");
        for (int round = 0; round < rounds; round++) {
            Random rnd = new Random(seed + 47 * round);
            for (int checkpointEvery : new int[] {0, 5}) {
                Run run = workload(SyncPolicy.everyCommit(), 1, 12, checkpointEvery);
                Moment end = run.moments().get(run.moments().size() - 1);
                Map<Integer, NodeState> image = SimulatedFiles.crash(end, Choice.all(end.pendingItems().size(), true), rnd);
                int journal = newestJournal(image);
                NodeState j = image.get(journal);
                byte[] bytes = j.durable().clone();
                int at = PersistenceFormat.JOURNAL_HEADER + PersistenceFormat.RECORD_HEADER + 2;
                assertTrue(bytes.length > at + PersistenceFormat.RECORD_HEADER, "the newest journal has records");
                bytes[at] ^= 0x10;
                image.put(journal, new NodeState(false, bytes, j.durableEntries(), List.of()));

                SimulatedFiles strict = SimulatedFiles.of(image);
                CorruptFileException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptFileException.class,
                        () -> Persistence.open(new Shop().db, DATA, SyncPolicy.everyCommit(), RecoveryMode.STRICT,
                                strict));
                assertEquals(PersistenceFormat.JOURNAL_HEADER, e.offset(), e.getMessage());
                assertTrue(e.getMessage().contains("journal-") && e.getMessage().contains("at byte "
                        + PersistenceFormat.JOURNAL_HEADER), e.getMessage());
                assertEquals(SimulatedFiles.digest(image), SimulatedFiles.digest(snapshotOf(strict)),
                        "a refused open changed the files");

                SimulatedFiles fs = SimulatedFiles.recordingFrom(image, FORCE_NANOS);
                Shop s = new Shop();
                int[] kept;
                try (Persistence p = Persistence.open(s.db, DATA, SyncPolicy.everyCommit(),
                        RecoveryMode.POINT_IN_TIME, fs)) {
                    RecoveryReport r = p.recovery();
                    assertTrue(r.lostAcknowledged() && r.rewritten() && !r.setAside().isEmpty(), r.toString());
                    kept = (int[]) prefixes(s, 1);
                    assertTrue(kept[0] < 12, "the damaged record's commit is dropped: " + r);
                    for (int k = 0; k < 2; k++) commit(s, fs, 0, kept[0] + k);
                }
                List<String> acks = fs.acks();
                explore(t, fs.moments(), m -> acked(acks, m.acks(), kept), RecoveryMode.POINT_IN_TIME, rnd);
            }
        }
        finish(t);
    }

    /** The files of a (non-recording) simulated file system as an image. */
    private static Map<Integer, NodeState> snapshotOf(SimulatedFiles fs) {
        List<Moment> ms = fs.moments();
        Moment now = ms.get(ms.size() - 1);
        return SimulatedFiles.crash(now, Choice.all(now.pendingItems().size(), true), new Random(0));
    }

    /** The node of the newest journal in the data directory of {@code image}. */
    private static int newestJournal(Map<Integer, NodeState> image) {
        int dir = 0;
        for (Path name : SimulatedFiles.ROOT.relativize(DATA)) dir = image.get(dir).durableEntries().get(name.toString());
        String newest = null;
        for (String name : image.get(dir).durableEntries().keySet()) {
            if (name.matches("journal-\\d{16}\\.log") && (newest == null || name.compareTo(newest) > 0)) newest = name;
        }
        return image.get(dir).durableEntries().get(newest);
    }
}
