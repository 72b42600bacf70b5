package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import dev.junction.index.LinkConsumer;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.longs.LongIterator;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.function.IntConsumer;

/**
 * A transaction's private overlay of one relation: the committed base relation plus the links this transaction
 * added and removed, read and written as one {@link IntRelation} by the thread that owns the transaction.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Net delta.</b> {@code added} holds pairs absent from the base, {@code removed} pairs present in it;
 *       the two are disjoint, so {@code contains} is two hash probes and a base lookup, and a degree is the base
 *       degree plus two set sizes. Pairs are packed into a {@code long} ({@code left << 32 | right}); a symmetric
 *       pair is stored as {@code (min, max)}.</li>
 *   <li><b>Per-entity sorted deltas</b> ({@link SortedIntSet}s by left and by right) give merged iteration in
 *       ascending id order: the base's cursor, skipping removed ids, merged with the added ids.</li>
 *   <li><b>The base is not touched</b> until commit, where {@link #applyAdds()} (the only step that allocates,
 *       undone by {@link #undoAdds()}) runs before {@link #applyRemoves()} (which never allocates): a commit
 *       that fails leaves the base exactly as it was. Rollback just drops the overlay.</li>
 *   <li>Every change is reported to {@link Txn.Log} (events, and undo of a failed operation inside the
 *       transaction); {@link #undoLink}/{@link #undoUnlink} revert one change without logging.</li>
 *   <li><b>Staged mode</b> (a bulk load, {@link Junction#bulkLoad}): the committed relation is empty, so there is
 *       nothing to merge with. {@code base} is then a private index of the committed one's kind, written
 *       directly; the delta sets stay empty, changes are not logged one by one ({@link Log#staged()} only marks
 *       that some happened), and commit swaps the private index with the empty committed one
 *       ({@link IntRelation#swapContents}): O(1), and the load never needs more memory than the index it
 *       builds.</li>
 * </ul>
 * Not thread-safe: used only by the transaction's thread, while it holds the engine's write lock, so the base
 * cannot change underneath.
 */
final class DeltaRelation extends IntRelationOver {

    interface Log {
        void linked(int left, int right);

        void unlinked(int left, int right);

        /** Called before a change to a staged overlay, which logs no links; must not change anything else. */
        void staged();

        /** A staged link is gone: its values go too (unlogged, like the link). */
        void stagedUnlinked(int left, int right);
    }

    /** The committed relation, where commit puts the changes. */
    final IntRelation committed;
    /**
     * Staged mode: {@link #base} (what reads and writes see underneath the delta) is the private index, and
     * {@code added} and {@code removed} stay empty; otherwise {@link #base} is the committed relation.
     */
    final boolean staged;
    /**
     * The expected size the hash structures start at: most transactions change a few links, and a structure
     * grows by doubling when more come, so small ones keep a one-link commit's allocation small.
     */
    private static final int SMALL = 2;
    private final boolean symmetric;
    /** Where changes are reported: the transaction using this overlay now (set again when it is reused). */
    private Log log;
    /**
     * Bumped each time the overlay is reused by a later transaction ({@link #reopen}): an iterator made in an
     * earlier one fails instead of walking the new transaction's changes.
     */
    private int generation;
    private final LongOpenHashSet added = new LongOpenHashSet(SMALL);
    private final LongOpenHashSet removed = new LongOpenHashSet(SMALL);
    private final Int2ObjectOpenHashMap<SortedIntSet> addedByLeft = new Int2ObjectOpenHashMap<>(SMALL);
    private final Int2ObjectOpenHashMap<SortedIntSet> removedByLeft = new Int2ObjectOpenHashMap<>(SMALL);
    private final Int2ObjectOpenHashMap<SortedIntSet> addedByRight;
    private final Int2ObjectOpenHashMap<SortedIntSet> removedByRight;
    private long sizeDelta;
    private int modCount;
    /** Set when the transaction ends: iterators still open on the overlay then fail fast. */
    boolean ended;
    /** Staged links already logged as events ({@link Txn#expandStaged}): the journal then reads the log. */
    boolean expanded;
    /** Changes per entity (by left, by right), so that an iterator fails only if its own entity changed. */
    private final it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap modByLeft = new it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap(SMALL);
    private final it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap modByRight;

    DeltaRelation(IntRelation base, Log log) {
        this(base, base, log);
    }

    /** Whether this overlay, its transaction ended, may serve the next one ({@link #reopen}): not staged, small. */
    boolean reusable() {
        return !staged && added.size() + removed.size() <= 64;
    }

    /**
     * Empties this overlay for the next transaction of its relation, which reports to {@code log}: a small
     * transaction then allocates no new hash structures. Called under the write lock.
     */
    void reopen(Log log) {
        this.log = log;
        added.clear();
        removed.clear();
        addedByLeft.clear();
        removedByLeft.clear();
        addedByRight.clear();
        removedByRight.clear();
        modByLeft.clear();
        modByRight.clear();
        sizeDelta = 0;
        modCount++;
        generation++;
        ended = false;
        expanded = false;
    }

    /** A staged overlay: {@code staging} (an empty index of {@code committed}'s kind) takes every change. */
    DeltaRelation(IntRelation committed, IntRelation staging, Log log) {
        super(staging);
        this.committed = committed;
        this.staged = staging != committed;
        this.symmetric = base.kind() == Kind.SYMMETRIC;
        this.log = log;
        this.addedByRight = symmetric ? addedByLeft : new Int2ObjectOpenHashMap<>(SMALL);
        this.removedByRight = symmetric ? removedByLeft : new Int2ObjectOpenHashMap<>(SMALL);
        this.modByRight = symmetric ? modByLeft : new it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap(SMALL);
    }

    private long key(int l, int r) {
        if (symmetric && l > r) {
            int t = l;
            l = r;
            r = t;
        }
        return ((long) l << 32) | (r & 0xFFFFFFFFL);
    }

    private static int leftOf(long key) {
        return (int) (key >>> 32);
    }

    private static int rightOf(long key) {
        return (int) key;
    }

    private void check(int id, String role) {
        if (id < 0) {
            throw new IllegalArgumentException("relation '" + base.name() + "': " + role + " id " + id + " is negative");
        }
    }

    private static void put(Int2ObjectOpenHashMap<SortedIntSet> m, int owner, int x) {
        SortedIntSet s = m.get(owner);
        if (s == null) {
            s = new SortedIntSet();
            m.put(owner, s);
        }
        s.add(x);
    }

    private static void drop(Int2ObjectOpenHashMap<SortedIntSet> m, int owner, int x) {
        SortedIntSet s = m.get(owner);
        if (s != null && s.remove(x) && s.isEmpty()) {
            m.remove(owner);
        }
    }

    private static int count(Int2ObjectOpenHashMap<SortedIntSet> m, int owner) {
        SortedIntSet s = m.get(owner);
        return s == null ? 0 : s.size();
    }

    private void index(Int2ObjectOpenHashMap<SortedIntSet> byLeft, Int2ObjectOpenHashMap<SortedIntSet> byRight,
                       int l, int r, boolean add) {
        modByLeft.addTo(l, 1);
        modByRight.addTo(r, 1);
        if (add) {
            put(byLeft, l, r);
            if (!symmetric || l != r) put(byRight, r, l);
        } else {
            drop(byLeft, l, r);
            if (!symmetric || l != r) drop(byRight, r, l);
        }
    }

    // ---- writes -----------------------------------------------------------------------------------------

    @Override
    public boolean link(int left, int right) {
        check(left, "left");
        check(right, "right");
        if (staged) {
            if (base.contains(left, right)) return false;
            log.staged();
            base.link(left, right);
            modCount++;
            return true;
        }
        if (!linkQuiet(left, right)) return false;
        log.linked(left, right);
        return true;
    }

    private boolean linkQuiet(int l, int r) {
        long k = key(l, r);
        if (removed.contains(k)) {
            removed.remove(k);
            index(removedByLeft, removedByRight, l, r, false);
        } else {
            if (added.contains(k) || base.contains(l, r)) return false;
            added.add(k);
            index(addedByLeft, addedByRight, l, r, true);
        }
        sizeDelta++;
        modCount++;
        return true;
    }

    @Override
    public boolean unlink(int left, int right) {
        check(left, "left");
        check(right, "right");
        if (staged) {
            if (!base.contains(left, right)) return false;
            log.staged();
            base.unlink(left, right);
            modCount++;
            log.stagedUnlinked(left, right);
            return true;
        }
        if (!unlinkQuiet(left, right)) return false;
        log.unlinked(left, right);
        return true;
    }

    private boolean unlinkQuiet(int l, int r) {
        long k = key(l, r);
        if (added.contains(k)) {
            added.remove(k);
            index(addedByLeft, addedByRight, l, r, false);
        } else {
            if (removed.contains(k) || !base.contains(l, r)) return false;
            removed.add(k);
            index(removedByLeft, removedByRight, l, r, true);
        }
        sizeDelta--;
        modCount++;
        return true;
    }

    /** Reverts a logged link; not logged. */
    void undoLink(int left, int right) {
        unlinkQuiet(left, right);
    }

    /** Reverts a logged unlink; not logged. */
    void undoUnlink(int left, int right) {
        linkQuiet(left, right);
    }

    @Override
    public long linkAll(int[] lefts, int[] rights) {
        if (lefts == null) throw new NullPointerException("relation '" + base.name() + "': lefts are null");
        if (rights == null) throw new NullPointerException("relation '" + base.name() + "': rights are null");
        if (lefts.length != rights.length) {
            throw new IllegalArgumentException("relation '" + base.name() + "': " + lefts.length + " lefts but "
                    + rights.length + " rights");
        }
        for (int i = 0; i < lefts.length; i++) {
            if (lefts[i] < 0 || rights[i] < 0) {
                throw new IllegalArgumentException("relation '" + base.name() + "': pair (" + lefts[i] + ", "
                        + rights[i] + ") at index " + i + " has a negative id");
            }
        }
        if (staged) { // the index's own bulk path: sorted merges, all or nothing
            if (lefts.length == 0) return 0;
            log.staged();
            long n = base.linkAll(lefts, rights);
            modCount++;
            return n;
        }
        long n = 0;
        for (int i = 0; i < lefts.length; i++) {
            if (link(lefts[i], rights[i])) n++;
        }
        return n;
    }

    @Override
    public int removeLeft(int left) {
        check(left, "left");
        int[] rights = rightsOf(left).toIntArray();
        for (int r : rights) unlink(left, r);
        return rights.length;
    }

    @Override
    public int removeRight(int right) {
        check(right, "right");
        int[] lefts = leftsOf(right).toIntArray();
        for (int l : lefts) unlink(l, right);
        return lefts.length;
    }

    @Override
    public boolean replaceRights(int left, int[] rights) {
        check(left, "left");
        return replace(left, rights, true);
    }

    @Override
    public boolean replaceLefts(int right, int[] lefts) {
        check(right, "right");
        return replace(right, lefts, false);
    }

    private boolean replace(int owner, int[] ids, boolean ownerLeft) {
        String role = ownerLeft ? "right" : "left";
        if (ids == null) throw new NullPointerException("relation '" + base.name() + "': the new " + role + "s are null");
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException("relation '" + base.name() + "': " + role + " id " + ids[i]
                        + " (at index " + i + ") is negative");
            }
        }
        int[] want = ids.clone();
        Arrays.sort(want);
        int[] have = (ownerLeft ? rightsOf(owner) : leftsOf(owner)).toIntArray();
        boolean changed = false;
        for (int x : have) {
            if (Arrays.binarySearch(want, x) < 0) {
                changed |= ownerLeft ? unlink(owner, x) : unlink(x, owner);
            }
        }
        for (int x : want) {
            changed |= ownerLeft ? link(owner, x) : link(x, owner);
        }
        return changed;
    }

    @Override
    public void clear() {
        IntArrayList ls = new IntArrayList();
        IntArrayList rs = new IntArrayList();
        forEachLink((l, r) -> {
            ls.add(l);
            rs.add(r);
        });
        for (int i = 0; i < ls.size(); i++) unlink(ls.getInt(i), rs.getInt(i));
    }

    // ---- reads ------------------------------------------------------------------------------------------

    @Override
    public boolean contains(int left, int right) {
        check(left, "left");
        check(right, "right");
        long k = key(left, right);
        if (added.contains(k)) return true;
        return !removed.contains(k) && base.contains(left, right);
    }

    @Override
    public IntNeighborSet rightsOf(int left) {
        check(left, "left");
        return new View(left, true);
    }

    @Override
    public IntNeighborSet leftsOf(int right) {
        check(right, "right");
        return new View(right, false);
    }

    @Override
    public void forEachRight(int left, IntConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + base.name() + "': action is null");
        rightsOf(left).forEach(action);
    }

    @Override
    public void forEachLeft(int right, IntConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + base.name() + "': action is null");
        leftsOf(right).forEach(action);
    }

    @Override
    public int degreeOfLeft(int left) {
        return base.degreeOfLeft(left) + count(addedByLeft, left) - count(removedByLeft, left);
    }

    @Override
    public int degreeOfRight(int right) {
        return base.degreeOfRight(right) + count(addedByRight, right) - count(removedByRight, right);
    }

    @Override
    public long size() {
        return base.size() + sizeDelta;
    }

    /** Base links not removed here, grouped by left as the base gives them; then the links added here. */
    @Override
    public void forEachLink(LinkConsumer action) {
        if (action == null) throw new NullPointerException("relation '" + base.name() + "': action is null");
        int expected = modCount;
        base.forEachLink((l, r) -> {
            if (!removed.contains(key(l, r))) action.accept(l, r);
            if (modCount != expected) throw changed();
        });
        for (LongIterator it = added.iterator(); it.hasNext(); ) {
            long k = it.nextLong();
            action.accept(leftOf(k), rightOf(k));
            if (modCount != expected) throw changed();
        }
    }

    @Override
    public IntRelation inverse() {
        throw new UnsupportedOperationException("internal overlay; orient through the engine's relation views");
    }

    private ConcurrentModificationException changed() {
        return new ConcurrentModificationException("relation '" + base.name() + "' changed during iteration");
    }

    // ---- commit -----------------------------------------------------------------------------------------

    boolean isEmpty() {
        return staged ? base.size() == 0 : added.isEmpty() && removed.isEmpty();
    }

    /**
     * Links the added pairs into the base: in bulk ({@link IntRelation#linkAll}, itself all or nothing) for
     * many, one by one (undone on failure) for few. On return every added pair is in the base.
     */
    void applyAdds() {
        if (staged) { // the committed relation is empty (the write lock kept it so): take the staged index
            committed.swapContents(base);
            return;
        }
        int n = added.size();
        if (n == 0) return;
        if (n >= 256) {
            int[] ls = new int[n];
            int[] rs = new int[n];
            int i = 0;
            for (LongIterator it = added.iterator(); it.hasNext(); i++) {
                long k = it.nextLong();
                ls[i] = leftOf(k);
                rs[i] = rightOf(k);
            }
            base.linkAll(ls, rs);
            return;
        }
        long[] keys = added.toLongArray();
        int done = 0;
        try {
            for (; done < keys.length; done++) {
                base.link(leftOf(keys[done]), rightOf(keys[done]));
            }
        } catch (Throwable t) {
            while (done > 0) {
                done--;
                base.unlink(leftOf(keys[done]), rightOf(keys[done]));
            }
            throw t;
        }
    }

    /** Reverts {@link #applyAdds()}; removal never allocates. */
    void undoAdds() {
        if (staged) {
            committed.swapContents(base);
            return;
        }
        for (LongIterator it = added.iterator(); it.hasNext(); ) {
            long k = it.nextLong();
            base.unlink(leftOf(k), rightOf(k));
        }
    }

    /** Unlinks the removed pairs from the base; never allocates. */
    void applyRemoves() {
        if (staged) return; // a staged overlay has nothing to remove: it started from an empty relation
        for (LongIterator it = removed.iterator(); it.hasNext(); ) {
            long k = it.nextLong();
            base.unlink(leftOf(k), rightOf(k));
        }
    }

    // ---- merged neighbour set ---------------------------------------------------------------------------

    /** The base set of an owner minus the ids removed here, plus the ids added here, ascending. */
    private final class View extends ReadOnlyNeighborSet {
        private final int owner;

        View(int owner, boolean ownerLeft) {
            super(ownerLeft);
            this.owner = owner;
        }

        private IntNeighborSet baseSet() {
            return ownerLeft ? base.rightsOf(owner) : base.leftsOf(owner);
        }

        @Override
        public int owner() {
            return owner;
        }

        @Override
        public int size() {
            return ownerLeft ? degreeOfLeft(owner) : degreeOfRight(owner);
        }

        @Override
        public boolean contains(int k) {
            return k >= 0 && (ownerLeft ? DeltaRelation.this.contains(owner, k) : DeltaRelation.this.contains(k, owner));
        }

        @Override
        public IntIterator iterator() {
            return iteratorAfter(-1);
        }

        @Override
        public IntIterator iteratorAfter(int after) {
            SortedIntSet add = (ownerLeft ? addedByLeft : addedByRight).get(owner);
            SortedIntSet rem = (ownerLeft ? removedByLeft : removedByRight).get(owner);
            IntIterator added = add == null || add.isEmpty() || after == Integer.MAX_VALUE // after + 1 would wrap
                    ? null : add.iteratorFrom(after + 1);
            return new Merge(baseSet().iteratorAfter(after), added, rem, owner, ownerLeft);
        }

        @Override
        public int copyTo(int[] dest) {
            java.util.Objects.requireNonNull(dest, "dest");
            int n = size();
            if (n > dest.length) return n;
            int i = 0;
            for (IntIterator it = iterator(); it.hasNext(); ) dest[i++] = it.nextInt();
            return n;
        }

        @Override
        public int[] toIntArray() {
            int[] out = new int[size()];
            copyTo(out);
            return out;
        }

        @Override
        String relationName() {
            return base.name();
        }
    }

    /** Ascending merge of a base cursor (minus removed ids) and the added ids; fail-fast on overlay changes. */
    private final class Merge implements IntIterator {
        private final IntIterator baseIt;
        private final IntIterator addIt;
        private final SortedIntSet rem;
        private final int owner;
        private final it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap mods;
        private final int expectedOwner;
        private final int madeIn = generation;
        private int expected = modCount;
        private int nextBase;
        private int nextAdd;

        Merge(IntIterator baseIt, IntIterator addIt, SortedIntSet rem, int owner, boolean ownerLeft) {
            this.owner = owner;
            this.mods = ownerLeft ? modByLeft : modByRight;
            this.expectedOwner = mods.get(owner);
            this.baseIt = baseIt;
            this.addIt = addIt;
            this.rem = rem;
            this.nextBase = advanceBase();
            this.nextAdd = addIt != null && addIt.hasNext() ? addIt.nextInt() : -1;
        }

        private int advanceBase() {
            while (baseIt.hasNext()) {
                int x = baseIt.nextInt();
                if (rem == null || !rem.contains(x)) return x;
            }
            return -1;
        }

        @Override
        public boolean hasNext() {
            if (ended || generation != madeIn) {
                throw new ConcurrentModificationException("relation '" + base.name()
                        + "': the transaction this iterator was made in has ended");
            }
            if (modCount != expected) {
                if (mods.get(owner) != expectedOwner) throw changed(); // this entity's links changed
                expected = modCount; // another entity's: not a concurrent modification of this set
            }
            return nextBase >= 0 || nextAdd >= 0;
        }

        @Override
        public int nextInt() {
            if (!hasNext()) throw new NoSuchElementException();
            int x;
            if (nextAdd < 0 || (nextBase >= 0 && nextBase < nextAdd)) {
                x = nextBase;
                nextBase = advanceBase();
            } else {
                x = nextAdd;
                nextAdd = addIt.hasNext() ? addIt.nextInt() : -1;
            }
            return x;
        }
    }
}
