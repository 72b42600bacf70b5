package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.junction.WireBytes.Sink;
import dev.junction.SnapshotTest.Book;
import dev.junction.SnapshotTest.World;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal when things go wrong: a damaged length is not a torn tail; an interrupted committer does not break
 * the journal for others; an oversized journal is refused cleanly; a failed checkpoint can be retried; recovery
 * tells listeners nothing (and a writing listener cannot break it); a failed open or close leaves no half state;
 * loading into a journaled engine is refused; closing a group-commit journal does not fail a waiting committer; a
 * crashed journal creation leaves only a temporary file. And the two gaps of issue 20 (power cuts): a new data
 * directory survives a power cut once a commit was acknowledged, and a hole in an unforced record before an intact
 * unforced one (group commit) is dropped by itself, while the same hole in a forced record is refused naming the
 * file and byte ({@link RecoveryMode#STRICT}) or recovered up to it ({@link RecoveryMode#POINT_IN_TIME}).
 */
class JournalFailureTest {

    @TempDir
    Path dir;

    private World threeCommits() throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            w.tags.add("a");
            w.tags.add("b");
            w.tags.add("c");
        }
        return w;
    }

    /** Bit rot in a record's length, with records after it, is refused: never cut off as a torn tail. */
    @Test
    void aDamagedLengthOfTheFirstRecordIsRefusedNotTakenForATornTail() throws IOException {
        threeCommits();
        Path file = Persistence.journalFile(dir, 0);
        byte[] bytes = Files.readAllBytes(file);
        long before = bytes.length;
        ByteBuffer.wrap(bytes).putInt(PersistenceFormat.JOURNAL_HEADER + PersistenceFormat.RECORD_LENGTH_AT, 0x7FFF0000); // bit rot in record 0's length
        Files.write(file, bytes);
        World back = new World();
        try {
            Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        } catch (CorruptFileException expected) {
            return;
        }
        fail("opened silently with " + back.tags.size() + " of 3 acknowledged commits; journal cut from " + before
                + " to " + Files.size(file) + " bytes");
    }

    /** An interrupted committer does not close the journal under everyone: later commits of other threads work. */
    @Test
    void anInterruptedCommitterLeavesTheJournalWorkingForOthers() throws Exception {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            Thread.currentThread().interrupt();
            try {
                w.tags.add("a");
            } catch (RuntimeException ignored) {
                // this one may fail
            } finally {
                Thread.interrupted();
            }
            AtomicInteger ok = new AtomicInteger();
            Thread other = new Thread(() -> {
                w.tags.add("b");
                ok.incrementAndGet();
            });
            other.start();
            other.join();
            assertEquals(1, ok.get(), "a commit on another, non-interrupted thread failed");
        }
    }

    /** A journal over 2 GiB is a clear CorruptFileException, never an OutOfMemoryError. */
    @Test
    void aJournalOver2GiBIsRefusedClearly() throws IOException {
        threeCommits();
        try (RandomAccessFile f = new RandomAccessFile(Persistence.journalFile(dir, 0).toFile(), "rw")) {
            f.setLength((1L << 31) + 64); // sparse
        }
        World back = new World();
        try {
            Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        } catch (IOException | RuntimeException acceptable) {
            return;
        } catch (OutOfMemoryError e) {
            fail("escaped as " + e);
        }
    }

    /** A checkpoint that fails after the journal switch (a codec failing while encoding) can be retried. */
    @Test
    void aFailedCheckpointCanBeRetried() throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            World.populate(w);
            w.db.registerCodec(TestCodecs.of(Book.class, (b, out) -> {
                throw new IOException("codec failure");
            }, in -> {
                throw new UnsupportedOperationException();
            }));
            assertThrows(IOException.class, p::checkpoint);
            w.db.registerCodec(SnapshotTest.BOOKS);
            p.checkpoint();
            assertEquals(2, p.generation());
        }
    }

    /** Listeners registered before open hear nothing of recovery (they heard those commits when made). */
    @Test
    void recoveryTellsListenersNothing() throws IOException {
        threeCommits();
        World back = new World();
        AtomicInteger events = new AtomicInteger();
        back.db.addListener(new ChangeListener() {
            @Override
            public void added(Table<?> table, int id, Object entity) {
                events.incrementAndGet();
            }
        });
        Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(0, events.get(), "recovery delivered replayed commits as events");
    }

    /** An open that fails after recovery (a leftover it cannot delete) leaves the engine unjournaled and unlocked. */
    @Test
    void aFailedOpenLeavesTheEngineUnjournaled() throws IOException {
        World w = new World();
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            w.tags.add("a");
            p.checkpoint();
        }
        Path old = Persistence.journalFile(dir, 0); // an undeletable leftover of generation 0
        Files.createDirectories(old);
        Files.writeString(old.resolve("x"), "x");
        World back = new World();
        assertThrows(IOException.class, () -> Persistence.open(back.db, dir, SyncPolicy.everyCommit()));
        assertFalse(back.db.writes.journaled(), "open threw, yet the engine is journaled");
        assertEquals(new World().dump(), back.dump(), "a failed open leaves the engine empty");
    }

    /** A snapshot load into a journaled engine would bypass the journal: it is refused, the directory keeps opening. */
    @Test
    void aLoadIntoAJournaledEngineIsRefused() throws IOException {
        Path snap = dir.resolve("backup.snap");
        World.sample().db.save(snap);
        Path store = dir.resolve("store");
        World w = new World();
        try (Persistence p = Persistence.open(w.db, store, SyncPolicy.everyCommit())) {
            try {
                w.db.load(snap); // "import a backup"
            } catch (IllegalStateException refused) {
                return; // acceptable: refused while journaled
            }
            w.tags.add("after-import");
        }
        World back = new World();
        Persistence.open(back.db, store, SyncPolicy.everyCommit()).close(); // CorruptFileException
        assertEquals(w.dump(), back.dump());
    }

    /** A listener that writes, registered before open, hears nothing of recovery, so its writes cannot break it. */
    @Test
    void aWritingListenerDoesNotBreakRecovery() throws IOException {
        World w = new World();
        w.db.addListener(new ChangeListener() {
            @Override
            public void added(Table<?> table, int id, Object entity) {
                if (table == w.tags) w.users.add(1000L + id);
            }
        });
        try (Persistence p = Persistence.open(w.db, dir, SyncPolicy.everyCommit())) {
            w.tags.add("a");
        }
        World back = new World();
        back.db.addListener(new ChangeListener() {
            @Override
            public void added(Table<?> table, int id, Object entity) {
                if (table == back.tags) back.users.add(1000L + id);
            }
        });
        Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(w.dump(), back.dump());
    }

    @Test
    void closeThatTimesOutChangesNothingAndCanBeRetried() throws Exception {
        Junction db = Junction.create(Duration.ofMillis(100));
        Table<String> tags = db.table("tags");
        Persistence p = Persistence.open(db, dir, SyncPolicy.everyCommit());
        CountDownLatch inTxn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (Transaction t = db.begin()) {
                inTxn.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        inTxn.await();
        assertThrows(LockTimeoutException.class, p::close);
        assertTrue(db.writes.journaled(), "a close that timed out must leave the journal attached");
        Junction second = Junction.create();
        second.table("tags");
        assertThrows(IllegalStateException.class, () -> Persistence.open(second, dir, SyncPolicy.everyCommit()),
                "the directory must stay locked");
        release.countDown();
        holder.join();
        tags.add("x");
        p.close();
        assertFalse(db.writes.journaled());
        Junction third = Junction.create();
        Table<String> t3 = third.table("tags");
        Persistence.open(third, dir, SyncPolicy.everyCommit()).close();
        assertTrue(t3.contains("x"));
    }

    @Test
    void closingAGroupCommitJournalDoesNotFailAWaitingCommitter() throws Exception {
        for (int round = 0; round < 20; round++) {
            JournalFile j = JournalFile.create(FileLayer.SYSTEM, dir.resolve("j" + round + ".log"), 0, SyncPolicy.groupCommit(Duration.ZERO));
            long ticket = j.append(new byte[10]);
            AtomicReference<Throwable> got = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    j.awaitDurable(ticket);
                } catch (Throwable e) {
                    got.set(e);
                }
            });
            waiter.start();
            j.close();
            waiter.join();
            assertEquals(null, got.get(), "round " + round);
        }
    }

    @Test
    void aCrashWhileCreatingAJournalLeavesOnlyATemporaryFile() throws IOException {
        threeCommits();
        Files.write(dir.resolve("journal-0000000000000001.log.12345.tmp"), new byte[7]); // header half written
        World back = new World();
        Persistence.open(back.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(3, back.tags.size());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")), "the leftover is removed");
        }
    }

    // ---- issue 20: power cuts ----------------------------------------------------------------------------------

    /** The state a power cut leaves at the last moment of {@code fs}: only what was forced. */
    private static java.util.Map<Integer, SimulatedFiles.NodeState> onlyForced(SimulatedFiles fs) {
        java.util.List<SimulatedFiles.Moment> ms = fs.moments();
        SimulatedFiles.Moment now = ms.get(ms.size() - 1);
        return SimulatedFiles.crash(now, SimulatedFiles.Choice.all(now.pendingItems().size(), false),
                new java.util.Random(0));
    }

    /** Opens the data directory of a power-cut image and returns what the table holds. */
    private static java.util.List<String> tagsAfter(java.util.Map<Integer, SimulatedFiles.NodeState> image)
            throws IOException {
        Junction db = Junction.create();
        Table<String> tags = db.table("tags");
        Persistence.open(db, PowerCutTest.DATA, SyncPolicy.everyCommit(), RecoveryMode.STRICT,
                SimulatedFiles.of(image)).close();
        java.util.List<String> out = new java.util.ArrayList<>();
        tags.forEach(out::add);
        return out;
    }

    /**
     * Issue 20, gap 1: the data directory (and its missing ancestors) created by open must be durable before the
     * first commit is acknowledged; without forcing their parents a power cut lost the whole directory, and the
     * engine opened empty.
     */
    @Test
    void aNewDataDirectorySurvivesAPowerCutOnceACommitWasAcknowledged() throws IOException {
        SimulatedFiles fs = SimulatedFiles.recording(0);
        Junction db = Junction.create();
        Table<String> tags = db.table("tags");
        Persistence p = Persistence.open(db, PowerCutTest.DATA, SyncPolicy.everyCommit(), RecoveryMode.STRICT, fs);
        tags.add("acknowledged");
        assertEquals(java.util.List.of("acknowledged"), tagsAfter(onlyForced(fs)), "power cut after the commit");
        p.close();
    }

    /**
     * The same when an earlier process created the directory and was killed before forcing its parent: open
     * forces the parent of an existing directory too.
     */
    @Test
    void aDataDirectoryLeftUnforcedByAKilledProcessSurvivesAPowerCut() throws IOException {
        SimulatedFiles fs = SimulatedFiles.recording(0);
        DurableFiles.createDirectories(fs, PowerCutTest.DATA.getParent()); // durable
        fs.createDirectory(PowerCutTest.DATA); // the killed process got this far: the entry is in the cache only
        Junction db = Junction.create();
        Table<String> tags = db.table("tags");
        try (Persistence p = Persistence.open(db, PowerCutTest.DATA, SyncPolicy.everyCommit(), RecoveryMode.STRICT,
                fs)) {
            tags.add("acknowledged");
            assertEquals(java.util.List.of("acknowledged"), tagsAfter(onlyForced(fs)));
        }
    }

    /**
     * Journal 0 as group commit can leave it after a power cut: record 0 ("a") forced; records 1 ("b") and 2
     * ("c") written after that force and not forced themselves, so both state the journal forced up to record 1's
     * start; record 1's bytes are zeros (they never reached the disk) while record 2's did. With
     * {@code secondSaysFirstForced}, record 2 states instead that record 1 was forced before it was written (as
     * with every-commit sync): then the zeros are damage to an acknowledged commit. Returns record 1's offset.
     */
    private long holeBeforeAnIntactRecord(boolean secondSaysFirstForced) throws IOException {
        threeCommits();
        Path file = Persistence.journalFile(dir, 0);
        JournalFile.Contents c = JournalFile.read(FileLayer.SYSTEM, file, 0, true);
        int r1 = c.offsets.getInt(1);
        int r2 = c.offsets.getInt(2);
        int end = r2 + PersistenceFormat.RECORD_HEADER + c.lengths.getInt(2); // the close mark after it is cut off
        byte[] bytes = java.util.Arrays.copyOf(c.data, end);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putLong(r1 + PersistenceFormat.RECORD_FORCED_AT, r1);
        b.putLong(r2 + PersistenceFormat.RECORD_FORCED_AT, secondSaysFirstForced ? r2 : r1);
        for (int at : new int[] {r1, r2}) {
            b.putInt(at + PersistenceFormat.RECORD_HEADER_CRC_AT, JournalFile.headerCrc(0, bytes, at));
        }
        java.util.Arrays.fill(bytes, r1, r2, (byte) 0); // the hole
        Files.write(file, bytes);
        return r1;
    }

    /**
     * Issue 20, gap 2: a hole in an unforced record before an intact unforced one (group commit, power cut) was
     * refused as "damaged and a valid record follows", needing repair by hand; neither was ever acknowledged, so
     * the default recovery drops both, reports it, cuts them off, and the journal goes on.
     */
    @Test
    void aHoleInAnUnforcedRecordBeforeAnIntactUnforcedOneIsDroppedByItself() throws IOException {
        long hole = holeBeforeAnIntactRecord(false);
        Path file = Persistence.journalFile(dir, 0);
        long size = Files.size(file);
        World back = new World();
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit())) {
            assertEquals(java.util.List.of("a"), java.util.List.copyOf(toList(back.tags)));
            RecoveryReport r = p.recovery();
            assertEquals(1, r.recordsReplayed());
            assertEquals(1, r.dropped().size(), r.toString());
            RecoveryReport.Dropped d = r.dropped().get(0);
            assertEquals(file, d.file());
            assertEquals(hole, d.offset());
            assertEquals(size - hole, d.length());
            assertEquals(1, d.records(), "the intact unforced record after the hole");
            assertFalse(d.acknowledged() || r.lostAcknowledged(), r.toString());
            assertTrue(d.reason().contains("at byte " + hole), d.reason());
            assertEquals(hole, Files.size(file), "cut off before anything is appended");
            back.tags.add("d");
        }
        World again = new World();
        Persistence.open(again.db, dir, SyncPolicy.everyCommit()).close();
        assertEquals(java.util.List.of("a", "d"), toList(again.tags));
    }

    /**
     * The same hole where a later record says it was forced: an acknowledged commit is damaged. STRICT refuses it
     * naming the file and byte and leaves engine and file as they were; POINT_IN_TIME recovers the state before it,
     * reports the loss, keeps the damaged journal aside and writes the state as a new generation, which then opens
     * in STRICT mode.
     */
    @Test
    void aHoleInAForcedRecordIsRefusedOrRecoveredUpToIt() throws IOException {
        long hole = holeBeforeAnIntactRecord(true);
        Path file = Persistence.journalFile(dir, 0);
        byte[] before = Files.readAllBytes(file);
        World back = new World();
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> Persistence.open(back.db, dir, SyncPolicy.everyCommit()));
        assertEquals(file, e.file());
        assertEquals(hole, e.offset());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("record 1 at byte " + hole)
                && e.getMessage().contains("forced"), e.getMessage());
        assertEquals(new World().dump(), back.dump(), "the engine is left empty");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the journal is left as it was");

        World pit = new World();
        try (Persistence p = Persistence.open(pit.db, dir, SyncPolicy.everyCommit(), RecoveryMode.POINT_IN_TIME)) {
            assertEquals(java.util.List.of("a"), toList(pit.tags));
            RecoveryReport r = p.recovery();
            assertTrue(r.lostAcknowledged() && r.rewritten(), r.toString());
            assertEquals(hole, r.dropped().get(0).offset());
            Path aside = dir.resolve("journal-0000000000000000.log.damaged");
            assertEquals(java.util.List.of(aside), r.setAside());
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(aside)), "the damaged journal is kept whole");
            assertEquals(1, p.generation());
            pit.tags.add("e");
        }
        World again = new World();
        try (Persistence p = Persistence.open(again.db, dir, SyncPolicy.everyCommit())) {
            assertEquals(java.util.List.of("a", "e"), toList(again.tags));
            assertFalse(p.recovery().droppedAnything(), p.recovery().toString());
        }
    }

    @Test
    void aCleanOpenReportsWhatItReplayedAndDroppedNothing() throws IOException {
        threeCommits();
        World back = new World();
        try (Persistence p = Persistence.open(back.db, dir, SyncPolicy.everyCommit())) {
            RecoveryReport r = p.recovery();
            assertEquals(RecoveryMode.STRICT, r.mode());
            assertEquals(-1, r.snapshotGeneration());
            assertEquals(1, r.journalsRead());
            assertEquals(3, r.recordsReplayed());
            assertFalse(r.droppedAnything() || r.lostAcknowledged() || r.rewritten(), r.toString());
            assertTrue(r.toString().contains("nothing dropped"), r.toString());
            p.checkpoint();
        }
        try (Persistence p = Persistence.open(new World().db, dir, SyncPolicy.everyCommit())) {
            assertEquals(1, p.recovery().snapshotGeneration());
            assertEquals(0, p.recovery().recordsReplayed());
        }
    }

    private static java.util.List<String> toList(Table<String> t) {
        java.util.List<String> out = new java.util.ArrayList<>();
        t.forEach(out::add);
        return out;
    }
}
