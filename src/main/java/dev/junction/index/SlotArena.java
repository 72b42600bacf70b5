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
 *   <li><b>Compaction.</b> Sets that grow side by side (a shuffled bulk load) outgrow their slots together, and
 *       no later request fits the outgrown ones: a third of the arena can end up free. The arena counts its
 *       free ints; when they pass a quarter of the live ones, the owning {@link AdjacencyIndex} copies every
 *       set into a fresh arena, in id order ({@link #packed}). Each compaction follows Θ(live) growth, so
 *       its cost is amortized O(1) per change.</li>
 *   <li><b>Failure.</b> {@link #allocate} may throw {@link OutOfMemoryError} only before it changes anything.</li>
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
    private int chunkCount;
    private int top = CHUNK_SIZE; // bump offset in the newest chunk; CHUNK_SIZE means "no room"
    private final int[] freeHead = new int[CLASSES];
    /** Bit c set when class c has a free slot. */
    private long nonEmpty;
    /** Ints in slots handed out and not freed, headers included. */
    private long liveInts;
    /** Ints on the free lists. */
    private long freeInts;
    /** Free ints above which {@link #wasteful()} says so; raised when a compaction could not allocate. */
    private long wasteFloor = CHUNK_SIZE;

    SlotArena() {
        Arrays.fill(freeHead, NONE);
    }

    /**
     * An empty arena whose first {@code chunkCount} chunks are allocated up front, so that slots adding up to
     * that many chunks of sequential layout can then be allocated without any allocation failing.
     *
     * @throws OutOfMemoryError with no side effect
     */
    static SlotArena packed(int chunkCount) {
        SlotArena a = new SlotArena();
        int[][] table = new int[Math.max(4, chunkCount)][];
        for (int i = 0; i < chunkCount; i++) table[i] = new int[CHUNK_SIZE];
        a.chunks = table;
        return a;
    }

    /** Chunks that slots of these lengths need when laid out one after another: see {@link #packed}. */
    static final class Layout {
        int chunks;
        private int top = CHUNK_SIZE;

        void add(int cls) {
            int len = slotLength(cls);
            if (top + len > CHUNK_SIZE) {
                chunks++;
                top = 0;
            }
            top += len;
        }
    }

    /** Whether enough of the arena is free that compacting it pays. O(1). */
    boolean wasteful() {
        return freeInts > wasteFloor && freeInts > liveInts >> 2;
    }

    /** After a compaction failed for want of memory: wait for twice the waste before trying again. */
    void postponeCompaction() {
        wasteFloor = Math.max(wasteFloor, freeInts * 2);
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
                if (top + len > CHUNK_SIZE) {
                    newChunk(); // may throw before any change
                }
                addr = ((chunkCount - 1) << CHUNK_SHIFT) | top;
                top += len;
            }
        }
        liveInts += len;
        return addr;
    }

    private int pop(int cls) {
        int head = freeHead[cls];
        int next = chunks[head >>> CHUNK_SHIFT][head & CHUNK_MASK];
        freeHead[cls] = next;
        if (next == NONE) nonEmpty &= ~(1L << cls);
        freeInts -= slotLength(cls);
        return head;
    }

    /** Returns a slot of class {@code cls}, handed out by {@link #allocate}, to its free list. */
    void free(int addr, int cls) {
        liveInts -= slotLength(cls);
        push(addr, cls);
    }

    private void push(int addr, int cls) {
        chunks[addr >>> CHUNK_SHIFT][addr & CHUNK_MASK] = freeHead[cls];
        freeHead[cls] = addr;
        nonEmpty |= 1L << cls;
        freeInts += slotLength(cls);
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
        int[][] table = chunks;
        int[] chunk = chunkCount < table.length && table[chunkCount] != null ? table[chunkCount] : new int[CHUNK_SIZE];
        if (chunkCount == table.length) {
            if (chunkCount == (1 << (31 - CHUNK_SHIFT))) {
                throw new OutOfMemoryError("Junction arena is full: 2^31 ints in one side of a relation");
            }
            table = Arrays.copyOf(table, Math.min(table.length * 2, 1 << (31 - CHUNK_SHIFT)));
        }
        // Allocation done: from here on nothing can fail.
        if (chunkCount > 0) {
            carve(((chunkCount - 1) << CHUNK_SHIFT) | top, CHUNK_SIZE - top);
        }
        table[chunkCount++] = chunk;
        chunks = table;
        top = 0;
    }

    /** Forgets every slot. */
    void clear() {
        chunks = new int[4][];
        chunkCount = 0;
        top = CHUNK_SIZE;
        Arrays.fill(freeHead, NONE);
        nonEmpty = 0;
        liveInts = 0;
        freeInts = 0;
        wasteFloor = CHUNK_SIZE;
    }

    long liveInts() {
        return liveInts;
    }

    long freeInts() {
        return freeInts;
    }
}
