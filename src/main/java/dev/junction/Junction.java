package dev.junction;

import dev.junction.index.IntRelation;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
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
 * exception. Any write outside a transaction is a transaction of its own: atomic, isolated, and delivered
 * to listeners on its own.
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
 */
public final class Junction {

    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final String label = "Junction#" + ENGINES.incrementAndGet();
    private final Map<String, AbstractTable<?>> tables = new LinkedHashMap<>();
    private final Map<String, RelationImpl<?, ?>> relations = new LinkedHashMap<>();
    private final Map<String, AssociationTableImpl<?, ?>> associations = new LinkedHashMap<>();
    private final Map<Class<?>, ValueCodec<?>> codecs = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Bumped around every publication of committed changes: a read that {@link #gate()} turns away validates
     * against it, and waits on its read lock while a commit is being published. Iterators and read views use it.
     */
    final StampedLock seq = new StampedLock();
    /**
     * The readers' fast path in one word: {@link #WRITING} while a commit changes the committed storage (exactly
     * while the write stamp of {@link #seq} is held), {@link #TXN_OPEN} while any transaction is open, and above
     * them a count of publications. One acquire load tells a reader both that it may read the committed storage
     * optimistically and that it has no transaction of its own to look at; the same word read again after the
     * read validates it. Written only by the holder of {@link #writer}. See {@link #gate()}.
     */
    @SuppressWarnings("unused") // through GATE
    private long gate = GATE_STEP;
    private static final long WRITING = 1L;
    private static final long TXN_OPEN = 2L;
    private static final long GATE_STEP = 4L;
    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findVarHandle(Junction.class, "gate", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Held by the one writer: an open transaction, or a single write outside one. */
    private final ReentrantLock writer = new ReentrantLock();
    /** The open transaction; only its owner thread acts on it (its {@code owner} field is final). */
    private Txn txn;
    private final long lockTimeoutNanos;
    private final EventQueue events = new EventQueue();
    private final ThreadLocal<int[]> views = ThreadLocal.withInitial(() -> new int[1]);
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A per-thread buffer for copying a set out before handing it to user code; nested uses get their own. */
    static final class Scratch {
        int[] buf = new int[64];
        boolean busy;
    }

    private Junction(long lockTimeoutNanos) {
        this.lockTimeoutNanos = lockTimeoutNanos;
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
     * committed.
     *
     * @throws IllegalStateException if this thread already has an open transaction (they do not nest) or an open
     *         {@link ReadView}
     * @throws LockTimeoutException if another thread kept the write lock for longer than the timeout
     */
    public Transaction begin() {
        return begin(lockTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens a transaction, waiting up to {@code timeout} for another writer; a zero timeout fails at once if
     * another thread is writing.
     *
     * @throws IllegalStateException if this thread already has an open transaction or an open {@link ReadView}
     * @throws LockTimeoutException if the write lock did not come in time, or the thread was interrupted while
     *         waiting (its interrupt status is kept)
     * @throws NullPointerException if {@code unit} is null
     */
    public Transaction begin(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": thread '" + Thread.currentThread().getName()
                    + "' already has an open transaction; transactions do not nest");
        }
        checkNoView("begin a transaction");
        acquireWriter(unit.toNanos(timeout));
        Txn t = new Txn(this, false);
        openTxn(t);
        return t;
    }

    /**
     * Runs {@code work} in a transaction: commits when it returns, rolls back and rethrows if it throws. Inside
     * a transaction already open on this thread, runs as part of it (an exception then undoes only what
     * {@code work} did, and propagates).
     *
     * @throws NullPointerException if {@code work} is null
     * @throws LockTimeoutException as {@link #begin()}
     * @throws IllegalStateException if {@code work} returns with a {@link ReadView} of this thread still open: the
     *         commit is refused and the transaction rolled back
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
     * rethrows if it throws; see {@link #inTransaction(Runnable)}.
     *
     * @throws NullPointerException if {@code work} is null
     * @throws LockTimeoutException as {@link #begin()}
     */
    public <T> T inTransaction(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return write(work);
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
        synchronized (this) {
            if (primary == null || relations.get(primary.name) != primary) {
                throw new IllegalArgumentException(label + ": " + relation + " is not a relation declared by this "
                        + "engine; bulk loads go into relations made by Junction.relation");
            }
        }
        Txn t = ownTxn();
        if (t == null) {
            return write(() -> {
                ownTxn().stage(primary);
                return work.get();
            });
        }
        if (t.failed != null) {
            throw new IllegalStateException(label + ": the transaction is rollback-only after " + t.failed, t.failed);
        }
        t.stage(primary); // the first step of t: undone whole if the work fails
        try {
            return work.get();
        } catch (Throwable e) {
            t.discardAll();
            throw e;
        }
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
        Txn own = ownTxn();
        long stamp = own != null ? 0L : seq.readLock(); // the transaction's owner already excludes commits
        int[] depth = views.get();
        depth[0]++;
        Thread thread = Thread.currentThread();
        return new ReadView() {
            private boolean open = true;

            @Override
            public void close() {
                if (Thread.currentThread() != thread) {
                    throw new IllegalStateException(label + ": a read view of thread '" + thread.getName()
                            + "' must be closed on that thread, not on '" + Thread.currentThread().getName() + "'");
                }
                if (open) {
                    open = false;
                    depth[0]--;
                    if (stamp != 0L) {
                        seq.unlockRead(stamp);
                    }
                }
            }
        };
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

    /**
     * Creates a table whose entities are their own keys, compared with {@code equals}/{@code hashCode}
     * ({@code Table<String>}, {@code Table<UUID>}, records). O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public synchronized <E> Table<E> table(String name) {
        return register(new ObjectTable<E, E>(this, checkName(name), null));
    }

    /**
     * Creates a table of objects identified by {@code key} ({@code Author::name}, {@code User::id}): two
     * objects with equal keys are the same entity. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public synchronized <E, K> KeyedTable<E, K> table(String name, Function<? super E, ? extends K> key) {
        Objects.requireNonNull(key, () -> "table '" + name + "': key function is null");
        return register(new ObjectTable<E, K>(this, checkName(name), key));
    }

    /**
     * Creates a table of primitive {@code long} keys, whose {@code long} methods never box. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public synchronized LongTable longTable(String name) {
        return register(new LongTableImpl(this, checkName(name)));
    }

    /**
     * Creates a many-to-many relation between {@code left} and {@code right} (authors ⇄ books). If both are
     * the same table, this is {@link #directed(String, Table)}. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public synchronized <L, R> Relation<L, R> relation(String name, Table<L> left, Table<R> right) {
        checkName(name);
        AbstractTable<L> l = own(left, name);
        AbstractTable<R> r = own(right, name);
        IntRelation store = l == r ? IntRelation.directed(name) : IntRelation.bipartite(name);
        return register(new RelationImpl<>(name, store, l, r));
    }

    /**
     * Creates a directed relation over one table (users follow users): {@code rightsOf(a)} are the entities
     * {@code a} points to, {@code leftsOf(a)} those pointing to {@code a}. Removing an entity removes the
     * links in both directions. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public synchronized <E> Relation<E, E> directed(String name, Table<E> table) {
        checkName(name);
        AbstractTable<E> t = own(table, name);
        return register(new RelationImpl<>(name, IntRelation.directed(name), t, t));
    }

    /**
     * Creates a symmetric relation over one table (friendship): {@code link(a, b)} and {@code link(b, a)} are
     * the same link, {@code rightsOf(a)} equals {@code leftsOf(a)}, and {@code inverse()} is the relation
     * itself. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public synchronized <E> Relation<E, E> symmetric(String name, Table<E> table) {
        checkName(name);
        AbstractTable<E> t = own(table, name);
        return register(new RelationImpl<>(name, IntRelation.symmetric(name), t, t));
    }

    /**
     * Creates an association table whose rows have their own ids and columns, between {@code left} and
     * {@code right} (orders between customers and products): see {@link AssociationTable}. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public synchronized <L, R> AssociationTable<L, R> associationTable(String name, Table<L> left, Table<R> right) {
        checkName(name);
        AbstractTable<L> l = own(left, name);
        AbstractTable<R> r = own(right, name);
        AssociationTableImpl<L, R> a = new AssociationTableImpl<>(this, name, l, r);
        for (RelationImpl<?, ?> part : java.util.List.of(a.byLeft, a.byRight, a.pairRel)) {
            part.left.usedBy.add(part);
            if (part.right != part.left) {
                part.right.usedBy.add(part);
            }
        }
        l.associations.add(a);
        if (r != l) {
            r.associations.add(a);
        }
        associations.put(name, a);
        schemaChanged();
        return a;
    }

    /**
     * The association table named {@code name}. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no association table of that name
     */
    public synchronized AssociationTable<?, ?> getAssociationTable(String name) {
        AssociationTableImpl<?, ?> a = associations.get(Objects.requireNonNull(name, "name is null"));
        if (a == null) {
            throw new NoSuchElementException(label + " has no association table '" + name + "'");
        }
        return a;
    }

    /** The association tables, in creation order: an unmodifiable snapshot. */
    public synchronized Collection<AssociationTable<?, ?>> associationTables() {
        return java.util.List.copyOf(associations.values());
    }

    /**
     * The table named {@code name}. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no table of that name
     */
    public synchronized Table<?> getTable(String name) {
        AbstractTable<?> t = tables.get(Objects.requireNonNull(name, "table name is null"));
        if (t == null) {
            throw new NoSuchElementException(label + " has no table '" + name + "'");
        }
        return t;
    }

    /**
     * The relation named {@code name} (as declared, not its inverse). O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no relation of that name
     */
    public synchronized Relation<?, ?> getRelation(String name) {
        RelationImpl<?, ?> r = relations.get(Objects.requireNonNull(name, "relation name is null"));
        if (r == null) {
            throw new NoSuchElementException(label + " has no relation '" + name + "'");
        }
        return r;
    }

    /** The tables, in creation order: an unmodifiable snapshot. */
    public synchronized Collection<Table<?>> tables() {
        return java.util.List.copyOf(tables.values());
    }

    /** The relations as declared (not their inverses), in creation order: an unmodifiable snapshot. */
    public synchronized Collection<Relation<?, ?>> relations() {
        return java.util.List.copyOf(relations.values());
    }

    // ---- snapshots -------------------------------------------------------------------------------------

    /**
     * Registers how snapshots write and read values of {@code codec.type()}: entities of tables and values of
     * object columns that are not {@code String}, {@code Long}, {@code Integer}, {@code Double} or
     * {@code Boolean}. Replaces an earlier codec for the same class. Thread-safe, O(1).
     *
     * @throws NullPointerException if {@code codec} or its type is null
     */
    public void registerCodec(ValueCodec<?> codec) {
        Objects.requireNonNull(codec, () -> label + ": codec is null");
        codecs.put(Objects.requireNonNull(codec.type(), () -> label + ": codec type is null"), codec);
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
     *         neither built in nor registered with {@link #registerCodec} (nothing is written)
     */
    public void save(Path file) throws IOException {
        Objects.requireNonNull(file, () -> label + ": file is null");
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot save inside a transaction; commit first");
        }
        DurableFiles.writeAtomically(file, SnapshotCodec.encode(this));
    }

    /**
     * Loads a snapshot saved by {@link #save} into this engine, which must declare the same tables, relations,
     * association tables and columns (by name and kind; columns declared here but not in the file get their
     * defaults) and must be empty (nothing added yet). Afterwards every query answers as in the engine that
     * saved it, ids included. The whole file is read and checked (checksums, lengths against the file's size,
     * the allocators' and rows' invariants) before anything changes, then applied at once; no listener is told.
     *
     * @throws CorruptFileException if the file is not a snapshot, is from a newer format version, is
     *         truncated or damaged, or contradicts itself; the engine is unchanged
     * @throws IllegalStateException if the engine's schema does not match, it is not empty, a codec the file
     *         needs is not registered, it is journaled ({@link Persistence}: load before opening), or inside a
     *         transaction or a read view; the engine is unchanged
     * @throws IOException if the file cannot be read
     */
    public void load(Path file) throws IOException {
        Objects.requireNonNull(file, () -> label + ": file is null");
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot load inside a transaction");
        }
        checkNoView("load a snapshot");
        SnapshotCodec.Content content = SnapshotCodec.read(file, codecs);
        acquireWriter(lockTimeoutNanos);
        try {
            if (journal != null) { // checked under the lock: a journal attached meanwhile must not be bypassed
                throw new IllegalStateException(label + " is journaled: load a snapshot before Persistence.open (or "
                        + "open the directory the snapshot belongs to); a load would bypass the journal");
            }
            SnapshotRestore.apply(this, file, content, this::stamped);
        } finally {
            writer.unlock();
        }
    }

    /** Runs {@code body} under the write stamp (the caller holds the write lock). */
    private void stamped(Runnable body) {
        long st = acquireStamp();
        try {
            body.run();
        } finally {
            releaseStamp(st);
        }
    }

    /** Starts journaling every commit (under the write lock, so no commit is half in and half out). */
    void attachJournal(JournalFile j) {
        acquireWriter(lockTimeoutNanos);
        try {
            if (journal != null) {
                throw new IllegalStateException(label + " is already journaled");
            }
            journal = j;
        } finally {
            writer.unlock();
        }
    }

    /** Stops journaling; returns the journal (to close), or null. */
    JournalFile detachJournal() {
        acquireWriter(lockTimeoutNanos);
        try {
            JournalFile j = journal;
            journal = null;
            return j;
        } finally {
            writer.unlock();
        }
    }

    /** I/O work under the write lock (no commit can run meanwhile): a checkpoint's journal switch and encoding. */
    interface IOSupplier<T> {
        T get() throws IOException;
    }

    <T> T rotateJournal(IOSupplier<T> work) throws IOException {
        if (ownTxn() != null) {
            throw new IllegalStateException(label + ": cannot checkpoint inside a transaction");
        }
        checkNoView("checkpoint");
        acquireWriter(lockTimeoutNanos);
        try {
            return work.get();
        } finally {
            writer.unlock();
        }
    }

    /** Runs {@code body} under the write lock and stamp (a failed load's reset). */
    void underWriteStamp(Runnable body) {
        acquireWriter(lockTimeoutNanos);
        try {
            stamped(body);
        } finally {
            writer.unlock();
        }
    }

    Map<Class<?>, ValueCodec<?>> codecs() {
        return codecs;
    }

    synchronized java.util.List<AbstractTable<?>> tablesInOrder() {
        return new java.util.ArrayList<>(tables.values());
    }

    synchronized java.util.List<RelationImpl<?, ?>> relationsInOrder() {
        return new java.util.ArrayList<>(relations.values());
    }

    synchronized java.util.List<AssociationTableImpl<?, ?>> associationsInOrder() {
        return new java.util.ArrayList<>(associations.values());
    }

    /** A label unique within the JVM, such as {@code Junction#1}, used in exception messages. */
    @Override
    public String toString() {
        return label;
    }

    // ---- internals -------------------------------------------------------------------------------------

    /** Removes every link of {@code id} in every relation that uses {@code table}, at either end (in a transaction). */
    void cascade(Txn t, AbstractTable<?> table, int id) {
        for (AssociationTableImpl<?, ?> a : table.associations) {
            a.cascade(t, table, id);
        }
        for (RelationImpl<?, ?> r : table.usedBy) {
            IntRelation s = t.delta(r);
            if (r.left == table) {
                s.removeLeft(id);
            }
            if (r.right == table && s.kind() != IntRelation.Kind.SYMMETRIC) {
                s.removeRight(id);
            }
        }
    }

    // ---- concurrency internals ---------------------------------------------------------------------------

    /** This thread's open transaction, or null. */
    Txn ownTxn() {
        Txn t = txn;
        return t != null && t.owner == Thread.currentThread() ? t : null;
    }

    private void checkNoView(String what) {
        if (views.get()[0] > 0) {
            throw new IllegalStateException(label + ": cannot " + what + " on thread '"
                    + Thread.currentThread().getName() + "' while it has an open read view; close the view first");
        }
    }

    private void acquireWriter(long timeoutNanos) {
        try {
            if (writer.tryLock() || writer.tryLock(Math.max(0L, timeoutNanos), TimeUnit.NANOSECONDS)) {
                return; // uncontended: no wait, so an interrupt does not matter
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException(label + ": interrupted while waiting for the write lock");
        }
        Txn holder = txn;
        throw new LockTimeoutException(label + ": another writer" + (holder == null ? "" : " (a transaction of thread '"
                + holder.owner.getName() + "')") + " held the write lock for more than "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }

    /** Makes {@code t} this engine's open transaction (the caller holds the write lock). */
    private void openTxn(Txn t) {
        txn = t;
        GATE.setVolatile(this, (long) GATE.get(this) | TXN_OPEN);
    }

    /**
     * The write stamp, for changing the committed storage (the caller holds the write lock); release it with
     * {@link #releaseStamp}. Waits for read views (read locks) to close, up to the lock timeout.
     */
    private long acquireStamp() {
        long st = seq.tryWriteLock();
        if (st == 0L) {
            st = awaitStamp();
        }
        GATE.setOpaque(this, (long) GATE.get(this) | WRITING);
        VarHandle.storeStoreFence(); // no change to the storage becomes visible before the gate says WRITING
        return st;
    }

    /** Ends a publication: the gate counts it (validating no read that overlapped it), then the stamp goes. */
    private void releaseStamp(long st) {
        GATE.setRelease(this, ((long) GATE.get(this) & ~WRITING) + GATE_STEP);
        seq.unlockWrite(st);
    }

    private long awaitStamp() {
        long st;
        try {
            st = seq.tryWriteLock(lockTimeoutNanos, TimeUnit.NANOSECONDS);
            if (st != 0L) {
                return st;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException(label + ": interrupted while waiting for read views to close");
        }
        throw new LockTimeoutException(label + ": read views stayed open for more than "
                + TimeUnit.NANOSECONDS.toMillis(lockTimeoutNanos) + " ms; the commit was rolled back");
    }

    /**
     * Runs a write: inside this thread's transaction (undoing its own changes if it throws), or as a transaction
     * of its own.
     */
    <T> T write(Supplier<T> op) {
        Txn t = ownTxn();
        if (t != null) {
            return within(t, op);
        }
        checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        t = new Txn(this, true);
        openTxn(t);
        T result;
        try {
            result = op.get();
        } catch (Throwable e) {
            end(t);
            throw e;
        }
        try {
            commit(t);
        } catch (IllegalStateException e) {
            if (!t.active) {
                throw e;
            }
            // refused before it began (a read view the work left open): nobody else can commit this transaction
            end(t);
            throw new IllegalStateException(e.getMessage() + "; the transaction was rolled back", e);
        }
        return result;
    }

    boolean writeBool(BooleanSupplier op) {
        return write(op::getAsBoolean);
    }

    int writeInt(IntSupplier op) {
        return write(op::getAsInt);
    }

    /** Runs an operation inside {@code t}: if it throws, what it changed is undone and the transaction goes on. */
    <T> T within(Txn t, Supplier<T> op) {
        if (t.failed != null) {
            throw new IllegalStateException(label + ": the transaction is rollback-only after " + t.failed, t.failed);
        }
        long mark = t.mark();
        try {
            return op.get();
        } catch (Throwable e) {
            t.rewind(mark, e);
            throw e;
        }
    }

    /**
     * A single link or unlink outside a transaction, in place: the write lock, then the write stamp for the
     * change itself. No overlay, no allocation. 1 if it changed the relation, 0 if not, {@link #IN_TXN} (nothing
     * done) if the engine is journaled.
     */
    int writeInPlace(RelationImpl<?, ?> rel, int left, int right, boolean link) {
        checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        boolean changed;
        try {
            if (journal != null) {
                return IN_TXN; // every change must reach the journal: the transaction path
            }
            long st = acquireStamp();
            try {
                changed = link ? rel.store.link(left, right) : rel.store.unlink(left, right);
                if (changed && !link) rel.droppedInPlace(left, right);
            } finally {
                releaseStamp(st);
            }
            if (changed && events.isHeard()) {
                events.offer(new EventQueue.SingleChange(rel, left, right, link));
            }
        } finally {
            writer.unlock();
        }
        if (changed && events.isHeard()) {
            events.deliver();
        }
        return changed ? 1 : 0;
    }

    /**
     * A typed single link or unlink outside a transaction, in place if both entities exist: 1 if it changed the
     * relation, 0 if not, -1 (nothing done) if an entity is missing (a link then needs a transaction to add it;
     * an unlink has nothing to do), {@link #IN_TXN} (nothing done) if the engine is journaled.
     */
    int linkInPlace(Side<?, ?> side, Object owner, Object other, boolean link) {
        checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        boolean changed;
        int l, r;
        try {
            if (journal != null) {
                return IN_TXN;
            }
            int o = side.ownerTable.find(owner);
            int x = o < 0 ? -1 : side.otherTable.find(other);
            if (x < 0) {
                return -1;
            }
            l = side.ownerLeft ? o : x;
            r = side.ownerLeft ? x : o;
            long st = acquireStamp();
            try {
                changed = link ? side.store.link(l, r) : side.store.unlink(l, r);
                if (changed && !link) side.primary.droppedInPlace(l, r);
            } finally {
                releaseStamp(st);
            }
            if (changed && events.isHeard()) {
                events.offer(new EventQueue.SingleChange(side.primary, l, r, link));
            }
        } finally {
            writer.unlock();
        }
        if (changed && events.isHeard()) {
            events.deliver();
        }
        return changed ? 1 : 0;
    }

    /**
     * A write outside a transaction, in place: {@code prepare} under the write lock only (it may run user code,
     * such as key functions, which may read the engine), then {@code apply} under the write stamp too (no user
     * code there); {@code apply} must be all or nothing.
     */
    <P, T> T writeInPlace(Supplier<P> prepare, Function<P, T> apply) {
        checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        try {
            if (journal != null) {
                throw NOT_IN_PLACE;
            }
            P prepared = prepare.get();
            long st = acquireStamp();
            try {
                return apply.apply(prepared);
            } finally {
                releaseStamp(st);
            }
        } finally {
            writer.unlock();
        }
    }

    /**
     * Any write outside a transaction, in place under both locks; {@code op} must be all or nothing.
     *
     * @throws RuntimeException {@link #NOT_IN_PLACE} (nothing done) if the engine is journaled: the caller
     *         takes the transaction path
     */
    <T> T writeInPlace(Supplier<T> op) {
        return locked(op, true);
    }

    private <T> T locked(Supplier<T> op, boolean data) {
        checkNoView("write");
        acquireWriter(lockTimeoutNanos);
        try {
            if (data && journal != null) {
                throw NOT_IN_PLACE;
            }
            long st = acquireStamp();
            try {
                return op.get();
            } finally {
                releaseStamp(st);
            }
        } finally {
            writer.unlock();
        }
    }

    /**
     * A schema change of columns: not in a transaction or a read view, under both locks (which also order
     * declarations among themselves). Not under the engine's monitor: a transaction's thread may call the
     * monitor's methods ({@code getTable}) while a declaration waits for its write lock.
     */
    <T> T declareColumn(String owner, Supplier<T> op) {
        if (ownTxn() != null) {
            throw new IllegalStateException(owner + ": cannot declare a column inside a transaction; declare "
                    + "columns before using it");
        }
        return locked(op, false); // the write lock orders schema changes of columns (no monitor: see getTable)
    }

        /** From the in-place paths: nothing was done, take the transaction path (the engine is journaled). */
    static final int IN_TXN = -2;

    /** Thrown (preallocated, no stack) by the in-place paths when the engine is journaled: nothing was done. */
    static final RuntimeException NOT_IN_PLACE = new RuntimeException("journaled: not in place", null, false, false) {
    };

    /** The journal every commit is written to, or null (in memory only); set under the write lock. */
    volatile JournalFile journal;

    /** Whether in-place writes are off (a journal records every change through transactions). */
    boolean journaled() {
        return journal != null;
    }

    boolean hasListeners() {
        return events.isHeard();
    }

    private static final long[][] NO_KEYS = new long[0][];

    /** Publishes {@code t} under the write stamp, then ends it and delivers its events. */
    void commit(Txn t) {
        if (t.failed != null) {
            end(t);
            throw new IllegalStateException(label + ": the transaction was rolled back: it was rollback-only after "
                    + t.failed, t.failed);
        }
        checkNoView("commit"); // before the try: the transaction stays open, to be committed after closing the view
        // decided once: a listener registered while this commit waits hears all of it or none of it
        boolean heard = events.isHeard() && !t.quiet;
        if (heard) {
            try {
                t.expandStaged(); // bulk-loaded links become events (and journal entries) only now
            } catch (Throwable e) {
                end(t);
                throw e;
            }
        }
        JournalFile j = journal;
        long ticket = -1;
        try {
            long st = acquireStamp(); // first: once the record is in the journal, nothing may stop the publication
            try {
                if (j != null && t.hasChanges()) { // write-ahead: in the journal (forced, if every commit) first
                    byte[] record;
                    try {
                        record = JournalCodec.encode(t, codecs, partNames());
                        ticket = j.append(record);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(label + ": the journal " + j.file + " could not be "
                                + "written; the transaction was rolled back", e);
                    }
                    try {
                        publish(t);
                    } catch (Throwable e) { // an Error while publishing: take the record back, then stop journaling
                        j.undoAppend(ticket, record.length);
                        throw e;
                    }
                } else {
                    publish(t);
                }
            } finally {
                releaseStamp(st);
            }
        } catch (Throwable e) {
            end(t);
            throw e;
        }
        boolean told = heard && t.hasEvents();
        if (told) {
            events.offer(t);
        }
        finish(t);
        if (ticket >= 0 && !j.policy.everyCommit) {
            j.awaitDurable(ticket); // group commit: wait for the flush, without the write lock
        }
        if (told) {
            events.deliver();
        }
    }

    /** Applies the overlays to the committed storage: all allocation first (undone on failure), then removals. */
    private void publish(Txn t) {
        long[][] made = t.columnOrder.isEmpty() ? NO_KEYS : new long[t.columnOrder.size()][];
        int columnsDone = 0;
        int tablesDone = 0;
        int relationsDone = 0;
        try {
            for (TableOverlay table : t.tables) {
                table.applyAdds();
                tablesDone++;
            }
            for (RelationImpl<?, ?> r : t.relations) {
                t.deltas.get(r).applyAdds();
                relationsDone++;
            }
            for (ColumnStore.Overlay o : t.columnOrder) {
                made[columnsDone] = o.base.publishAllocate(o); // undoes itself if it throws
                columnsDone++;
            }
        } catch (Throwable e) {
            while (columnsDone > 0) {
                columnsDone--;
                ColumnStore.Overlay o = t.columnOrder.get(columnsDone);
                o.base.undoPublishAllocate(o, made[columnsDone]);
            }
            while (relationsDone > 0) {
                t.deltas.get(t.relations.get(--relationsDone)).undoAdds();
            }
            while (tablesDone > 0) {
                t.tables.get(--tablesDone).undoAdds();
            }
            throw e;
        }
        for (RelationImpl<?, ?> r : t.relations) {
            t.deltas.get(r).applyRemoves();
        }
        for (TableOverlay table : t.tables) {
            table.applyRemoves();
        }
        for (ColumnStore.Overlay o : t.columnOrder) {
            o.base.publishWrite(o);
        }
    }

    /** Rolls back: drops the overlays and releases the write lock. */
    void end(Txn t) {
        finish(t);
    }

    private void finish(Txn t) {
        for (TableOverlay table : t.tables) {
            table.end();
        }
        for (DeltaRelation d : t.deltas.values()) {
            d.ended = true;
        }
        t.active = false;
        txn = null;
        GATE.setRelease(this, (long) GATE.get(this) & ~TXN_OPEN);
        writer.unlock();
    }

    // ---- guarded reads -----------------------------------------------------------------------------------

    /**
     * Opens an optimistic read of the committed storage: a nonzero gate value if no transaction is open and no
     * commit is being published, else 0 and the caller takes its slow path ({@link #ownTxn()} for its own
     * transaction's overlay, else {@link #seq}). One acquire load; nothing shared is written. After reading,
     * the caller accepts what it read only if {@link #unchanged} holds.
     */
    long gate() {
        long g = (long) GATE.getAcquire(this);
        return (g & (WRITING | TXN_OPEN)) == 0L ? g : 0L;
    }

    /** Whether no commit was published since {@link #gate()} returned {@code g}: what was read in between is consistent. */
    boolean unchanged(long g) {
        VarHandle.acquireFence(); // the reads of the storage come before the gate is read again
        return (long) GATE.getOpaque(this) == g;
    }

    /** Runs a read: directly in this thread's transaction, else validated against commits (retried under the read lock). */
    <T> T read0(Supplier<T> body) {
        long g = gate();
        if (g != 0L) {
            try {
                T v = body.get();
                if (unchanged(g)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (unchanged(g)) {
                    throw e;
                }
            }
        }
        if (ownTxn() != null) {
            return body.get();
        }
        long st = seq.tryOptimisticRead();
        if (st != 0L) {
            try {
                T v = body.get();
                if (seq.validate(st)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (seq.validate(st)) {
                    throw e;
                }
            }
        }
        st = seq.readLock();
        try {
            return body.get();
        } finally {
            seq.unlockRead(st);
        }
    }

    boolean readBool(BooleanSupplier body) {
        long g = gate();
        if (g != 0L) {
            try {
                boolean v = body.getAsBoolean();
                if (unchanged(g)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (unchanged(g)) {
                    throw e;
                }
            }
        }
        if (ownTxn() != null) {
            return body.getAsBoolean();
        }
        long st = seq.tryOptimisticRead();
        if (st != 0L) {
            try {
                boolean v = body.getAsBoolean();
                if (seq.validate(st)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (seq.validate(st)) {
                    throw e;
                }
            }
        }
        st = seq.readLock();
        try {
            return body.getAsBoolean();
        } finally {
            seq.unlockRead(st);
        }
    }

    int readInt(IntSupplier body) {
        long g = gate();
        if (g != 0L) {
            try {
                int v = body.getAsInt();
                if (unchanged(g)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (unchanged(g)) {
                    throw e;
                }
            }
        }
        if (ownTxn() != null) {
            return body.getAsInt();
        }
        long st = seq.tryOptimisticRead();
        if (st != 0L) {
            try {
                int v = body.getAsInt();
                if (seq.validate(st)) {
                    return v;
                }
            } catch (RuntimeException e) {
                if (seq.validate(st)) {
                    throw e;
                }
            }
        }
        st = seq.readLock();
        try {
            return body.getAsInt();
        } finally {
            seq.unlockRead(st);
        }
    }

    /**
     * The stamp an iterator validates each step against: 0 for this thread's transaction (nothing to
     * validate), else an optimistic stamp taken while no commit is being published.
     */
    long iterationStamp() {
        if (ownTxn() != null) {
            return 0L;
        }
        long st;
        while ((st = seq.tryOptimisticRead()) == 0L) {
            seq.unlockRead(seq.readLock()); // wait out the publication
        }
        return st;
    }

    /**
     * The stamp for an iterator's next step: the same if no commit happened since, else a fresh one (the
     * iterator's own fail-fast check then tells whether the commit touched what it iterates).
     */
    long restamp(long stamp) {
        return stamp == 0L || seq.validate(stamp) ? stamp : iterationStamp();
    }

    /** Throws if this thread began or ended a transaction since an iterator was made (it walks the other state). */
    void checkSameTxn(Txn madeIn, String what) {
        if (ownTxn() != madeIn) {
            throw new ConcurrentModificationException(what + " of " + label + ": a transaction began or ended on "
                    + "this thread during iteration");
        }
    }

    /** Throws if a commit was published during an iterator's step (its result may be torn). */
    void checkStep(long stamp, String what) {
        if (stamp != 0L && !seq.validate(stamp)) {
            throw new ConcurrentModificationException(what + " of " + label + ": a commit of another thread raced "
                    + "with this iteration step; iterate inside a read view (Junction.readView()) to hold the state still");
        }
    }

    /** This thread's scratch buffer holder. */
    Scratch scratch() {
        return scratch.get();
    }

    private String checkName(String name) {
        Objects.requireNonNull(name, () -> label + ": name is null");
        if (tables.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has a table named '" + name + "'");
        }
        if (relations.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has a relation named '" + name + "'");
        }
        if (associations.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has an association table named '" + name + "'");
        }
        return name;
    }

    private <E> AbstractTable<E> own(Table<E> table, String relation) {
        Objects.requireNonNull(table, () -> "relation '" + relation + "': table is null");
        if (!(table instanceof AbstractTable<E> t)) {
            throw new IllegalArgumentException("relation '" + relation + "': " + table.getClass().getName()
                    + " is not a table created by a Junction");
        }
        if (t.junction != this) {
            throw new IllegalArgumentException("relation '" + relation + "' in " + label + ": table '" + t.name
                    + "' belongs to " + t.junction + ", not to " + label);
        }
        return t;
    }

    private <T extends AbstractTable<?>> T register(T table) {
        tables.put(table.name, table);
        schemaChanged();
        return table;
    }

    /** Bumped by every declaration (tables, relations, association tables, columns). */
    private final java.util.concurrent.atomic.AtomicLong schemaVersion = new java.util.concurrent.atomic.AtomicLong();
    /** The journal's names of the parts, with the schema version they were computed at. */
    private record NamesAt(long version, PartNames names) {
    }

    private volatile NamesAt partNames = new NamesAt(-1, null);

    void schemaChanged() {
        schemaVersion.incrementAndGet();
    }

    /** How the journal names this engine's parts now (computed once per schema version). */
    PartNames partNames() {
        NamesAt cached = partNames;
        long version = schemaVersion.get();
        if (cached.version() == version) return cached.names();
        PartNames names = new PartNames(this);
        partNames = new NamesAt(version, names); // a declaration meanwhile bumped the version: recomputed next time
        return names;
    }

    private <L, R> RelationImpl<L, R> register(RelationImpl<L, R> relation) {
        relations.put(relation.name, relation);
        schemaChanged();
        relation.left.usedBy.add(relation);
        if (relation.right != relation.left) {
            relation.right.usedBy.add(relation);
        }
        return relation;
    }
}
