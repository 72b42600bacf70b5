package dev.junction;

import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The entry point of Junction's typed layer: an engine that owns {@link Table}s of entities and the
 * many-to-many {@link Relation}s between them, with ORM association-table semantics (SQLAlchemy's
 * {@code relationship(secondary=..., back_populates=...)}) and none of its pitfalls:
 *
 * <ul>
 *   <li>a relation is a <em>set</em> of pairs, and both of its sides are views of that one set, so they always
 *       agree;</li>
 *   <li>removing an entity from its table removes every pair that touches it, in every relation of this
 *       engine, in the same call;</li>
 *   <li>every operation either succeeds or throws, and a method that throws changes nothing;</li>
 *   <li>iteration order is deterministic: tables and neighbour sets iterate in ascending id order.</li>
 * </ul>
 *
 * <pre>{@code
 * Junction db = Junction.create();
 * KeyedTable<Author, String> authors = db.table("authors", Author::name);
 * KeyedTable<Book, String> books = db.table("books", Book::title);
 * Relation<Author, Book> wrote = db.relation("author_books", authors, books);
 * wrote.rightsOf(bob).add(flaskBasics);          // bob.books.append(flask_basics)
 * wrote.leftsOf(advancedFlask).add(bob);         // the same kind of link, from the other side
 * wrote.leftsOf(flaskBasics);                    // [Alice, Bob]
 * }</pre>
 *
 * <p>Names of tables and relations share one namespace per engine and must be unique. Tables and relations
 * belong to the engine that created them and cannot be used with another.
 *
 * <p>Thread-safety: not thread-safe. Confine an engine, with its tables, relations and views, to one thread,
 * or guard every access, reads included, with one lock.
 */
public final class Junction {

    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final String label = "Junction#" + ENGINES.incrementAndGet();
    private final Map<String, AbstractTable<?>> tables = new LinkedHashMap<>();
    private final Map<String, RelationImpl<?, ?>> relations = new LinkedHashMap<>();

    private Junction() {
    }

    /** Creates an empty engine. O(1). */
    public static Junction create() {
        return new Junction();
    }

    /**
     * Creates a table whose entities are their own keys, compared with {@code equals}/{@code hashCode}
     * ({@code Table<String>}, {@code Table<UUID>}, records). O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E> Table<E> table(String name) {
        return register(new ObjectTable<E, E>(this, checkName(name), null));
    }

    /**
     * Creates a table of objects identified by {@code key} ({@code Author::name}, {@code User::id}): two
     * objects with equal keys are the same entity. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public <E, K> KeyedTable<E, K> table(String name, Function<? super E, ? extends K> key) {
        Objects.requireNonNull(key, () -> "table '" + name + "': key function is null");
        return register(new ObjectTable<E, K>(this, checkName(name), key));
    }

    /**
     * Creates a table of primitive {@code long} keys, whose {@code long} methods never box. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if a table or relation of this engine already has that name
     */
    public LongTable longTable(String name) {
        return register(new LongTableImpl(this, checkName(name)));
    }

    /**
     * Creates a many-to-many relation between {@code left} and {@code right} (authors ⇄ books). If both are
     * the same table, this is {@link #directed(String, Table)}. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or a table belongs to another engine
     */
    public <L, R> Relation<L, R> relation(String name, Table<L> left, Table<R> right) {
        checkName(name);
        AbstractTable<L> l = own(left, name);
        AbstractTable<R> r = own(right, name);
        IntRelation store = l == r ? IntRelation.directed(name) : IntRelation.bipartite(name);
        return register(new RelationImpl<>(name, store, l, r));
    }

    /**
     * Creates a directed relation over one table (users follow users): {@code rightsOf(a)} are the entities
     * {@code a} points to, {@code leftsOf(a)} those pointing to {@code a}. Removing an entity removes the
     * links in both directions. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public <E> Relation<E, E> directed(String name, Table<E> table) {
        checkName(name);
        AbstractTable<E> t = own(table, name);
        return register(new RelationImpl<>(name, IntRelation.directed(name), t, t));
    }

    /**
     * Creates a symmetric relation over one table (friendship): {@code link(a, b)} and {@code link(b, a)} are
     * the same link, {@code rightsOf(a)} equals {@code leftsOf(a)}, and {@code inverse()} is the relation
     * itself. O(1).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is taken, or the table belongs to another engine
     */
    public <E> Relation<E, E> symmetric(String name, Table<E> table) {
        checkName(name);
        AbstractTable<E> t = own(table, name);
        return register(new RelationImpl<>(name, IntRelation.symmetric(name), t, t));
    }

    /**
     * The table named {@code name}. O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no table of that name
     */
    public Table<?> getTable(String name) {
        AbstractTable<?> t = tables.get(Objects.requireNonNull(name, "table name is null"));
        if (t == null) {
            throw new NoSuchElementException(label + " has no table '" + name + "'");
        }
        return t;
    }

    /**
     * The relation named {@code name} (as declared, not its inverse). O(1).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if this engine has no relation of that name
     */
    public Relation<?, ?> getRelation(String name) {
        RelationImpl<?, ?> r = relations.get(Objects.requireNonNull(name, "relation name is null"));
        if (r == null) {
            throw new NoSuchElementException(label + " has no relation '" + name + "'");
        }
        return r;
    }

    /** The tables, in creation order, as an unmodifiable live collection. */
    public Collection<Table<?>> tables() {
        return Collections.unmodifiableCollection(tables.values());
    }

    /** The relations as declared (not their inverses), in creation order, as an unmodifiable live collection. */
    public Collection<Relation<?, ?>> relations() {
        return Collections.unmodifiableCollection(relations.values());
    }

    /** A label unique within the JVM, such as {@code Junction#1}, used in exception messages. */
    @Override
    public String toString() {
        return label;
    }

    // ---- internals -------------------------------------------------------------------------------------

    /** Removes every link of {@code id} in every relation that uses {@code table}, at either end. */
    void cascade(AbstractTable<?> table, int id) {
        for (RelationImpl<?, ?> r : table.usedBy) {
            IntRelation s = r.store;
            if (r.left == table) {
                s.removeLeft(id);
            }
            if (r.right == table && s.kind() != IntRelation.Kind.SYMMETRIC) {
                s.removeRight(id);
            }
        }
    }

    private String checkName(String name) {
        Objects.requireNonNull(name, () -> label + ": name is null");
        if (tables.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has a table named '" + name + "'");
        }
        if (relations.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has a relation named '" + name + "'");
        }
        return name;
    }

    private <E> AbstractTable<E> own(Table<E> table, String relation) {
        Objects.requireNonNull(table, () -> "relation '" + relation + "': table is null");
        if (!(table instanceof AbstractTable<E> t)) {
            throw new IllegalArgumentException("relation '" + relation + "': " + table.getClass().getName()
                    + " is not a table created by a Junction");
        }
        if (t.junction != this) {
            throw new IllegalArgumentException("relation '" + relation + "' in " + label + ": table '" + t.name
                    + "' belongs to " + t.junction + ", not to " + label);
        }
        return t;
    }

    private <T extends AbstractTable<?>> T register(T table) {
        tables.put(table.name, table);
        return table;
    }

    private <L, R> RelationImpl<L, R> register(RelationImpl<L, R> relation) {
        relations.put(relation.name, relation);
        relation.left.usedBy.add(relation);
        if (relation.right != relation.left) {
            relation.right.usedBy.add(relation);
        }
        return relation;
    }
}
