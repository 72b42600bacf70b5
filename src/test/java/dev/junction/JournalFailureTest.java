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
 * crashed journal creation leaves only a temporary file.
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
            w.db.registerCodec(new ValueCodec<Book>() {
                @Override
                public Class<Book> type() {
                    return Book.class;
                }

                @Override
                public void write(Book b, java.io.DataOutput out) throws IOException {
                    throw new IOException("codec failure");
                }

                @Override
                public Book read(java.io.DataInput in) {
                    throw new UnsupportedOperationException();
                }
            });
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
}
