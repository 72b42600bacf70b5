package dev.junction;

import java.util.List;
import java.util.Set;

/**
 * The live {@link Set} of the entities linked to one owner ({@link Relation#rightsOf}, {@link Relation#leftsOf}),
 * with keyset pages in id order: the typed form of {@link dev.junction.query.Ranking#pageAfter} and
 * {@link dev.junction.query.Ranking#pageBefore}. A page is positioned by the last entity of the previous one, not
 * by an offset, so links added or removed between pages neither repeat nor skip the others. Id order is insertion
 * order of the other table while nothing was removed from it, and for good in a table declared
 * {@link IdPolicy#NEVER_REUSE}: then {@link #lastPage} is the newest first.
 *
 * <pre>{@code
 * List<Post> page = tagged.leftsOf(java).lastPage(20);              // the 20 newest posts of a tag
 * page = tagged.leftsOf(java).pageBefore(page.get(page.size() - 1), 20); // the 20 before them
 * }</pre>
 *
 * <p><b>Complexity</b> for an owner of degree {@code d}: a page is O(log d + limit) ascending and O(log d + limit)
 * descending on a committed sorted run (O(containers &middot; log d + limit) on a compressed bitmap), plus the key
 * lookup of the cursor; inside a transaction that changed the owner's links, a descending page iterates (O(d log
 * d)). <b>Consistency</b>: each page is read in one consistent read state (a commit racing it retries the read),
 * and sees the caller's own transaction. An owner that is not in its table has no links: its pages are empty.
 *
 * @param <T> the type of the linked entities
 */
public interface NeighborSet<T> extends Set<T> {

    /**
     * The first {@code limit} entities of this set, ascending by id.
     *
     * @throws IllegalArgumentException if {@code limit} is negative (naming the relation)
     */
    List<T> firstPage(int limit);

    /**
     * The first {@code limit} entities of this set whose ids are greater than the id of {@code after}, ascending;
     * {@code after} need not be linked (it may have been unlinked since the last page) but must be in its table.
     *
     * @throws NullPointerException if {@code after} (or its key) is null
     * @throws java.util.NoSuchElementException if {@code after} is not in its table (naming it and the table)
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    List<T> pageAfter(T after, int limit);

    /**
     * The last {@code limit} entities of this set, descending by id (the newest first under
     * {@link IdPolicy#NEVER_REUSE}).
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    List<T> lastPage(int limit);

    /**
     * The last {@code limit} entities of this set whose ids are smaller than the id of {@code before}, descending:
     * the page after {@link #lastPage} or a previous {@code pageBefore}. {@code before} need not be linked but must
     * be in its table.
     *
     * @throws NullPointerException if {@code before} (or its key) is null
     * @throws java.util.NoSuchElementException if {@code before} is not in its table (naming it and the table)
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    List<T> pageBefore(T before, int limit);
}
