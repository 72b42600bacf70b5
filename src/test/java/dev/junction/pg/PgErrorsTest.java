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

    /** A started replica of {@code pairs} and a connection to write to its database; closes all three. */
    private record Session(Pairs e, PgReplica r, Connection c, Statement st) implements AutoCloseable {
        /** On {@code database}, whose {@code pairs} table exists; the slot is named as the database. */
        static Session start(PgServer pg, String database) throws Exception {
            Pairs e = new Pairs();
            PgReplica r = e.replica(pg, database, database);
            Connection c = null;
            try {
                c = pg.connect(database);
                Session s = new Session(e, r, c, c.createStatement());
                r.start();
                return s;
            } catch (Exception | Error x) {
                if (c != null) c.close(); // and its statement
                r.close();
                throw x;
            }
        }

        @Override
        public void close() throws Exception {
            try (r; c; st) { // closed in reverse: the statement, the connection, the replica
            }
        }
    }

    private static PgReplicaException awaitFailure(PgReplica r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.state() != PgReplica.State.FAILED && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(PgReplica.State.FAILED, r.state(), r.toString());
        return r.failure();
    }

    /** Waits for {@code r} to stop; its exception must name the table {@code pairs} and say each of {@code says}. */
    private static PgReplicaException assertStops(PgReplica r, String... says) throws InterruptedException {
        PgReplicaException x = awaitFailure(r);
        assertEquals("public.pairs", x.table());
        for (String s : says) assertTrue(x.getMessage().contains(s), "'" + s + "' missing from: " + x.getMessage());
        return x;
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
        try (Session s = Session.start(pg, "err_null")) {
            s.st().execute("INSERT INTO pairs VALUES (2, 2, 4)");
            assertTrue(s.r().awaitPosition(lsn(s.c()), Duration.ofSeconds(10)));
            String before = s.e().dump();
            long stayed = s.r().position();
            s.c().setAutoCommit(false);
            s.st().execute("INSERT INTO pairs VALUES (3, 3, 9)"); // fine, but in the failing transaction
            s.st().execute("INSERT INTO pairs VALUES (4, NULL, 5)");
            s.c().commit();
            PgReplicaException x = assertStops(s.r(), "NULL key");
            assertEquals("(a=4, b=NULL)", x.key());
            assertNotEquals(0, x.lsn());
            assertTrue(x.getMessage().contains(PgReplica.formatLsn(x.lsn())), x.getMessage());
            assertEquals(before, s.e().dump(), "the engine stays at the last applied transaction");
            assertEquals(stayed, s.r().position());
            assertThrows(PgReplicaException.class, () -> s.r().awaitPosition(Long.MAX_VALUE, Duration.ofSeconds(1)));
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
        try (Session s = Session.start(pg, "err_value")) {
            String before = s.e().dump();
            s.st().execute("UPDATE pairs SET n = 1099511627776 WHERE a = 1 AND b = 2"); // 2^40 into an int column
            assertEquals("(a=1, b=2)", assertStops(s.r(), "does not fit", "'n'").key());
            assertEquals(before, s.e().dump());
        }
    }

    @Test
    void keyThatDoesNotMapStopsTheReplica(PgServer pg) throws Exception {
        pg.createDatabase("err_key");
        pg.sql("err_key", "CREATE TABLE pairs (a text, b bigint, n bigint, PRIMARY KEY (a, b))",
                "INSERT INTO pairs VALUES ('7', 1, 1)");
        try (Session s = Session.start(pg, "err_key")) { // a LongTable takes text keys that are integers
            assertEquals("{7-1=1}", s.e().dump());
            s.st().execute("INSERT INTO pairs VALUES ('x7', 2, 2)");
            assertEquals("(a=x7, b=2)", assertStops(s.r(), "not mapped").key());
            assertEquals("{7-1=1}", s.e().dump());
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
        try (Session s = Session.start(pg, "err_alter")) {
            // a column the mapping does not use: fine
            s.st().execute("ALTER TABLE pairs ADD COLUMN comment text");
            s.st().execute("INSERT INTO pairs VALUES (2, 1, 3, 'hello')");
            assertTrue(s.r().awaitPosition(lsn(s.c()), Duration.ofSeconds(10)));
            assertEquals("{1-1=1, 1-2=2, 2-1=3}", s.e().dump());
            // a mapped column changes type: the next change of the table stops the replica
            s.st().execute("ALTER TABLE pairs ALTER COLUMN n TYPE text");
            s.st().execute("INSERT INTO pairs VALUES (3, 1, 'x', NULL)");
            assertNotEquals(0, assertStops(s.r(), "column n is text", "altered").lsn());
            assertEquals("{1-1=1, 1-2=2, 2-1=3}", s.e().dump());
        }
    }

    @Test
    void droppedTableStopsTheReplica(PgServer pg) throws Exception {
        pairsTable(pg, "err_drop");
        try (Session s = Session.start(pg, "err_drop")) {
            s.st().execute("DROP TABLE pairs");
            assertStops(s.r(), "was dropped");
            assertEquals("{1-1=1, 1-2=2}", s.e().dump());
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
        try (Session s = Session.start(pg, "err_pub")) { // createPublication(true)
            s.st().execute("INSERT INTO pairs VALUES (1, 2, 3)");
            assertTrue(s.r().awaitPosition(lsn(s.c()), Duration.ofSeconds(10)));
            assertEquals("{1-2=3}", s.e().dump());
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
