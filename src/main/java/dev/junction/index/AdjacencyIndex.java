package dev.junction.index;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.function.IntConsumer;

/**
 * One side of a relation: for each entity id, the ascending set of ids it is linked to.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Entity word.</b> Each entity has one {@code long} in {@code meta}: bits 0–31 the address of its set
 *       (an arena slot, or an index into {@code large}), bits 32–39 the slot's size class ({@link #LARGE} for a
 *       {@link LargeIntSet}, 0 for no set), bits 40–47 a change counter for fail-fast iterators. A small set's
 *       size is the first int of its slot, beside its ids. So a lookup, a {@code contains} or an insert on a
 *       random entity costs two cache misses (the word, the slot), and an entity costs 8 bytes plus its set,
 *       with no object per entity.</li>
 *   <li><b>Direct and overflow ids.</b> Ids below {@code directCap} index {@code meta} directly. The direct range
 *       grows (by doubling) only while it stays dense: to reach id {@code i} it must have {@code i < 1024 + 4 *
 *       (entities with links)}. A larger id gets a word in an overflow region after the direct range, found
 *       through a hash map, so a lone id of 2,000,000,000 costs one hash entry, never gigabytes. When the direct
 *       range grows, overflow entities that fall inside it move in. A bulk merge first widens the direct range
 *       for all its owners at once ({@link #reserveDirect}), counting them as live: a load in chunks of ids
 *       scattered over a large range would otherwise leave the early chunks' entities in the map for good.</li>
 *   <li><b>Adaptive sets.</b> A set is a sorted run in the {@link SlotArena} (4 bytes per id; insert by binary
 *       search and a shift) until it would outgrow {@value #PROMOTE_MIN} ids and a {@link LargeIntSet} is the
 *       smaller form, or would outgrow {@link SlotArena#MAX_CAPACITY}; then it becomes a {@link LargeIntSet}
 *       (about 2 bytes per id, update cost bounded independently of the degree). A large set that drops below
 *       {@value #DEMOTE_BELOW} ids moves back into the arena.</li>
 *   <li><b>Two-phase updates.</b> {@link #prepare} finds the insertion point and makes every allocation that
 *       {@link #insertAt} will need (a word, a bigger slot, a promotion, a container) without changing any set's
 *       contents; {@link #insertAt} then only writes. A relation prepares both sides before it inserts on
 *       either, so an {@link OutOfMemoryError} never leaves a link on one side only, and the insertion point
 *       found while checking for the link is reused. {@link #remove} needs no memory.</li>
 *   <li><b>Compaction</b> ({@link #compact}) moves the small sets into new arena chunks in address order and
 *       releases each old chunk as soon as it is empty, so its peak is the live sets plus one chunk and an int
 *       per set: a chunked bulk load of a billion links never needs a second arena.</li>
 *   <li><b>Iteration</b> ({@link #forEach}) checks for changes after each call on a sorted run (a change may
 *       free its slot, whose first int then becomes a free-list link), and after each block of 64 ids of a large
 *       set's container (an array block, a bitmap word read into a local): the inner loops stay call-free, so
 *       the action's state stays in registers. An action that changes a large set sees at most the rest of the
 *       block (ids that were in the set), then the exception.</li>
 * </ul>
 * Not thread-safe.
 */
final class AdjacencyIndex {

    static final int LARGE = 0xFF;
    static final int PROMOTE_MIN = 64;
    static final int DEMOTE_BELOW = 32;
    private static final int MIN_DIRECT = 1024;

    private static final long ADDR_MASK = 0xFFFF_FFFFL;
    private static final int CLS_SHIFT = 32;
    private static final int MOD_SHIFT = 40;
    private static final long MOD_MASK = 0xFFL << MOD_SHIFT;

    static int addrOf(long word) {
        return (int) word;
    }

    static int clsOf(long word) {
        return (int) (word >>> CLS_SHIFT) & 0xFF;
    }

    static int modOf(long word) {
        return (int) (word >>> MOD_SHIFT) & 0xFF;
    }

    private static long word(int addr, int cls, long modBits) {
        return (addr & ADDR_MASK) | ((long) cls << CLS_SHIFT) | modBits;
    }

    private static long bumped(long word) {
        return (word & ~MOD_MASK) | ((word + (1L << MOD_SHIFT)) & MOD_MASK);
    }

    private SlotArena arena = new SlotArena();

    /** Entity words: [0, directCap) by id, then the overflow region. */
    long[] meta = new long[0];
    /** Ids in [0, directCap) are their own meta index. */
    int directCap;

    /** Overflow: id to slot k, at meta index directCap + k. */
    private Int2IntOpenHashMap overflow = newOverflowMap(0);
    private int[] overflowIds = new int[0];
    private int overflowCount;

    LargeIntSet[] large = new LargeIntSet[0];
    private int[] largeFree = new int[0];
    private int largeFreeCount;
    private int largeUsed;

    /** Entities with at least one link. */
    private int live;
    /** Bumped on every change to any set of this side; lets iterators skip the per-entity check. */
    int modCount;
    /**
     * Bumped when every set is replaced at once ({@link #clear}, {@link #swapContents}): the per-entity counters
     * then start over or come from another index, so an iterator's check compares this too ({@link #modStamp}).
     */
    private int generation;

    /** What an iterator remembers of an entity's word to detect changes: its counter and the side's generation. */
    int modStamp(long word) {
        return modOf(word) | generation << 8;
    }

    private static Int2IntOpenHashMap newOverflowMap(int expected) {
        Int2IntOpenHashMap m = new Int2IntOpenHashMap(Math.max(expected, 16));
        m.defaultReturnValue(-1);
        return m;
    }

    // ---- reads ------------------------------------------------------------------------------------------

    /** The meta index of {@code id}, or -1 if it has no word. */
    int meta(int id) {
        if (id < directCap) return id;
        int k = overflow.get(id);
        return k < 0 ? -1 : directCap + k;
    }

    /** The entity word of {@code id}, or 0 (no set) if it has none. */
    long wordOf(int id) {
        if (id < directCap) return meta[id];
        int k = overflow.get(id);
        return k < 0 ? 0L : meta[directCap + k];
    }

    int[] chunkOf(int addr) {
        return arena.chunks[addr >>> SlotArena.CHUNK_SHIFT];
    }

    int degree(int id) {
        return sizeOf(wordOf(id));
    }

    int sizeOf(long w) {
        int c = clsOf(w);
        if (c == 0) return 0;
        int a = addrOf(w);
        if (c == LARGE) return large[a].size();
        return arena.chunks[a >>> SlotArena.CHUNK_SHIFT][a & SlotArena.CHUNK_MASK];
    }

    long arenaLiveInts() {
        return arena.liveInts();
    }

    long arenaFreeInts() {
        return arena.freeInts();
    }

    boolean contains(int id, int x) {
        long w = wordOf(id);
        int c = clsOf(w);
        if (c == 0) return false;
        int a = addrOf(w);
        if (c == LARGE) return large[a].contains(x);
        int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
        int off = a & SlotArena.CHUNK_MASK;
        return SortedRuns.search(chunk, off + 1, off + 1 + chunk[off], x) >= 0;
    }

    /** Copies the set of {@code id}, ascending, into a new array. */
    int[] toArray(int id) {
        long w = wordOf(id);
        int n = sizeOf(w);
        int[] out = new int[n];
        if (n > 0) copyAll(w, n, out);
        return out;
    }

    /** Copies ids of ranks {@code offset}.. of the set of {@code id} to {@code dest}; returns how many. */
    int copyRange(int id, int offset, int[] dest) {
        long w = wordOf(id);
        int n = sizeOf(w);
        if (offset >= n || dest.length == 0) return 0;
        int len = Math.min(dest.length, n - offset);
        int a = addrOf(w);
        if (clsOf(w) == LARGE) {
            return large[a].copyRange(offset, dest, 0, len);
        }
        System.arraycopy(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], (a & SlotArena.CHUNK_MASK) + 1 + offset, dest, 0, len);
        return len;
    }

    /** Copies the set of {@code id}, ascending, to {@code dest} if it fits; returns the set's size. */
    int copyTo(int id, int[] dest) {
        long w = wordOf(id);
        int n = sizeOf(w);
        if (n == 0 || n > dest.length) return n;
        copyAll(w, n, dest);
        return n;
    }

    /** Copies the non-empty set of word {@code w}, of {@code n} ids, ascending, to the start of {@code dest}. */
    private void copyAll(long w, int n, int[] dest) {
        int a = addrOf(w);
        if (clsOf(w) == LARGE) {
            large[a].copyTo(dest, 0);
        } else {
            System.arraycopy(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], (a & SlotArena.CHUNK_MASK) + 1, dest, 0, n);
        }
    }

    /**
     * Calls {@code action} with every id that has a non-empty set: the direct range ascending, then overflow
     * ids in insertion order. Fail-fast if this side changes.
     */
    void forEachEntity(IntConsumer action, String relation) {
        int side = modCount;
        for (int m = 0, n = directCap + overflowCount; m < n; m++) {
            if (clsOf(meta[m]) == 0) continue;
            action.accept(m < directCap ? m : overflowIds[m - directCap]);
            if (modCount != side) {
                throw new java.util.ConcurrentModificationException("relation '" + relation
                        + "' changed while its links were being enumerated");
            }
        }
    }

    /** Calls {@code action} for each id linked to {@code id}, ascending; fail-fast if that set changes. */
    void forEach(int id, IntConsumer action, String relation) {
        long w = wordOf(id);
        int c = clsOf(w);
        if (c == 0) return;
        int a = addrOf(w);
        int side = modCount;
        int entity = modStamp(w);
        if (c == LARGE) {
            LargeIntSet s = large[a];
            // The check comes after each block of 64 calls: the inner loops stay call-free. A change by the action
            // may reshape the containers; what the rest of the block delivers comes from the container the block
            // began with (an id that was in the set), then the check throws.
            for (int i = 0; i < s.containers; i++) {
                int base = s.keys[i] << 16;
                char[] arr = s.arrays[i];
                if (arr != null) {
                    for (int j = 0, card = s.cards[i]; j < card; ) {
                        for (int blockEnd = Math.min(card, j + 64); j < blockEnd; j++) action.accept(base | arr[j]);
                        if (modCount != side) side = check(id, entity, relation);
                    }
                } else {
                    long[] bits = s.bitmaps[i];
                    for (int wi = 0; wi < bits.length; wi++) {
                        long bw = bits[wi];
                        int wordBase = base | wi << 6;
                        // From a local copy of the word (ids that were in the set), four bits per turn: a
                        // quarter of the loop branches of one bit per turn on a dense word.
                        for (int left = Long.bitCount(bw); left >= 4; left -= 4) {
                            int b0 = Long.numberOfTrailingZeros(bw);
                            bw &= bw - 1;
                            int b1 = Long.numberOfTrailingZeros(bw);
                            bw &= bw - 1;
                            int b2 = Long.numberOfTrailingZeros(bw);
                            bw &= bw - 1;
                            int b3 = Long.numberOfTrailingZeros(bw);
                            bw &= bw - 1;
                            action.accept(wordBase | b0);
                            action.accept(wordBase | b1);
                            action.accept(wordBase | b2);
                            action.accept(wordBase | b3);
                        }
                        while (bw != 0) {
                            action.accept(wordBase | Long.numberOfTrailingZeros(bw));
                            bw &= bw - 1;
                        }
                        if (modCount != side) side = check(id, entity, relation);
                    }
                }
            }
            return;
        }
        int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
        int off = a & SlotArena.CHUNK_MASK;
        for (int j = off + 1, end = j + chunk[off]; j < end; j++) {
            action.accept(chunk[j]);
            if (modCount != side) side = check(id, entity, relation);
        }
    }

    /** After some change on this side: throws if it touched {@code id}'s set; returns the current side count. */
    int check(int id, int expectedMod, String relation) {
        if (modStamp(wordOf(id)) != expectedMod) {
            throw new ConcurrentModificationException(
                    "relation '" + relation + "': the links of id " + id + " changed during iteration");
        }
        return modCount;
    }

    // ---- writes -----------------------------------------------------------------------------------------

    /** Returned by {@link #prepare} when the id is already in the set. */
    static final int PRESENT = -1;

    /**
     * First phase of an insertion: finds {@code x} in the set of {@code id} and, if it is absent, makes every
     * allocation that {@link #insertAt} will need (a word, a bigger slot, a promotion, a container) without
     * changing any set's contents.
     *
     * @return {@link #PRESENT} if {@code x} is in the set (nothing was done), else the rank of {@code x} in the
     *         set, to pass to {@link #insertAt}; it stays valid across other {@code prepare} calls on this index
     * @throws OutOfMemoryError before any visible change
     */
    int prepare(int id, int x) {
        if (arena.compactionDue) compactIfWasteful();
        int m = metaForWrite(id);
        long w = meta[m];
        int c = clsOf(w);
        if (c == LARGE) {
            return large[addrOf(w)].prepare(x) ? 0 : PRESENT;
        }
        int n = 0;
        int rank = 0;
        if (c != 0) {
            int a = addrOf(w);
            int[] chunk = chunkOf(a);
            int from = (a & SlotArena.CHUNK_MASK) + 1;
            n = chunk[from - 1];
            int p = SortedRuns.search(chunk, from, from + n, x);
            if (p >= 0) return PRESENT;
            rank = -p - 1 - from;
            if (n < SlotArena.CAPACITY[c]) return rank;
        }
        if (n + 1 > PROMOTE_MIN && shouldPromote(w, n)) {
            promote(m, w, n, x);
        } else {
            relocate(m, w, n, SlotArena.classFor(n + 1));
        }
        return rank;
    }

    private boolean shouldPromote(long w, int n) {
        if (n + 1 > SlotArena.MAX_CAPACITY) return true;
        int a = addrOf(w);
        return largeIsSmaller(LargeIntSet.highKeys(chunkOf(a), (a & SlotArena.CHUNK_MASK) + 1, n), n + 1);
    }

    /** Rough retained sizes: ~40 bytes per container plus 2 per id, against 4.25 per id in the arena. */
    private static boolean largeIsSmaller(long keys, long ids) {
        return 64L + 40L * keys + 2L * ids < 4L * ids + (ids >> 2);
    }

    private void relocate(int m, long w, int n, int newCls) {
        int newAddr = arena.allocate(newCls); // may throw; nothing changed yet
        int[] to = chunkOf(newAddr);
        int toOff = newAddr & SlotArena.CHUNK_MASK;
        int oldCls = clsOf(w);
        if (oldCls != 0) {
            int a = addrOf(w);
            System.arraycopy(chunkOf(a), a & SlotArena.CHUNK_MASK, to, toOff, n + 1);
            arena.free(a, oldCls);
        } else {
            to[toOff] = 0;
        }
        meta[m] = word(newAddr, newCls, w & MOD_MASK);
    }

    private void promote(int m, long w, int n, int x) {
        int a = addrOf(w);
        LargeIntSet s = LargeIntSet.ofSorted(chunkOf(a), (a & SlotArena.CHUNK_MASK) + 1, n, 1);
        s.prepare(x);
        int li = takeLargeIndex(); // may throw; nothing visible changed yet
        large[li] = s;
        arena.free(a, clsOf(w));
        meta[m] = word(li, LARGE, w & MOD_MASK);
    }

    private int takeLargeIndex() {
        if (largeFreeCount > 0) return largeFree[--largeFreeCount];
        if (largeUsed == large.length) {
            int n = Math.max(4, large.length * 2);
            LargeIntSet[] l = Arrays.copyOf(large, n);
            int[] f = new int[n];
            System.arraycopy(largeFree, 0, f, 0, largeFreeCount);
            large = l;
            largeFree = f;
        }
        return largeUsed++;
    }

    private void releaseLarge(int li) {
        large[li] = null;
        largeFree[largeFreeCount++] = li; // largeFree is as long as large: never grows here
    }

    /** Returned by {@link #linkPair} and {@link #unlinkPair} when the general path must run; nothing changed. */
    static final int UNHANDLED = -1;

    /**
     * The common link, on both sides at once: {@code y} into the set of {@code x} in {@code a}, and {@code x}
     * into the set of {@code y} in {@code b} (the same index for a symmetric relation, with {@code x != y}),
     * when both ids are direct and both sets are sorted runs with room, or one is a run with room and the other
     * a large set. Both entity words are read before either set, and both sets' first fields before either
     * search (a test uses both, so the JIT cannot sink a load past the other side's search): the two sides'
     * cache misses overlap instead of following each other, and each word is read once. Nothing is allocated
     * except what a large set's {@link LargeIntSet#prepare} needs, before any change.
     *
     * @return 1 if linked, 0 if the link was present, {@link #UNHANDLED} (nothing changed) otherwise
     */
    static int linkPair(AdjacencyIndex a, int x, AdjacencyIndex b, int y) {
        if (x >= a.directCap || y >= b.directCap) return UNHANDLED;
        long wa = a.meta[x];
        long wb = b.meta[y];
        int ca = clsOf(wa), cb = clsOf(wb);
        if (ca == 0 || cb == 0 || a.arena.compactionDue || b.arena.compactionDue) return UNHANDLED;
        if (ca == LARGE) {
            return cb == LARGE ? linkLarges(a, x, wa, b, y, wb) : linkRunAndLarge(b, y, wb, cb, x, a, x, wa, y);
        }
        if (cb == LARGE) return linkRunAndLarge(a, x, wa, ca, y, b, y, wb, x);
        int sa = addrOf(wa), sb = addrOf(wb);
        int[] ka = a.chunkOf(sa), kb = b.chunkOf(sb);
        int oa = sa & SlotArena.CHUNK_MASK, ob = sb & SlotArena.CHUNK_MASK;
        int na = ka[oa], nb = kb[ob];
        if (na == SlotArena.CAPACITY[ca] | nb == SlotArena.CAPACITY[cb]) return UNHANDLED;
        int pa = SortedRuns.search(ka, oa + 1, oa + 1 + na, y);
        if (pa >= 0) return 0;
        int pb = SortedRuns.search(kb, ob + 1, ob + 1 + nb, x); // absent too: the sides agree
        insertInRun(ka, oa, na, -pa - 1, y);
        insertInRun(kb, ob, nb, -pb - 1, x);
        return changedBoth(a, x, wa, b, y);
    }

    /**
     * {@link #linkPair} when entity {@code r} of {@code runs} (word {@code wr}, class {@code cr}) has a sorted
     * run and entity {@code g} of {@code larges} (word {@code wg}) a large set: {@code rv} goes into the run,
     * {@code gv} into the large set.
     */
    private static int linkRunAndLarge(AdjacencyIndex runs, int r, long wr, int cr, int rv,
                                       AdjacencyIndex larges, int g, long wg, int gv) {
        LargeIntSet set = larges.large[addrOf(wg)];
        int sr = addrOf(wr);
        int[] k = runs.chunkOf(sr);
        int o = sr & SlotArena.CHUNK_MASK;
        int n = k[o];
        if (n == SlotArena.CAPACITY[cr] | set.containers == 0) return UNHANDLED;
        int p = SortedRuns.search(k, o + 1, o + 1 + n, rv);
        if (p >= 0) return 0;
        if (!set.prepare(gv)) return UNHANDLED; // cannot be present (the sides agree); may throw before changes
        insertInRun(k, o, n, -p - 1, rv);
        set.add(gv);
        return changedBoth(runs, r, runs.meta[r], larges, g);
    }

    /** {@link #linkPair} when both sets are large: both prepared (every allocation) before either changes. */
    private static int linkLarges(AdjacencyIndex a, int x, long wa, AdjacencyIndex b, int y, long wb) {
        LargeIntSet sa = a.large[addrOf(wa)], sb = b.large[addrOf(wb)];
        if (sa.containers == 0 | sb.containers == 0) return UNHANDLED; // both objects read before either search
        if (!sa.prepare(y)) return 0;
        if (!sb.prepare(x)) return UNHANDLED; // cannot be present (the sides agree)
        sa.add(y);
        sb.add(x);
        return changedBoth(a, x, wa, b, y);
    }

    /**
     * The common unlink, on both sides at once, as {@link #linkPair}: when both ids are direct and each set is
     * either a sorted run that keeps at least one id or a large set that stays above {@value #DEMOTE_BELOW}.
     *
     * @return 1 if unlinked, 0 if the link was absent, {@link #UNHANDLED} (nothing changed) otherwise
     */
    static int unlinkPair(AdjacencyIndex a, int x, AdjacencyIndex b, int y) {
        if (x >= a.directCap || y >= b.directCap) return UNHANDLED;
        long wa = a.meta[x];
        long wb = b.meta[y];
        int ca = clsOf(wa), cb = clsOf(wb);
        if (ca == 0 || cb == 0) return 0;
        if (ca == LARGE || cb == LARGE) {
            if (ca == LARGE && cb == LARGE) return unlinkLarges(a, x, wa, b, y, wb);
            return ca == LARGE ? unlinkRunAndLarge(b, y, wb, x, a, x, wa, y) : unlinkRunAndLarge(a, x, wa, y, b, y, wb, x);
        }
        int sa = addrOf(wa), sb = addrOf(wb);
        int[] ka = a.chunkOf(sa), kb = b.chunkOf(sb);
        int oa = sa & SlotArena.CHUNK_MASK, ob = sb & SlotArena.CHUNK_MASK;
        int na = ka[oa], nb = kb[ob];
        if (na == 1 | nb == 1) return UNHANDLED; // a set would empty: its slot is freed, maybe its word too
        int pa = SortedRuns.search(ka, oa + 1, oa + 1 + na, y);
        if (pa < 0) return 0;
        int pb = SortedRuns.search(kb, ob + 1, ob + 1 + nb, x);
        removeFromRun(ka, oa, na, pa);
        removeFromRun(kb, ob, nb, pb);
        return changedBoth(a, x, wa, b, y);
    }

    /** {@link #unlinkPair} when both sets are large and stay above {@value #DEMOTE_BELOW}. */
    private static int unlinkLarges(AdjacencyIndex a, int x, long wa, AdjacencyIndex b, int y, long wb) {
        LargeIntSet sa = a.large[addrOf(wa)], sb = b.large[addrOf(wb)];
        if (sa.size <= DEMOTE_BELOW | sb.size <= DEMOTE_BELOW) return UNHANDLED;
        if (!sa.remove(y)) return 0;
        sb.remove(x); // present: the sides agree
        return changedBoth(a, x, wa, b, y);
    }

    /** {@link #unlinkPair} of a sorted run (entity {@code r}, removing {@code rv}) and a large set. */
    private static int unlinkRunAndLarge(AdjacencyIndex runs, int r, long wr, int rv,
                                         AdjacencyIndex larges, int g, long wg, int gv) {
        LargeIntSet set = larges.large[addrOf(wg)];
        int sr = addrOf(wr);
        int[] k = runs.chunkOf(sr);
        int o = sr & SlotArena.CHUNK_MASK;
        int n = k[o];
        if (n == 1 | set.size <= DEMOTE_BELOW) return UNHANDLED; // the run would empty, or the set move back
        int p = SortedRuns.search(k, o + 1, o + 1 + n, rv);
        if (p < 0) return 0;
        removeFromRun(k, o, n, p);
        set.remove(gv); // present: the sides agree; never allocates beyond a failure-tolerant shrink
        return changedBoth(runs, r, runs.meta[r], larges, g);
    }

    /**
     * Marks the sets of {@code x} in {@code a} (whose word was {@code wa}) and of {@code y} in {@code b} changed,
     * after a link or unlink done on both sides in place: each word's modification count is bumped (so that
     * cursors on either set fail fast), and so is each index's. Returns 1, the links changed.
     */
    private static int changedBoth(AdjacencyIndex a, int x, long wa, AdjacencyIndex b, int y) {
        a.meta[x] = bumped(wa);
        a.modCount++;
        b.meta[y] = bumped(b.meta[y]); // re-read: a and b may be one index (a symmetric relation)
        b.modCount++;
        return 1;
    }

    /** Inserts {@code v} at index {@code pos} of the run of {@code n} ids whose header is at {@code off}. */
    private static void insertInRun(int[] chunk, int off, int n, int pos, int v) {
        int move = off + 1 + n - pos;
        if (move <= 16) {
            for (int i = pos + move; i > pos; i--) chunk[i] = chunk[i - 1];
        } else {
            System.arraycopy(chunk, pos, chunk, pos + 1, move);
        }
        chunk[pos] = v;
        chunk[off] = n + 1;
    }

    /** Removes the id at index {@code pos} of the run of {@code n} ids whose header is at {@code off}. */
    private static void removeFromRun(int[] chunk, int off, int n, int pos) {
        int move = off + n - pos;
        if (move <= 16) {
            for (int i = pos; i < pos + move; i++) chunk[i] = chunk[i + 1];
        } else {
            System.arraycopy(chunk, pos + 1, chunk, pos, move);
        }
        chunk[off] = n - 1;
    }

    /**
     * Second phase: inserts {@code x}, absent, at {@code rank} in the set of {@code id}, as {@link #prepare}
     * returned it. Only writes.
     */
    void insertAt(int id, int x, int rank) {
        int m = meta(id);
        long w = meta[m];
        int a = addrOf(w);
        int n;
        if (clsOf(w) == LARGE) {
            LargeIntSet s = large[a];
            n = s.size();
            s.add(x);
        } else {
            int[] chunk = chunkOf(a);
            int off = a & SlotArena.CHUNK_MASK;
            n = chunk[off];
            insertInRun(chunk, off, n, off + 1 + rank, x);
        }
        if (n == 0) live++;
        meta[m] = bumped(w);
        modCount++;
    }

    /**
     * Bulk insertion: merges {@code k} ascending ids {@code src[from..from+k)}, none of them in the set of
     * {@code id}, into it, in O(n + k) (O(k log n) into a large set). Every step leaves the set valid, but a
     * failure (out of memory) can leave part of the ids inserted: the caller undoes with {@link #remove}.
     */
    void mergeAbsent(int id, int[] src, int from, int k) {
        if (k == 0) return;
        if (arena.compactionDue) compactIfWasteful();
        int m = metaForWrite(id);
        long w = meta[m];
        int c = clsOf(w);
        int n;
        if (c == LARGE) {
            LargeIntSet s = large[addrOf(w)];
            n = s.size();
            for (int i = from; i < from + k; i++) {
                if (s.prepare(src[i])) s.add(src[i]);
            }
        } else {
            n = c == 0 ? 0 : sizeOf(w);
            int total = n + k;
            if (total > PROMOTE_MIN && (total > SlotArena.MAX_CAPACITY || promotesBetter(w, n, src, from, k))) {
                int[] union = new int[total];
                mergeInto(w, n, src, from, k, union, 0);
                LargeIntSet s = LargeIntSet.ofSorted(union, 0, total, 0);
                int li = takeLargeIndex(); // allocation done before any change
                large[li] = s;
                if (c != 0) arena.free(addrOf(w), c);
                w = word(li, LARGE, w & MOD_MASK);
            } else if (c == 0 || total > SlotArena.CAPACITY[c]) {
                int nc = SlotArena.classFor(total);
                int b = arena.allocate(nc); // may throw: nothing changed yet
                int[] to = chunkOf(b);
                int off = b & SlotArena.CHUNK_MASK;
                mergeInto(w, n, src, from, k, to, off + 1);
                to[off] = total;
                if (c != 0) arena.free(addrOf(w), c);
                w = word(b, nc, w & MOD_MASK);
            } else {
                int a = addrOf(w);
                int[] chunk = chunkOf(a);
                int base = (a & SlotArena.CHUNK_MASK) + 1;
                // Merge from the back, in place: the slot has room for all of it.
                int i = base + n - 1, j = from + k - 1, o = base + total - 1;
                while (j >= from) chunk[o--] = i >= base && chunk[i] > src[j] ? chunk[i--] : src[j--];
                chunk[base - 1] = total;
            }
        }
        if (n == 0) live++;
        meta[m] = bumped(w);
        modCount++;
    }

    private boolean promotesBetter(long w, int n, int[] src, int from, int k) {
        long keys = LargeIntSet.highKeys(src, from, k);
        if (n > 0) {
            int a = addrOf(w);
            keys += LargeIntSet.highKeys(chunkOf(a), (a & SlotArena.CHUNK_MASK) + 1, n);
        }
        return largeIsSmaller(keys, (long) n + k);
    }

    /** Writes the union of the set (word {@code w}, size {@code n}) and {@code src[from..from+k)} into dst. */
    private void mergeInto(long w, int n, int[] src, int from, int k, int[] dst, int at) {
        int[] old = null;
        int i = 0;
        if (n > 0) {
            int a = addrOf(w);
            old = chunkOf(a);
            i = (a & SlotArena.CHUNK_MASK) + 1;
        }
        int iEnd = i + n, j = from, jEnd = from + k;
        while (i < iEnd && j < jEnd) dst[at++] = old[i] < src[j] ? old[i++] : src[j++];
        while (i < iEnd) dst[at++] = old[i++];
        while (j < jEnd) dst[at++] = src[j++];
    }

    /** Removes {@code x} from the set of {@code id}; never allocates. Returns false if it was absent. */
    boolean remove(int id, int x) {
        int m = meta(id);
        if (m < 0) return false;
        long w = meta[m];
        int c = clsOf(w);
        if (c == 0) return false;
        int a = addrOf(w);
        int left;
        if (c == LARGE) {
            LargeIntSet s = large[a];
            if (!s.remove(x)) return false;
            left = s.size();
            w = left < DEMOTE_BELOW ? demote(w, s) : w;
        } else {
            int[] chunk = chunkOf(a);
            int off = a & SlotArena.CHUNK_MASK;
            int n = chunk[off];
            int from = off + 1;
            int pos = SortedRuns.search(chunk, from, from + n, x);
            if (pos < 0) return false;
            removeFromRun(chunk, off, n, pos);
            left = n - 1;
            if (left == 0) {
                arena.free(a, c);
                w &= MOD_MASK;
            }
        }
        meta[m] = bumped(w);
        modCount++;
        if (left == 0) {
            live--;
            releaseIfOverflow(id, m);
        }
        return true;
    }

    /** Moves a large set that became small back into the arena if memory allows; returns the new word. */
    private long demote(long w, LargeIntSet s) {
        int n = s.size();
        int li = addrOf(w);
        if (n == 0) {
            releaseLarge(li);
            return w & MOD_MASK;
        }
        int c = SlotArena.classFor(n);
        int a;
        try {
            a = arena.allocate(c);
        } catch (OutOfMemoryError e) {
            return w; // a large set is valid at any size
        }
        int[] chunk = chunkOf(a);
        int off = a & SlotArena.CHUNK_MASK;
        chunk[off] = n;
        s.copyTo(chunk, off + 1);
        releaseLarge(li);
        return word(a, c, w & MOD_MASK);
    }

    /** Empties the set of {@code id} (the caller has already removed the other sides' entries). */
    void clearEntity(int id) {
        int m = meta(id);
        if (m < 0) return;
        long w = meta[m];
        int c = clsOf(w);
        if (c == 0) return;
        if (c == LARGE) {
            releaseLarge(addrOf(w));
        } else {
            arena.free(addrOf(w), c);
        }
        meta[m] = bumped(w & MOD_MASK);
        modCount++;
        live--;
        releaseIfOverflow(id, m);
    }

    /**
     * Exchanges everything this side holds with {@code other}, in O(1): the arrays and maps change hands,
     * nothing is copied. Both change counters and generations move past either's, so iterators open on either
     * fail fast.
     */
    void swapContents(AdjacencyIndex other) {
        SlotArena a = arena; arena = other.arena; other.arena = a;
        long[] m = meta; meta = other.meta; other.meta = m;
        int i = directCap; directCap = other.directCap; other.directCap = i;
        Int2IntOpenHashMap o = overflow; overflow = other.overflow; other.overflow = o;
        int[] ids = overflowIds; overflowIds = other.overflowIds; other.overflowIds = ids;
        i = overflowCount; overflowCount = other.overflowCount; other.overflowCount = i;
        LargeIntSet[] l = large; large = other.large; other.large = l;
        ids = largeFree; largeFree = other.largeFree; other.largeFree = ids;
        i = largeFreeCount; largeFreeCount = other.largeFreeCount; other.largeFreeCount = i;
        i = largeUsed; largeUsed = other.largeUsed; other.largeUsed = i;
        i = live; live = other.live; other.live = i;
        modCount = other.modCount = Math.max(modCount, other.modCount) + 1;
        generation = other.generation = Math.max(generation, other.generation) + 1;
    }

    /** Forgets every set. Outstanding iterators fail on their next call. */
    void clear() {
        arena.clear();
        meta = new long[0];
        directCap = 0;
        overflow = newOverflowMap(0);
        overflowIds = new int[0];
        overflowCount = 0;
        large = new LargeIntSet[0];
        largeFree = new int[0];
        largeFreeCount = 0;
        largeUsed = 0;
        live = 0;
        modCount++;
        generation++;
    }

    /** Compacts if the arena is still wasteful (the flag that sent here may be stale), else clears the flag. */
    private void compactIfWasteful() {
        if (arena.wasteful()) {
            compact();
        } else {
            arena.compactionDue = false;
        }
    }

    /**
     * Moves every small set into new chunks, old chunk by old chunk in address order, releasing each old chunk
     * once its sets have left: the peak is the live sets plus a chunk, not a second arena. Sets keep their size
     * class, so reservations made before stay valid, unless less than half full; those shrink to the smallest
     * class with room for one more. The one allocation before any move is an index of the sets by chunk (an int
     * per set); if it fails, nothing changes. If a new chunk cannot be allocated midway, the sets moved so far
     * stay moved, the others stay put, and compaction waits for more waste: every set is whole either way.
     */
    void compact() {
        int used = directCap + overflowCount;
        int chunkCount = arena.chunkTableSize();
        int[] start;
        int[] order;
        int[][] oldChunks; // a chunk index released before may be reused by a new chunk during this compaction
        try {
            oldChunks = Arrays.copyOf(arena.chunks, chunkCount);
            start = new int[chunkCount + 1];
            int small = 0;
            for (int m = 0; m < used; m++) {
                long w = meta[m];
                int c = clsOf(w);
                if (c != 0 && c != LARGE) {
                    start[(addrOf(w) >>> SlotArena.CHUNK_SHIFT) + 1]++;
                    small++;
                }
            }
            order = new int[small];
        } catch (OutOfMemoryError e) {
            arena.postponeCompaction();
            return;
        }
        for (int c = 0; c < chunkCount; c++) start[c + 1] += start[c];
        int[] fill = start; // start[c] becomes the end of chunk c's run; the runs begin at start[c - 1]
        for (int m = 0; m < used; m++) {
            long w = meta[m];
            int c = clsOf(w);
            if (c != 0 && c != LARGE) order[fill[addrOf(w) >>> SlotArena.CHUNK_SHIFT]++] = m;
        }
        arena.beginCompaction();
        int k = 0;
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            for (int end = fill[chunk]; k < end; k++) {
                int m = order[k];
                long w = meta[m];
                int c = clsOf(w);
                int a = addrOf(w);
                int[] from = chunkOf(a);
                int off = a & SlotArena.CHUNK_MASK;
                int n = from[off];
                int nc = compactClass(c, n);
                int b;
                try {
                    b = arena.allocateFresh(nc);
                } catch (OutOfMemoryError e) {
                    arena.postponeCompaction();
                    return;
                }
                System.arraycopy(from, off, chunkOf(b), b & SlotArena.CHUNK_MASK, n + 1);
                arena.vacate(c);
                meta[m] = word(b, nc, w & MOD_MASK);
            }
            arena.releaseChunk(chunk, oldChunks[chunk]);
        }
        arena.endCompaction();
    }

    private static int compactClass(int cls, int n) {
        return n < SlotArena.CAPACITY[cls] >> 1 ? SlotArena.classFor(n + 1) : cls;
    }

    // ---- meta index management --------------------------------------------------------------------------

    /** The meta index of {@code id}, creating an empty word if needed. May throw only before any change. */
    private int metaForWrite(int id) {
        if (id < directCap) return id;
        int k = overflow.get(id);
        if (k >= 0) return directCap + k;
        long limit = MIN_DIRECT + 4L * (live + 1);
        if (id < limit) {
            // Growth by half keeps it amortized O(1) with a quarter of slack on average.
            growDirect((int) Math.min(Integer.MAX_VALUE, Math.max(id + 1L, Math.max(16L, directCap + (directCap >> 1)))));
            return id;
        }
        return addOverflow(id);
    }

    /**
     * Before a bulk merge of {@code owners} distinct owners, the largest {@code maxOwner}: widens the direct range
     * to cover them all at once if it stays as dense as {@link #metaForWrite} requires, counting them as live.
     * Without it, a load in chunks of ids scattered over a large range leaves the entities of the early chunks in
     * the overflow map for good (a hash lookup on every access), since no later new id triggers the growth.
     *
     * @throws OutOfMemoryError before any change
     */
    void reserveDirect(int maxOwner, int owners) {
        if (maxOwner < directCap || maxOwner >= MIN_DIRECT + 4L * ((long) live + owners)) return;
        // Growth by an eighth at least keeps a load in ascending chunks amortized O(1) per owner, and the range
        // at most an eighth larger than needed (a chunk of scattered ids usually reaches the top at once).
        growDirect((int) Math.min(Integer.MAX_VALUE, Math.max(maxOwner + 1L, directCap + (directCap >> 3))));
    }

    /** Widens the direct range to {@code newCap}, moving overflow entities that fall inside it. */
    private void growDirect(int newCap) {
        int keep = 0;
        for (int k = 0; k < overflowCount; k++) if (overflowIds[k] >= newCap) keep++;
        int ocap = Math.max(keep, 4);
        long[] nMeta = new long[newCap + ocap];
        int[] nIds = new int[ocap];
        Int2IntOpenHashMap nMap = newOverflowMap(keep);
        System.arraycopy(meta, 0, nMeta, 0, directCap);
        int kk = 0;
        for (int k = 0; k < overflowCount; k++) {
            int id = overflowIds[k];
            if (id < newCap) {
                nMeta[id] = meta[directCap + k];
            } else {
                nMeta[newCap + kk] = meta[directCap + k];
                nIds[kk] = id;
                nMap.put(id, kk);
                kk++;
            }
        }
        // Everything is allocated: switch over.
        meta = nMeta;
        overflowIds = nIds;
        overflow = nMap;
        overflowCount = kk;
        directCap = newCap;
    }

    private int addOverflow(int id) {
        if (overflowCount == overflowIds.length) {
            int ocap = Math.max(4, overflowIds.length * 2);
            long[] nMeta = Arrays.copyOf(meta, directCap + ocap);
            int[] nIds = Arrays.copyOf(overflowIds, ocap);
            meta = nMeta;
            overflowIds = nIds;
        }
        int k = overflowCount;
        meta[directCap + k] = 0L;
        try {
            overflow.put(id, k);
        } catch (OutOfMemoryError e) {
            // fastutil inserts before it rehashes: the entry may be in; keep the two in step either way.
            if (overflow.get(id) == k) {
                overflowIds[k] = id;
                overflowCount++;
            }
            throw e;
        }
        overflowIds[k] = id;
        overflowCount++;
        return directCap + k;
    }

    /** Frees the overflow word of an entity whose set became empty (the last word moves into its place). */
    private void releaseIfOverflow(int id, int m) {
        if (m < directCap) return;
        int k = m - directCap;
        int last = overflowCount - 1;
        if (k != last) {
            int lastId = overflowIds[last];
            meta[m] = meta[directCap + last];
            overflowIds[k] = lastId;
            overflow.put(lastId, k); // replaces the value of an existing key: no allocation
        }
        overflowCount = last;
        try {
            overflow.remove(id);
        } catch (OutOfMemoryError ignored) {
            // the entry is gone; only fastutil's optional shrink failed
        }
    }

}
