package dev.junction.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ConcurrentModificationException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arena's housekeeping: repacking must never change what any set holds, must keep working when it happens
 * between the two reservations of a link, and must actually happen after a shuffled bulk load.
 */
class ArenaCompactionTest {

    // The randomized tests drive an index and its reference model from one seeded source (a new instance per test).
    private final AdjacencyIndex index = new AdjacencyIndex();
    private final RelationModel model = new RelationModel(IntRelation.Kind.BIPARTITE);
    private long seed;
    private Random rnd;

    /** Seeds {@link #rnd}: with {@code defaultSeed}, or the one given by {@code -Djunction.fuzz.seed} to replay it. */
    private void seed(long defaultSeed) {
        seed = Long.getLong("junction.fuzz.seed", defaultSeed);
        rnd = new Random(seed);
    }

    /**
     * Links {@code (id, x)} in the index through its two steps ({@code prepare}, then {@code insertAt} at the rank
     * it returned) and in the model; returns whether the index found the pair already present.
     */
    private boolean linkInBoth(int id, int x) {
        int rank = index.prepare(id, x);
        if (rank == AdjacencyIndex.PRESENT) {
            return true;
        }
        index.insertAt(id, x, rank);
        model.link(id, x);
        return false;
    }

    /** Random links and unlinks over small sets, with a forced compaction every few hundred steps. */
    @Test
    void compactionPreservesEverySet() {
        seed(77L);
        int ops = Integer.getInteger("junction.fuzz.ops", 20000);
        for (int step = 0; step < ops; step++) {
            int id = rnd.nextInt(300);
            int x = rnd.nextInt(rnd.nextBoolean() ? 40 : 5000);
            if (rnd.nextInt(3) > 0) {
                boolean inModel = model.contains(id, x);
                assertEquals(inModel, linkInBoth(id, x), "seed=" + seed + " step=" + step);
            } else {
                assertEquals(model.unlink(id, x), index.remove(id, x), "seed=" + seed + " step=" + step);
            }
            if (step % 331 == 0) {
                index.compact();
            }
            if (step % 97 == 0 || step == ops - 1) {
                for (int e = 0; e < 300; e++) {
                    int[] expected = model.rightsOf(e).stream().mapToInt(Integer::intValue).toArray();
                    assertArrayEquals(expected, index.toArray(e), "seed=" + seed + " step=" + step + " id=" + e);
                    assertEquals(expected.length, index.degree(e), "seed=" + seed + " step=" + step + " id=" + e);
                }
            }
        }
    }

    /**
     * Compaction moves sets chunk by chunk and releases the old chunks; the freed chunk indices are taken by new
     * chunks, also during a later compaction (which must then not release the new chunk that took a vacant
     * index). Grow, shrink, grow again across several chunks, compacting at each turn, checking every set.
     */
    @Test
    void compactionReleasesOldChunksAndReusesTheirIndices() {
        seed(4711L);
        int entities = 20_000;
        for (int phase = 0; phase < 4; phase++) {
            boolean grow = phase % 2 == 0;
            for (int step = 0; step < 160_000; step++) {
                int id = rnd.nextInt(entities);
                int x = rnd.nextInt(grow ? 100_000 : 40);
                if (grow || rnd.nextInt(8) == 0) {
                    linkInBoth(id, x);
                } else {
                    for (int y : model.rightsOf(id).toArray(new Integer[0])) {
                        if (rnd.nextInt(4) > 0) {
                            assertTrue(index.remove(id, y));
                            model.unlink(id, y);
                        }
                    }
                }
            }
            index.compact();
            long live = index.arenaLiveInts();
            long free = index.arenaFreeInts();
            final int p = phase;
            assertTrue(free <= live / 8 + SlotArena.CHUNK_SIZE, () -> "seed=" + seed + " phase=" + p + " free " + free
                    + " live " + live);
            for (int e = 0; e < entities; e++) {
                int[] expected = model.rightsOf(e).stream().mapToInt(Integer::intValue).toArray();
                final int id = e;
                assertArrayEquals(expected, index.toArray(e), () -> "seed=" + seed + " phase=" + p + " id=" + id);
            }
        }
    }

    /** A symmetric link prepares one index twice; a compaction triggered by the second must keep the first. */
    @Test
    void compactionBetweenTwoReservationsKeepsTheFirst() {
        for (int i = 0; i < 7; i++) {
            index.insertAt(1, i, index.prepare(1, i));
        }
        int rank1 = index.prepare(1, 100); // room for one more in 1's slot
        index.compact(); // what the second preparation of a symmetric link may do
        int rank100 = index.prepare(100, 1);
        index.insertAt(1, 100, rank1);
        index.insertAt(100, 1, rank100);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 100}, index.toArray(1));
        assertArrayEquals(new int[] {1}, index.toArray(100));
    }

    /** Compaction moves slots; an iterator that was open keeps reading what was there, and fails once it changes. */
    @Test
    void openIteratorsSurviveCompactionAndStillFailFast() {
        IntRelation rel = IntRelation.bipartite("c");
        for (int r = 0; r < 10; r++) rel.link(5, r);
        IntIterator it = rel.rightsOf(5).iterator();
        assertEquals(0, it.nextInt());
        ((BipartiteRelation) rel).byLeft().compact();
        assertEquals(1, it.nextInt());
        rel.link(5, 99);
        assertThrows(ConcurrentModificationException.class, it::nextInt);
    }

    /** Sets that all grow together leave outgrown slots behind; the arena must repack itself. */
    @Test
    void shuffledBulkLoadDoesNotLeaveTheArenaHalfEmpty() {
        IntRelation rel = IntRelation.bipartite("bulk");
        Random rnd = new Random(5);
        int lefts = 30_000;
        int[] order = new int[lefts * 12];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int k : order) rel.link(k % lefts, k / lefts * 7919 % 50_000);
        AdjacencyIndex byLeft = ((BipartiteRelation) rel).byLeft();
        long live = byLeft.arenaLiveInts();
        long free = byLeft.arenaFreeInts();
        assertTrue(free <= live / 4 + SlotArena.CHUNK_SIZE, "free " + free + " live " + live);
        assertEquals(order.length, rel.size());
    }
}
