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
 *   <li><b>Entity metadata</b> lives in parallel primitive arrays indexed by a <em>meta index</em>: {@code addr}
 *       (arena address, or index into {@code large}), {@code size} (the degree), {@code cls} (the slot's size
 *       class, {@link #LARGE} for a {@link LargeIntSet}, 0 for no slot) and {@code mod} (a per-entity change
 *       counter for fail-fast iterators). That is 10 bytes per entity, and no object per entity.</li>
 *   <li><b>Direct and overflow ids.</b> Ids below {@code directCap} are their own meta index: a lookup is one
 *       array access. The direct range only grows while it stays dense (below {@code MIN_DIRECT + 4 * live
 *       entities}); a larger id gets a meta index in an overflow region after the direct range, found through a
 *       hash map. So ids from a dense range cost an array access, and a lone id of 2,000,000,000 costs one
 *       hash entry, never gigabytes. When the direct range grows, overflow entities inside it move in.</li>
 *   <li><b>Adaptive sets.</b> A set of degree {@code d} is a sorted run in the {@link SlotArena} (4 bytes per id,
 *       insert by binary search and a shift of at most d ids) until it would outgrow {@value #PROMOTE_MIN} ids
 *       and a {@link LargeIntSet} is the smaller form, or would outgrow {@link SlotArena#MAX_CAPACITY}; then it
 *       becomes a {@link LargeIntSet} (about 2 bytes per id, bounded update cost). A large set that drops below
 *       {@value #DEMOTE_BELOW} ids moves back into the arena.</li>
 *   <li><b>Two-phase updates.</b> {@link #reserve} does every allocation an {@link #insert} will need (a new
 *       meta index, a bigger slot, a promotion, a container) without changing the set's contents;
 *       {@link #insert} then only writes. A relation reserves on both sides before inserting on either, so an
 *       {@link OutOfMemoryError} can never leave a link on one side only. {@link #remove} never needs memory.</li>
 * </ul>
 * Not thread-safe.
 */
final class AdjacencyIndex {

    static final byte LARGE = 127;
    static final int PROMOTE_MIN = 64;
    static final int DEMOTE_BELOW = 32;
    private static final int MIN_DIRECT = 1024;

    private final SlotArena arena = new SlotArena();

    int[] addr = new int[0];
    int[] size = new int[0];
    byte[] cls = new byte[0];
    byte[] mod = new byte[0];
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

    private static Int2IntOpenHashMap newOverflowMap(int expected) {
        Int2IntOpenHashMap m = new Int2IntOpenHashMap(Math.max(expected, 16));
        m.defaultReturnValue(-1);
        return m;
    }

    // ---- reads ------------------------------------------------------------------------------------------

    /** The meta index of {@code id}, or -1 if it has never had a slot. */
    int meta(int id) {
        if (id < directCap) return id;
        int k = overflow.get(id);
        return k < 0 ? -1 : directCap + k;
    }

    int degree(int id) {
        int m = meta(id);
        return m < 0 ? 0 : size[m];
    }

    int liveEntities() {
        return live;
    }

    boolean contains(int id, int x) {
        int m = meta(id);
        if (m < 0) return false;
        int n = size[m];
        if (n == 0) return false;
        if (cls[m] == LARGE) return large[addr[m]].contains(x);
        int a = addr[m];
        int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
        int off = a & SlotArena.CHUNK_MASK;
        return Arrays.binarySearch(chunk, off, off + n, x) >= 0;
    }

    /** Copies the set of {@code id}, ascending, into a new array. */
    int[] toArray(int id) {
        int m = meta(id);
        if (m < 0 || size[m] == 0) return new int[0];
        int n = size[m];
        int[] out = new int[n];
        if (cls[m] == LARGE) {
            large[addr[m]].copyTo(out, 0);
        } else {
            int a = addr[m];
            System.arraycopy(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], a & SlotArena.CHUNK_MASK, out, 0, n);
        }
        return out;
    }

    /** Calls {@code action} for each id linked to {@code id}, ascending; fail-fast if that set changes. */
    void forEach(int id, IntConsumer action, String relation) {
        int m = meta(id);
        if (m < 0) return;
        int n = size[m];
        if (n == 0) return;
        int side = modCount;
        byte entity = mod[m];
        if (cls[m] == LARGE) {
            LargeIntSet s = large[addr[m]];
            // Containers may be reshaped by a change, so the large path checks per container and value.
            for (int i = 0; i < s.containers; i++) {
                int base = s.keys[i] << 16;
                char[] arr = s.arrays[i];
                if (arr != null) {
                    for (int j = 0, c = s.cards[i]; j < c; j++) {
                        action.accept(base | arr[j]);
                        if (modCount != side) side = check(id, entity, relation);
                    }
                } else {
                    long[] bits = s.bitmaps[i];
                    for (int w = 0; w < bits.length; w++) {
                        long word = bits[w];
                        while (word != 0) {
                            action.accept(base | (w << 6) | Long.numberOfTrailingZeros(word));
                            if (modCount != side) side = check(id, entity, relation);
                            word &= word - 1;
                        }
                    }
                }
            }
            return;
        }
        int a = addr[m];
        int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
        for (int j = a & SlotArena.CHUNK_MASK, end = j + n; j < end; j++) {
            action.accept(chunk[j]);
            if (modCount != side) side = check(id, entity, relation);
        }
    }

    /** After some change on this side: throws if it touched {@code id}'s set; returns the current side count. */
    int check(int id, byte expectedMod, String relation) {
        int m = meta(id);
        if (m < 0 || mod[m] != expectedMod) {
            throw new ConcurrentModificationException(
                    "relation '" + relation + "': the links of id " + id + " changed during iteration");
        }
        return modCount;
    }

    byte modOf(int id) {
        int m = meta(id);
        return m < 0 ? 0 : mod[m];
    }

    // ---- writes -----------------------------------------------------------------------------------------

    /**
     * Makes sure that {@link #insert}{@code (id, x)} will not need to allocate. Never changes a set's contents.
     *
     * @throws OutOfMemoryError before any visible change
     */
    void reserve(int id, int x) {
        int m = metaForWrite(id);
        if (cls[m] == LARGE) {
            large[addr[m]].reserve(x);
            return;
        }
        int n = size[m];
        if (n < SlotArena.CAPACITY[cls[m]]) return;
        if (n + 1 > PROMOTE_MIN && shouldPromote(m, n)) {
            promote(m, n, x);
        } else {
            relocate(m, n, SlotArena.classFor(n + 1));
        }
    }

    private boolean shouldPromote(int m, int n) {
        if (n + 1 > SlotArena.MAX_CAPACITY) return true;
        int a = addr[m];
        int keys = LargeIntSet.highKeys(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], a & SlotArena.CHUNK_MASK, n);
        // Rough retained sizes: ~40 bytes per container plus 2 per id, against 4.25 per id in the arena.
        return 64L + 40L * keys + 2L * n < 4L * n + (n >> 2);
    }

    private void relocate(int m, int n, int newCls) {
        int newAddr = arena.allocate(newCls); // may throw; nothing changed yet
        int oldCls = cls[m];
        if (n > 0) {
            int a = addr[m];
            System.arraycopy(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], a & SlotArena.CHUNK_MASK,
                    arena.chunks[newAddr >>> SlotArena.CHUNK_SHIFT], newAddr & SlotArena.CHUNK_MASK, n);
        }
        if (oldCls != 0) arena.free(addr[m], oldCls);
        addr[m] = newAddr;
        cls[m] = (byte) newCls;
    }

    private void promote(int m, int n, int x) {
        int a = addr[m];
        LargeIntSet s = LargeIntSet.ofSorted(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], a & SlotArena.CHUNK_MASK, n, 1);
        s.reserve(x);
        int li = takeLargeIndex(); // may throw; nothing visible changed yet
        large[li] = s;
        arena.free(a, cls[m]);
        addr[m] = li;
        cls[m] = LARGE;
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

    /** Inserts {@code x} into the set of {@code id}; requires {@link #reserve}{@code (id, x)} and x absent. */
    void insert(int id, int x) {
        int m = meta(id);
        int n = size[m];
        if (cls[m] == LARGE) {
            large[addr[m]].add(x);
        } else {
            int a = addr[m];
            int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
            int off = a & SlotArena.CHUNK_MASK;
            int pos = Arrays.binarySearch(chunk, off, off + n, x);
            pos = -pos - 1;
            System.arraycopy(chunk, pos, chunk, pos + 1, off + n - pos);
            chunk[pos] = x;
        }
        if (n == 0) live++;
        size[m] = n + 1;
        mod[m]++;
        modCount++;
    }

    /** Removes {@code x} from the set of {@code id}; never allocates. Returns false if it was absent. */
    boolean remove(int id, int x) {
        int m = meta(id);
        if (m < 0) return false;
        int n = size[m];
        if (n == 0) return false;
        if (cls[m] == LARGE) {
            LargeIntSet s = large[addr[m]];
            if (!s.remove(x)) return false;
            size[m] = n - 1;
            if (n - 1 < DEMOTE_BELOW) demote(m, s);
        } else {
            int a = addr[m];
            int[] chunk = arena.chunks[a >>> SlotArena.CHUNK_SHIFT];
            int off = a & SlotArena.CHUNK_MASK;
            int pos = Arrays.binarySearch(chunk, off, off + n, x);
            if (pos < 0) return false;
            System.arraycopy(chunk, pos + 1, chunk, pos, off + n - pos - 1);
            size[m] = n - 1;
            if (n == 1) {
                arena.free(a, cls[m]);
                cls[m] = 0;
                addr[m] = 0;
            }
        }
        mod[m]++;
        modCount++;
        if (n == 1) {
            live--;
            releaseIfOverflow(id, m);
        }
        return true;
    }

    /** Moves a large set that became small back into the arena, if memory allows; otherwise keeps it. */
    private void demote(int m, LargeIntSet s) {
        int n = s.size();
        int li = addr[m];
        if (n == 0) {
            releaseLarge(li);
            cls[m] = 0;
            addr[m] = 0;
            return;
        }
        int c = SlotArena.classFor(n);
        int a;
        try {
            a = arena.allocate(c);
        } catch (OutOfMemoryError e) {
            return; // a large set is valid at any size
        }
        s.copyTo(arena.chunks[a >>> SlotArena.CHUNK_SHIFT], a & SlotArena.CHUNK_MASK);
        releaseLarge(li);
        addr[m] = a;
        cls[m] = (byte) c;
    }

    /** Empties the set of {@code id} (the caller has already removed the other sides' entries). */
    void clearEntity(int id) {
        int m = meta(id);
        if (m < 0 || size[m] == 0) return;
        if (cls[m] == LARGE) {
            releaseLarge(addr[m]);
        } else {
            arena.free(addr[m], cls[m]);
        }
        cls[m] = 0;
        addr[m] = 0;
        size[m] = 0;
        mod[m]++;
        modCount++;
        live--;
        releaseIfOverflow(id, m);
    }

    /** Forgets every set. Outstanding iterators fail on their next call. */
    void clear() {
        arena.clear();
        addr = new int[0];
        size = new int[0];
        cls = new byte[0];
        mod = new byte[0];
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
    }

    // ---- meta index management --------------------------------------------------------------------------

    /** The meta index of {@code id}, creating an empty entry if needed. May throw only before any change. */
    private int metaForWrite(int id) {
        if (id < directCap) return id;
        int k = overflow.get(id);
        if (k >= 0) return directCap + k;
        long limit = MIN_DIRECT + 4L * (live + 1);
        if (id < limit) {
            growDirect((int) Math.min(Integer.MAX_VALUE, Math.max(id + 1L, Math.min(limit, Math.max(16L, 2L * directCap)))));
            return id;
        }
        return addOverflow(id);
    }

    /** Widens the direct range to {@code newCap}, moving overflow entities that fall inside it. */
    private void growDirect(int newCap) {
        int keep = 0;
        for (int k = 0; k < overflowCount; k++) if (overflowIds[k] >= newCap) keep++;
        int ocap = Math.max(keep, 4);
        int total = newCap + ocap;
        int[] nAddr = new int[total], nSize = new int[total];
        byte[] nCls = new byte[total], nMod = new byte[total];
        int[] nIds = new int[ocap];
        Int2IntOpenHashMap nMap = newOverflowMap(keep);
        System.arraycopy(addr, 0, nAddr, 0, directCap);
        System.arraycopy(size, 0, nSize, 0, directCap);
        System.arraycopy(cls, 0, nCls, 0, directCap);
        System.arraycopy(mod, 0, nMod, 0, directCap);
        int kk = 0;
        for (int k = 0; k < overflowCount; k++) {
            int id = overflowIds[k];
            int from = directCap + k;
            int to;
            if (id < newCap) {
                to = id;
            } else {
                to = newCap + kk;
                nIds[kk] = id;
                nMap.put(id, kk);
                kk++;
            }
            nAddr[to] = addr[from];
            nSize[to] = size[from];
            nCls[to] = cls[from];
            nMod[to] = mod[from];
        }
        // Everything is allocated: switch over.
        addr = nAddr;
        size = nSize;
        cls = nCls;
        mod = nMod;
        overflowIds = nIds;
        overflow = nMap;
        overflowCount = kk;
        directCap = newCap;
    }

    private int addOverflow(int id) {
        if (overflowCount == overflowIds.length) {
            int ocap = Math.max(4, overflowIds.length * 2);
            int total = directCap + ocap;
            int[] nAddr = Arrays.copyOf(addr, total), nSize = Arrays.copyOf(size, total);
            byte[] nCls = Arrays.copyOf(cls, total), nMod = Arrays.copyOf(mod, total);
            int[] nIds = Arrays.copyOf(overflowIds, ocap);
            addr = nAddr;
            size = nSize;
            cls = nCls;
            mod = nMod;
            overflowIds = nIds;
        }
        int k = overflowCount;
        int m = directCap + k;
        addr[m] = 0;
        size[m] = 0;
        cls[m] = 0;
        mod[m] = 0;
        try {
            overflow.put(id, k);
        } catch (OutOfMemoryError e) {
            // fastutil inserts before it rehashes: the entry may be in; keep the two in step either way.
            if (overflow.get(id) != k) throw e;
            overflowIds[k] = id;
            overflowCount++;
            throw e;
        }
        overflowIds[k] = id;
        overflowCount++;
        return m;
    }

    /** Frees the overflow entry of an entity whose set became empty (swap with the last entry). */
    private void releaseIfOverflow(int id, int m) {
        if (m < directCap) return;
        int k = m - directCap;
        int last = overflowCount - 1;
        if (k != last) {
            int lastId = overflowIds[last];
            int from = directCap + last;
            addr[m] = addr[from];
            size[m] = size[from];
            cls[m] = cls[from];
            mod[m] = mod[from];
            overflowIds[k] = lastId;
            overflow.put(lastId, k); // replaces an existing key: no allocation
        }
        overflowCount = last;
        try {
            overflow.remove(id);
        } catch (OutOfMemoryError ignored) {
            // the removal happened before fastutil's optional shrink failed
        }
    }

    // ---- cursors ----------------------------------------------------------------------------------------

    /** A fail-fast ascending cursor over the set of {@code id}, at the first element greater than {@code after}. */
    NeighborCursor cursor(int id, int after, String relation) {
        return new NeighborCursor(this, id, after, relation);
    }

    int[][] chunks() {
        return arena.chunks;
    }
}
