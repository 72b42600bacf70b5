package dev.junction;

/**
 * A consistent view of a {@link Junction} for reads that need several calls to agree (walking two hops,
 * iterating a collection while looking up its elements): from {@link Junction#readView()} until
 * {@link #close()}, every read on this thread sees the same committed state, and iterators do not fail
 * because of commits. Commits of other threads wait meanwhile (up to their lock timeout), so keep views short.
 *
 * <p>A view belongs to the thread that opened it; it must be closed on that thread, and that thread must not
 * write while it is open (it would wait for itself): such a write throws {@link IllegalStateException}. Views
 * may nest. Reads outside a view are consistent call by call without one.
 *
 * <pre>{@code
 * try (ReadView v = db.readView()) {
 *     for (Book b : wrote.rightsOf(alice)) coAuthors.addAll(wrote.leftsOf(b));
 * }
 * }</pre>
 */
public interface ReadView extends AutoCloseable {

    /**
     * Ends the view and lets commits proceed. A second call does nothing.
     *
     * @throws IllegalStateException if called from another thread than the one that opened the view
     */
    @Override
    void close();
}
