package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal and checkpoints: every committed transaction of every kind survives closing and reopening (with
 * both sync policies, and with commits racing a checkpoint); rolled-back ones leave no trace; a torn last record is
 * dropped, a damaged record in the middle is an error; misuse is refused; and a seeded fuzz over mutations of a
 * real journal, where every open gives the state after some prefix of the commits or a {@link CorruptFileException},
 * and damage before the last record is always refused.
 */
class PersistenceTest {

    @TempDir
    Path dir;

    private static final long U = 1_000_000_007L;

    private static List<String> list(Table<String> t) {
        List<String> out = new ArrayList<>();
        t.forEach(out::add);
        return out;
    }

    /** Opens the journal of the test's directory into {@code w}, synced at every commit. */
    private Persistence open(World w) throws IOException {
        return Persistence.open(w.db, dir, SyncPolicy.everyCommit());
    }

    private World reopen() throws IOException {
        World w = new World();
        open(w).close();
        return w;
    }

    /** Reopening the directory into a new world gives {@code w}'s state; returns that world. */
    private World assertReopensAs(World w) throws IOException {
        World back = reopen();
        assertEquals(w.dump(), back.dump());
        return back;
    }

    @Test
    void everyKindOfChangeSurvivesReopening() throws IOException {
        World w = new World();
        try (Persistence p = open(w)) {
            World.populate(w);
            try (Transaction t = w.db.begin()) { // rolled back: never in the journal
                w.tags.add("phantom");
                w.tagged.link(new Book("Dune", 1965), "phantom");
            }
            w.db.inTransaction(() -> { // several kinds in one transaction
                w.users.add(55L);
                w.follows.link(55L, 100 * U);
                w.friends.unlink(105 * U, 100 * U);
                w.weight.set(new Book("Dune", 1965), "sf", 77);
                w.tagged.unlink(new Book("Emma", 1815), "classic");
                w.at.set(w.loans.rowsOfLeft(102 * U).toIntArray()[0], 123);
            });
            // in-place paths (no transaction): must reach the journal too
            w.tagged.ints().link(w.books.idOf(new Book("Emma", 1815)), w.tags.idOf("nz"));
            w.score.setByIds(w.books.idOf(new Book("Emma", 1815)), w.tags.idOf("nz"), 9.5);
            w.users.remove(103 * U);
            int a = w.users.idOf(100 * U);
            int b = w.users.idOf(102 * U);
            w.follows.ints().linkAll(new int[] {a, b, a}, new int[] {a, a, w.users.idOf(106 * U)}); // bulk, in place
            w.friends.ints().removeLeft(w.users.idOf(106 * U));
        }
        World back = assertReopensAs(w);
        assertFalse(back.tags.contains("phantom"));
        assertEquals(w.users.add(9L), back.users.add(9L), "the same next id after recovery");
    }

    @Test
    void groupCommitFromSeveralThreadsSurvivesReopening() throws Exception {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.groupCommit(Duration.ofMillis(3)))) {
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            for (int k = 0; k < 4; k++) {
                int base = k * 1000;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 60; i++) {
                            w.follows.link((long) base + i, (long) base + i + 1);
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) th.join();
            assertEquals(null, failed.get());
        }
        World back = reopen();
        assertEquals(240, back.follows.size());
        assertEquals(w.dump(), back.dump());
    }

    @Test
    void checkpointsKeepEverythingAndLeaveOneGeneration() throws Exception {
        World w = new World();
        try (Persistence p = open(w)) {
            World.populate(w);
            p.checkpoint();
            w.tags.add("after-1");
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 200; i++) w.users.add(10_000L + i);
            });
            writer.start();
            p.checkpoint(); // races the writer: its commits land in one journal or the other
            p.checkpoint();
            writer.join();
            w.tags.add("after-3");
            assertEquals(3, p.generation());
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("LOCK", "journal-0000000000000003.log", "snapshot-0000000000000003.snap"), names);
        }
        assertReopensAs(w);
    }

    @Test
    void aCrashBetweenJournalSwitchAndSnapshotStillOpens() throws IOException {
        World w = new World();
        try (Persistence p = open(w)) {
            World.populate(w);
        }
        // what a checkpoint leaves if the process dies after starting journal 1, before snapshot 1 is renamed
        World other = new World();
        try (Persistence p = Persistence.open(other.db, dir, SyncPolicy.everyCommit())) {
            JournalFile.create(FileLayer.SYSTEM, Persistence.journalFile(dir, 1), 1, SyncPolicy.everyCommit()).close();
        }
        Files.writeString(dir.resolve("snapshot-0000000000000001.snap.123.tmp"), "half written");
        assertReopensAs(w);
    }

    /** Three commits, then the journal's bytes. */
    private byte[] threeCommits() throws IOException {
        World w = new World();
        try (Persistence p = open(w)) {
            w.tags.add("a");
            w.tags.add("b");
            w.tags.add("c");
        }
        return Files.readAllBytes(Persistence.journalFile(dir, 0));
    }

    @Test
    void aTornLastRecordIsDroppedAndTheJournalGoesOn() throws IOException {
        byte[] bytes = threeCommits(); // the last record, then the mark close() wrote (an empty record)
        Files.write(Persistence.journalFile(dir, 0), Arrays.copyOf(bytes, bytes.length - PersistenceFormat.RECORD_HEADER - 3));
        World back = new World();
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit())) {
            assertTrue(back.tags.contains("b"));
            assertFalse(back.tags.contains("c"), "the torn record is dropped");
            back.tags.add("d"); // appended after the cut
        }
        World again = reopen();
        assertEquals(List.of("a", "b", "d"), list(again.tags));

        byte[] zeros = Arrays.copyOf(bytes, bytes.length + 40); // a tail of zeros (a crash after the size grew)
        Files.write(Persistence.journalFile(dir, 0), zeros);
        Files.deleteIfExists(Persistence.snapshotFile(dir, 0));
        World z = reopen();
        assertEquals(List.of("a", "b", "c"), list(z.tags));
    }

    @Test
    void aDamagedRecordInTheMiddleIsAnErrorAndTheEngineStaysEmpty() throws IOException {
        byte[] bytes = threeCommits();
        bytes[PersistenceFormat.JOURNAL_HEADER + PersistenceFormat.RECORD_HEADER + 1] ^= 0x40; // inside the first record's payload
        Path file = Persistence.journalFile(dir, 0);
        Files.write(file, bytes);
        World back = new World();
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> Persistence.open(back.db, dir, SyncPolicy.everyCommit()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("damaged"), e.getMessage());
        assertEquals(new World().dump(), back.dump());
        // the directory is not left locked
        Files.write(file, threeCommitsAgain());
    }

    private byte[] threeCommitsAgain() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("LOCK")) Files.delete(f);
            }
        }
        return threeCommits();
    }

    @Test
    void misuseIsRefused() throws IOException {
        World w = new World();
        try (Persistence p = open(w)) {
            w.tags.add("x");
            World other = new World();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Persistence.open(other.db, dir, SyncPolicy.everyCommit()));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertThrows(IllegalStateException.class, () -> Persistence.open(w.db, dir.resolve("b"),
                    SyncPolicy.everyCommit()), "already journaled");
            Transaction t = w.db.begin();
            assertThrows(IllegalStateException.class, p::checkpoint);
            t.rollback();
        }
        World used = new World();
        used.tags.add("y");
        assertThrows(IllegalStateException.class, () -> Persistence.open(used.db, dir, SyncPolicy.everyCommit()));
        Junction noSchema = Junction.create();
        noSchema.registerCodec(SnapshotTest.BOOKS);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Persistence.open(noSchema, dir, SyncPolicy.everyCommit()));
        assertTrue(e.getMessage().contains("tags"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.groupCommit(Duration.ofMillis(-1)));
        World fine = reopen(); // nothing above spoiled the directory
        assertTrue(fine.tags.contains("x"));
    }

    /**
     * Seeded mutations of a real journal (flipped bytes, truncations, inserted junk, overwritten lengths): each
     * open gives exactly the state after some prefix of the commits, or a {@link CorruptFileException}; damage
     * anywhere before the last record (other than a truncation) is always refused, never read as a torn tail. A
     * second class re-signs the damaged records (valid checksums) and a third drops, repeats or swaps whole records
     * (with their sequence numbers rewritten and re-signed, or left as they were), to reach the replay's own
     * checks: those may open to other data, which must keep every invariant ({@link EngineInvariants}). Every
     * journal with raw damage is also opened in {@link RecoveryMode#POINT_IN_TIME} mode, which must succeed and give
     * a prefix. The counts of each outcome are printed.
     */
    @Test
    void fuzzedJournalsOpenToAPrefixOrAreRefused() throws IOException {
        long seed = Long.getLong("junction.journal.seed", System.nanoTime());
        int rounds = Integer.getInteger("junction.journal.fuzz", 2000);
        List<String> prefixes = new ArrayList<>();
        World w = new World();
        prefixes.add(w.dump());
        Path source = dir.resolve("source");
        try (Persistence p = Persistence.open(w.db, source, SyncPolicy.everyCommit())) {
            w.tags.add("sf");
            prefixes.add(w.dump());
            w.tagged.link(new Book("Dune", 1965), "sf", w.note.value("n"), w.weight.value(4));
            prefixes.add(w.dump());
            w.loans.add(7L, new Book("Dune", 1965), w.at.value(3));
            prefixes.add(w.dump());
            w.db.inTransaction(() -> {
                w.books.remove(new Book("Dune", 1965));
                w.users.add(8L);
            });
            prefixes.add(w.dump());
            w.friends.link(7L, 8L);
            prefixes.add(w.dump());
        }
        byte[] good = Files.readAllBytes(Persistence.journalFile(source, 0));
        List<int[]> records = new ArrayList<>(); // {start, end}
        for (int pos = PersistenceFormat.JOURNAL_HEADER; pos < good.length; ) {
            int end = pos + PersistenceFormat.RECORD_HEADER + ByteBuffer.wrap(good).getInt(pos + PersistenceFormat.RECORD_LENGTH_AT);
            records.add(new int[] {pos, end});
            pos = end;
        }
        int lastRecord = records.get(records.size() - 1)[0]; // damage before it must be refused
        Random rnd = new Random(seed);
        int exactly = 0;
        int other = 0;
        int refused = 0;
        int pitOpened = 0;
        int pitLost = 0;
        for (int round = 0; round < rounds; round++) {
            Path target = dir.resolve("round" + round);
            Files.createDirectories(target);
            int mode = round % 3; // 0: raw damage, 1: damage re-signed, 2: whole records moved
            int[] at = new int[2]; // {kind, position}
            byte[] bad = mode == 2 ? moveRecords(good, records, rnd) : mutate(good, rnd, at);
            if (mode == 1) resignJournal(bad);
            Files.write(Persistence.journalFile(target, 0), bad);
            int span = at[0] == 3 ? 4 : 1; // the bytes the mutation changed: all of them before the last record?
            boolean mustRefuse = mode == 0 && at[0] != 1 && at[1] + span <= lastRecord && !Arrays.equals(bad, good);
            World back = new World();
            String where = "seed " + seed + " round " + round + " (rerun: -Djunction.journal.seed=" + seed + ")";
            try {
                Persistence.open(back.db, target, SyncPolicy.everyCommit()).close();
                String got = back.dump();
                assertFalse(mustRefuse, where + ": damage (kind " + at[0] + ") at byte " + at[1] + " of "
                        + good.length + ", before the last record at " + lastRecord + ", was not refused; opened to "
                        + "prefix " + prefixes.indexOf(got));
                if (prefixes.contains(got)) {
                    exactly++;
                } else {
                    assertTrue(mode != 0, where + ": opened to a state that is no prefix");
                    assertEquals(null, EngineInvariants.problem(back.db), where + ": opened to a broken state");
                    other++;
                }
            } catch (CorruptFileException | IllegalStateException e) {
                assertTrue(e instanceof CorruptFileException || mode != 0, where + ": " + e);
                refused++;
                assertEquals(prefixes.get(0), back.dump(), where + ": not left empty");
            } catch (Throwable e) {
                throw new AssertionError(where + ": unexpected " + e, e);
            }
            if (mode == 0) { // point-in-time recovery of raw damage always opens, to a prefix (nothing after damage)
                Path copy = dir.resolve("pit" + round);
                Files.createDirectories(copy);
                Files.write(Persistence.journalFile(copy, 0), bad);
                World pit = new World();
                try (Persistence p = Persistence.open(pit.db, copy, SyncPolicy.everyCommit(), RecoveryMode.POINT_IN_TIME)) {
                    assertTrue(prefixes.contains(pit.dump()), where + ": point-in-time recovery opened to no prefix: "
                            + p.recovery());
                    if (p.recovery().lostAcknowledged()) pitLost++;
                } catch (Throwable e) {
                    throw new AssertionError(where + ": point-in-time recovery failed: " + e, e);
                }
                pitOpened++;
            }
        }
        System.out.printf("journal fuzz, seed %d: %d variants: %d opened to a prefix, %d to other consistent data "
                + "(re-signed or moved records only), %d refused, 0 failed otherwise; point-in-time recovery of the %d "
                + "with raw damage: all opened to a prefix, %d reporting forced bytes dropped%n", seed, rounds, exactly,
                other, refused, pitOpened, pitLost);
        assertTrue(refused > 0, "seed " + seed + ": nothing was refused");
    }

    /** The journal with one record dropped, repeated or swapped with another; sequence numbers fixed or not. */
    private static byte[] moveRecords(byte[] good, List<int[]> records, Random rnd) {
        List<int[]> order = new ArrayList<>(records);
        int i = rnd.nextInt(order.size());
        switch (rnd.nextInt(3)) {
            case 0 -> order.remove(i);
            case 1 -> order.add(rnd.nextInt(order.size() + 1), order.get(i));
            default -> {
                int j = rnd.nextInt(order.size());
                int[] x = order.get(i);
                order.set(i, order.get(j));
                order.set(j, x);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(good, 0, PersistenceFormat.JOURNAL_HEADER);
        boolean renumber = rnd.nextBoolean();
        long sequence = 0;
        for (int[] r : order) {
            byte[] rec = Arrays.copyOfRange(good, r[0], r[1]);
            if (renumber) {
                ByteBuffer.wrap(rec).putLong(4, sequence++);
                ByteBuffer.wrap(rec).putInt(PersistenceFormat.RECORD_HEADER_CRC_AT, JournalFile.headerCrc(0, rec, 0));
            }
            out.writeBytes(rec);
        }
        return out.toByteArray();
    }

    /** Recomputes both checksums of every record whose magic and length still parse (to reach the replay). */
    private static void resignJournal(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        int pos = PersistenceFormat.JOURNAL_HEADER;
        while (b.length - pos >= PersistenceFormat.RECORD_HEADER && buf.getInt(pos) == PersistenceFormat.RECORD_MAGIC) {
            long length = buf.getInt(pos + PersistenceFormat.RECORD_LENGTH_AT) & 0xFFFFFFFFL;
            if (length > b.length - pos - PersistenceFormat.RECORD_HEADER) return;
            buf.putInt(pos + PersistenceFormat.RECORD_PAYLOAD_CRC_AT, DurableFiles.crc(b, pos + PersistenceFormat.RECORD_HEADER, (int) length));
            buf.putInt(pos + PersistenceFormat.RECORD_HEADER_CRC_AT, JournalFile.headerCrc(0, b, pos));
            pos += PersistenceFormat.RECORD_HEADER + (int) length;
        }
    }

    /** A mutated copy; {@code where} receives the kind of mutation (1: truncation) and its position. */
    private static byte[] mutate(byte[] good, Random rnd, int[] where) {
        byte[] b = good.clone();
        int kind = rnd.nextInt(4);
        where[0] = kind;
        switch (kind) {
            case 0 -> {
                int at = rnd.nextInt(b.length);
                where[1] = at;
                b[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> {
                where[1] = rnd.nextInt(b.length + 1);
                b = Arrays.copyOf(b, where[1]);
            }
            case 2 -> {
                int at = rnd.nextInt(b.length);
                where[1] = at;
                b = SnapshotTest.insertJunk(b, at, 1 + rnd.nextInt(12), rnd);
            }
            default -> {
                int at = PersistenceFormat.JOURNAL_HEADER + rnd.nextInt(Math.max(1, b.length - PersistenceFormat.JOURNAL_HEADER - 4));
                where[1] = at;
                ByteBuffer.wrap(b).putInt(at, rnd.nextBoolean() ? Integer.MAX_VALUE : rnd.nextInt(64));
            }
        }
        return b;
    }
}
