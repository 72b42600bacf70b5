package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import dev.junction.index.LinkConsumer;
import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The thread-safe {@link IntRelation} behind {@link Relation#ints()}: the engine's rules applied to the int
 * level.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Reads</b> are optimistic reads of the committed storage through the engine's gate word
 *       ({@link Junction#gate()}): one acquire load says both that no commit is being published and that no
 *       transaction is open (so this thread has no overlay to read); read the index; read the gate again
 *       ({@link Junction#unchanged}). Two loads of one word, no shared write, so readers scale with cores. When
 *       the gate turns a read away (a transaction is open somewhere, or a commit is being published), the slow
 *       path reads this thread's overlay if it has one, else validates against the engine's StampedLock and
 *       waits on its read lock if a commit intervened or the read tripped over a half-published change (an
 *       exception). Nothing read unvalidated reaches the caller: {@code forEach*} copies the set into a
 *       per-thread buffer, validates, then calls the action. So, unlike the raw index, an action that changes
 *       the relation does not make {@code forEach*} throw: it walks the set as it was when it began. The copy
 *       is the price of handing only a consistent set to user code (delivering straight from the storage
 *       would need readers to announce themselves, or immutable sets).</li>
 *   <li><b>Writes</b> outside a transaction: single links in place under the write lock and the write stamp
 *       (no allocation beyond the index's own); bulk writes in place too, or through a one-off transaction
 *       when listeners need the exact list of changes.</li>
 *   <li><b>Inside a transaction</b>, on its thread, everything goes to the transaction's {@link DeltaRelation},
 *       mapped through {@link #orientation}.</li>
 * </ul>
 */
final class SharedIntRelation extends IntRelationOver {

    private final RelationImpl<?, ?> primary;
    private final Junction junction;
    /** Which way this view faces the storage. */
    private final Orientation orientation;
    private SharedIntRelation inverse;

    SharedIntRelation(RelationImpl<?, ?> primary, Orientation orientation) {
        super(orientation.of(primary.store)); // the committed storage, oriented
        this.primary = primary;
        this.junction = primary.left.junction;
        this.orientation = orientation;
    }

    /** This thread's overlay for reading, or null to read committed storage. */
    private DeltaRelation readDelta() {
        Txn t = junction.ownTxn();
        return t == null ? null : t.deltas.get(primary);
    }

    @Override
    public IntRelation inverse() {
        if (base.kind() == Kind.SYMMETRIC) {
            return this;
        }
        SharedIntRelation i = inverse;
        if (i == null) {
            i = new SharedIntRelation(primary, orientation.inverse());
            i.inverse = this;
            inverse = i;
        }
        return i;
    }

    // ---- reads ------------------------------------------------------------------------------------------

    private static long pack(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** Reads through the engine's protocol ({@link ReadGate}): non-capturing, so nothing is allocated. */
    private static final ReadGate.LongRead<SharedIntRelation> CONTAINS =
            (r, k, x, y) -> r.base.contains((int) (k >>> 32), (int) k) ? 1L : 0L;
    private static final ReadGate.LongRead<SharedIntRelation> CONTAINS_OWN =
            (r, k, x, y) -> r.containsOwn((int) (k >>> 32), (int) k) ? 1L : 0L;
    private static final ReadGate.LongRead<SharedIntRelation> DEGREE_OF_LEFT = (r, id, x, y) -> r.base.degreeOfLeft((int) id);
    private static final ReadGate.LongRead<SharedIntRelation> DEGREE_OF_RIGHT = (r, id, x, y) -> r.base.degreeOfRight((int) id);
    private static final ReadGate.LongRead<SharedIntRelation> DEGREE_OF_LEFT_OWN = (r, id, x, y) -> r.degreeOwn((int) id, true);
    private static final ReadGate.LongRead<SharedIntRelation> DEGREE_OF_RIGHT_OWN = (r, id, x, y) -> r.degreeOwn((int) id, false);
    private static final ReadGate.LongRead<IntNeighborSet> COPY_RANGE =
            (set, offset, dest, y) -> set.copyRange((int) offset, (int[]) dest);
    private static final ReadGate.LongRead<SharedIntRelation> COPY_RIGHTS = (r, id, buf, y) -> r.base.copyRightsTo((int) id, (int[]) buf);
    private static final ReadGate.LongRead<SharedIntRelation> COPY_LEFTS = (r, id, buf, y) -> r.base.copyLeftsTo((int) id, (int[]) buf);

    @Override
    public boolean contains(int left, int right) {
        return junction.gate.readLong(this, pack(left, right), null, null, CONTAINS, CONTAINS_OWN) != 0L;
    }

    /** {@link #contains} on this thread's transaction: its overlay if it touched the relation. */
    private boolean containsOwn(int left, int right) {
        DeltaRelation d = readDelta();
        if (d != null) return d.contains(orientation.storageLeft(left, right), orientation.storageRight(left, right));
        return base.contains(left, right);
    }

    @Override
    public int degreeOfLeft(int left) {
        return (int) junction.gate.readLong(this, left, null, null, DEGREE_OF_LEFT, DEGREE_OF_LEFT_OWN);
    }

    @Override
    public int degreeOfRight(int right) {
        return (int) junction.gate.readLong(this, right, null, null, DEGREE_OF_RIGHT, DEGREE_OF_RIGHT_OWN);
    }

    private int degree(int id, boolean ofLeft) {
        return ofLeft ? degreeOfLeft(id) : degreeOfRight(id);
    }

    /** A degree on this thread's transaction: its overlay if it touched the relation. */
    private int degreeOwn(int id, boolean ofLeft) {
        DeltaRelation d = readDelta();
        if (d != null) return orientation.isStorageLeft(ofLeft) ? d.degreeOfLeft(id) : d.degreeOfRight(id);
        return ofLeft ? base.degreeOfLeft(id) : base.degreeOfRight(id);
    }

    @Override
    public long size() {
        return junction.gate.read(() -> {
            DeltaRelation d = readDelta();
            return d != null ? d.size() : base.size();
        });
    }

    @Override
    public IntNeighborSet rightsOf(int left) {
        return set(left, true);
    }

    @Override
    public IntNeighborSet leftsOf(int right) {
        return set(right, false);
    }

    private IntNeighborSet set(int owner, boolean ofLeft) {
        IntNeighborSet committed = ofLeft ? base.rightsOf(owner) : base.leftsOf(owner); // checks the id
        return new Guarded(committed, ofLeft);
    }

    /** The set as this thread sees it now: its transaction's overlay, or null for the committed set. */
    private IntNeighborSet overlaySet(int owner, boolean ofLeft) {
        if (junction.ownTxn() == null) return null;
        DeltaRelation d = readDelta();
        if (d == null) return null;
        return orientation.isStorageLeft(ofLeft) ? d.rightsOf(owner) : d.leftsOf(owner);
    }

    @Override
    public void forEachRight(int left, IntConsumer action) {
        forEach(left, true, action);
    }

    @Override
    public void forEachLeft(int right, IntConsumer action) {
        forEach(right, false, action);
    }

    /** Kept small so that it inlines: one gated copy into this thread's buffer, then the calls. */
    private void forEach(int owner, boolean ofLeft, IntConsumer action) {
        ReadGate.Scratch s;
        if (action != null && junction.ownTxn() == null && !(s = junction.gate.scratch()).busy) {
            int[] buf = s.buf;
            int n = copyOut(owner, ofLeft, buf);
            if (n <= buf.length) {
                deliver(s, buf, n, action);
                return;
            }
        }
        forEachSlow(owner, ofLeft, action);
    }

    private static void deliver(ReadGate.Scratch s, int[] buf, int n, IntConsumer action) {
        s.busy = true;
        try {
            for (int i = 0; i < n; i++) {
                action.accept(buf[i]);
            }
        } finally {
            s.busy = false;
        }
    }

    /** {@link #forEach} in a transaction, when nested, when the buffer is too small or a commit intervened. */
    private void forEachSlow(int owner, boolean ofLeft, IntConsumer action) {
        if (junction.ownTxn() != null) {
            forEachInTxn(owner, ofLeft, action);
            return;
        }
        if (action == null) throw new NullPointerException("relation '" + base.name() + "': action is null");
        ReadGate.Scratch s = junction.gate.scratch();
        if (s.busy) { // a nested forEach (from the action) must not overwrite the outer copy
            forEachNested(owner, ofLeft, action);
            return;
        }
        int[] buf = s.buf;
        int n;
        while ((n = copyOut(owner, ofLeft, buf)) > buf.length) {
            s.buf = buf = new int[Math.max(n, buf.length * 2)];
        }
        deliver(s, buf, n, action);
    }

    private void forEachNested(int owner, boolean ofLeft, IntConsumer action) {
        int[] buf = new int[16];
        int n;
        while ((n = copyOut(owner, ofLeft, buf)) > buf.length) {
            buf = new int[n];
        }
        for (int i = 0; i < n; i++) {
            action.accept(buf[i]);
        }
    }

    private void forEachInTxn(int owner, boolean ofLeft, IntConsumer action) {
        DeltaRelation d = readDelta();
        if (d != null) {
            if (orientation.isStorageLeft(ofLeft)) d.forEachRight(owner, action); else d.forEachLeft(owner, action);
        } else if (ofLeft) {
            base.forEachRight(owner, action);
        } else {
            base.forEachLeft(owner, action);
        }
    }

    @Override
    public int copyRightsTo(int left, int[] dest) {
        return copy(left, true, dest);
    }

    @Override
    public int copyLeftsTo(int right, int[] dest) {
        return copy(right, false, dest);
    }

    private int copy(int owner, boolean ofLeft, int[] dest) {
        if (dest == null) throw new NullPointerException("relation '" + base.name() + "': dest is null");
        if (junction.ownTxn() != null) {
            IntNeighborSet o = overlaySet(owner, ofLeft);
            if (o != null) return o.copyTo(dest);
        }
        return copyOut(owner, ofLeft, dest);
    }

    /**
     * Copies a committed set into {@code buf} consistently; returns its size (nothing copied if too big).
     * Checks the id and {@code buf} like the index does.
     */
    private int copyOut(int owner, boolean ofLeft, int[] buf) {
        return (int) junction.gate.readCommitted(this, owner, buf, null, ofLeft ? COPY_RIGHTS : COPY_LEFTS);
    }

    /** Outside a transaction, runs under the read lock: commits wait until the action returns. */
    @Override
    public void forEachLink(LinkConsumer action) {
        Objects.requireNonNull(action, () -> "relation '" + base.name() + "': action is null");
        if (junction.ownTxn() != null) {
            DeltaRelation d = readDelta();
            if (d == null) {
                base.forEachLink(action);
            } else if (orientation.isInverse()) {
                d.forEachLink((l, r) -> action.accept(r, l));
            } else {
                d.forEachLink(action);
            }
            return;
        }
        try (ReadView v = junction.readView()) {
            base.forEachLink(action);
        }
    }

    // ---- writes -----------------------------------------------------------------------------------------

    /**
     * A bulk write: in place (no overlay) if the engine decides so under its lock (nobody listens, the links carry
     * no column values to drop, no journal records changes), else as a transaction or part of this thread's.
     */
    private <T> T inPlaceOr(Supplier<T> inPlace, Supplier<T> inTxn) {
        return junction.writes.write(Committer.WriteKind.BULK_LINKS, primary, () -> null, x -> inPlace.get(), inTxn);
    }

    private DeltaRelation writeDelta() {
        return junction.ownTxn().delta(primary);
    }

    @Override
    public boolean link(int left, int right) {
        return write(left, right, true);
    }

    @Override
    public boolean unlink(int left, int right) {
        return write(left, right, false);
    }

    private boolean write(int left, int right, boolean link) {
        int l = orientation.storageLeft(left, right);
        int r = orientation.storageRight(left, right);
        Txn t = junction.ownTxn();
        if (t != null) {
            return junction.writes.within(t, () -> link ? writeDelta().link(l, r) : writeDelta().unlink(l, r));
        }
        if (left < 0 || right < 0) { // checked without reading the index, which a commit may be changing
            base.contains(left, right); // throws the index's own message: same exception, nothing changed
        }
        Committer.Outcome changed = junction.writes.linkInPlace(primary, l, r, link);
        if (changed != Committer.Outcome.NEEDS_TRANSACTION) {
            return changed == Committer.Outcome.CHANGED;
        }
        return junction.writes.writeBool(() -> link ? writeDelta().link(l, r) : writeDelta().unlink(l, r));
    }

    @Override
    public long linkAll(int[] lefts, int[] rights) {
        int[] ls = orientation.storageLefts(lefts, rights);
        int[] rs = orientation.storageRights(lefts, rights);
        return inPlaceOr(() -> primary.store.linkAll(ls, rs), () -> writeDelta().linkAll(ls, rs));
    }

    @Override
    public int removeLeft(int left) {
        return removeAll(left, orientation.isStorageLeft(true));
    }

    @Override
    public int removeRight(int right) {
        return removeAll(right, orientation.isStorageLeft(false));
    }

    /** Removes the links of {@code id}, which is a left of the storage if {@code storeLeft}. */
    private int removeAll(int id, boolean storeLeft) {
        return inPlaceOr(() -> storeLeft ? primary.store.removeLeft(id) : primary.store.removeRight(id),
                () -> storeLeft ? writeDelta().removeLeft(id) : writeDelta().removeRight(id));
    }

    @Override
    public boolean replaceRights(int left, int[] rights) {
        return replace(left, rights, orientation.isStorageLeft(true));
    }

    @Override
    public boolean replaceLefts(int right, int[] lefts) {
        return replace(right, lefts, orientation.isStorageLeft(false));
    }

    private boolean replace(int id, int[] ids, boolean storeLeft) {
        return inPlaceOr(() -> storeLeft ? primary.store.replaceRights(id, ids) : primary.store.replaceLefts(id, ids),
                () -> storeLeft ? writeDelta().replaceRights(id, ids) : writeDelta().replaceLefts(id, ids));
    }

    @Override
    public void clear() {
        inPlaceOr(() -> {
            primary.store.clear();
            return null;
        }, () -> {
            writeDelta().clear();
            return null;
        });
    }

    @Override
    public String toString() {
        return (orientation.isInverse() ? "inverse of " : "") + "relation '" + base.name() + "' of " + junction;
    }

    // ---- a committed neighbour set, read safely from any thread ------------------------------------------

    /**
     * A live neighbour set that resolves on every call what this thread sees: its transaction's overlay, or
     * the committed set, read validated against commits (iterators fail fast on commits that change the set).
     */
    private final class Guarded extends ReadOnlyNeighborSet {
        private final IntNeighborSet set;

        Guarded(IntNeighborSet set, boolean ownerLeft) {
            super(ownerLeft);
            this.set = set;
        }

        @Override
        public int owner() {
            return set.owner();
        }

        @Override
        public int size() {
            return degree(set.owner(), ownerLeft);
        }

        @Override
        public boolean contains(int k) {
            if (k < 0) return false;
            return ownerLeft ? SharedIntRelation.this.contains(set.owner(), k)
                    : SharedIntRelation.this.contains(k, set.owner());
        }

        @Override
        public int copyTo(int[] dest) {
            return copy(set.owner(), ownerLeft, dest);
        }

        @Override
        public int copyRange(int offset, int[] dest) {
            if (dest == null) throw new NullPointerException("relation '" + base.name() + "': dest is null");
            if (offset < 0) {
                throw new IllegalArgumentException("relation '" + base.name() + "': offset " + offset + " is negative");
            }
            IntNeighborSet o = overlaySet(set.owner(), ownerLeft);
            if (o != null) return o.copyRange(offset, dest);
            return (int) junction.gate.readCommitted(set, offset, dest, null, COPY_RANGE);
        }

        @Override
        public int[] toIntArray() {
            IntNeighborSet o = overlaySet(set.owner(), ownerLeft);
            if (o != null) return o.toIntArray();
            while (true) {
                int[] out = new int[size()];
                if (copyOut(set.owner(), ownerLeft, out) == out.length) return out; // else it grew meanwhile: again
            }
        }

        @Override
        public void forEach(IntConsumer action) {
            SharedIntRelation.this.forEach(set.owner(), ownerLeft, action);
        }

        @Override
        public IntIterator iterator() {
            return iteratorAfter(-1);
        }

        @Override
        public IntIterator iteratorAfter(int after) {
            IntNeighborSet o = overlaySet(set.owner(), ownerLeft);
            if (o != null) return o.iteratorAfter(after);
            long stamp0 = junction.gate.iterationStamp();
            String name = base.name();
            IntIterator it;
            try {
                it = set.iteratorAfter(after);
            } finally {
                junction.gate.checkStep(stamp0, "relation", name);
            }
            Txn madeIn = junction.ownTxn(); // with no overlay of this relation yet: the committed set is its view
            return new IntIterator() {
                long stamp = stamp0;

                private void checkView() {
                    junction.gate.checkSameTxn(madeIn, "relation", name);
                    if (madeIn != null && madeIn.deltas.get(primary) != null) {
                        throw new java.util.ConcurrentModificationException("relation '" + name + "': changed by this thread's "
                                + "transaction during iteration");
                    }
                }

                // each step is validated after it ran, whether it returned or threw (a torn step can throw)
                @Override
                public boolean hasNext() {
                    checkView();
                    stamp = junction.gate.restamp(stamp);
                    try {
                        return it.hasNext();
                    } finally {
                        junction.gate.checkStep(stamp, "relation", name);
                    }
                }

                @Override
                public int nextInt() {
                    checkView();
                    stamp = junction.gate.restamp(stamp);
                    try {
                        return it.nextInt();
                    } finally {
                        junction.gate.checkStep(stamp, "relation", name);
                    }
                }
            };
        }

        @Override
        String relationName() {
            return base.name();
        }
    }
}
