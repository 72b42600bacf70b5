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
 * <p>Every method taking an entity ({@code add}, {@code put}, {@code replace}, {@code idOf}, {@code contains},
 * {@code remove}) applies the
 * key function to it and works by key; an exception thrown by the key function propagates and changes
 * nothing. The methods here that take a key skip the key function. Complexity, errors, thread-safety and transactions as for
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
     * Adds {@code entity}, or, if an entity with the same key is present, replaces that entity by it (an ORM's
     * merge of a changed row). A replacement keeps the id, and with it every link in every relation, every link
     * column value and every association row of the entity; only the object stored under the id changes (what
     * {@link #get}, {@link #byKey} and iteration return from then on, and what snapshots and the journal
     * record). Listeners hear {@link ChangeListener#replaced}; inside a transaction, a rollback restores the
     * previous object; other threads see the previous object or the new one, never anything in between. An
     * entity that is present is replaced even when it is the very object stored (so a changed object reaches
     * the journal); entities should be immutable, so that a change is always such a call. O(1) expected plus the
     * key function.
     *
     * @return the id of the entity: the one it replaced, or a new one
     * @throws NullPointerException if {@code entity} is null or the key function returns null
     * @throws UnsupportedOperationException if the table has no key function (entities are their own keys, so an
     *         equal entity is the same one: there is nothing to replace), as for a table of
     *         {@link Junction#table(String)}
     * @throws IllegalStateException if all {@code Integer.MAX_VALUE} ids are in use (only when adding)
     */
    int put(E entity);

    /**
     * Replaces the present entity with the same key as {@code entity} by {@code entity}, as {@link #put} does,
     * but requires it to be present (an ORM's update of a row that must exist). O(1) expected plus the key
     * function.
     *
     * @return the entity it replaced
     * @throws NullPointerException if {@code entity} is null or the key function returns null
     * @throws java.util.NoSuchElementException if no entity has that key (nothing changes; the message names the
     *         table and the key)
     * @throws UnsupportedOperationException if the table has no key function, as for {@link #put}
     */
    E replace(E entity);

    /**
     * Removes the entity with key {@code key}, as {@link #remove} does: all its links go too.
     *
     * @return {@code true} if it was present
     * @throws NullPointerException if {@code key} is null
     */
    boolean removeKey(K key);
}
