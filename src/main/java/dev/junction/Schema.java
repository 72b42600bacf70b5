package dev.junction;

import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What an engine declares: its tables, relations and association tables by name (one namespace), in creation
 * order, and the value codecs of its snapshots and journal.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Declarations and lookups by name are synchronized on this object; a declaration of a column goes
 *       through the write lock instead ({@link Committer#declareColumn}), and bumps the version too.</li>
 *   <li>{@link #partNames()}: how the journal names the parts, computed from the declarations once per schema
 *       version ({@link #changed()}), never stored on the parts themselves.</li>
 *   <li>Wiring: a relation is registered with its tables ({@code usedBy}) and an association table with its
 *       tables ({@code associations}), which is how deleting an entity finds every link to remove.</li>
 * </ul>
 */
final class Schema {

    private final Junction db;
    private final String label;
    private final Map<String, AbstractTable<?>> tables = new LinkedHashMap<>();
    private final Map<String, RelationImpl<?, ?>> relations = new LinkedHashMap<>();
    private final Map<String, AssociationTableImpl<?, ?>> associations = new LinkedHashMap<>();
    final Map<Class<?>, ValueCodec<?>> codecs = new ConcurrentHashMap<>();
    /** Bumped by every declaration (tables, relations, association tables, columns). */
    private final AtomicLong version = new AtomicLong();
    private volatile NamesAt partNames = new NamesAt(-1, null);

    /**
     * The journal's names of the parts, with the schema version they were computed at. A class, not a record:
     * JOL, which measures the engine's memory in {@code jmh/}, cannot read the field offsets of records.
     */
    private static final class NamesAt {
        private final long version;
        private final PartNames names;

        NamesAt(long version, PartNames names) {
            this.version = version;
            this.names = names;
        }

        long version() {
            return version;
        }

        PartNames names() {
            return names;
        }
    }

    Schema(Junction db, String label) {
        this.db = db;
        this.label = label;
    }

    // ---- declarations --------------------------------------------------------------------------------------

    synchronized <E> Table<E> table(String name, IdPolicy ids) {
        checkPolicy(name, ids);
        return register(new ObjectTable<E, E>(db, checkName(name), null, ids));
    }

    synchronized <E, K> KeyedTable<E, K> table(String name, Function<? super E, ? extends K> key, IdPolicy ids) {
        Objects.requireNonNull(key, () -> "table '" + name + "': key function is null");
        checkPolicy(name, ids);
        return register(new ObjectTable<E, K>(db, checkName(name), key, ids));
    }

    synchronized LongTable longTable(String name, IdPolicy ids) {
        checkPolicy(name, ids);
        return register(new LongTableImpl(db, checkName(name), ids));
    }

    private void checkPolicy(String name, IdPolicy ids) {
        Objects.requireNonNull(ids, () -> label + ": table '" + name + "': id policy is null");
    }

    /** A relation of {@code kind} (null: directed if both tables are the same, else bipartite). */
    synchronized <L, R> Relation<L, R> relation(String name, Table<L> left, Table<R> right, IntRelation.Kind kind) {
        checkName(name);
        AbstractTable<L> l = own(left, name);
        AbstractTable<R> r = own(right, name);
        IntRelation store = switch (kind != null ? kind : l == r ? IntRelation.Kind.DIRECTED : IntRelation.Kind.BIPARTITE) {
            case BIPARTITE -> IntRelation.bipartite(name);
            case DIRECTED -> IntRelation.directed(name);
            case SYMMETRIC -> IntRelation.symmetric(name);
        };
        RelationImpl<L, R> relation = new RelationImpl<>(name, store, l, r);
        relations.put(name, relation);
        usedBy(relation);
        changed();
        return relation;
    }

    synchronized <L, R> AssociationTable<L, R> associationTable(String name, Table<L> left, Table<R> right,
                                                                IdPolicy rowIds) {
        checkName(name);
        AbstractTable<L> l = own(left, name);
        AbstractTable<R> r = own(right, name);
        checkPolicy(name, rowIds);
        AssociationTableImpl<L, R> a = new AssociationTableImpl<>(db, name, l, r, rowIds);
        for (RelationImpl<?, ?> part : List.of(a.byLeft, a.byRight, a.pairRel)) {
            usedBy(part);
        }
        l.associations.add(a);
        if (r != l) {
            r.associations.add(a);
        }
        associations.put(name, a);
        changed();
        return a;
    }

    private static void usedBy(RelationImpl<?, ?> relation) {
        relation.left.usedBy.add(relation);
        if (relation.right != relation.left) {
            relation.right.usedBy.add(relation);
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
        if (associations.containsKey(name)) {
            throw new IllegalArgumentException(label + " already has an association table named '" + name + "'");
        }
        return name;
    }

    private <E> AbstractTable<E> own(Table<E> table, String relation) {
        Objects.requireNonNull(table, () -> "relation '" + relation + "': table is null");
        if (!(table instanceof AbstractTable<E> t)) {
            throw new IllegalArgumentException("relation '" + relation + "': " + table.getClass().getName()
                    + " is not a table created by a Junction");
        }
        if (t.junction != db) {
            throw new IllegalArgumentException("relation '" + relation + "' in " + label + ": table '" + t.name
                    + "' belongs to " + t.junction + ", not to " + label);
        }
        return t;
    }

    private <T extends AbstractTable<?>> T register(T table) {
        tables.put(table.name, table);
        changed();
        return table;
    }

    /** A declaration changed the schema: the part names are computed again when next needed. */
    void changed() {
        version.incrementAndGet();
    }

    /** How the journal names this engine's parts now (computed once per schema version). */
    PartNames partNames() {
        NamesAt cached = partNames;
        long v = version.get();
        if (cached.version() == v) return cached.names();
        PartNames names = new PartNames(db);
        partNames = new NamesAt(v, names); // a declaration meanwhile bumped the version: recomputed next time
        return names;
    }

    // ---- lookups -------------------------------------------------------------------------------------------

    synchronized AssociationTable<?, ?> getAssociationTable(String name) {
        return found(associations.get(Objects.requireNonNull(name, "name is null")), "association table", name);
    }

    synchronized Table<?> getTable(String name) {
        return found(tables.get(Objects.requireNonNull(name, "table name is null")), "table", name);
    }

    synchronized Relation<?, ?> getRelation(String name) {
        return found(relations.get(Objects.requireNonNull(name, "relation name is null")), "relation", name);
    }

    synchronized RelationImpl<?, ?> declaredRelation(String name) {
        return relations.get(name);
    }

    private <T> T found(T part, String what, String name) {
        if (part == null) {
            throw new NoSuchElementException(label + " has no " + what + " '" + name + "'");
        }
        return part;
    }

    synchronized Collection<Table<?>> tables() {
        return List.copyOf(tables.values());
    }

    synchronized Collection<Relation<?, ?>> relations() {
        return List.copyOf(relations.values());
    }

    synchronized Collection<AssociationTable<?, ?>> associationTables() {
        return List.copyOf(associations.values());
    }

    synchronized List<AbstractTable<?>> tablesInOrder() {
        return new ArrayList<>(tables.values());
    }

    synchronized List<RelationImpl<?, ?>> relationsInOrder() {
        return new ArrayList<>(relations.values());
    }

    synchronized List<AssociationTableImpl<?, ?>> associationsInOrder() {
        return new ArrayList<>(associations.values());
    }
}
