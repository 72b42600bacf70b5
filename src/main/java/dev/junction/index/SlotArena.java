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
 *       int, and is reused first. The tail of a chunk too short for a request is cut into free slots.</li>
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

    SlotArena() {
        Arrays.fill(freeHead, NONE);
    }

    /** Ints a slot of class {@code cls} occupies: the size header and the ids. */
    static int slotLength(int cls) {
        return CAPACITY[cls] + 1;
    }

    /** Allocates a slot of class {@code cls} and returns its address. Changes nothing if it throws. */
    int allocate(int cls) {
        int head = freeHead[cls];
        if (head != NONE) {
            freeHead[cls] = chunks[head >>> CHUNK_SHIFT][head & CHUNK_MASK];
            return head;
        }
        int cap = slotLength(cls);
        if (top + cap > CHUNK_SIZE) {
            newChunk(); // may throw before any change
        }
        int addr = ((chunkCount - 1) << CHUNK_SHIFT) | top;
        top += cap;
        return addr;
    }

    /** Returns a slot of class {@code cls} to its free list. */
    void free(int addr, int cls) {
        chunks[addr >>> CHUNK_SHIFT][addr & CHUNK_MASK] = freeHead[cls];
        freeHead[cls] = addr;
    }

    private void newChunk() {
        int[] chunk = new int[CHUNK_SIZE];
        int[][] table = chunks;
        if (chunkCount == table.length) {
            if (chunkCount == (1 << (31 - CHUNK_SHIFT))) {
                throw new OutOfMemoryError("Junction arena is full: 2^31 ints in one side of a relation");
            }
            table = Arrays.copyOf(table, Math.min(table.length * 2, 1 << (31 - CHUNK_SHIFT)));
        }
        // Allocation done: from here on nothing can fail.
        if (chunkCount > 0) {
            recycleTail(chunkCount - 1, top);
        }
        table[chunkCount++] = chunk;
        chunks = table;
        top = 0;
    }

    /** Cuts the unused end of a chunk into free slots, largest classes first. */
    private void recycleTail(int chunk, int from) {
        int left = CHUNK_SIZE - from;
        for (int cls = CLASSES - 1; cls > 0 && left > 0; cls--) {
            int cap = slotLength(cls);
            while (left >= cap) {
                free((chunk << CHUNK_SHIFT) | from, cls);
                from += cap;
                left -= cap;
            }
        }
    }

    /** Forgets every slot. */
    void clear() {
        chunks = new int[4][];
        chunkCount = 0;
        top = CHUNK_SIZE;
        Arrays.fill(freeHead, NONE);
    }

    /** Bytes held by the chunks, for diagnostics. */
    long chunkBytes() {
        return (long) chunkCount * CHUNK_SIZE * Integer.BYTES;
    }
}
