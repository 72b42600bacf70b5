package dev.junction;

import java.util.Arrays;

/** A log of the entities a failing typed operation added to tables, rolled back in reverse order. */
final class Undo {
    private AbstractTable<?>[] tables = new AbstractTable<?>[2];
    private int[] ids = new int[2];
    private int n;

    /** Ensures room for one more record before the insertion it records happens. */
    void reserve() {
        if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
            tables = Arrays.copyOf(tables, n * 2);
        }
    }

    /** Records an insertion; {@link #reserve()} must have been called since the last record. */
    void inserted(AbstractTable<?> table, int id) {
        tables[n] = table;
        ids[n++] = id;
    }

    void rollback() {
        while (n > 0) {
            n--;
            tables[n].undoInsert(ids[n]);
            tables[n] = null;
        }
    }
}
