package dev.junction;

import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link Table} of objects identified by a key function, as an ORM identifies rows by primary key: two
 * objects with equal keys are the same entity, whatever their other fields. The key is computed once, when the
 * entity is added, and stored; the key function must not return {@code null}, and an entity's key should not
 * change while it is in the table (a changed key is only seen by lookups that pass the object again).
 *
 * <p>Every method taking an entity ({@code add}, {@code idOf}, {@code contains}, {@code remove}) applies the
 * key function to it and works by key; an exception thrown by the key function propagates and changes
 * nothing. The methods here skip the key function. Complexity, errors, thread-safety and transactions as for
 * {@link Table}.
 *
 * @param <E> the entity type
 * @param <K> the key type
 */
public interface KeyedTable<E, K> extends Table<E> {

    /**
     * The key of {@code entity}, as the key function computes it.
     *
     * @throws NullPointerException if {@code entity} is null or the key function returns null
     */
    K keyOf(E entity);

    /**
     * The stored entity with key {@code key}, in O(1) expected.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws NoSuchElementException if no entity has that key
     */
    E byKey(K key);

    /**
     * The stored entity with key {@code key}, or empty if there is none (a repository's {@code findById}):
     * {@link #byKey} without the exception, in one consistent read. O(1) expected.
     *
     * @throws NullPointerException if {@code key} is null
     */
    Optional<E> findByKey(K key);

    /**
     * The id of the entity with key {@code key}, or empty if there is none: {@link #idOfKey} without the
     * exception, in one consistent read. O(1) expected.
     *
     * @throws NullPointerException if {@code key} is null
     */
    OptionalInt findIdOfKey(K key);

    /**
     * The id of the entity with key {@code key}, in O(1) expected.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws NoSuchElementException if no entity has that key
     */
    int idOfKey(K key);

    /**
     * Tells whether an entity has key {@code key}, in O(1) expected.
     *
     * @throws NullPointerException if {@code key} is null
     */
    boolean containsKey(K key);

    /**
     * Removes the entity with key {@code key}, as {@link #remove} does: all its links go too.
     *
     * @return {@code true} if it was present
     * @throws NullPointerException if {@code key} is null
     */
    boolean removeKey(K key);
}
