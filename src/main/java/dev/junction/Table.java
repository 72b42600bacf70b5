package dev.junction;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A table of entities, each identified by a key and given a dense, non-negative {@code int} id that the
 * relations of its {@link Junction} use as a row number.
 *
 * <p>Created by {@link Junction#table(String)} (entities are their own keys, compared with
 * {@code equals}/{@code hashCode}), {@link Junction#table(String, java.util.function.Function)} (a
 * {@link KeyedTable}: objects identified by a key function) or {@link Junction#longTable(String)} (a
 * {@link LongTable}: primitive {@code long} keys).
 *
 * <h2>Ids</h2>
 * {@link #add} hands out the lowest never-used id, or the id most recently freed by {@link #remove} if one is
 * free (a LIFO free list). Iteration is in <strong>ascending id order</strong>, which equals insertion order
 * as long as nothing was removed. After a removal, the freed id is reused by the next {@code add}. A table
 * declared with {@link IdPolicy#NEVER_REUSE} never reuses an id: id order is creation order for good.
 *
 * <h2>Deleting an entity</h2>
 * {@link #remove} deletes every link of the entity in every relation of the engine that uses this table, on
 * both sides (in a directed self-relation, the links it starts and the links that point to it), then frees
 * its id. No relation can show a removed entity afterwards.
 *
 * <h2>Errors</h2>
 * A {@code null} entity throws {@link NullPointerException}; a missing entity where there is no sensible
 * answer ({@link #idOf}, {@link #get}) throws {@link NoSuchElementException}. Messages name the value and the
 * table. A method that throws leaves the table and every relation exactly as they were.
 *
 * <h2>Complexity</h2>
 * {@code add}, {@code idOf}, {@code contains} and {@code get} cost O(1) expected (one hash lookup plus the key
 * function, if any); {@code remove} costs the entity's degree summed over the relations that use the table;
 * a full iteration costs O(highest id in use).
 *
 * <h2>Thread-safety and transactions</h2>
 * Thread-safe, with the engine's guarantees (see {@link Junction}): adding and removing entities take part in
 * the thread's open {@link Transaction} (or are one of their own); an id freed by a removal is reused only after
 * the removal commits. Iterators fail fast on a commit that changes the table.
 *
 * @param <E> the entity type
 */
public interface Table<E> extends Iterable<E> {

    /** The name given at creation; unique within the engine. */
    String name();

    /** The engine that created this table. */
    Junction junction();

    /** How this table hands out ids after removals, as declared ({@link IdPolicy#REUSE_FREED} by default). */
    IdPolicy idPolicy();

    /**
     * Adds {@code entity} unless an entity with an equal key is present.
     *
     * @return the id of the new entity, or the id of the present one (which is kept, not replaced: to replace
     *         it, keeping its id and links, see {@link KeyedTable#put})
     * @throws NullPointerException if {@code entity} (or its key) is null
     * @throws IllegalStateException if all {@code Integer.MAX_VALUE} ids are in use
     */
    int add(E entity);

    /**
     * The id of the entity with the same key as {@code entity}.
     *
     * @throws NullPointerException if {@code entity} (or its key) is null
     * @throws NoSuchElementException if no such entity is in the table
     */
    int idOf(E entity);

    /**
     * The entity stored under {@code id}.
     *
     * @throws NoSuchElementException if {@code id} is not in use (negative, never handed out, or freed)
     */
    E get(int id);

    /**
     * The id of the entity with the same key as {@code entity}, or empty if there is none: {@link #idOf} without
     * the exception, in one consistent read (not a {@link #contains} then an {@link #idOf}, between which a commit
     * could fall). O(1) expected.
     *
     * @throws NullPointerException if {@code entity} (or its key) is null
     */
    OptionalInt findId(E entity);

    /** Tells whether {@code id} is in use, in O(1). Never throws. */
    boolean containsId(int id);

    /**
     * Tells whether an entity with the same key as {@code entity} is in the table.
     *
     * @throws NullPointerException if {@code entity} (or its key) is null
     */
    boolean contains(E entity);

    /**
     * Removes the entity with the same key as {@code entity}, with all its links in every relation of the
     * engine that uses this table, then frees its id for reuse.
     *
     * @return {@code true} if the entity was present, {@code false} if not (nothing changes)
     * @throws NullPointerException if {@code entity} (or its key) is null
     */
    boolean remove(E entity);

    /** The number of entities, in O(1). */
    int size();

    /**
     * The ids of the entities, ascending, as a new array: one consistent state (this thread's transaction, or the
     * committed state). O(size + highest id / 64).
     */
    int[] ids();

    /**
     * The entities in ascending id order, as a sequential {@link Stream} over a copy taken when this is called, in
     * one consistent state (this thread's transaction, or the committed state): later changes do not affect it,
     * and it never throws {@link java.util.ConcurrentModificationException}. O(size + highest id / 64) to take the
     * copy, which holds one reference per entity.
     */
    Stream<E> stream();

    /**
     * Iterates over the entities in ascending id order. The iterator's {@code remove} removes the entity as
     * {@link #remove} does (links included). Fail-fast: if the table gains or loses an entity by other means
     * while iterating, the next call throws {@link java.util.ConcurrentModificationException}.
     */
    @Override
    Iterator<E> iterator();
}
