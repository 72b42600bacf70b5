package dev.junction;

import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Set;

/**
 * A typed many-to-many relation between the entities of two {@link Table}s: an association table with a
 * composite primary key, seen from both ends, like SQLAlchemy's {@code relationship(secondary=...,
 * back_populates=...)}. Declaring one side gives the other: {@link #inverse()} is the same set of pairs seen
 * from the right.
 *
 * <h2>Semantics</h2>
 * A relation is a set of pairs. {@link #link} of a present pair returns {@code false} and changes nothing;
 * {@link #unlink} of an absent pair returns {@code false} and never throws. Both sides are views of the same
 * pairs, so they always agree: {@code rightsOf(a).add(b)} and {@code leftsOf(b).add(a)} are the same
 * operation. Every operation either succeeds or throws, and a method that throws leaves the tables and the
 * relation exactly as they were.
 *
 * <h2>Entities that are not in their table</h2>
 * Reads treat them as having no links ({@code contains} is {@code false}, views are empty). Writes that create
 * links ({@link #link}, {@link #setRights}, {@code add} and {@code addAll} on a view) first add the missing
 * entities to their tables, on both ends, as SQLAlchemy's save-update cascade does; a write that creates no
 * link (an empty {@code addAll} or {@code setRights}) adds nothing. Removing a link never removes an entity; to
 * delete an entity and all its links, use {@link Table#remove}.
 *
 * <h2>Views</h2>
 * {@link #rightsOf} and {@link #leftsOf} return live {@link Set} views: writes through them change the
 * relation (and so the other side), and they show every later change. They iterate in <strong>ascending id
 * order of the other table</strong> (which is insertion order of that table while nothing was removed from it)
 * and are fail-fast. A view resolves its entity's id on every operation, so it keeps working if the entity is
 * removed and added again. See {@link #rightsOf} for the exact contract.
 *
 * <h2>Kinds</h2>
 * {@link IntRelation.Kind#BIPARTITE} between two tables; {@link IntRelation.Kind#DIRECTED} over one table
 * ({@code rightsOf(a)} = whom {@code a} follows, {@code leftsOf(a)} = who follows {@code a});
 * {@link IntRelation.Kind#SYMMETRIC} over one table, where {@code link(a, b)} and {@code link(b, a)} are the
 * same pair and {@code rightsOf(a)} equals {@code leftsOf(a)}.
 *
 * <h2>Errors</h2>
 * A {@code null} entity or collection throws {@link NullPointerException} naming the relation; exceptions
 * thrown by a key function or a predicate propagate and change nothing.
 *
 * <h2>Complexity</h2>
 * For an entity of degree {@code d}: {@code link}, {@code unlink}, {@code contains} cost the key lookups plus
 * O(log d); degree (a view's {@code size()}) and {@link #size()} are O(1); iteration is O(d). Nothing copies or
 * loads a whole collection except the bulk operations, which cost their input plus the degree.
 *
 * <h2>Thread-safety and transactions</h2>
 * Thread-safe, with the engine's guarantees (see {@link Junction}): each call is atomic and isolated (a write
 * outside a {@link Transaction} is a transaction of its own; inside one, the owning thread sees its changes at
 * once and other threads see them at commit); reads never block on a transaction and never see one side of a
 * link without the other; views are live and their iterators fail fast on a commit that changes what they
 * iterate. Use a {@link ReadView} for several reads that must agree.
 *
 * @param <L> the type of the left entities
 * @param <R> the type of the right entities
 */
public interface Relation<L, R> {

    /** The name given at creation; an {@link #inverse()} has the same name. */
    String name();

    /** The kind of the underlying storage; an inverse has the same kind. */
    IntRelation.Kind kind();

    /** The table of the left entities. */
    Table<L> leftTable();

    /** The table of the right entities (the same table as {@link #leftTable()} for a self-relation). */
    Table<R> rightTable();

    /**
     * The int-level relation underneath, with the ids of {@link #leftTable()} on the left and of
     * {@link #rightTable()} on the right (for an inverse, a swapped view of the same storage). Changes made
     * through it are seen here and vice versa. Use it for hot loops; ids must come from the tables: like an
     * array index, the int level does not check that an id is a live entity (only that it is not negative), and a
     * link to an id that is not one would show up on whatever entity gets that id later. Such a link is refused
     * where it would reach a file: {@link Junction#save} and a journaled commit throw
     * {@link IllegalStateException} naming it (the commit rolls back), and loading refuses a file that holds one. It is
     * thread-safe and transactional like the rest of the engine: reads outside a transaction are optimistic
     * (validated against commits, no lock taken, no allocation for {@code contains}, degrees and
     * {@code forEachRight}/{@code forEachLeft}, which hand over a consistent copy of the set, so their action
     * may change the relation, unlike the raw index's, which fails fast); its neighbour-set
     * iterators fail fast on a commit that changes the set; {@code forEachLink} holds off commits while it
     * runs.
     */
    IntRelation ints();

    /**
     * The same pairs seen from the other side: {@code inverse().rightsOf(r)} is {@code leftsOf(r)}, and
     * {@code inverse().link(r, l)} is {@code link(l, r)}. Shares the storage; {@code inverse().inverse()} is
     * this relation. For a symmetric relation the inverse is this relation. O(1).
     */
    Relation<R, L> inverse();

    /**
     * Links {@code left} to {@code right}, adding either entity to its table if absent.
     *
     * @return {@code true} if the pair is new, {@code false} if it was present
     * @throws NullPointerException if an argument (or its key) is null
     */
    boolean link(L left, R right);

    /**
     * Removes the pair, on both sides. The entities stay in their tables.
     *
     * @return {@code true} if the pair was present, {@code false} otherwise (also when an entity is absent)
     * @throws NullPointerException if an argument (or its key) is null
     */
    boolean unlink(L left, R right);

    /**
     * Tells whether the pair is present; {@code false} if an entity is not in its table.
     *
     * @throws NullPointerException if an argument (or its key) is null
     */
    boolean contains(L left, R right);

    /**
     * The rights linked to {@code left}, as a live {@link Set} view ({@code author.books}). In O(1), without
     * touching the tables.
     *
     * <ul>
     *   <li>{@code size()} is the degree, O(1); {@code contains} and {@code remove} are by key, O(log d).</li>
     *   <li>{@code add(r)} links {@code left} to {@code r}, adding {@code left} and {@code r} to their tables
     *       if absent; {@code false} if already linked.</li>
     *   <li>{@code remove(r)} unlinks; {@code clear()} removes every link of {@code left} in this relation
     *       (only), keeping the entities.</li>
     *   <li>{@code addAll} is all or nothing: if it throws (a null element, a key function that throws), the
     *       links and table entries it made are undone.</li>
     *   <li>{@code removeAll}, {@code retainAll} and {@code removeIf} decide first (calling the collection or
     *       predicate for every element), then unlink: if the collection or predicate throws, nothing
     *       changes.</li>
     *   <li>Iteration is in ascending id order of {@link #rightTable()}. The iterator's {@code remove} unlinks
     *       on both sides. Iterators are fail-fast: if the links of {@code left} in this relation change by any
     *       other means, the iterator's next call throws {@link java.util.ConcurrentModificationException}.</li>
     *   <li>{@code toString()} lists the entities like a list: {@code [Flask Basics, Advanced Flask]};
     *       {@code equals}/{@code hashCode} follow the {@link Set} contract.</li>
     *   <li>A {@code null} element throws {@link NullPointerException}.</li>
     *   <li>Keyset pages in id order, ascending ({@link NeighborSet#firstPage}, {@link NeighborSet#pageAfter})
     *       or descending ({@link NeighborSet#lastPage}, {@link NeighborSet#pageBefore}), each one consistent
     *       read in O(log d + limit) on the index.</li>
     * </ul>
     *
     * @throws NullPointerException if {@code left} is null
     */
    NeighborSet<R> rightsOf(L left);

    /**
     * The lefts linked to {@code right} ({@code book.authors}), with the contract of {@link #rightsOf}, sides
     * exchanged; iteration is in ascending id order of {@link #leftTable()}.
     *
     * @throws NullPointerException if {@code right} is null
     */
    NeighborSet<L> leftsOf(R right);

    /**
     * Makes {@code rights} the whole set of rights of {@code left}, as assigning {@code author.books = [...]}
     * does: links not in {@code rights} go (the entities stay), new ones come, both sides agree. Missing
     * entities are added to their tables. Duplicates count once. All or nothing: if it throws, nothing changed.
     * Costs O(|rights| + d) lookups.
     *
     * @return {@code true} if the links changed
     * @throws NullPointerException if {@code left}, {@code rights} or an element is null
     */
    boolean setRights(L left, Collection<? extends R> rights);

    /**
     * Makes {@code lefts} the whole set of lefts of {@code right}; the mirror of {@link #setRights}.
     *
     * @return {@code true} if the links changed
     * @throws NullPointerException if {@code right}, {@code lefts} or an element is null
     */
    boolean setLefts(R right, Collection<? extends L> lefts);

    /** The number of pairs, in O(1). A symmetric pair counts once. */
    long size();

    // ---- columns on links -------------------------------------------------------------------------------

    /**
     * Declares a {@code long} column on this relation's links (a date as epoch day or millis, a count); existing
     * links get {@code defaultValue}. The column belongs to the relation: its {@link #inverse()} sees it too.
     * Not inside a transaction (it is a schema change, like {@code ALTER TABLE ... ADD COLUMN}).
     *
     * @throws IllegalArgumentException if the relation already has a column of that name
     * @throws IllegalStateException if called inside a transaction or a read view
     * @throws NullPointerException if {@code name} is null
     */
    LinkColumn.OfLong<L, R> longColumn(String name, long defaultValue);

    /** Declares an {@code int} column; see {@link #longColumn}. */
    LinkColumn.OfInt<L, R> intColumn(String name, int defaultValue);

    /** Declares a {@code double} column; see {@link #longColumn}. */
    LinkColumn.OfDouble<L, R> doubleColumn(String name, double defaultValue);

    /** Declares a {@code boolean} column (a bitset); see {@link #longColumn}. */
    LinkColumn.OfBoolean<L, R> booleanColumn(String name, boolean defaultValue);

    /**
     * Declares a column of objects of {@code type} (a {@code String}, an enum, a {@code LocalDate}); see
     * {@link #longColumn}. Values are checked against {@code type} when set. On a journaled engine
     * ({@link Persistence}) a {@code type} the journal could not write is refused here, by the rule of
     * {@link Junction#table(String, Class)} (and {@link Persistence#open} refuses an engine holding one).
     *
     * @throws ClassCastException if {@code defaultValue} is not null and not of {@code type}
     * @throws IllegalArgumentException if the engine is journaled and {@code type} has no codec by that rule
     *         (the message names the relation, the column and the class)
     */
    <V> LinkColumn.OfObject<L, R, V> objectColumn(String name, Class<V> type, V defaultValue);

    /** The columns of this relation's links, in declaration order, oriented like this relation. A new list. */
    java.util.List<LinkColumn<L, R>> columns();

    /**
     * The column named {@code name}, oriented like this relation.
     *
     * @throws java.util.NoSuchElementException if there is none (the message lists the columns there are)
     */
    LinkColumn<L, R> column(String name);

    /**
     * Links {@code left} to {@code right} and sets the given column values on the link, in one atomic call
     * (adding missing entities, as {@link #link(Object, Object)} does). If the pair was already linked, the
     * values are set on it and the result is {@code false}. Columns not given keep their values (their
     * defaults on a new link). Values are taken from {@code column.value(v)}; two values for one column: the
     * last wins.
     *
     * @return whether the pair was not linked before
     * @throws IllegalArgumentException if a value belongs to a column of another relation
     * @throws NullPointerException if an entity, the array or a value is null
     */
    boolean link(L left, R right, LinkColumn.Value... values);
}
