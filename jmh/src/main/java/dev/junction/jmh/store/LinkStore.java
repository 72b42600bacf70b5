package dev.junction.jmh.store;

/**
 * The one small adapter every benchmarked implementation sits behind, so that each benchmark runs the same
 * workload, with the same ids, on every implementation.
 *
 * <p>Left ids and right ids are separate, dense, non-negative int spaces. Lookups return the sum of the neighbour
 * ids so that every neighbour is actually visited and the result can be consumed (and compared across
 * implementations). Stores that cannot change ({@link #supportsUpdates()} false) throw
 * {@link UnsupportedOperationException} from the mutators.
 */
public interface LinkStore extends AutoCloseable {

    /** The implementation's short name, as used in tables ({@code junction}, {@code sqlite}, ...). */
    String name();

    /** Adds the pair; {@code true} if it was new. */
    boolean link(int left, int right);

    /** Removes the pair; {@code true} if it was present. */
    boolean unlink(int left, int right);

    /** Whether the pair is present. */
    boolean contains(int left, int right);

    /** Sum of the rights linked to {@code left} (0 if none), visiting every one. */
    long sumRights(int left);

    /** Sum of the lefts linked to {@code right} (0 if none), visiting every one. */
    long sumLefts(int right);

    /** Removes {@code left} with all its links, from both sides; returns the number of links removed. */
    int removeLeft(int left);

    /**
     * Loads the given links (parallel arrays, no duplicates, in the given order) into an empty store, as fast as
     * the implementation allows (SQL: one batched transaction).
     */
    void bulkLoad(int[] lefts, int[] rights);

    /** Whether link/unlink/removeLeft are supported. */
    default boolean supportsUpdates() {
        return true;
    }

    /** Releases resources (database connections); the store must not be used afterwards. */
    @Override
    default void close() {
    }
}
