package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The column store and its transaction overlay on their own: sparse defaults, slot reuse, void and unvoid (what
 * undoing a failed operation relies on), and publication against a map model.
 */
class ColumnStoreTest {

    private static ColumnStore store() {
        return store(false);
    }

    private static ColumnStore store(boolean dense) {
        ColumnStore.Schema schema = new ColumnStore.Schema();
        ColumnStore cs = new ColumnStore(schema, dense);
        cs.declare("test", "l", ColumnStore.LONG, 7, 0, 0, false, null, null);
        cs.declare("test", "b", ColumnStore.BOOLEAN, 0, 0, 0, true, null, null);
        cs.declare("test", "o", ColumnStore.OBJECT, 0, 0, 0, false, "d", String.class);
        return cs;
    }

    private static long valueOf(ColumnStore.Overlay o, long key) {
        ColumnStore cs = o.storeOf(key);
        return cs == null ? 7 : cs.longs[0][cs.slot(key)];
    }

    @Test
    void droppedSlotsAreReusedWithTheirDefaults() {
        ColumnStore cs = store();
        int s = cs.slotForWrite(1L);
        cs.longs[0][s] = 99;
        cs.setBool(0, s, false);
        cs.objects[0][s] = "x";
        cs.drop(1L);
        assertEquals(-1, cs.slot(1L));
        int again = cs.slotForWrite(2L);
        assertEquals(s, again, "a freed slot is reused");
        assertEquals(7, cs.longs[0][again]);
        assertTrue(cs.getBool(0, again));
        assertEquals("d", cs.objects[0][again]);
        for (long k = 3; k < 200; k++) cs.slotForWrite(k); // grows past the first capacity
        assertEquals(198, cs.size());
        assertTrue(cs.getBool(0, cs.slot(150L)));
    }

    @Test
    void unvoidRestoresWhatVoidTookAway() {
        ColumnStore base = store();
        int s0 = base.slotForWrite(1L);
        base.longs[0][s0] = 11;
        ColumnStore.Overlay o = new ColumnStore.Overlay(base);
        // a committed value changed in the overlay, then voided, then unvoided
        int s1 = o.slotForWrite(1L); // before reading the array: it may grow
        o.own.longs[0][s1] = 12;
        Object[] saved = o.voidKey(1L);
        assertNull(o.storeOf(1L));
        o.unvoid(1L, saved);
        assertEquals(12, valueOf(o, 1L));
        // a committed value voided without an overlay slot: unvoid shows the committed value again
        int s2 = base.slotForWrite(2L);
        base.longs[0][s2] = 21;
        saved = o.voidKey(2L);
        assertEquals(7, valueOf(o, 2L));
        o.unvoid(2L, saved);
        assertSame(base, o.storeOf(2L));
        assertEquals(21, valueOf(o, 2L));
        // voided twice: undoing the second void keeps the first
        Object[] first = o.voidKey(3L);
        Object[] second = o.voidKey(3L);
        o.unvoid(3L, second);
        assertTrue(o.voided.contains(3L));
        o.unvoid(3L, first);
        assertFalse(o.voided.contains(3L));
    }

    @ParameterizedTest(name = "dense={0}")
    @ValueSource(booleans = {false, true})
    void publishMatchesAMapModel(boolean dense) {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        ColumnStore base = store(dense);
        Map<Long, Long> model = new HashMap<>();
        for (int round = 0; round < 200; round++) {
            ColumnStore.Overlay o = new ColumnStore.Overlay(base);
            Map<Long, Long> next = new HashMap<>(model);
            for (int i = 0; i < 20; i++) {
                long key = rnd.nextInt(40);
                if (rnd.nextInt(3) == 0) {
                    o.voidKey(key);
                    next.remove(key);
                } else {
                    long v = rnd.nextInt(1000);
                    int s = o.slotForWrite(key);
                    o.own.longs[0][s] = v;
                    next.put(key, v);
                }
                for (long k = 0; k < 40; k++) {
                    assertEquals(next.getOrDefault(k, 7L), valueOf(o, k), "seed " + seed + " in overlay, key " + k);
                }
            }
            if (rnd.nextBoolean()) {
                long[] made = base.publishAllocate(o);
                if (rnd.nextInt(4) == 0) {
                    base.undoPublishAllocate(o, made); // a later step failed: nothing published
                } else {
                    base.publishWrite(o);
                    model = next;
                }
            }
            for (long k = 0; k < 45; k++) {
                int s = base.slot(k);
                long v = s < 0 ? 7 : base.longs[0][s];
                long expected = model.getOrDefault(k, 7L);
                assertEquals(expected, v, "seed " + seed + " round " + round + " key " + k);
            }
        }
    }
}
