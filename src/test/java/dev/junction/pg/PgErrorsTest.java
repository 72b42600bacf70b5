package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.Table;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input and bad setups: each stops the replica (or refuses to start it) with a {@link PgReplicaException} that
 * names the table, the row's key and the LSN, and leaves the engine at the last applied transaction: never part of
 * the failing transaction, never a silent skip.
 */
@ExtendWith(PostgresExtension.class)
class PgErrorsTest {

    /** A relation {@code pairs(a, b, n)} with an int link column, into LongTables. */
    private static final class Pairs {
        final Junction db = Junction.create();
        final LongTable as = db.longTable("a");
        final LongTable bs = db.longTable("b");
        final Relation<Long, Long> pairs = db.relation("pairs", as, bs);
        final LinkColumn.OfInt<Long, Long> n = pairs.intColumn("n", -1);

        PgReplica replica(PgServer pg, String database, String slot) {
            return PgReplica.builder(db, pg.url(database)).user(PgServer.SUPERUSER).slot(slot).publication("pub")
                    .createPublication(true).schemaCheckInterval(Duration.ofMillis(200))
                    .relation("pairs", pairs, "a", "b", PgReplica.column("n", n)).build();
        }

        String dump() {
            TreeMap<String, Integer> m = new TreeMap<>();
            for (int a : as.ids()) {
                for (int b : pairs.ints().rightsOf(a).toIntArray()) m.put(as.keyOf(a) + "-" + bs.keyOf(b), n.getByIds(a, b));
            }
            return m.toString();
        }
    }

    private static PgReplicaException awaitFailure(PgReplica r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.state() != PgReplica.State.FAILED && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(PgReplica.State.FAILED, r.state(), r.toString());
        return r.failure();
    }

    private static long lsn(Connection c) throws Exception {
        return Workload.currentLsn(c);
    }

    /** Creates {@code pairs}; {@code extra} statements follow (indexes, data). */
    private static void pairsTable(PgServer pg, String database, String... extra) throws Exception {
        pg.createDatabase(database);
        pg.sql(database, "CREATE TABLE pairs (a bigint, b bigint, n bigint, UNIQUE (a, b))",
                "ALTER TABLE pairs REPLICA IDENTITY FULL", "INSERT INTO pairs VALUES (1, 1, 1), (1, 2, 2)");
        pg.sql(database, extra);
    }

    @Test
    void nullKeyStopsTheReplicaBeforeAnyOfItsTransaction(PgServer pg) throws Exception {
        pairsTable(pg, "err_null");
        Pairs e = new Pairs();
        try (PgReplica r = e.replica(pg, "err_null", "err_null"); Connection c = pg.connect("err_null");
             Statement st = c.createStatement()) {
            r.start();
            st.execute("INSERT INTO pairs VALUES (2, 2, 4)");
            assertTrue(r.awaitPosition(lsn(c), Duration.ofSeconds(10)));
            String before = e.dump();
            long stayed = r.position();
            c.setAutoCommit(false);
            st.execute("INSERT INTO pairs VALUES (3, 3, 9)"); // fine, but in the failing transaction
            st.execute("INSERT INTO pairs VALUES (4, NULL, 5)");
            c.commit();
            PgReplicaException x = awaitFailure(r);
            assertEquals("public.pairs", x.table());
            assertEquals("(a=4, b=NULL)", x.key());
            assertNotEquals(0, x.lsn());
            assertTrue(x.getMessage().contains("NULL key"), x.getMessage());
            assertTrue(x.getMessage().contains(PgReplica.formatLsn(x.lsn())), x.getMessage());
            assertEquals(before, e.dump(), "the engine stays at the last applied transaction");
            assertEquals(stayed, r.position());
            assertThrows(PgReplicaException.class, () -> r.awaitPosition(Long.MAX_VALUE, Duration.ofSeconds(1)));
        }
    }

    @Test
    void aBadTransactionInACatchUpBatchLeavesTheEngineBeforeTheBatch(PgServer pg, @org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        pairsTable(pg, "err_batch");
        Pairs e = new Pairs();
        PgReplica first = PgReplica.builder(e.db, pg.url("err_batch")).user(PgServer.SUPERUSER).slot("err_batch")
                .publication("pub").createPublication(true).relation("pairs", e.pairs, "a", "b",
                        PgReplica.column("n", e.n)).journal(dir, dev.junction.SyncPolicy.everyCommit()).build();
        first.start();
        first.close();
        try (Connection c = pg.connect("err_batch"); Statement st = c.createStatement()) {
            for (int i = 10; i < 300; i++) st.execute("INSERT INTO pairs VALUES (" + i + ", 1, " + i + ")"); // good
            st.execute("INSERT INTO pairs VALUES (999, NULL, 1)"); // bad
        }
        Thread.sleep(50); // so that the replica finds them over 20 ms old: behind, it batches
        Pairs again = new Pairs();
        try (PgReplica r = PgReplica.builder(again.db, pg.url("err_batch")).user(PgServer.SUPERUSER).slot("err_batch")
                .publication("pub").relation("pairs", again.pairs, "a", "b", PgReplica.column("n", again.n))
                .journal(dir, dev.junction.SyncPolicy.everyCommit()).build()) {
            r.start();
            PgReplicaException x = awaitFailure(r);
            assertEquals("(a=999, b=NULL)", x.key());
            String state = again.dump();
            long applied = r.appliedTransactions();
            // a prefix of the transactions, each entire: those batched with the bad one are rolled back with it
            assertEquals(applied, again.pairs.size() - 2, state);
            for (long i = 10; i < 10 + applied; i++) assertTrue(again.pairs.contains(i, 1L), "transaction " + i);
            assertTrue(applied <= 290, "applied " + applied);
            assertEquals(PgReplica.State.FAILED, r.state());
        }
    }

    @Test
    void valueThatDoesNotFitItsColumnStopsTheReplica(PgServer pg) throws Exception {
        pairsTable(pg, "err_value");
        Pairs e = new Pairs();
        try (PgReplica r = e.replica(pg, "err_value", "err_value"); Connection c = pg.connect("err_value");
             Statement st = c.createStatement()) {
            r.start();
            String before = e.dump();
            st.execute("UPDATE pairs SET n = 1099511627776 WHERE a = 1 AND b = 2"); // 2^40 into an int column
            PgReplicaException x = awaitFailure(r);
            assertEquals("public.pairs", x.table());
            assertEquals("(a=1, b=2)", x.key());
            assertTrue(x.getMessage().contains("does not fit") && x.getMessage().contains("'n'"), x.getMessage());
            assertEquals(before, e.dump());
        }
    }

    @Test
    void keyThatDoesNotMapStopsTheReplica(PgServer pg) throws Exception {
        pg.createDatabase("err_key");
        pg.sql("err_key", "CREATE TABLE pairs (a text, b bigint, n bigint, PRIMARY KEY (a, b))",
                "INSERT INTO pairs VALUES ('7', 1, 1)");
        Pairs e = new Pairs(); // a LongTable takes text keys that are integers
        try (PgReplica r = e.replica(pg, "err_key", "err_key"); Connection c = pg.connect("err_key");
             Statement st = c.createStatement()) {
            r.start();
            assertEquals("{7-1=1}", e.dump());
            st.execute("INSERT INTO pairs VALUES ('x7', 2, 2)");
            PgReplicaException x = awaitFailure(r);
            assertEquals("(a=x7, b=2)", x.key());
            assertTrue(x.getMessage().contains("not mapped"), x.getMessage());
            assertEquals("{7-1=1}", e.dump());
        }
    }

    @Test
    void badRowInTheCopyRefusesToStart(PgServer pg) throws Exception {
        pairsTable(pg, "err_copy", "INSERT INTO pairs VALUES (5, NULL, 1)");
        Pairs e = new Pairs();
        try (PgReplica r = e.replica(pg, "err_copy", "err_copy")) {
            PgReplicaException x = assertThrows(PgReplicaException.class, r::start);
            assertEquals("public.pairs", x.table());
            assertEquals("(a=5, b=NULL)", x.key());
            assertNotEquals(0, x.lsn(), "the copy's snapshot position");
            assertEquals(0, e.pairs.size(), "nothing of the copy is visible");
            assertEquals(0, e.as.size());
        }
    }

    @Test
    void alteredTableStopsTheReplicaWhenTheMappingNoLongerFits(PgServer pg) throws Exception {
        pairsTable(pg, "err_alter");
        Pairs e = new Pairs();
        try (PgReplica r = e.replica(pg, "err_alter", "err_alter"); Connection c = pg.connect("err_alter");
             Statement st = c.createStatement()) {
            r.start();
            // a column the mapping does not use: fine
            st.execute("ALTER TABLE pairs ADD COLUMN comment text");
            st.execute("INSERT INTO pairs VALUES (2, 1, 3, 'hello')");
            assertTrue(r.awaitPosition(lsn(c), Duration.ofSeconds(10)));
            assertEquals("{1-1=1, 1-2=2, 2-1=3}", e.dump());
            // a mapped column changes type: the next change of the table stops the replica
            st.execute("ALTER TABLE pairs ALTER COLUMN n TYPE text");
            st.execute("INSERT INTO pairs VALUES (3, 1, 'x', NULL)");
            PgReplicaException x = awaitFailure(r);
            assertEquals("public.pairs", x.table());
            assertNotEquals(0, x.lsn());
            assertTrue(x.getMessage().contains("column n is text") && x.getMessage().contains("altered"),
                    x.getMessage());
            assertEquals("{1-1=1, 1-2=2, 2-1=3}", e.dump());
        }
    }

    @Test
    void droppedTableStopsTheReplica(PgServer pg) throws Exception {
        pairsTable(pg, "err_drop");
        Pairs e = new Pairs();
        try (PgReplica r = e.replica(pg, "err_drop", "err_drop"); Connection c = pg.connect("err_drop");
             Statement st = c.createStatement()) {
            r.start();
            st.execute("DROP TABLE pairs");
            PgReplicaException x = awaitFailure(r);
            assertEquals("public.pairs", x.table());
            assertTrue(x.getMessage().contains("was dropped"), x.getMessage());
            assertEquals("{1-1=1, 1-2=2}", e.dump());
        }
    }

    @Test
    void missingPrivilegesAndSetupsAreRefusedAtStart(PgServer pg) throws Exception {
        pairsTable(pg, "err_setup");
        pg.sql("err_setup", "DROP ROLE IF EXISTS plain", "DROP ROLE IF EXISTS reader",
                "CREATE ROLE plain LOGIN", "CREATE ROLE reader LOGIN REPLICATION",
                "CREATE TABLE nokey (a bigint, b bigint)", "CREATE TABLE pk_id (id bigint PRIMARY KEY, a bigint, b bigint, "
                        + "UNIQUE (a, b))", "CREATE PUBLICATION pub FOR TABLE pairs, pk_id");
        // no REPLICATION
        PgReplicaException x = startFails(pg, "plain", "pairs");
        assertTrue(x.getMessage().contains("REPLICATION"), x.getMessage());
        // REPLICATION, but no SELECT on the table
        x = startFails(pg, "reader", "pairs");
        assertTrue(x.getMessage().contains("GRANT SELECT"), x.getMessage());
        assertEquals("public.pairs", x.table());
        // no unique key on the pair
        x = startFails(pg, PgServer.SUPERUSER, "nokey");
        assertTrue(x.getMessage().contains("no unique index on exactly (a, b)"), x.getMessage());
        // a unique pair, but UPDATEs and DELETEs send only the id
        x = startFails(pg, PgServer.SUPERUSER, "pk_id");
        assertTrue(x.getMessage().contains("REPLICA IDENTITY"), x.getMessage());
        // the table is not in the publication
        pg.sql("err_setup", "ALTER TABLE nokey ADD PRIMARY KEY (a, b)");
        x = startFails(pg, PgServer.SUPERUSER, "nokey");
        assertTrue(x.getMessage().contains("ALTER PUBLICATION"), x.getMessage());
    }

    private static PgReplicaException startFails(PgServer pg, String user, String table) {
        Junction db = Junction.create();
        Table<Long> a = db.longTable("a");
        Relation<Long, Long> rel = db.relation("r", a, db.longTable("b"));
        try (PgReplica r = PgReplica.builder(db, pg.url("err_setup")).user(user).slot("err_setup").publication("pub")
                .relation(table, rel, "a", "b").build()) {
            PgReplicaException x = assertThrows(PgReplicaException.class, r::start);
            assertEquals(PgReplica.State.FAILED, r.state());
            return x;
        }
    }

    @Test
    void aPublicationIsCreatedOnlyWhenAsked(PgServer pg) throws Exception {
        pg.createDatabase("err_pub");
        pg.sql("err_pub", "CREATE TABLE pairs (a bigint, b bigint, n bigint, PRIMARY KEY (a, b))");
        Pairs e = new Pairs();
        try (PgReplica r = PgReplica.builder(e.db, pg.url("err_pub")).user(PgServer.SUPERUSER).slot("err_pub")
                .publication("pub").relation("pairs", e.pairs, "a", "b").build()) {
            PgReplicaException x = assertThrows(PgReplicaException.class, r::start);
            assertTrue(x.getMessage().contains("CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"pairs\""),
                    x.getMessage());
        }
        Pairs e2 = new Pairs();
        try (PgReplica r = e2.replica(pg, "err_pub", "err_pub"); Connection c = pg.connect("err_pub");
             Statement st = c.createStatement()) {
            r.start(); // createPublication(true)
            st.execute("INSERT INTO pairs VALUES (1, 2, 3)");
            assertTrue(r.awaitPosition(lsn(c), Duration.ofSeconds(10)));
            assertEquals("{1-2=3}", e2.dump());
        }
    }

    @Test
    void builderRefusesMappingsThatCannotWork() {
        Junction db = Junction.create();
        Table<String> people = db.table("people");
        Relation<String, String> friends = db.symmetric("friends", people);
        Relation<String, String> follows = db.directed("follows", people);
        LinkColumn.OfLong<String, String> since = follows.longColumn("since", 0);
        PgReplica.Builder b = PgReplica.builder(db, "jdbc:postgresql://localhost/x").slot("s").publication("p");
        assertThrows(IllegalArgumentException.class, () -> b.relation("friends", friends, "a", "b"));
        assertThrows(IllegalArgumentException.class, () -> b.relation("follows", follows.inverse(), "a", "b",
                PgReplica.column("since", since)), "a column of the other orientation");
        assertThrows(IllegalArgumentException.class, () -> PgReplica.builder(db, "u").slot("Bad-Name"));
        assertThrows(IllegalStateException.class, () -> PgReplica.builder(db, "u").slot("s").publication("p").build());
        b.relation("follows", follows, "a", "b", PgReplica.column("since", since));
        assertThrows(IllegalArgumentException.class, () -> b.relation("follows2", follows, "a", "b"), "mapped twice");
        PgReplica r = b.build();
        assertEquals(PgReplica.State.NEW, r.state());
        Junction journaled = Junction.create();
        Table<String> t = journaled.table("t");
        PgReplica.builder(journaled, "u").slot("s").publication("p").relation("x", journaled.directed("x", t), "a", "b")
                .journal(java.nio.file.Path.of("unused"), dev.junction.SyncPolicy.everyCommit()).build();
        assertThrows(IllegalArgumentException.class, () -> PgReplica.builder(journaled, "u").slot("s").publication("p")
                .relation("y", journaled.directed("y", t), "a", "b")
                .journal(java.nio.file.Path.of("unused"), dev.junction.SyncPolicy.everyCommit()).build(),
                "two journaled replicas of one slot in one engine would share the position table");
        assertEquals(0x16B3748L, PgReplica.parseLsn("0/16B3748"));
        assertEquals("16/B374D848", PgReplica.formatLsn(PgReplica.parseLsn("16/B374D848")));
        assertThrows(IllegalArgumentException.class, () -> PgReplica.parseLsn("16B3748"));
        r.close();
        assertFalse(r.state() == PgReplica.State.STREAMING);
        assertNull(r.failure());
    }
}
