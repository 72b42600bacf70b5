package dev.junction;

import java.util.AbstractSet;
import java.util.List;

/**
 * The four keyset pages of a {@link NeighborSet}, in terms of one {@link #page}: a relation's live set
 * ({@link RelatedSet}) and an association table's proxy set over it.
 *
 * @param <T> the type of the entities in the set
 */
abstract class PagedNeighborSet<T> extends AbstractSet<T> implements NeighborSet<T> {

    /**
     * A page of up to {@code limit} entities, ascending after {@code cursor} (descending: before it) if
     * {@code hasCursor}, else from the start (descending: from the end); one consistent read.
     */
    abstract List<T> page(Object cursor, boolean hasCursor, int limit, boolean descending);

    @Override
    public final List<T> firstPage(int limit) {
        return page(null, false, limit, false);
    }

    @Override
    public final List<T> pageAfter(T after, int limit) {
        return page(after, true, limit, false);
    }

    @Override
    public final List<T> lastPage(int limit) {
        return page(null, false, limit, true);
    }

    @Override
    public final List<T> pageBefore(T before, int limit) {
        return page(before, true, limit, true);
    }
}
