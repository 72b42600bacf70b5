package dev.junction;

import dev.junction.index.IntRelation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The entry point of Junction's typed layer: an engine that owns {@link Table}s of entities and the
 * many-to-many {@link Relation}s between them, with ORM association-table semantics (SQLAlchemy's
 * {@code relationship(secondary=..., back_populates=...)}) and none of its pitfalls:
 *
 * <ul>
 *   <li>a relation is a <em>set</em> of pairs, and both of its sides are views of that one set, so they always
 *       agree;</li>
 *   <li>removing an entity from its table removes every pair that touches it, in every relation of this
 *       engine, in the same call;</li>
 *   <li>every operation either succeeds or throws, and a method that throws changes nothing;</li>
 *   <li>iteration order is deterministic: tables and neighbour sets iterate in ascending id order.</li>
 * </ul>
 *
 * <pre>{@code
 * Junction db = Junction.create();
 * KeyedTable<Author, String> authors = db.table("authors", Author::name);
 * KeyedTable<Book, String> books = db.table("books", Book::title);
 * Relation<Author, Book> wrote = db.relation("author_books", authors, books);
 * wrote.rightsOf(bob).add(flaskBasics);          // bob.books.append(flask_basics)
 * wrote.leftsOf(advancedFlask).add(bob);         // the same kind of link, from the other side
 * wrote.leftsOf(flaskBasics);                    // [Alice, Bob]
 * }</pre>
 *
 * <p>Names of tables and relations share one namespace per engine and must be unique. Creating tables and
 * relations is thread-safe; a relation created while a transaction is open takes part in it from then on. Tables and relations
 * belong to the engine that created them and cannot be used with another.
 *
 * <h2>Transactions</h2>
 * {@link #begin()} opens a {@link Transaction} over every table and relation of the engine; the callback forms
 * {@link #inTransaction(Runnable)} and {@link #inTransaction(Supplier)} commit on return and roll back on any
 * exception. Either, on a thread with an open transaction, begins a nested one (a savepoint, see
 * {@link Transaction}). Any write outside a transaction is a transaction of its own: atomic, isolated, and
 * delivered to listeners on its own.
 *
 * <h2>Thread-safety</h2>
 * An engine, its tables, relations, views and {@link Relation#ints()} may be shared by any number of threads:
 * <ul>
 *   <li><b>One writer at a time.</b> A transaction holds the engine's write lock from {@link #begin()} to its
 *       end; a write on another thread (a transaction, or a single write outside one) waits for it, up to the
 *       lock timeout ({@link #create(Duration)}, 10 seconds by default), then throws
 *       {@link LockTimeoutException}. {@link #begin(long, TimeUnit)} with a zero timeout is told at once.</li>
 *   <li><b>Readers never wait for a transaction</b> and never see part of one: until it commits, they see the
 *       state before it; then all of it at once. A commit publishes its changes in one short critical section,
 *       during which readers retry or wait for it.</li>
 *   <li><b>Each read is consistent on its own</b> (optimistic, validated against commits, with no shared write
 *       on the read path, so reads scale with cores). Reads that must agree with each other take a
 *       {@link ReadView}. An iterator used outside a view throws {@link ConcurrentModificationException} if
 *       a transaction commits while it is in use, as a single-threaded fail-fast iterator would.</li>
 * </ul>
 *
 * <h2>Monitoring: JDK Flight Recorder events</h2>
 * While a flight recording runs ({@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start}, a
 * {@code jdk.jfr.Recording} or {@code RecordingStream}), engines emit these events, in category {@code Junction}
 * (JDK Mission Control shows them under it; {@code jfr print --categories Junction rec.jfr} lists them):
 * <table>
 *   <caption>Junction's JFR events</caption>
 *   <tr><th>Name</th><th>When</th><th>Fields (besides start, duration and thread)</th></tr>
 *   <tr><td>{@code dev.junction.Commit}</td><td>a transaction committed, from the commit call to its return
 *       (journal write, force or group-commit wait, publication; not listener delivery); an operation outside
 *       a transaction is a commit of its own, except single links and unlinks made in place</td>
 *       <td>engine, tables, relations, columnStores (parts touched), changes, journalBytes (the record, 0 if
 *       none), implicit</td></tr>
 *   <tr><td>{@code dev.junction.WriteLockWait}</td><td>a writer waited for the write lock longer than the
 *       threshold (1 ms unless the recording sets {@code dev.junction.WriteLockWait#threshold}); an uncontended
 *       acquisition records nothing</td><td>engine, acquired (false: it timed out)</td></tr>
 *   <tr><td>{@code dev.junction.JournalForce}</td><td>a journal was forced to disk</td>
 *       <td>file, position, reason ({@code commit}, {@code group}, {@code sync}, {@code mark},
 *       {@code truncate})</td></tr>
 *   <tr><td>{@code dev.junction.Checkpoint}</td><td>{@link Persistence#checkpoint()}</td>
 *       <td>directory, generation, bytes (of the snapshot)</td></tr>
 *   <tr><td>{@code dev.junction.SnapshotSave}</td><td>{@link #save}: encoding and the atomic write</td>
 *       <td>file, bytes</td></tr>
 *   <tr><td>{@code dev.junction.SnapshotLoad}</td><td>{@link #load}, and the snapshot {@link Persistence#open}
 *       loads</td><td>file, bytes</td></tr>
 * </table>
 * While no recording runs, this costs a few field reads per commit and nothing else: no event object is
 * created, so a commit allocates exactly what it did before the events existed. The flight recorder's listener
 * that tells Junction when recordings start and stop is installed at the first commit after the flight recorder
 * came up, so a JVM that never records never pays for it. The {@code jdk.jfr} module is optional (the module
 * requires it statically): without it, there are no events.
 */
public final class Junction {

    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final String label = "Junction#" + ENGINES.incrementAndGet();
    private final long lockTimeoutNanos;
    /** What this engine declares (package-private parts: see {@code package-info.java} for the kernel's map). */
    final Schema schema;
    /** What readers go through: the gate word, read views, the optimistic read protocol. */
    final ReadGate gate;
    /** The listeners and the committed changes waiting for them. */
    final EventQueue events;
    /** The one writer: transactions, in-place writes, publication, the journal. */
    final Committer writes;

    private Junction(long lockTimeoutNanos) {
        this.lockTimeoutNanos = lockTimeoutNanos;
        this.schema = new Schema(this, label);
        this.gate = new ReadGate(label, lockTimeoutNanos);
        this.events = new EventQueue();
        this.writes = new Committer(this, label, gate, events, lockTimeoutNanos);
    }

    /** Creates an empty engine whose writers wait up to 10 seconds for the write lock. O(1). */
    public static Junction create() {
        return new Junction(TimeUnit.SECONDS.toNanos(10));
    }

    /**
     * Creates an empty engine whose writers wait up to {@code lockTimeout} for the write lock (and commits as
     * long for open read views) before throwing {@link LockTimeoutException}. O(1).
     *
     * @throws NullPointerException if {@code lockTimeout} is null
     * @throws IllegalArgumentException if it is negative
     */
    public static Junction create(Duration lockTimeout) {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lock timeout " + lockTimeout + " is negative");
        }
        long n;
        try {
            n = lockTimeout.toNanos();
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        return new Junction(n);
    }

    // ---- transactions, views, listeners -------------------------------------------------------------------

    /**
     * Opens a transaction on this thread, waiting up to the lock timeout for another writer to finish. See
     * {@link Transaction} for the semantics; end it with {@link Transaction#commit()} or
     * {@link Transaction#rollback()}, or use try-with-resources, whose {@code close} rolls back what was not
     * committed. If this thread already has an open transaction, the new one is nested in it (a savepoint: its
     * rollback undoes only what was done since it began; nothing is published before the outermost commit; see
     * {@link Transaction}, "Nesting"), as a nested {@link #inTransaction(Runnable)} is.
     *
     * @throws IllegalStateException if this thread has an open {@link ReadView} and no transaction, or its open
     *         transaction is rollback-only
     * @throws LockTimeoutException if another thread kept the write lock for longer than the timeout
     */
    public Transaction begin() {
        return begin(lockTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens a transaction, waiting up to {@code timeout} for another writer; a zero timeout fails at once if
     * another thread is writing. Nested in this thread's open transaction if it has one (no wait), as
     * {@link #begin()}.
     *
     * @throws IllegalStateException if this thread has an open {@link ReadView} and no transaction, or its open
     *         transaction is rollback-only
     * @throws LockTimeoutException if the write lock did not come in time, or the thread was interrupted while
     *         waiting (its interrupt status is kept)
     * @throws NullPointerException if {@code unit} is null
     */
    public Transaction begin(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return writes.begin(unit.toNanos(timeout));
    }

    /**
     * Runs {@code work} in a transaction: commits when it returns, rolls back and rethrows if it throws. Inside
     * a transaction already open on this thread, it is a nested transaction ({@link Transaction}, "Nesting"): it
     * joins the open one, an exception undoes exactly what {@code work} did and propagates (the enclosing
     * transaction goes on if the caller catches it), and nothing is published before the outermost commit. The
     * same model as a nested {@link #begin()}.
     *
     * @throws NullPointerException if {@code work} is null
     * @throws LockTimeoutException as {@link #begin()}
     * @throws IllegalStateException if {@code work} returns with a {@link ReadView} of this thread still open
     *         (outermost only: the commit is refused and the transaction rolled back), or with a transaction it
     *         began still open (what it did is undone), or the open transaction is rollback-only (nothing runs)
     */
    public void inTransaction(Runnable work) {
        Objects.requireNonNull(work, "work");
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} in a transaction and returns its result: commits when it returns, rolls back and
     * rethrows if it throws; nested in this thread's open transaction if it has one. See
     * {@link #inTransaction(Runnable)}.
     *
     * @throws NullPointerException if {@code work} is null
     * @throws LockTimeoutException as {@link #begin()}
     * @throws IllegalStateException as {@link #inTransaction(Runnable)}
     */
    public <T> T inTransaction(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return writes.write(work);
    }

    /**
     * Runs {@code work} as a transaction that bulk-loads {@code relation}, which must be empty: for loads too
     * large to keep twice in memory (see {@code SqlRelations.load}). Inside {@code work} this thread uses the
     * relation as in any transaction ({@code ints().linkAll} in batches is the fast path, link columns' {@code set}
     * for values), but its links and link values go to private storage laid out as the committed index, with no
     * per-change log, and at commit that storage takes the place of the empty relation's (O(1), nothing copied).
     * So the load needs the memory of the index it builds, and no more; other threads see nothing of it until
     * the commit, then all of it.
     *
     * <p>Differences from {@link #inTransaction(Supplier)}, the price of not logging each change:
     * <ul>
     *   <li>Listeners hear one link event per link the relation has at commit, in ascending (left, right) order,
     *       after the transaction's other events (not one per call, in call order). With listeners registered,
     *       the commit lists the links first (about 25 bytes each, until delivered).</li>
     *   <li>An operation inside {@code work} that throws after changing the relation cannot be undone on its
     *       own: the transaction becomes rollback-only, and commit then throws. An exception out of {@code work}
     *       itself rolls the whole load back, as usual.</li>
     *   <li>A journaled engine writes the loaded links into the commit's record, after its other changes.</li>
     *   <li>It is a transaction of its own, or the first step of the transaction open on this thread (which must
     *       not have changed anything yet); the relation then stays staged for the rest of that transaction, and
     *       an exception out of {@code work} undoes exactly what it did, leaving the transaction empty.</li>
     * </ul>
     *
     * <p>Thread-safety and waiting as {@link #inTransaction(Supplier)}.
     *
     * @throws IllegalArgumentException if {@code relation} is not a relation declared by this engine (an
     *         association table's pairs, another engine's relation)
     * @throws IllegalStateException if the relation has links, or the open transaction changed anything already
     *         (nothing runs, nothing changes)
     * @throws NullPointerException if an argument is null
     * @throws LockTimeoutException as {@link #begin()}
     */
    public <T> T bulkLoad(Relation<?, ?> relation, Supplier<T> work) {
        Objects.requireNonNull(relation, () -> label + ": relation is null");
        Objects.requireNonNull(work, "work");
        RelationImpl<?, ?> primary = relation instanceof RelationImpl<?, ?> r ? r.primary : null;
        if (primary == null || schema.declaredRelation(primary.name) != primary) {
            throw new IllegalArgumentException(label + ": " + relation + " is not a relation declared by this "
                    + "engine; bulk loads go into relations made by Junction.relation");
        }
        return writes.bulkLoad(primary, work);
    }

    /**
     * Runs {@code work} as a transaction that bulk-loads {@code relation}; see {@link #bulkLoad(Relation, Supplier)}.
     *
     * @throws IllegalArgumentException if {@code relation} is not a relation declared by this engine
     * @throws IllegalStateException if the relation has links, or the open transaction changed anything already
     * @throws NullPointerException if an argument is null
     * @throws LockTimeoutException as {@link #begin()}
     */
    public void bulkLoad(Relation<?, ?> relation, Runnable work) {
        Objects.requireNonNull(work, "work");
        bulkLoad(relation, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Opens a consistent read view on this thread: until it is closed, every read on this thread sees one
     * committed state, and commits of other threads wait. Waits only while a commit is being published.
     *
     * @see ReadView
     */
    public ReadView readView() {
        return gate.readView();
    }

    /**
     * Runs {@code reads} inside a {@link ReadView} and returns its result.
     *
     * @throws NullPointerException if {@code reads} is null
     */
    public <T> T read(Supplier<T> reads) {
        Objects.requireNonNull(reads, "reads");
        try (ReadView v = readView()) {
            return reads.get();
        }
    }

    /**
     * Registers {@code listener} for the changes committed from now on; see {@link ChangeListener} for the
     * delivery contract. Registering the same listener twice delivers twice.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(ChangeListener listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Unregisters one registration of {@code listener}; returns whether it was registered. */
    public boolean removeListener(ChangeListener listener) {
        return events.remove(listener);
    }

    // ---- declarations -------------------------------------------------------------------------------------

    /**
     * Creates a table whose entities are their own keys, compared with {@code equals}/{@code hashCode}
     * ({@code Table<String>}, {@code Table<UUID>}, records). O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E> Table<E> table(String name) {
        return schema.table(name, IdPolicy.REUSE_FREED);
    }

    /**
     * Creates a table whose entities are their own keys, with the given id policy: {@link IdPolicy#NEVER_REUSE}
     * makes id order creation order for good (see {@link IdPolicy}). O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E> Table<E> table(String name, IdPolicy ids) {
        return schema.table(name, ids);
    }

    /**
     * Creates a table of objects of {@code type} (identified by equality, as {@link #table(String)}), refusing
     * at once a class that snapshots and journals could not write, instead of at the first {@link #save} or
     * journaled commit. The rule, by the declared class: built-in classes (see {@link ValueCodec}), classes with a
     * codec registered (so register codecs before declaring), enums, and records whose components' declared types
     * pass by the same rule are accepted; {@code Object}, interfaces, abstract classes and arrays cannot be judged
     * from the declaration and are accepted (their values are checked when written); any other class is refused.
     * The check is the same whether or not the engine is journaled. O(number of record components).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code type} has no codec by that rule (the message names the table,
     *         the class and, for a record, the component), or a table or relation of this engine already has that
     *         name; nothing is declared
     */
    public <E> Table<E> table(String name, Class<E> type) {
        Objects.requireNonNull(type, () -> label + ": table '" + name + "': type is null");
        String why = ValueClasses.whyNot(type, schema.codecs);
        if (why != null) {
            throw new IllegalArgumentException(label + ": table '" + name + "' of " + type.getName() + ": " + why);
        }
        return schema.table(name, IdPolicy.REUSE_FREED);
    }

    /**
     * Creates a table of objects identified by {@code key} ({@code Author::name}, {@code User::id}): two
     * objects with equal keys are the same entity. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E, K> KeyedTable<E, K> table(String name, Function<? super E, ? extends K> key) {
        return schema.table(name, key, IdPolicy.REUSE_FREED);
    }

    /**
     * Creates a table of objects identified by {@code key}, with the given id policy (see {@link IdPolicy}). O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E, K> KeyedTable<E, K> table(String name, Function<? super E, ? extends K> key, IdPolicy ids) {
        return schema.table(name, key, ids);
    }

    /**
     * Creates a table of primitive {@code long} keys, whose {@code long} methods never box. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public LongTable longTable(String name) {
        return schema.longTable(name, IdPolicy.REUSE_FREED);
    }

    /**
     * Creates a table of primitive {@code long} keys with the given id policy (see {@link IdPolicy}). O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public LongTable longTable(String name, IdPolicy ids) {
        return schema.longTable(name, ids);
    }

    /**
     * Creates a many-to-many relation between {@code left} and {@code right} (authors ⇄ books). If both are
     * the same table, this is {@link #directed(String, Table)}. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public <L, R> Relation<L, R> relation(String name, Table<L> left, Table<R> right) {
        return schema.relation(name, left, right, null);
    }

    /**
     * Creates a directed relation over one table (users follow users): {@code rightsOf(a)} are the entities
     * {@code a} points to, {@code leftsOf(a)} those pointing to {@code a}. Removing an entity removes the
     * links in both directions. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public <E> Relation<E, E> directed(String name, Table<E> table) {
        return schema.relation(name, table, table, IntRelation.Kind.DIRECTED);
    }

    /**
     * Creates a symmetric relation over one table (friendship): {@code link(a, b)} and {@code link(b, a)} are
     * the same link, {@code rightsOf(a)} equals {@code leftsOf(a)}, and {@code inverse()} is the relation
     * itself. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public <E> Relation<E, E> symmetric(String name, Table<E> table) {
        return schema.relation(name, table, table, IntRelation.Kind.SYMMETRIC);
    }

    /**
     * Creates an association table whose rows have their own ids and columns, between {@code left} and
     * {@code right} (orders between customers and products): see {@link AssociationTable}. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public <L, R> AssociationTable<L, R> associationTable(String name, Table<L> left, Table<R> right) {
        return schema.associationTable(name, left, right, IdPolicy.REUSE_FREED);
    }

    /**
     * Creates an association table whose row ids follow {@code rowIds} ({@link IdPolicy#NEVER_REUSE}: row id order
     * is the order rows were added, for good). O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public <L, R> AssociationTable<L, R> associationTable(String name, Table<L> left, Table<R> right,
                                                          IdPolicy rowIds) {
        return schema.associationTable(name, left, right, rowIds);
    }

    /**
     * The association table named {@code name}. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no association table of that name
     */
    public AssociationTable<?, ?> getAssociationTable(String name) {
        return schema.getAssociationTable(name);
    }

    /** The association tables, in creation order: an unmodifiable snapshot. */
    public Collection<AssociationTable<?, ?>> associationTables() {
        return schema.associationTables();
    }

    /**
     * The table named {@code name}. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no table of that name
     */
    public Table<?> getTable(String name) {
        return schema.getTable(name);
    }

    /**
     * The relation named {@code name} (as declared, not its inverse). O(1). For a typed relation, see
     * {@link #getRelation(String, Table, Table)}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no relation of that name
     */
    public Relation<?, ?> getRelation(String name) {
        return schema.getRelation(name);
    }

    /**
     * The relation named {@code name}, typed by the tables it joins: no unchecked cast, because the tables prove
     * the types. Given its tables in declared order it is the relation as declared; given them the other way
     * round (right table first), its {@link Relation#inverse()}. O(1).
     *
     * <pre>{@code
     * Relation<Author, Book> wrote = db.getRelation("author_book", authors, books);
     * Relation<Book, Author> writtenBy = db.getRelation("author_book", books, authors);   // the inverse
     * }</pre>
     *
     * @throws NullPointerException if an argument is null
     * @throws NoSuchElementException if this engine has no relation of that name
     * @throws IllegalArgumentException if the relation does not join {@code left} to {@code right} (in either
     *         order); the message names its tables
     */
    public <L, R> Relation<L, R> getRelation(String name, Table<L> left, Table<R> right) {
        Objects.requireNonNull(left, () -> label + ": relation '" + name + "': left table is null");
        Objects.requireNonNull(right, () -> label + ": relation '" + name + "': right table is null");
        Relation<?, ?> r = getRelation(name);
        if (r.leftTable() == left && r.rightTable() == right) {
            @SuppressWarnings("unchecked") // the tables are the relation's: L and R are its types
            Relation<L, R> typed = (Relation<L, R>) r;
            return typed;
        }
        if (r.leftTable() == right && r.rightTable() == left) {
            @SuppressWarnings("unchecked") // the tables are the inverse's
            Relation<L, R> typed = (Relation<L, R>) r.inverse();
            return typed;
        }
        throw new IllegalArgumentException(label + ": relation '" + name + "' joins table '" + r.leftTable().name()
                + "' to table '" + r.rightTable().name() + "', not table '" + left.name() + "' to table '"
                + right.name() + "'");
    }

    /**
     * The association table named {@code name}, typed by its left and right tables (given in declared order):
     * no unchecked cast, because the tables prove the types. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws NoSuchElementException if this engine has no association table of that name
     * @throws IllegalArgumentException if its left and right tables are not {@code left} and {@code right}
     */
    public <L, R> AssociationTable<L, R> getAssociationTable(String name, Table<L> left, Table<R> right) {
        Objects.requireNonNull(left, () -> label + ": association table '" + name + "': left table is null");
        Objects.requireNonNull(right, () -> label + ": association table '" + name + "': right table is null");
        AssociationTable<?, ?> a = getAssociationTable(name);
        if (a.leftTable() != left || a.rightTable() != right) {
            throw new IllegalArgumentException(label + ": association table '" + name + "' joins table '"
                    + a.leftTable().name() + "' to table '" + a.rightTable().name() + "', not table '" + left.name()
                    + "' to table '" + right.name() + "'");
        }
        @SuppressWarnings("unchecked") // the tables are its own: L and R are its types
        AssociationTable<L, R> typed = (AssociationTable<L, R>) a;
        return typed;
    }

    /** The tables, in creation order: an unmodifiable snapshot. */
    public Collection<Table<?>> tables() {
        return schema.tables();
    }

    /** The relations as declared (not their inverses), in creation order: an unmodifiable snapshot. */
    public Collection<Relation<?, ?>> relations() {
        return schema.relations();
    }

    // ---- snapshots -------------------------------------------------------------------------------------

    /**
     * Registers how snapshots and journals write and read values of {@code codec.type()}: entities of tables and
     * values of object columns of classes that are not built in (see {@link ValueCodec} for the built-in ones:
     * the basic boxed types, java.time, {@code UUID}, {@code BigDecimal}, {@code BigInteger}, enums, records). A
     * codec registered for a built-in class other than {@code String}, {@code Long}, {@code Integer},
     * {@code Double} and {@code Boolean} takes precedence over the built-in encoding when writing. Replaces an
     * earlier codec for the same class. Thread-safe, O(1).
     *
     * @throws NullPointerException if {@code codec} or its type is null
     */
    public void registerCodec(ValueCodec<?> codec) {
        Objects.requireNonNull(codec, () -> label + ": codec is null");
        schema.codecs.put(Objects.requireNonNull(codec.type(), () -> label + ": codec type is null"), codec);
    }

    /**
     * Saves the committed state of the whole engine (tables with their ids and the allocators' state, every
     * relation, link columns, association tables with their rows and values) to {@code file}, atomically: it
     * is written to a temporary file in the same directory, forced to disk, renamed over {@code file}, and the
     * directory is forced, so a crash leaves either the old file or the new one. Commits wait while the state is
     * encoded (a read view); the file is written after. About 1 to 3 bytes per link. The format is described
     * in {@code docs/persistence-format.md}.
     *
     * @throws IOException if the file cannot be written (the old file, if any, is untouched)
     * @throws IllegalStateException inside a transaction, or if an entity or object value has a class that is
     *         neither built in (see {@link ValueCodec}) nor registered with {@link #registerCodec}, or is a record
     *         that cannot be read reflectively (nothing is written)
     */
    public void save(Path file) throws IOException {
        Objects.requireNonNull(file, () -> label + ": file is null");
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot save inside a transaction; commit first");
        }
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.SAVE) : null;
        List<byte[]> sections = SnapshotCodec.encode(this);
        long bytes = writeSnapshot(FileLayer.SYSTEM, file, sections);
        if (jfr != null) JfrEvents.snapshot(jfr, file, bytes);
    }

    /** Writes a snapshot's sections atomically; returns its size. */
    static long writeSnapshot(FileLayer fs, Path file, List<byte[]> sections) throws IOException {
        DurableFiles.writeAtomically(fs, file, sections);
        long bytes = 0;
        for (byte[] s : sections) bytes += s.length;
        return bytes;
    }

    /**
     * Loads a snapshot saved by {@link #save} into this engine, which must declare the same tables, relations,
     * association tables and columns (by name and kind; columns declared here but not in the file get their
     * defaults), with the same {@link IdPolicy} per table (a file of format version 1, which cannot say, loads into
     * either; a {@link IdPolicy#NEVER_REUSE} table retires the ids it lists as free), and must be empty (nothing
     * added yet). Afterwards every query answers as in the engine that
     * saved it, ids included. The whole file is read and checked (checksums, lengths against the file's size,
     * the allocators' and rows' invariants) before anything changes, then applied at once; no listener is told.
     *
     * @throws CorruptFileException if the file is not a snapshot, is from a newer format version, is
     *         truncated or damaged, or contradicts itself; the engine is unchanged
     * @throws IllegalStateException if the engine's schema (or a table's id policy) does not match, it is not empty, a codec the file
     *         needs is not registered, it is journaled ({@link Persistence}: load before opening), or inside a
     *         transaction or a read view; the engine is unchanged
     * @throws IOException if the file cannot be read
     */
    public void load(Path file) throws IOException {
        Objects.requireNonNull(file, () -> label + ": file is null");
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot load inside a transaction");
        }
        gate.checkNoView("load a snapshot");
        Object jfr = Jfr.on() ? JfrEvents.begin(JfrEvents.LOAD) : null;
        writes.load(file, SnapshotCodec.read(file, schema.codecs));
        if (jfr != null) JfrEvents.snapshot(jfr, file, Files.size(file));
    }

    /** A label unique within the JVM, such as {@code Junction#1}, used in exception messages. */
    @Override
    public String toString() {
        return label;
    }

    // ---- for the kernel (package-private) ---------------------------------------------------------------

    /** I/O work under the write lock (no commit can run meanwhile): a checkpoint's journal switch and encoding. */
    interface IOSupplier<T> {
        T get() throws IOException;
    }

    /** This thread's open transaction, or null. */
    Txn ownTxn() {
        return gate.ownTxn();
    }

    Map<Class<?>, ValueCodec<?>> codecs() {
        return schema.codecs;
    }

    /**
     * Refuses, on a journaled engine, an object column of a class its journal could not write (the rule of
     * {@link #table(String, Class)}), so the declaration fails instead of every commit that sets a value.
     *
     * @throws IllegalArgumentException naming {@code owner}, the column and the class
     */
    void checkColumnCodec(String owner, String column, Class<?> type) {
        if (type != null && writes.journaled()) {
            String why = ValueClasses.whyNot(type, schema.codecs);
            if (why != null) {
                throw new IllegalArgumentException(owner + ", column '" + column + "' of " + type.getName() + ": "
                        + why + "; this engine is journaled, so every value must be written (register a codec "
                        + "before declaring)");
            }
        }
    }

    /**
     * Refuses to journal an engine with an object column of a class the journal could not write (the rule of
     * {@link #table(String, Class)}).
     *
     * @throws IllegalStateException naming the relation or association table, the column and the class
     */
    void checkColumnCodecs() {
        for (RelationImpl<?, ?> r : relationsInOrder()) {
            checkColumnCodecs("relation '" + r.name + "'", r.columns);
        }
        for (AssociationTableImpl<?, ?> a : associationsInOrder()) {
            checkColumnCodecs("association table '" + a.name + "'", a.columns);
        }
    }

    private void checkColumnCodecs(String owner, ColumnStore cs) {
        if (cs == null) return;
        ColumnStore.Schema s = cs.schema;
        for (int c = 0; c < s.names.length; c++) {
            if (s.types[c] != ColumnStore.OBJECT) continue;
            Class<?> type = s.objectTypes[s.indexInType[c]];
            String why = ValueClasses.whyNot(type, schema.codecs);
            if (why != null) {
                throw new IllegalStateException(label + ": " + owner + ", column '" + s.names[c] + "' of "
                        + type.getName() + ": " + why + "; a journaled engine must write every value (register a "
                        + "codec before opening)");
            }
        }
    }

    PartNames partNames() {
        return schema.partNames();
    }

    java.util.List<AbstractTable<?>> tablesInOrder() {
        return schema.tablesInOrder();
    }

    java.util.List<RelationImpl<?, ?>> relationsInOrder() {
        return schema.relationsInOrder();
    }

    java.util.List<AssociationTableImpl<?, ?>> associationsInOrder() {
        return schema.associationsInOrder();
    }
}
