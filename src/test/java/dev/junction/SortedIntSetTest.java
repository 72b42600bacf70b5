package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.unimi.dsi.fastutil.ints.IntIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link SortedIntSet} against {@link TreeSet} under seeded random adds and removes, small (the array) and past
 * {@link SortedIntSet#TREE_AT} (the tree): membership, size and ascending iteration from any point.
 */
class SortedIntSetTest {

    @Test
    void behavesAsASortedSetSmallAndLarge() {
        long seed = Long.getLong("junction.sortedintset.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 40; round++) {
            SortedIntSet set = new SortedIntSet();
            TreeSet<Integer> model = new TreeSet<>();
            int range = round % 2 == 0 ? 64 : 4 * SortedIntSet.TREE_AT;
            int ops = round % 2 == 0 ? 300 : 6 * SortedIntSet.TREE_AT;
            for (int op = 0; op < ops; op++) {
                int x = rnd.nextInt(range);
                String where = "seed " + seed + " round " + round + " op " + op + " x " + x;
                if (rnd.nextInt(4) == 0) {
                    assertEquals(model.remove(x), set.remove(x), where + ": remove");
                } else {
                    assertEquals(model.add(x), set.add(x), where + ": add");
                }
                assertEquals(model.contains(x), set.contains(x), where + ": contains");
                assertEquals(model.size(), set.size(), where + ": size");
                if (op % 50 == 0) {
                    int from = rnd.nextInt(range + 2) - 1;
                    assertEquals(new ArrayList<>(model.tailSet(from, true)), list(set.iteratorFrom(from)),
                            where + ": iteration from " + from);
                }
            }
        }
    }

    private static List<Integer> list(IntIterator it) {
        List<Integer> out = new ArrayList<>();
        while (it.hasNext()) out.add(it.nextInt());
        return out;
    }
}
