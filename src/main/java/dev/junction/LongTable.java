package dev.junction;

import java.util.NoSuchElementException;
import java.util.OptionalInt;

/**
 * A {@link Table} of primitive {@code long} keys (database ids, user ids), backed by an open-addressing
 * {@code long → int} map: the {@code long} methods here never box. It is a {@code Table<Long>} so that it can
 * be an end of a typed {@link Relation}; the {@code Long} methods inherited from {@link Table} unbox and
 * behave the same. Complexity, errors, thread-safety and transactions as for {@link Table}.
 */
public interface LongTable extends Table<Long> {

    /**
     * Adds {@code key} unless present, without boxing.
     *
     * @return the id of the new or present key
     * @throws IllegalStateException if all {@code Integer.MAX_VALUE} ids are in use
     */
    int add(long key);

    /**
     * The id of {@code key}, without boxing.
     *
     * @throws NoSuchElementException if {@code key} is not in the table
     */
    int idOf(long key);

    /**
     * The id of {@code key}, or empty if it is not in the table: {@link #idOf(long)} without the exception, in
     * one consistent read, without boxing the key. O(1) expected.
     */
    OptionalInt findId(long key);

    /**
     * The key stored under {@code id}, without boxing.
     *
     * @throws NoSuchElementException if {@code id} is not in use
     */
    long keyOf(int id);

    /** Tells whether {@code key} is in the table, without boxing. */
    boolean contains(long key);

    /**
     * Removes {@code key} with all its links in every relation of the engine that uses this table, then frees
     * its id.
     *
     * @return {@code true} if it was present
     */
    boolean remove(long key);
}
