package dev.junction.pg;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LinkColumn;
import dev.junction.LockTimeoutException;
import dev.junction.LongTable;
import dev.junction.Persistence;
import dev.junction.Relation;
import dev.junction.RowColumn;
import dev.junction.SyncPolicy;
import dev.junction.Table;
import dev.junction.index.IntRelation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * A Junction engine that follows PostgreSQL: the association tables (and, optionally, entity tables) of a
 * PostgreSQL database are copied into the engine's relations, association tables and tables, then kept in step
 * through logical replication, transaction by transaction, so that reads (membership, neighbour sets, set algebra,
 * two hops, graph algorithms) go to memory while PostgreSQL stays the truth that other processes write to.
 *
 * <pre>{@code
 * Junction db = Junction.create();
 * LongTable authors = db.longTable("author");
 * LongTable books = db.longTable("book");
 * Relation<Long, Long> wrote = db.relation("author_book", authors, books);
 * try (PgReplica replica = PgReplica.builder(db, "jdbc:postgresql://db:5432/app")
 *         .user("replicator").password(secret)
 *         .slot("junction_node_1").publication("junction")
 *         .relation("author_book", wrote, "author_id", "book_id")
 *         .table("author", authors, "id")
 *         .build()) {
 *     replica.start();                                  // copies, then streams, on a daemon thread
 *     ... commit through JDBC, then SELECT pg_current_wal_lsn() ...
 *     replica.awaitPosition(lsn, Duration.ofSeconds(1));  // read your writes
 *     wrote.rightsOf(2L);
 * }
 * }</pre>
 *
 * <h2>Mapping</h2>
 * {@link Builder#relation} maps an association table whose key is the pair, {@code (left_key, right_key [,
 * columns])}, onto a {@link Relation} and its link columns; {@link Builder#associationTable} one with its own id
 * onto an {@link AssociationTable} and its row columns; {@link Builder#table} an entity table onto a table of its
 * keys. Tables hold keys: a {@link LongTable} for integer keys, a {@code Table<String>} for text and a
 * {@code Table<UUID>} for uuid keys. Which PostgreSQL types fill which columns: integers, {@code numeric},
 * {@code real}/{@code double precision}, {@code boolean}, text types, {@code uuid}, {@code timestamptz},
 * {@code timestamp} and {@code date} (as epoch microseconds or days in primitive columns, as {@code Instant},
 * {@code LocalDateTime}, {@code LocalDate} in object columns), and any type's text into a {@code String} column.
 *
 * <h2>Consistency</h2>
 * The initial copy reads every mapped table inside the snapshot that the replication slot exported when it was
 * created, streamed with {@code COPY} (a batch at a time, never a whole table in memory), in one Junction
 * transaction (a bulk load of the largest empty relation, the other parts loaded inside it); streaming starts
 * at the slot's consistent point. So no change is missed or applied twice. Each PostgreSQL transaction is then
 * applied as one Junction transaction, in commit order: readers never see half of one. An UPDATE that changes a key
 * is an unlink plus a link; TRUNCATE clears the part.
 *
 * <h2>Position, acknowledgement and restart</h2>
 * The replica keeps its position, the end LSN of the last transaction it applied, in a table of the engine
 * ({@code junction.pg.<slot>.position}, one key), changed in the same Junction transaction as the changes, so a
 * journaled engine ({@link Builder#journal}) stores the position with its state, atomically, in its own journal
 * and snapshots. A position is acknowledged to PostgreSQL (flushed, so that the slot frees the WAL before it) only
 * after the transaction that reached it committed, and, for a journaled engine, is on disk. A journaled replica
 * resumes from its position after a restart or a crash; an in-memory one copies again when it starts. If the slot
 * is gone, lost its WAL, or moved past the replica's position, the replica copies again and says so in the log
 * (logger {@code dev.junction.pg.PgReplica}).
 *
 * <h2>Faults</h2>
 * A dropped connection or a restarting server is retried, forever, after a delay that doubles from
 * {@link Builder#reconnectDelay}'s minimum to its maximum; the open transaction is rolled back and streamed again.
 * Anything else stops the replica ({@link State#FAILED}) with a {@link PgReplicaException} naming the table, the
 * row's key and the LSN: a NULL or unmapped key, a value that does not fit, a change the replica's state
 * contradicts, a mapped table altered so that the mapping no longer fits, dropped or re-created, missing
 * privileges. The engine stays at the last transaction applied.
 *
 * <h2>Threads</h2>
 * One daemon thread per replica applies the stream; listeners of the engine hear each applied transaction on it.
 * Every method here may be called from any thread. The engine may be read by any number of threads meanwhile, and
 * written too, but not the parts the replica feeds (their writes would be overwritten or make the replica fail).
 *
 * <p>Design notes. The position lives in the engine, not in a file of the replica's, so that a journaled engine
 * stores it atomically with the state it describes through the public API alone (no change to the snapshot or
 * journal formats): one {@code LongTable} per slot whose single key is the LSN, rewritten in each applied
 * transaction; an in-memory replica keeps it in a field. The thread polls the driver's stream
 * ({@code readPending}) rather than blocking in {@code read()}, because keepalives (which advance the position
 * while the mapped tables are quiet) are only visible between reads; after 50 ms without a message it pauses 8 ms
 * between polls. Faults are classified once ({@link #fatal}): connection-class SQL states, I/O and lock timeouts
 * retry; everything else stops the replica.
 */
public final class PgReplica implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PgReplica.class.getName());
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern TABLE = Pattern.compile("[^.\"\\x00]+(\\.[^.\"\\x00]+)?");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** After this long without a message the stream loop polls every {@link #IDLE_PAUSE_NANOS} more. */
    private static final long IDLE_NANOS = 50_000_000L;
    private static final long IDLE_PAUSE_NANOS = 8_000_000L;
    /** How far behind PostgreSQL's flush position (in WAL bytes) the replica batches transactions to catch up. */
    private static final long BEHIND_BYTES = 1 << 20;
    /** How old (by PostgreSQL's commit time) a transaction is when the replica counts itself behind. */
    private static final long BEHIND_MICROS = 20_000L;
    /** A journaled replica also checkpoints after this many applied changes. */
    private static final long CHECKPOINT_CHANGES = 5_000_000L;

    /** Where a replica is in its life. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Connecting and checking the setup. */
        STARTING,
        /** Copying the mapped tables. */
        COPYING,
        /** Applying the stream. */
        STREAMING,
        /** Waiting to connect again after a connection fault. */
        RECONNECTING,
        /** Stopped by an error; see {@link #failure()}. The engine stays at the last applied transaction. */
        FAILED,
        /** Closed. */
        CLOSED
    }

    /**
     * Hears what the replica does, on its thread, like a {@link dev.junction.ChangeListener}: every method has an
     * empty default. A listener that throws does not stop the replica: the exception goes to the thread's
     * {@link Thread.UncaughtExceptionHandler}. Keep them short: the stream waits for them.
     */
    public interface Listener {
        /**
         * A PostgreSQL transaction was applied and is visible to readers.
         *
         * @param endLsn the end LSN of the transaction: {@link #position()} now
         * @param commitTimeMicros its commit time on PostgreSQL, in microseconds since 1970-01-01 UTC
         * @param changes the rows it changed in mapped tables (a TRUNCATE counts one per table)
         */
        default void applied(long endLsn, long commitTimeMicros, int changes) {
        }

        /** The copy read {@code rows} rows so far (every 10,000 and at the end, before it commits). */
        default void copyProgress(long rows) {
        }

        /** A copy of the mapped tables committed, at {@code lsn}, for {@code reason}. */
        default void copied(long lsn, long rows, String reason) {
        }

        /** The connection failed; the replica connects again after {@code retryIn}. */
        default void disconnected(Throwable cause, Duration retryIn) {
        }

        /** The replica stopped on {@code error}. */
        default void failed(PgReplicaException error) {
        }
    }

    /** A PostgreSQL column feeding a link column or a row column: see {@link #column(String, LinkColumn)}. */
    public static final class Column {
        final String pgColumn;
        final LinkColumn<?, ?> linkColumn;
        final RowColumn rowColumn;

        private Column(String pgColumn, LinkColumn<?, ?> linkColumn, RowColumn rowColumn) {
            this.pgColumn = Objects.requireNonNull(pgColumn, "PostgreSQL column name is null");
            this.linkColumn = linkColumn;
            this.rowColumn = rowColumn;
        }

        @Override
        public String toString() {
            return pgColumn + " -> " + (linkColumn != null ? linkColumn.name() : rowColumn.name());
        }
    }

    /**
     * PostgreSQL column {@code pgColumn} feeds link column {@code column} (of the relation it is mapped with, in
     * the same orientation).
     *
     * @throws NullPointerException if an argument is null
     */
    public static Column column(String pgColumn, LinkColumn<?, ?> column) {
        return new Column(pgColumn, Objects.requireNonNull(column, "link column is null"), null);
    }

    /**
     * PostgreSQL column {@code pgColumn} feeds row column {@code column} (of the association table it is mapped
     * with).
     *
     * @throws NullPointerException if an argument is null
     */
    public static Column column(String pgColumn, RowColumn column) {
        return new Column(pgColumn, null, Objects.requireNonNull(column, "row column is null"));
    }

    /**
     * Starts describing a replica of the database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db})
     * into {@code db}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Junction db, String jdbcUrl) {
        return new Builder(db, jdbcUrl);
    }

    /**
     * What a replica follows and how. Not thread-safe; {@link #build()} once. The Junction parts given must
     * belong to the builder's engine and be fed by nothing else.
     */
    public static final class Builder {
        private final Junction db;
        private final String url;
        private final Properties props = new Properties();
        private String slot;
        private String publication;
        private boolean createPublication;
        private final List<Part> parts = new ArrayList<>();
        private final Map<Table<?>, TableKeys> keys = new IdentityHashMap<>();
        private final Map<Object, String> junctionParts = new IdentityHashMap<>();
        private Path journal;
        private SyncPolicy policy;
        private Duration minDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(10);
        private Duration schemaCheck = Duration.ofSeconds(5);
        private Duration startTimeout = Duration.ofMinutes(5);
        private Duration checkpointEvery = Duration.ofMinutes(10);
        private boolean batching = true;
        private boolean built;

        private Builder(Junction db, String url) {
            this.db = Objects.requireNonNull(db, "engine is null");
            this.url = Objects.requireNonNull(url, "JDBC URL is null");
        }

        /** Connection properties for both connections (user, password, ssl, ...). */
        public Builder properties(Properties properties) {
            props.putAll(Objects.requireNonNull(properties, "properties are null"));
            return this;
        }

        /** The PostgreSQL role; it needs {@code REPLICATION} (or superuser) and {@code SELECT} on the mapped tables. */
        public Builder user(String user) {
            props.setProperty("user", Objects.requireNonNull(user, "user is null"));
            return this;
        }

        /** The role's password. */
        public Builder password(String password) {
            props.setProperty("password", Objects.requireNonNull(password, "password is null"));
            return this;
        }

        /**
         * The logical replication slot of this replica: one per replica (per application node). Created by the
         * replica; kept by {@link #close()}, dropped by {@link #closeAndDropSlot()}.
         *
         * @throws IllegalArgumentException unless 1 to 63 lower-case letters, digits or underscores
         */
        public Builder slot(String name) {
            Objects.requireNonNull(name, "slot name is null");
            if (!SLOT.matcher(name).matches()) {
                throw new IllegalArgumentException("slot name '" + name + "' must be 1 to 63 lower-case letters, "
                        + "digits or underscores");
            }
            this.slot = name;
            return this;
        }

        /** The publication holding the mapped tables (may be shared by replicas). */
        public Builder publication(String name) {
            Objects.requireNonNull(name, "publication name is null");
            if (name.isEmpty() || name.indexOf('\'') >= 0 || name.indexOf('"') >= 0 || name.indexOf(0) >= 0) {
                throw new IllegalArgumentException("publication name '" + name + "' is empty or has a quote");
            }
            this.publication = name;
            return this;
        }

        /**
         * If the publication does not exist, create it ({@code CREATE PUBLICATION ... FOR TABLE} the mapped tables,
         * which needs their ownership). An existing publication is never altered.
         */
        public Builder createPublication(boolean create) {
            this.createPublication = create;
            return this;
        }

        /**
         * Maps {@code pgTable} ({@code name} in schema {@code public}, or {@code schema.name}, as spelled in the
         * catalog) onto {@code relation}: column {@code leftColumn} holds the key of the relation's left table,
         * {@code rightColumn} the right; {@code columns} feed link columns of {@code relation}. The pair must be
         * unique (a primary key or unique index) and sent with UPDATEs and DELETEs (the primary key, or
         * {@code REPLICA IDENTITY FULL}); checked at start.
         *
         * @throws IllegalArgumentException if a part is mapped twice, belongs to another engine, the relation is
         *         symmetric, or a link column belongs to another relation or orientation
         */
        public Builder relation(String pgTable, Relation<?, ?> relation, String leftColumn, String rightColumn,
                                Column... columns) {
            Objects.requireNonNull(relation, "relation is null");
            claim(relation, "relation '" + relation.name() + "'");
            if (relation.kind() == IntRelation.Kind.SYMMETRIC) {
                throw new IllegalArgumentException("relation '" + relation.name() + "' is symmetric: (a, b) and (b, a) "
                        + "would be one link in Junction and two rows in PostgreSQL; map a directed relation");
            }
            ColumnBinding[] bs = new ColumnBinding[columns.length];
            for (int i = 0; i < columns.length; i++) {
                Column c = Objects.requireNonNull(columns[i], "column is null");
                if (c.linkColumn == null || c.linkColumn.relation() != relation) {
                    throw new IllegalArgumentException(c + " is not a link column of relation '" + relation.name()
                            + "' as given (take it from that relation object, in the same orientation)");
                }
                bs[i] = ColumnBinding.of(c.pgColumn, c.linkColumn);
            }
            add(new RelationPart(table(pgTable), relation, keys(relation.leftTable()), leftColumn,
                    keys(relation.rightTable()), rightColumn, bs));
            return this;
        }

        /**
         * Maps {@code pgTable} onto {@code table}: each PostgreSQL row becomes a Junction row; {@code idColumn} is
         * its unique id, kept in {@code idValues} (a long or int row column for integer ids, an object column of
         * {@code String} or {@code UUID} otherwise); {@code leftColumn} and {@code rightColumn} hold the keys of the
         * table's left and right entities; {@code columns} feed other row columns.
         *
         * @throws IllegalArgumentException if a part is mapped twice, belongs to another engine, or a row column
         *         belongs to another table
         */
        public Builder associationTable(String pgTable, AssociationTable<?, ?> table, String idColumn,
                                        RowColumn idValues, String leftColumn, String rightColumn, Column... columns) {
            Objects.requireNonNull(table, "association table is null");
            Objects.requireNonNull(idValues, "id column is null");
            claim(table, "association table '" + table.name() + "'");
            if (idValues.table() != table) {
                throw new IllegalArgumentException("row column '" + idValues.name() + "' is not a column of '"
                        + table.name() + "'");
            }
            ColumnBinding[] bs = new ColumnBinding[columns.length];
            for (int i = 0; i < columns.length; i++) {
                Column c = Objects.requireNonNull(columns[i], "column is null");
                if (c.rowColumn == null || c.rowColumn.table() != table || c.rowColumn == idValues) {
                    throw new IllegalArgumentException(c + " is not a row column of '" + table.name()
                            + "' other than its id column");
                }
                bs[i] = ColumnBinding.of(c.pgColumn, c.rowColumn);
            }
            add(new AssociationPart(table(pgTable), table, identifier(idColumn), ColumnBinding.of(idColumn, idValues),
                    keys(table.leftTable()), leftColumn, keys(table.rightTable()), rightColumn, bs));
            return this;
        }

        /**
         * Maps the entity table {@code pgTable} onto {@code table}, keys only: its rows' {@code keyColumn} values
         * are the table's entities. Deleting a row removes the entity with all its links and rows in Junction, so
         * the mapped association tables must reference it with {@code ON DELETE CASCADE} (or refuse such deletes);
         * checked at start.
         *
         * @throws IllegalArgumentException if the table is mapped twice or belongs to another engine
         */
        public Builder table(String pgTable, Table<?> table, String keyColumn) {
            Objects.requireNonNull(table, "table is null");
            TableKeys k = keys(table);
            if (k.entityPart != null) {
                throw new IllegalArgumentException("table '" + table.name() + "' is fed by " + k.entityPart.qualified
                        + " already");
            }
            EntityPart p = new EntityPart(table(pgTable), k, identifier(keyColumn));
            k.entityPart = p;
            add(p);
            return this;
        }

        /**
         * Makes the replica durable in {@code directory} (a {@link Persistence} the replica opens at
         * {@link PgReplica#start()} and closes with itself): it stores its position with its state and resumes from
         * it after a restart or a crash instead of copying again. {@link #build()} then registers snapshot codecs
         * on the engine for the classes the replica stores beyond the built-in ones ({@code UUID}, {@code Instant},
         * {@code OffsetDateTime}, {@code LocalDateTime}, {@code LocalDate}, {@code BigDecimal}).
         */
        public Builder journal(Path directory, SyncPolicy policy) {
            this.journal = Objects.requireNonNull(directory, "journal directory is null");
            this.policy = Objects.requireNonNull(policy, "sync policy is null");
            return this;
        }

        /** The bounds of the delay between connection attempts: it doubles from {@code min} up to {@code max}. */
        public Builder reconnectDelay(Duration min, Duration max) {
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnect delays " + min + " and " + max + " must be positive, "
                        + "min <= max");
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /**
         * Whether a replica that is behind (over 1 MiB of WAL, or applying transactions committed over 20 ms ago) may
         * apply consecutive PostgreSQL transactions that are already in the stream in one Junction transaction (up to
         * 1,000 of them, 50,000 changes or 10 ms; committed as soon as the stream has nothing more), to catch up
         * faster (default true). Readers never see part of a PostgreSQL transaction either way, and
         * listeners hear each; batched, several become visible at once. False applies each in its own Junction
         * transaction always.
         */
        public Builder batchWhileBehind(boolean batch) {
            this.batching = batch;
            return this;
        }

        /** How often the replica checks that the mapped tables still exist and are published (default 5 s). */
        public Builder schemaCheckInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval " + interval);
            this.schemaCheck = interval;
            return this;
        }

        /** How long {@link PgReplica#start()} waits for the copy (or the resumption) before giving up (default 5 min). */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout " + timeout);
            this.startTimeout = timeout;
            return this;
        }

        /**
         * How often a journaled replica checkpoints its engine (a snapshot and a fresh journal; default 10 min), and
         * in any case after 5,000,000 applied changes, and after each copy.
         */
        public Builder checkpointInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval " + interval);
            this.checkpointEvery = interval;
            return this;
        }

        /**
         * Builds the replica and declares its position table in the engine (so, for a journaled replica, before the
         * journal is opened). Nothing connects yet.
         *
         * @throws IllegalStateException if the slot, the publication or every mapping is missing, or if built twice
         * @throws IllegalArgumentException if the engine already has the replica's position table (two replicas
         *         with one slot name)
         */
        public PgReplica build() {
            if (built) throw new IllegalStateException("this builder has built its replica already");
            if (slot == null) throw new IllegalStateException("no slot: call slot(name)");
            if (publication == null) throw new IllegalStateException("no publication: call publication(name)");
            if (parts.isEmpty()) throw new IllegalStateException("nothing mapped: call relation, associationTable or table");
            for (Part p : parts) {
                for (TableKeys t : p.keyTables()) {
                    if (t != null && !t.users.contains(p) && t.entityPart != p) t.users.add(p);
                }
            }
            built = true;
            if (journal != null) Codecs.registerAll(db); // UUID keys, dates and decimals must reach the journal
            return new PgReplica(this);
        }

        private void claim(Object junctionPart, String what) {
            if (junctionParts.put(junctionPart, what) != null) {
                throw new IllegalArgumentException(what + " is mapped twice");
            }
        }

        private TableKeys keys(Table<?> t) {
            if (t.junction() != db) throw new IllegalArgumentException("table '" + t.name() + "' belongs to another engine");
            return keys.computeIfAbsent(t, TableKeys::new);
        }

        private void add(Part p) {
            for (Part q : parts) {
                if (q.qualified.equals(p.qualified)) throw new IllegalArgumentException(p.qualified + " is mapped twice");
            }
            for (String c : p.keyColumns()) identifier(c);
            parts.add(p);
        }

        private static String table(String name) {
            Objects.requireNonNull(name, "PostgreSQL table name is null");
            if (!TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a table name (name or schema.name, without "
                        + "quotes)");
            }
            return name;
        }

        private static String identifier(String name) {
            Objects.requireNonNull(name, "PostgreSQL column name is null");
            if (name.isEmpty() || name.indexOf(0) >= 0) throw new IllegalArgumentException("bad column name '" + name + "'");
            return name;
        }
    }

    // ---- the replica ---------------------------------------------------------------------------------------------

    private final Junction db;
    private final String url;
    private final Properties props;
    private final String slot;
    private final String publication;
    private final boolean createPublication;
    private final List<Part> parts;
    private final Map<String, Part> partsByName = new HashMap<>();
    private final Path journalDir;
    private final SyncPolicy policy;
    private final long minDelayNanos;
    private final long maxDelayNanos;
    private final long schemaCheckNanos;
    private final long startTimeoutNanos;
    private final long checkpointNanos;
    private final boolean batching;
    /** The journaled replica's position (one key: the LSN), changed in the transactions that reach it; else null. */
    private final LongTable positionTable;
    private final Table<String> sourceTable;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();

    private Thread thread;
    private Persistence persistence;
    private volatile State state = State.NEW;
    private volatile PgReplicaException failure;
    private volatile boolean closing;
    private volatile long position;
    private volatile long serverPosition;
    private volatile long caughtUpNanos = System.nanoTime();
    private volatile long lastCommitMicros;
    private volatile long appliedTransactions;
    private volatile long appliedChanges;
    private volatile int copies;
    private volatile Throwable lastError;
    private volatile Connection sqlConnection;
    private volatile Connection replConnection;

    // the thread's own
    private Catalog catalog;
    private String forceCopyReason;
    private long durable;
    private long changesAtCheckpoint;
    private long storedPosition;
    private Applier applier;

    private PgReplica(Builder b) {
        this.db = b.db;
        this.url = b.url;
        this.props = (Properties) b.props.clone();
        this.slot = b.slot;
        this.publication = b.publication;
        this.createPublication = b.createPublication;
        this.parts = List.copyOf(b.parts);
        for (Part p : parts) partsByName.put(p.qualified, p);
        this.journalDir = b.journal;
        this.policy = b.policy;
        this.minDelayNanos = b.minDelay.toNanos();
        this.maxDelayNanos = b.maxDelay.toNanos();
        this.schemaCheckNanos = b.schemaCheck.toNanos();
        this.startTimeoutNanos = b.startTimeout.toNanos();
        this.checkpointNanos = b.checkpointEvery.toNanos();
        this.batching = b.batching;
        // only a journaled engine needs its position stored with its state (an in-memory one copies at start)
        this.positionTable = journalDir == null ? null : db.longTable("junction.pg." + slot + ".position");
        this.sourceTable = journalDir == null ? null : db.table("junction.pg." + slot + ".source");
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------------

    /**
     * Opens the journal (if any), then connects, checks the setup, copies the mapped tables or resumes from the
     * stored position, and starts streaming on a daemon thread; returns once the replica is streaming. A connection
     * fault during start is retried as later ones are, within the start timeout.
     *
     * @throws PgReplicaException if the setup cannot work (the message says what to change), a copied row cannot
     *         be applied, or the replica was not streaming within the start timeout (it is then closed)
     * @throws UncheckedIOException if the journal cannot be opened
     * @throws IllegalStateException if started before, or closed
     */
    public void start() {
        synchronized (monitor) {
            if (state != State.NEW) throw new IllegalStateException("replica of slot " + slot + " is " + state);
            state = State.STARTING;
        }
        if (journalDir != null) {
            try {
                persistence = Persistence.open(db, journalDir, policy);
            } catch (IOException e) {
                state = State.CLOSED;
                throw new UncheckedIOException("replica of slot " + slot + ": cannot open journal " + journalDir, e);
            }
        }
        storedPosition = readStoredPosition();
        position = storedPosition;
        durable = storedPosition;
        thread = new Thread(this::run, "junction-pg-replica-" + slot);
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + startTimeoutNanos;
        synchronized (monitor) {
            while (state != State.STREAMING && state != State.FAILED && state != State.CLOSED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        State s = state;
        if (s == State.FAILED) throw failure;
        if (s != State.STREAMING) {
            Throwable last = lastError;
            close();
            throw new PgReplicaException("not streaming within " + Duration.ofNanos(startTimeoutNanos) + " of start"
                    + (last != null ? "; last error: " + last : ""), null, null, 0, last);
        }
    }

    /**
     * Stops the replica: the thread acknowledges the position it reached and ends, the connections close, and the
     * journal, if the replica opened one, is closed. Drops nothing: the slot keeps the WAL the replica will need
     * (see {@link #closeAndDropSlot()}), and the engine keeps its state. Idempotent; waits for the thread (a
     * transaction being applied is finished or rolled back).
     */
    @Override
    public void close() {
        synchronized (monitor) {
            if (state == State.CLOSED) return;
            closing = true;
            monitor.notifyAll();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
                if (t.isAlive()) { // stuck in a read: cut the connections
                    abort(replConnection);
                    abort(sqlConnection);
                    t.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (persistence != null) {
            try {
                persistence.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "replica of slot " + slot + ": closing the journal failed", e);
            }
        }
        synchronized (monitor) {
            state = State.CLOSED;
            monitor.notifyAll();
        }
    }

    /**
     * {@link #close()}, then drops the replication slot, so that PostgreSQL keeps no more WAL for this replica
     * (waits up to 10 s for PostgreSQL to see the replica's connection gone).
     *
     * @throws PgReplicaException if the slot cannot be dropped
     */
    public void closeAndDropSlot() {
        close();
        long deadline = System.nanoTime() + 10 * NANOS_PER_SECOND;
        try (Connection c = DriverManager.getConnection(url, connectionProperties(false))) {
            Catalog cat = new Catalog(c);
            while (!cat.dropSlot(slot)) {
                if (System.nanoTime() > deadline) {
                    throw new PgReplicaException("slot " + slot + " is still in use after 10 s", null, null, 0, null);
                }
                Thread.sleep(100);
            }
            LOG.log(System.Logger.Level.INFO, "replica of slot " + slot + ": slot dropped");
        } catch (SQLException e) {
            throw new PgReplicaException("cannot drop slot " + slot + ": " + e.getMessage(), null, null, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgReplicaException("interrupted while dropping slot " + slot, null, null, 0, e);
        }
    }

    // ---- reading the replica's progress ----------------------------------------------------------------------------

    /**
     * Waits until the replica has applied every transaction that committed on PostgreSQL before WAL position
     * {@code lsn}: after committing through JDBC, read {@code SELECT pg_current_wal_lsn()} and wait for it here to
     * read your own writes from the engine. Returns at once if already there.
     *
     * @return true if the replica is there, false if {@code timeout} passed first
     * @throws PgReplicaException if the replica failed (then or meanwhile)
     * @throws IllegalStateException if the replica is closed (or closes meanwhile)
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean awaitPosition(long lsn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (position < lsn) {
                if (state == State.FAILED) throw failure;
                if (state == State.CLOSED || closing) throw new IllegalStateException("replica of slot " + slot + " is closed");
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }

    /**
     * {@link #awaitPosition(long, Duration)} with the position as PostgreSQL prints it ({@code 0/16B3748}).
     *
     * @throws IllegalArgumentException if {@code lsn} is not an LSN
     * @throws InterruptedException if this thread is interrupted while it waits
     */
    public boolean awaitPosition(String lsn, Duration timeout) throws InterruptedException {
        return awaitPosition(parseLsn(lsn), timeout);
    }

    /**
     * The WAL position the replica has reached: every transaction that committed on PostgreSQL before it is
     * visible in the engine. Advances with each applied transaction, and with PostgreSQL's keepalives while the
     * mapped tables are quiet. 0 before the first copy.
     */
    public long position() {
        return position;
    }

    /**
     * How many bytes of WAL PostgreSQL had flushed, when the replica last asked (every second) or heard, beyond
     * {@link #position()}: 0 when caught up.
     */
    public long lagBytes() {
        return Math.max(0, serverPosition - position);
    }

    /**
     * How far behind PostgreSQL the replica may be: zero while it has applied everything PostgreSQL had flushed
     * when last asked (it asks every second, and learns more from each transaction and keepalive), otherwise the
     * time since it last had. A bound on how stale reads of the engine can be.
     */
    public Duration lag() {
        if (serverPosition <= position) return Duration.ZERO;
        return Duration.ofNanos(System.nanoTime() - caughtUpNanos);
    }

    /** The commit time on PostgreSQL of the last transaction applied, or null if none was. */
    public Instant lastCommitTime() {
        long us = lastCommitMicros;
        return us == 0 ? null : Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000);
    }

    /** The PostgreSQL transactions applied since start (not counting copies). */
    public long appliedTransactions() {
        return appliedTransactions;
    }

    /** The rows of mapped tables those transactions changed. */
    public long appliedChanges() {
        return appliedChanges;
    }

    /** How many times the replica copied the mapped tables since start (0 if it resumed from its journal). */
    public int copies() {
        return copies;
    }

    /** Where the replica is in its life. */
    public State state() {
        return state;
    }

    /** Why the replica stopped, or null if it did not fail. */
    public PgReplicaException failure() {
        return failure;
    }

    /** The slot's name. */
    public String slot() {
        return slot;
    }

    /** The journal of a replica built with {@link Builder#journal}, once started (for checkpoints); else null. */
    public Persistence persistence() {
        return persistence;
    }

    /** Registers a listener (hears what happens from now on). */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener is null"));
    }

    /** Unregisters a listener; whether it was registered. */
    public boolean removeListener(Listener listener) {
        return listeners.remove(listener);
    }

    /**
     * Parses an LSN as PostgreSQL prints it, {@code 16/B374D848} (two hexadecimal halves).
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static long parseLsn(String lsn) {
        Objects.requireNonNull(lsn, "LSN is null");
        int slash = lsn.indexOf('/');
        try {
            if (slash <= 0 || slash == lsn.length() - 1) throw new NumberFormatException();
            long hi = Long.parseLong(lsn.substring(0, slash), 16);
            long lo = Long.parseLong(lsn.substring(slash + 1), 16);
            if (hi < 0 || hi > 0xffffffffL || lo < 0 || lo > 0xffffffffL) throw new NumberFormatException();
            return hi << 32 | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + lsn + "' is not an LSN (such as 0/16B3748)");
        }
    }

    /** Prints an LSN as PostgreSQL does: {@code 16/B374D848}. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    @Override
    public String toString() {
        return "replica of slot " + slot + " (" + state + ", at " + formatLsn(position) + ")";
    }

    // ---- the thread --------------------------------------------------------------------------------------------

    private void run() {
        long delay = minDelayNanos;
        applier = new Applier(this);
        while (!closing) {
            boolean streamed = false;
            try {
                streamed = session();
                break; // returns only when closing
            } catch (Throwable t) {
                applier.abort();
                closeConnections();
                if (closing) break;
                streamed |= state == State.STREAMING;
                if (streamed) delay = minDelayNanos;
                PgReplicaException fatal = fatal(t);
                if (fatal != null) {
                    fail(fatal);
                    return;
                }
                lastError = t;
                Duration retry = Duration.ofNanos(delay);
                LOG.log(System.Logger.Level.WARNING, "replica of slot " + slot + " at " + formatLsn(position)
                        + ": connection lost (" + t + "); connecting again in " + retry.toMillis() + " ms");
                setState(State.RECONNECTING);
                for (Listener l : listeners) {
                    try {
                        l.disconnected(t, retry);
                    } catch (RuntimeException e) {
                        uncaught(e);
                    }
                }
                if (!pause(delay)) break;
                delay = Math.min(maxDelayNanos, delay * 2);
            }
        }
        applier.abort();
        closeConnections();
    }

    /** Sleeps, unless the replica closes meanwhile; false if it did. */
    private boolean pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (monitor) {
            while (!closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return true;
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
    }

    /** One connection's life: check, copy or resume, stream until closing (true) or a failure (thrown). */
    private boolean session() throws SQLException {
        Connection sql = DriverManager.getConnection(url, connectionProperties(false));
        sqlConnection = sql;
        catalog = new Catalog(sql);
        catalog.check(parts, publication, createPublication, props.getProperty("user", ""));
        Connection repl = DriverManager.getConnection(url, connectionProperties(true));
        replConnection = repl;
        String source = identifySystem(repl) + ":" + catalog.databaseOid();
        String reason = copyReason(source);
        long start;
        if (reason != null) {
            start = copy(reason, source, repl, sql);
        } else {
            start = position;
            if (appliedTransactions == 0 && copies == 0) {
                for (Part p : parts) if (p instanceof AssociationPart a) a.rebuildIds();
                LOG.log(System.Logger.Level.INFO, "replica of slot " + slot + ": resuming from " + formatLsn(start));
            }
        }
        forceCopyReason = null;
        stream(repl, start);
        return true;
    }

    private String copyReason(String source) throws SQLException {
        if (forceCopyReason != null) return forceCopyReason;
        if (persistence == null && copies == 0) return "an in-memory replica copies when it starts";
        long stored = position;
        if (stored == 0) return "the engine holds no position yet";
        String storedSource = readStoredSource();
        if (storedSource != null && !storedSource.equals(source)) {
            return "the engine's position belongs to another database (" + storedSource + ", now " + source + ")";
        }
        Catalog.SlotInfo s = catalog.slot(slot);
        if (s == null) return "replication slot " + slot + " does not exist (dropped?)";
        if (!"logical".equals(s.type()) || !"pgoutput".equals(s.plugin())) {
            throw new Catalog.SetupError(null, "replication slot " + slot + " exists but is a " + s.type() + " slot of "
                    + "plugin " + s.plugin() + ": choose another slot name, or drop it");
        }
        if ("lost".equals(s.walStatus())) return "replication slot " + slot + " lost the WAL the replica needs";
        if (s.confirmedFlush() > stored) {
            return "replication slot " + slot + " confirmed " + formatLsn(s.confirmedFlush()) + ", past the engine's "
                    + formatLsn(stored) + " (another consumer of the slot, or an engine restored from an older state)";
        }
        return null;
    }

    private String identifySystem(Connection repl) throws SQLException {
        try (Statement st = repl.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return rs.getString("systemid");
        }
    }

    private Properties connectionProperties(boolean replication) {
        Properties p = (Properties) props.clone();
        p.setProperty("ApplicationName", "junction-replica/" + slot);
        if (replication) {
            p.setProperty("replication", "database");
            p.setProperty("assumeMinServerVersion", "10");
            p.setProperty("preferQueryMode", "simple");
        } else {
            p.putIfAbsent("socketTimeout", "60");
        }
        return p;
    }

    // ---- copy ------------------------------------------------------------------------------------------------------

    private long copy(String reason, String source, Connection repl, Connection sql) throws SQLException {
        LOG.log(System.Logger.Level.INFO, "replica of slot " + slot + ": copying the mapped tables: " + reason);
        setState(State.COPYING);
        Catalog.SlotInfo existing = catalog.slot(slot);
        if (existing != null && !catalog.dropSlot(slot)) {
            throw new TransientError("replication slot " + slot + " is in use by process " + existing.activePid()
                    + " (its previous connection, not yet gone, or another replica with the same slot name)");
        }
        ReplicationSlotInfo info = repl.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                .logical().withSlotName(slot).withOutputPlugin("pgoutput").make();
        if (info.getSnapshotName() == null) {
            throw new Catalog.SetupError(null, "PostgreSQL created slot " + slot + " without exporting a snapshot");
        }
        long start = info.getConsistentPoint().asLong();
        try (Statement st = sql.createStatement()) {
            st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName().replace("'", "''") + "'");
        }
        CopyManager copyApi = sql.unwrap(PGConnection.class).getCopyAPI();
        long[] rows = {0};
        // A bulk load must be a transaction of its own (or its first step): the largest empty relation (by the
        // planner's estimate) is bulk-loaded, at the memory of the index it builds; the rest of the copy runs inside
        // it, in the same transaction, as ordinary changes.
        RelationPart bulk = null;
        for (Part p : parts) {
            if (p instanceof RelationPart r && r.isEmpty() && (bulk == null || r.estimatedRows > bulk.estimatedRows)) {
                bulk = r;
            }
        }
        RelationPart staged = bulk;
        try {
            Runnable work = () -> {
                for (Part p : parts) if (p instanceof EntityPart e) copyPart(copyApi, e, rows, start);
                if (staged != null) copyPart(copyApi, staged, rows, start);
                for (Part p : parts) if (p instanceof RelationPart r && r != staged) copyPart(copyApi, r, rows, start);
                for (Part p : parts) if (p instanceof AssociationPart a) copyPart(copyApi, a, rows, start);
                for (Part p : parts) p.endTransaction(false);
                sqlExec(sql, "COMMIT"); // the snapshot is no longer needed
                writePosition(start);
                writeSource(source);
                for (Listener l : listeners) {
                    try {
                        l.copyProgress(rows[0]);
                    } catch (RuntimeException e) {
                        uncaught(e);
                    }
                }
            };
            if (staged != null) db.bulkLoad(staged.relation, work);
            else db.inTransaction(work);
        } catch (RuntimeException | Error e) {
            for (Part p : parts) {
                p.endTransaction(true);
                if (p instanceof AssociationPart a) a.rebuildIds();
            }
            storedPosition = readStoredPosition();
            try (Statement st = sql.createStatement()) {
                st.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
            if (e instanceof UncheckedSql u) throw u.getCause();
            throw e;
        }
        storedPosition = start;
        durable = start;
        copies++;
        lastCommitMicros = 0;
        setPosition(start);
        LOG.log(System.Logger.Level.INFO, "replica of slot " + slot + ": copied " + rows[0] + " rows of " + parts.size()
                + " tables at " + formatLsn(start));
        for (Listener l : listeners) {
            try {
                l.copied(start, rows[0], reason);
            } catch (RuntimeException e) {
                uncaught(e);
            }
        }
        if (persistence != null) checkpoint();
        return start;
    }

    private void copyPart(CopyManager copyApi, Part p, long[] rows, long lsn) {
        String[] cols = p.neededColumns();
        StringBuilder q = new StringBuilder("COPY (SELECT ");
        for (int i = 0; i < cols.length; i++) q.append(i > 0 ? ", " : "").append(Part.quote(cols[i]));
        q.append(" FROM ").append(p.quoted);
        if (p.rowFilter != null) q.append(" WHERE ").append(p.rowFilter);
        q.append(") TO STDOUT");
        if (p instanceof RelationPart r) r.beginCopy();
        else if (p instanceof AssociationPart a) a.beginCopy();
        else ((EntityPart) p).beginCopy();
        Fields f = new Fields();
        Part.Layout layout = p.copyLayout;
        CopyOut out = null;
        try {
            out = copyApi.copyOut(q.toString());
            byte[] line;
            while ((line = out.readFromCopy()) != null) {
                f.parseCopyLine(line, cols.length);
                if (p instanceof RelationPart r) r.copyRow(f, layout);
                else if (p instanceof AssociationPart a) a.copyRow(f, layout);
                else ((EntityPart) p).copyRow(f, layout);
                if (++rows[0] % 10_000 == 0) {
                    for (Listener l : listeners) {
                        try {
                            l.copyProgress(rows[0]);
                        } catch (RuntimeException e) {
                            uncaught(e);
                        }
                    }
                }
            }
            if (p instanceof RelationPart r) r.endCopy();
            else if (p instanceof AssociationPart a) a.endCopy();
            else ((EntityPart) p).endCopy();
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        } catch (Part.RowError e) {
            throw new PgReplicaException("copy: " + e.getMessage(), p.qualified, e.key, lsn, e);
        } catch (IllegalArgumentException e) {
            throw new PgReplicaException("copy: " + e.getMessage(), p.qualified, null, lsn, e);
        } finally {
            if (out != null && out.isActive()) { // stopped early: the connection is busy until the COPY is cancelled
                try {
                    out.cancelCopy();
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cancelling the copy of " + p.qualified + ": " + e);
                }
            }
        }
    }

    private static void sqlExec(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        }
    }

    /** An SQLException carried through a Junction transaction's callback or the decoder's handler. */
    static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /** A fault that connecting again may cure (a slot still held by a connection that is going away). */
    private static final class TransientError extends RuntimeException {
        TransientError(String message) {
            super(message);
        }
    }

    // ---- streaming -------------------------------------------------------------------------------------------------

    private void stream(Connection repl, long start) throws SQLException {
        PGReplicationStream stream;
        try {
            stream = repl.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot).withStartPosition(LogSequenceNumber.valueOf(start))
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", Part.quote(publication))
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .withAutomaticFlush(false)
                    .start();
        } catch (SQLException e) {
            String s = e.getSQLState();
            String m = String.valueOf(e.getMessage());
            if ("42704".equals(s) || "58P01".equals(s) || ("55000".equals(s) && m.contains("invalidated"))) {
                forceCopyReason = "streaming from " + formatLsn(start) + " failed: " + m;
                throw new TransientError(forceCopyReason);
            }
            throw e;
        }
        LogSequenceNumber at = LogSequenceNumber.valueOf(durable);
        stream.setFlushedLSN(at);
        stream.setAppliedLSN(at);
        stream.forceUpdateStatus();
        Pgoutput decoder = new Pgoutput();
        applier.streaming(catalog);
        setState(State.STREAMING);
        long nextPoll = 0;
        long nextSchemaCheck = System.nanoTime() + schemaCheckNanos;
        long nextBump = 0;
        long nextCheckpoint = System.nanoTime() + checkpointNanos;
        int sincePoll = 0;
        long lastMessage = System.nanoTime();
        while (!closing) {
            ByteBuffer msg = stream.readPending(); // waits up to 1 ms for data (the driver's socket peek)
            if ((msg == null && applier.hasBatch()) || applier.batchDue()) {
                applier.commitBatch(); // caught up with what the stream had, or the batch is old enough
            }
            if (msg == null && !applier.inTransaction() && System.nanoTime() - lastMessage > IDLE_NANOS) {
                // quiet for a while: poll less often (each empty poll costs the driver a socket timeout)
                LockSupport.parkNanos(IDLE_PAUSE_NANOS);
            }
            if (msg != null) {
                lastMessage = System.nanoTime();
                decoder.decode(msg, applier);
            }
            if (applier.committedSinceAck) {
                applier.committedSinceAck = false;
                LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable);
                stream.setFlushedLSN(lsn);
                stream.setAppliedLSN(lsn);
            }
            if (msg != null && ++sincePoll < 256) continue; // look at the clock now and then while busy
            sincePoll = 0;
            long now = System.nanoTime();
            if (!applier.inTransaction()) {
                long received = stream.getLastReceiveLSN().asLong();
                if (msg == null && received > position) setPosition(received); // a keepalive: nothing published before it
                if (position > durable && now >= nextBump) {
                    bumpPosition(position);
                    LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable);
                    stream.setFlushedLSN(lsn);
                    stream.setAppliedLSN(lsn);
                    nextBump = now + NANOS_PER_SECOND;
                }
                if (persistence != null && (now >= nextCheckpoint
                        || appliedChanges - changesAtCheckpoint > CHECKPOINT_CHANGES)) {
                    checkpoint(); // keeps the journal short (and far below its 2 GB limit) under heavy streams
                    nextCheckpoint = now + checkpointNanos;
                    changesAtCheckpoint = appliedChanges;
                }
            }
            if (now >= nextPoll) {
                serverPosition = Math.max(serverPosition, catalog.flushPosition());
                if (position >= serverPosition) caughtUpNanos = now;
                nextPoll = now + NANOS_PER_SECOND;
            }
            if (now >= nextSchemaCheck && !applier.inTransaction()) {
                String gone = catalog.tablesStillThere(parts, publication);
                if (gone != null) {
                    throw new Catalog.SetupError(gone.substring(6, gone.indexOf(' ', 6)), gone + "; the replica stays "
                            + "at " + formatLsn(position) + " (map the table again, or stop following it)");
                }
                nextSchemaCheck = now + schemaCheckNanos;
            }
        }
        if (applier.hasBatch()) { // complete transactions waiting for their commit: commit them before leaving
            applier.commitBatch();
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable);
            stream.setFlushedLSN(lsn);
            stream.setAppliedLSN(lsn);
        }
        applier.abort();
        try {
            stream.forceUpdateStatus();
            stream.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }

    /** Stores a position the stream reached without a transaction (keepalives), so that the slot may free WAL. */
    private void bumpPosition(long lsn) {
        if (positionTable != null) db.inTransaction(() -> writePosition(lsn));
        storedPosition = lsn;
        durable = lsn;
    }

    private void checkpoint() {
        try {
            persistence.checkpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("replica of slot " + slot + ": checkpoint failed", e);
        }
    }

    // ---- what the applier calls ------------------------------------------------------------------------------------

    dev.junction.Transaction beginTransaction() {
        while (true) {
            try {
                return db.begin();
            } catch (LockTimeoutException e) {
                if (closing) throw e;
                LOG.log(System.Logger.Level.WARNING, "replica of slot " + slot + ": the engine's write lock is held by "
                        + "another writer; still waiting to apply the transaction after " + formatLsn(position));
            }
        }
    }

    /**
     * Whether the replica is behind PostgreSQL at the transaction ending at {@code lsn} and committed at
     * {@code commitMicros}: over {@link #BEHIND_BYTES} of WAL before the last flush position it heard, or committed
     * over {@link #BEHIND_MICROS} ago. Such a transaction may share a Junction transaction with its neighbours.
     */
    boolean behind(long lsn, long commitMicros) {
        if (!batching) return false;
        if (serverPosition - lsn > BEHIND_BYTES) return true;
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - commitMicros > BEHIND_MICROS;
    }

    /** Called by the applier after a transaction committed in Junction. */
    void applied(long endLsn, long commitMicros, int changes) {
        storedPosition = endLsn;
        durable = endLsn;
        lastCommitMicros = commitMicros;
        appliedTransactions++;
        appliedChanges += changes;
        setPosition(endLsn);
        if (endLsn >= serverPosition) caughtUpNanos = System.nanoTime();
        for (Listener l : listeners) {
            try {
                l.applied(endLsn, commitMicros, changes);
            } catch (RuntimeException e) {
                uncaught(e);
            }
        }
    }

    Part partNamed(String qualified) {
        return partsByName.get(qualified);
    }

    List<Part> parts() {
        return parts;
    }

    String slotName() {
        return slot;
    }

    /** Writes the position into the engine, inside the caller's transaction. */
    void writePosition(long lsn) {
        if (positionTable == null) return; // in memory: applied() keeps storedPosition
        long old = storedPosition;
        if (old == lsn && positionTable.contains(lsn)) return;
        if (positionTable.size() > 0) {
            for (int id : positionTable.ids()) positionTable.remove(positionTable.keyOf(id));
        }
        positionTable.add(lsn);
        storedPosition = lsn;
    }

    /** After a rollback: the position as the engine holds it. */
    void reloadStoredPosition() {
        storedPosition = readStoredPosition();
    }

    private long readStoredPosition() {
        if (positionTable == null) return storedPosition;
        long max = 0;
        for (int id : positionTable.ids()) max = Math.max(max, positionTable.keyOf(id));
        return max;
    }

    private String readStoredSource() {
        if (sourceTable == null) return null;
        for (String s : sourceTable) return s;
        return null;
    }

    private void writeSource(String source) {
        if (sourceTable == null) return;
        for (String s : new ArrayList<>(sourceTableContents())) if (!s.equals(source)) sourceTable.remove(s);
        sourceTable.add(source);
    }

    private List<String> sourceTableContents() {
        List<String> out = new ArrayList<>();
        for (String s : sourceTable) out.add(s);
        return out;
    }

    private void setPosition(long lsn) {
        synchronized (monitor) {
            if (lsn > position) position = lsn;
            monitor.notifyAll();
        }
    }

    private void setState(State s) {
        synchronized (monitor) {
            if (state == State.FAILED || state == State.CLOSED) return;
            state = s;
            monitor.notifyAll();
        }
    }

    private void fail(PgReplicaException e) {
        LOG.log(System.Logger.Level.ERROR, "replica of slot " + slot + " stopped at " + formatLsn(position) + ": "
                + e.getMessage());
        synchronized (monitor) {
            failure = e;
            state = State.FAILED;
            monitor.notifyAll();
        }
        for (Listener l : listeners) {
            try {
                l.failed(e);
            } catch (RuntimeException x) {
                uncaught(x);
            }
        }
    }

    /** The error as the replica's failure, or null if it is a connection fault worth another try. */
    private PgReplicaException fatal(Throwable t) {
        if (t instanceof PgReplicaException p) return p;
        if (t instanceof Catalog.SetupError s) return new PgReplicaException(s.getMessage(), s.table, null, position, s);
        if (t instanceof TransientError || t instanceof LockTimeoutException) return null;
        if (t instanceof UncheckedSql u) t = u.getCause();
        if (t instanceof SQLException e) {
            String s = e.getSQLState();
            if (s == null || s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03")
                    || s.equals("53300") || s.equals("55006") || s.equals("40001") || s.equals("40P01")) {
                return null;
            }
            return new PgReplicaException("PostgreSQL refused: " + e.getMessage() + " (SQLSTATE " + s + ")", null,
                    null, position, e);
        }
        if (t instanceof IOException) return null;
        return new PgReplicaException("unexpected error: " + t, null, null, position, t);
    }

    private void closeConnections() {
        Connection r = replConnection;
        Connection s = sqlConnection;
        replConnection = null;
        sqlConnection = null;
        quietClose(r);
        quietClose(s);
    }

    private static void quietClose(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            abort(c);
        }
    }

    private static void abort(Connection c) {
        if (c == null) return;
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // gone already
        }
    }

    static void uncaught(Throwable e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }

    PgReplicaException rowFailure(Part p, Part.RowError e, long lsn) {
        return new PgReplicaException(e.getMessage() + "; the replica stays at " + formatLsn(position), p.qualified,
                e.key, lsn, e);
    }

    PgReplicaException schemaFailure(String table, RuntimeException e, long lsn) {
        return new PgReplicaException(e.getMessage() + "; the replica stays at " + formatLsn(position), table, null,
                lsn, e);
    }
}
