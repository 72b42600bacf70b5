package dev.junction;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What readers of an engine go through: the gate word, the publication lock, read views, and the one optimistic
 * read protocol every thread-safe read uses.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>The gate word</b> ({@link #gate}): {@link #WRITING} while a publication changes committed storage
 *       (exactly while the write stamp of {@link #seq} is held), {@link #TXN_OPEN} while a transaction is open,
 *       and above them a count of publications. One acquire load tells a reader both that it may read committed
 *       storage optimistically and that it has no transaction of its own to look at; the same word read again
 *       after the read validates it. Two loads of one word, no shared write: reads scale with cores. Written only
 *       by the holder of the engine's write lock ({@link Committer}), through {@link #openTxn},
 *       {@link #closeTxn}, {@link #acquireStamp} and {@link #releaseStamp}.</li>
 *   <li><b>The protocol</b> ({@link #readLong}, {@link #read}): this thread's own transaction, if it has one
 *       (its overlays); else the gated read of committed storage; if the gate turns it away, a
 *       {@link StampedLock} optimistic read, else the read lock (a commit is being published). A read that throws is believed only if the read
 *       was valid (a torn read can throw). Operations are non-capturing static functions of a subject and a
 *       {@code long} argument, so the read path allocates nothing and its call sites stay monomorphic.</li>
 *   <li><b>Read views and iterators</b> hold the read lock ({@link #readView}) or validate each step against an
 *       optimistic stamp ({@link #iterationStamp}, {@link #checkStep}).</li>
 * </ul>
 */
final class ReadGate {

    /**
     * A read returning a primitive (booleans as 0 and 1, doubles as bits), of a subject, a {@code long} argument
     * (ids, often two packed) and up to two objects (entities, a buffer).
     */
    interface LongRead<S> {
        long apply(S subject, long arg, Object x, Object y);
    }

    /** A read returning an object; arguments as {@link LongRead}'s. */
    interface Read<S, R> {
        R apply(S subject, long arg, Object x, Object y);
    }

    private static final long WRITING = 1L;
    private static final long TXN_OPEN = 2L;
    private static final long GATE_STEP = 4L;
    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findVarHandle(ReadGate.class, "gate", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through GATE
    private long gate = GATE_STEP;
    /**
     * Held for writing exactly while committed storage changes; readers the gate turned away validate against
     * it, and wait on its read lock while a publication is in progress. Read views hold its read lock.
     */
    final StampedLock seq = new StampedLock();
    /** The open transaction; only its owner thread acts on it (its {@code owner} field is final). */
    private Txn txn;
    private final String label;
    private final long lockTimeoutNanos;
    private final ThreadLocal<int[]> views = ThreadLocal.withInitial(() -> new int[1]);
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A per-thread buffer for copying a set out before handing it to user code; nested uses get their own. */
    static final class Scratch {
        int[] buf = new int[64];
        boolean busy;
    }

    ReadGate(String label, long lockTimeoutNanos) {
        this.label = label;
        this.lockTimeoutNanos = lockTimeoutNanos;
    }

    // ---- the gate word -------------------------------------------------------------------------------------

    /**
     * Opens an optimistic read of the committed storage: a nonzero gate value if no transaction is open and no
     * publication is in progress, else 0 and the caller takes its slow path. One acquire load; nothing shared is
     * written. After reading, the caller accepts what it read only if {@link #unchanged} holds.
     */
    long open() {
        long g = (long) GATE.getAcquire(this);
        return (g & (WRITING | TXN_OPEN)) == 0L ? g : 0L;
    }

    /** Whether no publication happened since {@link #open()} returned {@code g}: what was read is consistent. */
    boolean unchanged(long g) {
        VarHandle.acquireFence(); // the reads of the storage come before the gate is read again
        return (long) GATE.getOpaque(this) == g;
    }

    /** This thread's open transaction, or null. */
    Txn ownTxn() {
        Txn t = txn;
        return t != null && t.owner == Thread.currentThread() ? t : null;
    }

    /** The open transaction of any thread, or null (for messages). */
    Txn anyTxn() {
        return txn;
    }

    /** Makes {@code t} the open transaction (the caller holds the write lock). */
    void openTxn(Txn t) {
        txn = t;
        GATE.setVolatile(this, (long) GATE.get(this) | TXN_OPEN);
    }

    /** No transaction is open any more (the caller holds the write lock). */
    void closeTxn() {
        txn = null;
        GATE.setRelease(this, (long) GATE.get(this) & ~TXN_OPEN);
    }

    /**
     * The write stamp, for changing committed storage (the caller holds the write lock); release it with
     * {@link #releaseStamp}. Waits for read views (read locks) to close, up to the lock timeout.
     */
    long acquireStamp() {
        long st = seq.tryWriteLock();
        if (st == 0L) {
            st = awaitStamp();
        }
        GATE.setOpaque(this, (long) GATE.get(this) | WRITING);
        VarHandle.storeStoreFence(); // no change to the storage becomes visible before the gate says WRITING
        return st;
    }

    /** Ends a publication: the gate counts it (validating no read that overlapped it), then the stamp goes. */
    void releaseStamp(long st) {
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

    // ---- the read protocol ---------------------------------------------------------------------------------

    /**
     * Reads a primitive: {@code committed} on committed storage, validated against publications; or, if this
     * thread has an open transaction, {@code own} (which looks at the transaction's overlays).
     */
    <S> long readLong(S subject, long arg, Object x, Object y, LongRead<S> committed, LongRead<S> own) {
        if (ownTxn() != null) return own.apply(subject, arg, x, y); // a plain load: null unless a transaction is open
        return readCommitted(subject, arg, x, y, committed);
    }

    /** Reads a primitive of committed storage only (the caller has no transaction, or does not look at it). */
    <S> long readCommitted(S subject, long arg, Object x, Object y, LongRead<S> committed) {
        long g = open();
        if (g != 0L) {
            try {
                long v = committed.apply(subject, arg, x, y);
                if (unchanged(g)) return v;
            } catch (RuntimeException e) {
                if (unchanged(g)) throw e;
            }
        }
        return committedSlow(subject, arg, x, y, committed);
    }

    private <S> long committedSlow(S subject, long arg, Object x, Object y, LongRead<S> committed) {
        long st = seq.tryOptimisticRead();
        if (st != 0L) {
            try {
                long v = committed.apply(subject, arg, x, y);
                if (seq.validate(st)) return v;
            } catch (RuntimeException e) {
                if (seq.validate(st)) throw e;
            }
        }
        st = seq.readLock();
        try {
            return committed.apply(subject, arg, x, y);
        } finally {
            seq.unlockRead(st);
        }
    }

    /** Reads an object, as {@link #readLong} does; {@code op} looks at this thread's overlays if it has any. */
    <S, R> R read(S subject, long arg, Object x, Object y, Read<S, R> op) {
        if (ownTxn() != null) return op.apply(subject, arg, x, y);
        long g = open();
        if (g != 0L) {
            try {
                R v = op.apply(subject, arg, x, y);
                if (unchanged(g)) return v;
            } catch (RuntimeException e) {
                if (unchanged(g)) throw e;
            }
        }
        long st = seq.tryOptimisticRead();
        if (st != 0L) {
            try {
                R v = op.apply(subject, arg, x, y);
                if (seq.validate(st)) return v;
            } catch (RuntimeException e) {
                if (seq.validate(st)) throw e;
            }
        }
        st = seq.readLock();
        try {
            return op.apply(subject, arg, x, y);
        } finally {
            seq.unlockRead(st);
        }
    }

    private static final Read<Supplier<?>, Object> GET = (s, a, x, y) -> s.get();

    private static final LongRead<BooleanSupplier> GET_BOOLEAN = (s, a, x, y) -> s.getAsBoolean() ? 1L : 0L;
    private static final LongRead<IntSupplier> GET_INT = (s, a, x, y) -> s.getAsInt();

    /** Reads with a supplier (for reads off the hot path: the supplier is usually a capturing lambda). */
    @SuppressWarnings("unchecked")
    <T> T read(Supplier<T> body) {
        return (T) read(body, 0L, null, null, GET);
    }

    /** Reads a boolean with a supplier (off the hot path). */
    boolean readBoolean(BooleanSupplier body) {
        return readLong(body, 0L, null, null, GET_BOOLEAN, GET_BOOLEAN) != 0L;
    }

    /** Reads an int with a supplier (off the hot path). */
    int readInt(IntSupplier body) {
        return (int) readLong(body, 0L, null, null, GET_INT, GET_INT);
    }

    // ---- read views and iterators --------------------------------------------------------------------------

    /**
     * Opens a consistent read view on this thread: until it is closed, every read on this thread sees one
     * committed state, and publications wait. Waits only while a publication is in progress.
     */
    ReadView readView() {
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

    /** Throws if this thread has an open read view ({@code what} would wait for itself). */
    void checkNoView(String what) {
        if (views.get()[0] > 0) {
            throw new IllegalStateException(label + ": cannot " + what + " on thread '"
                    + Thread.currentThread().getName() + "' while it has an open read view; close the view first");
        }
    }

    /**
     * The stamp an iterator validates each step against: 0 for this thread's transaction (nothing to
     * validate), else an optimistic stamp taken while no publication is in progress.
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
     * The stamp for an iterator's next step: the same if no publication happened since, else a fresh one (the
     * iterator's own fail-fast check then tells whether the commit touched what it iterates).
     */
    long restamp(long stamp) {
        return stamp == 0L || seq.validate(stamp) ? stamp : iterationStamp();
    }

    /** Whether a publication happened since the iteration stamp {@code stamp} was taken (0: never). */
    boolean changedSince(long stamp) {
        return stamp != 0L && !seq.validate(stamp);
    }

    /**
     * Throws if this thread began or ended a transaction since an iterator was made (it walks the other state).
     * The iterated part ({@code kind} 'name') is named only when it throws: no string is built per step.
     */
    void checkSameTxn(Txn madeIn, String kind, String name) {
        if (ownTxn() != madeIn) {
            throw new ConcurrentModificationException(kind + " '" + name + "' of " + label + ": a transaction began "
                    + "or ended on this thread during iteration");
        }
    }

    /** Throws if a publication happened during an iterator's step (its result may be torn). */
    void checkStep(long stamp, String kind, String name) {
        if (stamp != 0L && !seq.validate(stamp)) {
            throw new ConcurrentModificationException(kind + " '" + name + "' of " + label + ": a commit of another "
                    + "thread raced with this iteration step; iterate inside a read view (Junction.readView()) to "
                    + "hold the state still");
        }
    }

    /** This thread's scratch buffer holder. */
    Scratch scratch() {
        return scratch.get();
    }
}
