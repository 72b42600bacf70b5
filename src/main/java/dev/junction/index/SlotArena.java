package dev.junction.index;

import java.util.Arrays;

/**
 * Storage for the small adjacency sets of one side of an index: sorted int runs in a chunked arena.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Layout.</b> Ints live in chunks of {@value #CHUNK_SIZE}; a slot is a run of {@code 1 + capacity(cls)}
 *       ints inside one chunk, addressed by {@code chunk << 16 | offset}: the set's size, then its ids in
 *       ascending order. Keeping the size beside the ids means one cache miss reads both. Chunking means growth
 *       never copies the whole arena, and the chunk table is small enough to stay in cache.</li>
 *   <li><b>Size classes.</b> Capacities grow by about 1/8 ({@code 1..8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20,
 *       ...}, up to {@value #MAX_CAPACITY}), so a set wastes about 6% on average, and a growing set is copied
 *       about 8 times its size over its life: cheap next to the memory it saves.</li>
 *   <li><b>Free lists.</b> A freed slot goes on the free list of its class, threaded through the slot's first
 *       int, and is reused first. When a class has no free slot, the smallest larger free slot is split (a
 *       bitmask of non-empty lists finds it in one instruction) and the rest is cut into free slots; only then
 *       does the arena grow. Without the split, sets that grow side by side (a shuffled bulk load) leave a
 *       trail of outgrown slots that no later request fits: 30% more memory at a million links. The tail of
 *       a chunk too short for a request is cut into free slots too.</li>
 *   <li><b>Compaction.</b> Sets that grow side by side (a shuffled or chunked bulk load) outgrow their slots
 *       together, and no later request fits the outgrown ones: a third of the arena can end up free. The arena
 *       knows its free ints (chunk ints minus live ones, computed, not counted); when they pass a quarter of the
 *       live ones, the owning {@link AdjacencyIndex} moves every set into new chunks, old chunk by old chunk,
 *       releasing each old chunk as soon as its sets have left ({@link #beginCompaction}, {@link #allocateFresh},
 *       {@link #releaseChunk}). So a compaction needs one chunk beyond the live sets, never a second arena: the
 *       peak heap of a large load stays near its retained size. Released chunk indices are reused by later
 *       chunks; the released arrays themselves are never reused, so an open iterator that holds one reads on
 *       undisturbed. Each compaction follows Θ(live) growth, so its cost is amortized O(1) per change.</li>
 *   <li><b>Failure.</b> {@link #allocate} and {@link #allocateFresh} may throw {@link OutOfMemoryError} only
 *       before they change anything.</li>
 * </ul>
 * Not thread-safe; owned by one {@link AdjacencyIndex}.
 */
final class SlotArena {

    static final int CHUNK_SHIFT = 16;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK_SIZE - 1;
    static final int MAX_CAPACITY = 4096;
    static final int HEADER = 1;
    private static final int NONE = -1;

    /** Capacity of each size class; class 0 is "no slot". */
    static final int[] CAPACITY = buildCapacities();
    static final int CLASSES = CAPACITY.length;

    private static int[] buildCapacities() {
        int[] caps = new int[64];
        int n = 1; // caps[0] = 0
        for (int cap = 1; cap < MAX_CAPACITY; ) {
            caps[n++] = cap;
            cap += Math.max(1, cap >> 3);
            if (cap > 16) cap = (cap + 1) & ~1; // even capacities keep tails reusable
        }
        caps[n++] = MAX_CAPACITY;
        return Arrays.copyOf(caps, n);
    }

    /** The smallest class whose capacity is at least {@code minCapacity} (1..MAX_CAPACITY). */
    static int classFor(int minCapacity) {
        int lo = 1, hi = CLASSES - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (CAPACITY[mid] >= minCapacity) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    int[][] chunks = new int[4][];
    /** Entries of {@code chunks} in use, released ones (null) included. */
    private int chunkCount;
    /** Chunks allocated and not released. */
    private int liveChunks;
    /** Indices of released chunks (null entries below {@code chunkCount}), reused before the table grows. */
    private int[] vacant = new int[4];
    private int vacantCount;
    /** The chunk bump allocation takes from, or -1; {@code top} is the offset in it. */
    private int bumpChunk = -1;
    private int top = CHUNK_SIZE; // CHUNK_SIZE means "no room"
    private final int[] freeHead = new int[CLASSES];
    /** Bit c set when class c has a free slot. */
    private long nonEmpty;
    /** Ints in slots handed out and not freed, headers included. */
    private long liveInts;
    /** Free ints above which {@link #wasteful()} says so; raised when a compaction could not allocate. */
    private long wasteFloor = CHUNK_SIZE;

    SlotArena() {
        Arrays.fill(freeHead, NONE);
    }

    /**
     * Whether enough of the arena is free that compacting it pays: {@link #wasteful()}, kept up to date where
     * free ints appear (a slot freed, a chunk's tail given up), so that a write tests one field.
     */
    boolean compactionDue;

    /** Whether enough of the arena is free that compacting it pays. O(1). */
    boolean wasteful() {
        long free = freeInts();
        return free > wasteFloor && free > liveInts >> 2;
    }

    /** After a compaction failed for want of memory: wait for twice the waste before trying again. */
    void postponeCompaction() {
        wasteFloor = Math.max(wasteFloor, freeInts() * 2);
        compactionDue = wasteful();
    }

    /** After a compaction ran to its end. */
    void endCompaction() {
        compactionDue = wasteful();
    }

    /** Ints a slot of class {@code cls} occupies: the size header and the ids. */
    static int slotLength(int cls) {
        return CAPACITY[cls] + 1;
    }

    /** Allocates a slot of class {@code cls} and returns its address. Changes nothing if it throws. */
    int allocate(int cls) {
        int len = slotLength(cls);
        int addr;
        if (freeHead[cls] != NONE) {
            addr = pop(cls);
        } else {
            long bigger = nonEmpty & (-2L << cls);
            if (bigger != 0) {
                int from = Long.numberOfTrailingZeros(bigger);
                addr = pop(from);
                carve(addr + len, slotLength(from) - len);
            } else {
                addr = bump(len);
            }
        }
        liveInts += len;
        return addr;
    }

    /** Takes {@code len} ints from the bump chunk, starting a new chunk if they do not fit. */
    private int bump(int len) {
        if (top + len > CHUNK_SIZE) {
            newChunk(); // may throw before any change
        }
        int addr = (bumpChunk << CHUNK_SHIFT) | top;
        top += len;
        return addr;
    }

    private int pop(int cls) {
        int head = freeHead[cls];
        int next = chunks[head >>> CHUNK_SHIFT][head & CHUNK_MASK];
        freeHead[cls] = next;
        if (next == NONE) nonEmpty &= ~(1L << cls);
        return head;
    }

    /** Returns a slot of class {@code cls}, handed out by {@link #allocate}, to its free list. */
    void free(int addr, int cls) {
        liveInts -= slotLength(cls);
        push(addr, cls);
        if (!compactionDue) compactionDue = wasteful();
    }

    private void push(int addr, int cls) {
        chunks[addr >>> CHUNK_SHIFT][addr & CHUNK_MASK] = freeHead[cls];
        freeHead[cls] = addr;
        nonEmpty |= 1L << cls;
    }

    /** Cuts {@code length} ints at {@code addr} (inside one chunk) into free slots, largest first. */
    private void carve(int addr, int length) {
        for (int cls = CLASSES - 1; cls > 0 && length > 1; cls--) {
            int len = slotLength(cls);
            while (length >= len) {
                push(addr, cls);
                addr += len;
                length -= len;
            }
        }
    }

    private void newChunk() {
        int[] chunk = new int[CHUNK_SIZE];
        int[][] table = chunks;
        int index;
        if (vacantCount > 0) {
            index = vacant[vacantCount - 1];
        } else {
            index = chunkCount;
            if (chunkCount == table.length) {
                if (chunkCount == (1 << (31 - CHUNK_SHIFT))) {
                    throw new OutOfMemoryError("Junction arena is full: 2^31 ints in one side of a relation");
                }
                table = Arrays.copyOf(table, Math.min(table.length * 2, 1 << (31 - CHUNK_SHIFT)));
            }
            if (vacant.length < table.length) vacant = Arrays.copyOf(vacant, table.length); // releases never grow it
        }
        // Allocation done: from here on nothing can fail.
        if (bumpChunk >= 0) {
            carve((bumpChunk << CHUNK_SHIFT) | top, CHUNK_SIZE - top);
        }
        if (vacantCount > 0) vacantCount--; else chunkCount++;
        table[index] = chunk;
        chunks = table;
        liveChunks++;
        bumpChunk = index;
        top = 0;
        if (!compactionDue) compactionDue = wasteful();
    }

    // ---- compaction: the owning index moves every small set, chunk by chunk --------------------------------

    /** Entries of the chunk table, released ones included: chunk indices are below this. */
    int chunkTableSize() {
        return chunkCount;
    }

    /**
     * Starts a compaction: forgets every free slot and the bump position, so that slots allocated from now on
     * ({@link #allocateFresh}) come from new chunks only, never from a chunk about to be released.
     */
    void beginCompaction() {
        Arrays.fill(freeHead, NONE);
        nonEmpty = 0;
        bumpChunk = -1;
        top = CHUNK_SIZE;
    }

    /**
     * During a compaction: a slot of class {@code cls} in a new chunk, for a set moved out of an old one.
     *
     * @throws OutOfMemoryError if a new chunk cannot be allocated; nothing changed then
     */
    int allocateFresh(int cls) {
        int len = slotLength(cls);
        int addr = bump(len);
        liveInts += len;
        return addr;
    }

    /** During a compaction: a set moved out of its slot of class {@code cls}; the slot is not reused. */
    void vacate(int cls) {
        liveInts -= slotLength(cls);
    }

    /**
     * During a compaction: chunk {@code index}, whose sets have all moved, leaves the table if it still holds
     * {@code old} (not a new chunk that took a vacant index); its index is reused by a later new chunk. An
     * iterator that still holds the array reads on undisturbed: the array is never reused.
     */
    void releaseChunk(int index, int[] old) {
        if (old == null || chunks[index] != old) return;
        chunks[index] = null;
        liveChunks--;
        vacant[vacantCount++] = index;
    }

    /** Forgets every slot. */
    void clear() {
        chunks = new int[4][];
        chunkCount = 0;
        liveChunks = 0;
        vacant = new int[4];
        vacantCount = 0;
        bumpChunk = -1;
        top = CHUNK_SIZE;
        Arrays.fill(freeHead, NONE);
        nonEmpty = 0;
        liveInts = 0;
        wasteFloor = CHUNK_SIZE;
        compactionDue = false;
    }

    long liveInts() {
        return liveInts;
    }

    /** Ints in chunks that are neither in a live slot nor in the unused rest of the bump chunk. */
    long freeInts() {
        long untouched = bumpChunk >= 0 ? CHUNK_SIZE - top : 0;
        return (long) liveChunks * CHUNK_SIZE - liveInts - untouched;
    }
}
