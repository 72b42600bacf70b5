package dev.junction.index;

import java.util.function.IntConsumer;

/**
 * A many-to-many relation between int ids: an association table with a composite primary key
 * {@code (left, right)}, held in memory as a bidirectional index.
 *
 * <p>This is the primitive, hot-path layer of Junction. Ids are non-negative ints chosen by the caller (the
 * typed layer, {@code dev.junction.Junction}, hands out dense ids for keys and objects). Every change updates
 * the adjacency sets of both sides in the same call: there is no moment, and no failure path (an exception,
 * an {@link OutOfMemoryError} while a set grows), where one side shows a link that the other does not. A
 * method that throws leaves the relation exactly as it was.
 *
 * <h2>Kinds</h2>
 * <ul>
 *   <li>{@link Kind#BIPARTITE}: two id spaces, as {@code authors ⇄ books}.</li>
 *   <li>{@link Kind#DIRECTED}: one id space at both ends, as {@code users → followed users}; {@code link(a, b)}
 *       does not make {@code b} linked to {@code a}. {@link #rightsOf(int)} are the entities {@code a} points to,
 *       {@link #leftsOf(int)} the entities that point to it.</li>
 *   <li>{@link Kind#SYMMETRIC}: one id space, as friendship: {@code link(a, b)} and {@code link(b, a)} are the
 *       same link, {@code rightsOf(a)} and {@code leftsOf(a)} are the same set, and one link counts once in
 *       {@link #size()}. A self-link {@code link(a, a)} is allowed and counts once.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * A relation is a set of pairs. {@link #link(int, int)} of a present pair is a no-op returning {@code false};
 * {@link #unlink(int, int)} of an absent pair returns {@code false} and never throws. Neighbour sets iterate
 * in ascending id order.
 *
 * <h2>Complexity</h2>
 * For an entity of degree {@code d}: {@code link}, {@code unlink} and {@code contains} cost O(log d) plus a
 * shift of at most 4096 elements, whatever {@code d} is (small sets are sorted runs, large ones compressed
 * bitmaps); degrees and {@link #size()} are O(1); iteration is O(d). No operation costs time linear in a
 * degree except those that iterate, remove or replace a whole set. Two kinds of housekeeping are amortized
 * O(1) per change but cost more when they happen: growing the per-entity table (a copy, O(entities)), and
 * repacking a side's storage when a quarter of it has become free (a copy, O(links)).
 *
 * <h2>Memory</h2>
 * About 10–11 bytes per link, both sides counted, on a skewed workload of 1M–10M links (measured with JOL) and
 * 10.3 at a billion links (heap after full GCs), with no object per entity or per link. Memory does not grow with the largest id when ids are sparse: ids from a
 * dense range are array-indexed, and an id far beyond the others (2,000,000,000, say) costs one hash entry.
 *
 * <h2>Errors</h2>
 * A negative id throws {@link IllegalArgumentException}; a {@code null} argument throws
 * {@link NullPointerException}. Both name the value and the relation, and change nothing.
 *
 * <h2>Thread-safety</h2>
 * The relations made by the factories here ({@link #bipartite}, {@link #directed}, {@link #symmetric}) are the
 * raw, single-threaded index: confine one to a thread, or guard every access, reads included, with one lock.
 * The {@code IntRelation} of an engine's relation ({@code dev.junction.Relation#ints()}) is thread-safe and
 * transactional: its reads are validated against commits and its writes take part in the engine's transactions.
 * Measured against the raw index on one thread (README, "Concurrent reads": paired single-fork runs, medians of
 * the pairs' ratios), a thread-safe read costs 1.14× ({@code contains}), 1.34× ({@code degreeOfLeft}) and about
 * 1.7× ({@code forEachRight}, {@code forEachLeft}, which hand over a validated copy) the raw index's time; reads
 * allocate nothing and scale with reader threads.
 */
public interface IntRelation {

    /** The shape of a relation: which id spaces its two ends use, and whether links have a direction. */
    enum Kind {
        /** Two id spaces, left and right. */
        BIPARTITE,
        /** One id space at both ends; links have a direction (left points to right). */
        DIRECTED,
        /** One id space at both ends; links have no direction. */
        SYMMETRIC
    }

    /**
     * Creates an empty relation between two id spaces.
     *
     * @param name the name used in exception messages, e.g. {@code "author_books"}
     * @throws NullPointerException if {@code name} is null
     */
    static IntRelation bipartite(String name) {
        return new BipartiteRelation(name, Kind.BIPARTITE);
    }

    /**
     * Creates an empty directed relation over one id space (users follow users).
     *
     * @param name the name used in exception messages
     * @throws NullPointerException if {@code name} is null
     */
    static IntRelation directed(String name) {
        return new BipartiteRelation(name, Kind.DIRECTED);
    }

    /**
     * Creates an empty symmetric relation over one id space (friendship).
     *
     * @param name the name used in exception messages
     * @throws NullPointerException if {@code name} is null
     */
    static IntRelation symmetric(String name) {
        return new SymmetricRelation(name);
    }

    /** The name given at creation, used in exception messages. */
    String name();

    /** The kind given at creation. */
    Kind kind();

    /**
     * Links {@code left} to {@code right} on both sides.
     *
     * @return {@code true} if the link is new, {@code false} if it was already present (nothing changes)
     * @throws IllegalArgumentException if an id is negative
     * @throws OutOfMemoryError if a set cannot grow; the relation is then unchanged
     */
    boolean link(int left, int right);

    /**
     * Links every pair {@code (lefts[i], rights[i])}: a bulk load, as when a relation is read from its SQL
     * table at start-up. Pairs already present, and repeated pairs, count once and change nothing. Much faster
     * than one {@link #link} per pair: the pairs are radix-sorted by each side and merged into each entity's set
     * in one pass, O(n) plus the merged sets' sizes. All or nothing: if it throws, the relation is unchanged.
     * Neither array is changed or kept.
     *
     * <p><b>Streamed loads.</b> A call needs up to about 40 bytes per pair of its own (sort buffers) on top of the relation while it
     * runs, and nothing after it returns. So a load too large to hold whole (a billion links) goes in chunks,
     * one call per chunk of a few million pairs read into reused buffers: the peak heap is then the relation
     * plus one chunk's working space, whatever the total (measured: a billion links in chunks of four million,
     * 10.3 bytes per link retained, at most 13.0 at any garbage collection, in a 14 GiB heap). Each call is all
     * or nothing on its own; for a whole load that must be, build it into a new relation and
     * {@link #swapContents} it in.
     *
     * @return the number of new links
     * @throws IllegalArgumentException if the arrays differ in length or an id is negative
     * @throws NullPointerException if an array is null
     * @throws OutOfMemoryError if the sets cannot grow; the relation is then unchanged
     */
    long linkAll(int[] lefts, int[] rights);

    /**
     * Removes the link between {@code left} and {@code right} from both sides.
     *
     * @return {@code true} if the link was present, {@code false} if not (nothing changes)
     * @throws IllegalArgumentException if an id is negative
     */
    boolean unlink(int left, int right);

    /**
     * Tells whether {@code left} is linked to {@code right}, in O(log d) without allocating.
     *
     * @throws IllegalArgumentException if an id is negative
     */
    boolean contains(int left, int right);

    /**
     * The rights linked to {@code left}, as a live, read-only view in ascending id order.
     *
     * @throws IllegalArgumentException if {@code left} is negative
     */
    IntNeighborSet rightsOf(int left);

    /**
     * The lefts linked to {@code right}, as a live, read-only view in ascending id order.
     *
     * @throws IllegalArgumentException if {@code right} is negative
     */
    IntNeighborSet leftsOf(int right);

    /**
     * Copies the rights linked to {@code left}, ascending, to the start of {@code dest} if they fit, without
     * allocating: the same as {@code rightsOf(left).copyTo(dest)} without the view. O(degree) when it copies,
     * O(1) when the set does not fit. On an engine relation's {@code ints()} the copy is consistent (one
     * committed state, or the calling thread's transaction).
     *
     * @return the degree of {@code left}; if it is greater than {@code dest.length}, nothing was copied
     * @throws IllegalArgumentException if {@code left} is negative
     * @throws NullPointerException if {@code dest} is null
     */
    default int copyRightsTo(int left, int[] dest) {
        return rightsOf(left).copyTo(dest);
    }

    /**
     * Copies the lefts linked to {@code right}, ascending, to the start of {@code dest} if they fit, without
     * allocating; see {@link #copyRightsTo(int, int[])}.
     *
     * @return the degree of {@code right}; if it is greater than {@code dest.length}, nothing was copied
     * @throws IllegalArgumentException if {@code right} is negative
     * @throws NullPointerException if {@code dest} is null
     */
    default int copyLeftsTo(int right, int[] dest) {
        return leftsOf(right).copyTo(dest);
    }

    /**
     * Calls {@code action} with each right linked to {@code left}, in ascending order, without allocating.
     * The action must not change this relation.
     *
     * @throws IllegalArgumentException if {@code left} is negative
     * @throws NullPointerException if {@code action} is null
     * @throws java.util.ConcurrentModificationException if the action changes the links of {@code left} (the raw
     *         index; an engine relation's thread-safe {@code ints()} walks a consistent copy instead)
     */
    void forEachRight(int left, IntConsumer action);

    /**
     * Calls {@code action} with each left linked to {@code right}, in ascending order, without allocating.
     *
     * @throws IllegalArgumentException if {@code right} is negative
     * @throws NullPointerException if {@code action} is null
     * @throws java.util.ConcurrentModificationException if the action changes the links of {@code right} (the
     *         raw index; an engine relation's {@code ints()} walks a consistent copy instead)
     */
    void forEachLeft(int right, IntConsumer action);

    /**
     * The number of rights linked to {@code left}, in O(1).
     *
     * @throws IllegalArgumentException if {@code left} is negative
     */
    int degreeOfLeft(int left);

    /**
     * The number of lefts linked to {@code right}, in O(1).
     *
     * @throws IllegalArgumentException if {@code right} is negative
     */
    int degreeOfRight(int right);

    /** The number of links, in O(1). A symmetric link counts once. */
    long size();

    /**
     * Calls {@code action} once per link, grouped by left id: lefts in the direct id range come in ascending
     * order, then sparse lefts in the order they were first linked; rights ascend within a left. A
     * {@link Kind#SYMMETRIC} link is reported once, as {@code (min, max)}. O(links + entities). The action must
     * not change this relation.
     *
     * @throws NullPointerException if {@code action} is null
     * @throws java.util.ConcurrentModificationException if the action changes this relation
     */
    void forEachLink(LinkConsumer action);

    /**
     * Removes every link of {@code left}, from both sides, as SQL deletes the association rows of a deleted
     * parent. In a {@link Kind#SYMMETRIC} relation this is the same as {@link #removeRight(int)}; in a
     * {@link Kind#DIRECTED} relation it removes only the links that start at {@code left}.
     *
     * @return the number of links removed
     * @throws IllegalArgumentException if {@code left} is negative
     */
    int removeLeft(int left);

    /**
     * Removes every link of {@code right}, from both sides.
     *
     * @return the number of links removed
     * @throws IllegalArgumentException if {@code right} is negative
     */
    int removeRight(int right);

    /**
     * Makes {@code rights} the whole set of rights of {@code left}, as assigning {@code author.books = [...]}
     * does: links not in {@code rights} go, new ones come, both sides agree. Duplicates in {@code rights} count
     * once. All or nothing: if it throws, nothing changed.
     *
     * @return {@code true} if the relation changed
     * @throws IllegalArgumentException if {@code left} or any element of {@code rights} is negative
     * @throws NullPointerException if {@code rights} is null
     */
    boolean replaceRights(int left, int[] rights);

    /**
     * Makes {@code lefts} the whole set of lefts of {@code right}; the mirror of {@link #replaceRights}.
     *
     * @return {@code true} if the relation changed
     * @throws IllegalArgumentException if {@code right} or any element of {@code lefts} is negative
     * @throws NullPointerException if {@code lefts} is null
     */
    boolean replaceLefts(int right, int[] lefts);

    /**
     * This relation seen from the other side: {@code inverse().link(r, l)} is {@code link(l, r)} and
     * {@code inverse().rightsOf(r)} is {@code leftsOf(r)}. Same storage, O(1), no copy; {@code inverse().inverse()}
     * is this relation, and a {@link Kind#SYMMETRIC} relation is its own inverse.
     */
    IntRelation inverse();

    /** Removes every link. Outstanding views become empty. */
    void clear();

    /**
     * Exchanges the links of this relation and {@code other} in O(1): their storage changes hands, nothing is
     * copied or allocated, so afterwards each holds exactly what the other held. The way to build a relation off
     * to the side (say, a nightly rebuild) and put it in place in one step, or to move a bulk load into an empty
     * relation at no extra memory. Outstanding views of either show its new contents; their iterators fail fast.
     *
     * <p>Only for indexes made by {@link #bipartite}, {@link #directed} and {@link #symmetric}, both of one kind;
     * not for inverse views, nor for an engine's relations ({@code Relation.ints()}), whose links change only
     * through transactions. Not thread-safe, like the indexes themselves.
     *
     * @throws UnsupportedOperationException if either relation is not such an index (nothing changes)
     * @throws IllegalArgumentException if their kinds differ (nothing changes)
     * @throws NullPointerException if {@code other} is null
     */
    default void swapContents(IntRelation other) {
        throw new UnsupportedOperationException(this + ": only indexes made by IntRelation's factories can swap "
                + "contents");
    }
}
