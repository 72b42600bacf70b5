package dev.junction.graph;

import dev.junction.Relation;
import dev.junction.Table;
import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntIterators;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jgrapht.Graph;
import org.jgrapht.GraphType;
import org.jgrapht.graph.AbstractGraph;
import org.jgrapht.graph.DefaultGraphType;

/**
 * A read-only JGraphT {@link Graph} over a {@link Relation}, made in O(1) without copying: run JGraphT's
 * algorithms (matchings, components, shortest paths, bipartite partitioning) on the links in place.
 *
 * <h2>Vertices and edges</h2>
 * Vertices and edges are {@code Long}s that encode ids, so the two sides of a bipartite relation stay apart even
 * where their ids coincide:
 * <ul>
 *   <li>a bipartite relation gives an undirected graph; its vertices are the left table's ids
 *       ({@link #leftVertex}) and the right table's ids with bit 32 set ({@link #rightVertex}); every entity of
 *       both tables is a vertex, linked or not;</li>
 *   <li>a directed relation over one table gives a directed graph, a symmetric one an undirected graph, whose
 *       vertices are the table's ids ({@link #leftVertex});</li>
 *   <li>an edge is {@code left id << 32 | right id} ({@link #edge}); its source is the left end.</li>
 * </ul>
 * Decode with {@link #isRight}, {@link #idOf}, {@link #leftOf} and {@link #rightOf}, then the tables'
 * {@code get(id)}.
 *
 * <h2>Cost</h2>
 * {@code vertexSet().size()} and {@code edgeSet().size()} are O(1); {@code containsEdge} and {@code getEdge} cost
 * a {@code contains} of the relation; {@code edgesOf(v)} is a view of the vertex's neighbour set ({@code size()}
 * O(1)); iterating the vertex set copies the tables' ids once per iterator.
 *
 * <h2>Consistency and thread-safety</h2>
 * Reads go through the relation's thread-safe {@link Relation#ints()}; each call sees one committed state. An
 * algorithm makes many calls: run it inside a {@link dev.junction.ReadView} (or a transaction) so that it sees one
 * state throughout. The view assumes links join entities of the tables, as typed writes make them; mutators throw
 * {@link UnsupportedOperationException}.
 */
public final class RelationGraph extends AbstractGraph<Long, Long> {

    private static final long RIGHT = 1L << 32;

    private final String name;
    private final IntRelation rel;
    private final Table<?> left;
    private final Table<?> right;
    private final boolean bipartite;
    private final boolean directed;
    private final GraphType type;

    private RelationGraph(Relation<?, ?> relation) {
        this.name = relation.name();
        this.rel = relation.ints();
        this.left = relation.leftTable();
        this.right = relation.rightTable();
        IntRelation.Kind kind = relation.kind();
        this.bipartite = kind == IntRelation.Kind.BIPARTITE;
        this.directed = kind == IntRelation.Kind.DIRECTED;
        DefaultGraphType.Builder b = new DefaultGraphType.Builder().allowMultipleEdges(false).weighted(false)
                .modifiable(false).allowCycles(true);
        this.type = (directed ? b.directed() : b.undirected()).allowSelfLoops(!bipartite).build();
    }

    /**
     * The graph of {@code relation}: undirected for a bipartite or symmetric relation, directed for a directed
     * one. O(1), no copy.
     *
     * @throws NullPointerException if {@code relation} is null
     */
    public static RelationGraph of(Relation<?, ?> relation) {
        return new RelationGraph(Objects.requireNonNull(relation, "relation is null"));
    }

    // ---- encoding ---------------------------------------------------------------------------------------

    /** The vertex of a left entity id (of the only table, for a relation over one table). */
    public static long leftVertex(int id) {
        return id;
    }

    /** The vertex of a right entity id of a bipartite relation. */
    public static long rightVertex(int id) {
        return RIGHT | id;
    }

    /** The edge of the link {@code (left, right)}. */
    public static long edge(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Whether a vertex is a right entity (of a bipartite relation). */
    public static boolean isRight(long vertex) {
        return (vertex & RIGHT) != 0;
    }

    /** The entity id of a vertex. */
    public static int idOf(long vertex) {
        return (int) vertex;
    }

    /** The left id of an edge. */
    public static int leftOf(long edge) {
        return (int) (edge >>> 32);
    }

    /** The right id of an edge. */
    public static int rightOf(long edge) {
        return (int) edge;
    }

    private boolean valid(Object v) {
        if (!(v instanceof Long x)) return false;
        long id = x & 0xFFFFFFFFL;
        if (id > Integer.MAX_VALUE) return false;
        if (bipartite) {
            if ((x >>> 33) != 0) return false;
            return isRight(x) ? right.containsId((int) id) : left.containsId((int) id);
        }
        return (x >>> 32) == 0 && left.containsId((int) id);
    }

    /** The edge of a link as this graph names it: a symmetric link by its lower id first. */
    private long norm(int l, int r) {
        return !bipartite && !directed && l > r ? edge(r, l) : edge(l, r);
    }

    private long target(int rightId) {
        return bipartite ? rightVertex(rightId) : rightId;
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("the graph of relation '" + name + "' is a read-only view; "
                + "change the relation instead");
    }

    private void check(Long v) {
        if (!valid(v)) {
            throw new IllegalArgumentException("relation '" + name + "': no such vertex: " + v);
        }
    }

    // ---- Graph ------------------------------------------------------------------------------------------

    @Override
    public Set<Long> getAllEdges(Long u, Long v) {
        Long e = getEdge(u, v);
        return e == null ? Collections.emptySet() : Collections.singleton(e);
    }

    @Override
    public Long getEdge(Long u, Long v) {
        if (!valid(u) || !valid(v)) return null;
        if (bipartite) {
            if (isRight(u) == isRight(v)) return null;
            long l = isRight(u) ? v : u;
            long r = isRight(u) ? u : v;
            return rel.contains(idOf(l), idOf(r)) ? edge(idOf(l), idOf(r)) : null;
        }
        if (rel.contains(idOf(u), idOf(v))) return norm(idOf(u), idOf(v));
        return null;
    }

    @Override
    public Supplier<Long> getVertexSupplier() {
        return null;
    }

    @Override
    public Supplier<Long> getEdgeSupplier() {
        return null;
    }

    @Override
    public Long addEdge(Long u, Long v) {
        throw readOnly();
    }

    @Override
    public boolean addEdge(Long u, Long v, Long e) {
        throw readOnly();
    }

    @Override
    public Long addVertex() {
        throw readOnly();
    }

    @Override
    public boolean addVertex(Long v) {
        throw readOnly();
    }

    @Override
    public boolean containsEdge(Long e) {
        if (e == null) return false;
        int l = leftOf(e);
        int r = rightOf(e);
        return l >= 0 && r >= 0 && rel.contains(l, r);
    }

    @Override
    public boolean containsVertex(Long v) {
        return valid(v);
    }

    @Override
    public Set<Long> edgeSet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                long n = rel.size();
                return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
            }

            @Override
            public boolean contains(Object o) {
                return o instanceof Long e && containsEdge(e);
            }

            @Override
            public Iterator<Long> iterator() {
                int[] lefts = left.ids();
                return new Iterator<>() {
                    int i;
                    int l;
                    IntIterator rights = IntIterators.EMPTY_ITERATOR;

                    @Override
                    public boolean hasNext() {
                        while (!rights.hasNext()) {
                            if (i == lefts.length) return false;
                            l = lefts[i++];
                            int[] rs = rel.rightsOf(l).toIntArray();
                            int from = 0;
                            if (!bipartite && !directed) { // a symmetric link once: from its lower id
                                from = java.util.Arrays.binarySearch(rs, l);
                                from = from >= 0 ? from : -from - 1;
                            }
                            rights = IntIterators.wrap(rs, from, rs.length - from);
                        }
                        return true;
                    }

                    @Override
                    public Long next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        return edge(l, rights.nextInt());
                    }
                };
            }
        };
    }

    @Override
    public int degreeOf(Long v) {
        check(v);
        int id = idOf(v);
        if (bipartite) return isRight(v) ? rel.degreeOfRight(id) : rel.degreeOfLeft(id);
        if (directed) return rel.degreeOfLeft(id) + rel.degreeOfRight(id);
        return rel.degreeOfLeft(id) + (rel.contains(id, id) ? 1 : 0); // a self-loop counts twice, as in JGraphT
    }

    @Override
    public Set<Long> edgesOf(Long v) {
        check(v);
        int id = idOf(v);
        if (bipartite) {
            return isRight(v) ? edges(rel.leftsOf(id), id, false) : edges(rel.rightsOf(id), id, true);
        }
        if (!directed) return edges(rel.rightsOf(id), id, true); // symmetric: every link of id, once
        Set<Long> out = edges(rel.rightsOf(id), id, true);
        Set<Long> in = edges(rel.leftsOf(id), id, false);
        return new AbstractSet<>() {
            @Override
            public int size() {
                return out.size() + in.size() - (rel.contains(id, id) ? 1 : 0);
            }

            @Override
            public boolean contains(Object o) {
                return out.contains(o) || in.contains(o);
            }

            @Override
            public Iterator<Long> iterator() {
                java.util.LinkedHashSet<Long> all = new java.util.LinkedHashSet<>(out);
                all.addAll(in);
                return Collections.unmodifiableSet(all).iterator();
            }
        };
    }

    /** The edges of {@code id} to the ids of {@code others}: {@code (id, x)} if {@code idLeft}, else {@code (x, id)}. */
    private Set<Long> edges(IntNeighborSet others, int id, boolean idLeft) {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return others.size();
            }

            @Override
            public boolean contains(Object o) {
                if (!(o instanceof Long e)) return false;
                int l = leftOf(e);
                int r = rightOf(e);
                if (l < 0 || r < 0) return false;
                if (!bipartite && !directed) { // symmetric: the edge names id at either end
                    return (l == id && others.contains(r)) || (r == id && others.contains(l));
                }
                return idLeft ? l == id && others.contains(r) : r == id && others.contains(l);
            }

            @Override
            public Iterator<Long> iterator() {
                IntIterator it = IntIterators.wrap(others.toIntArray());
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Long next() {
                        int x = it.nextInt();
                        return idLeft ? norm(id, x) : norm(x, id);
                    }
                };
            }
        };
    }

    @Override
    public int inDegreeOf(Long v) {
        return directed ? rel.degreeOfRight(checked(v)) : degreeOf(v);
    }

    @Override
    public Set<Long> incomingEdgesOf(Long v) {
        return directed ? edges(rel.leftsOf(checked(v)), idOf(v), false) : edgesOf(v);
    }

    @Override
    public int outDegreeOf(Long v) {
        return directed ? rel.degreeOfLeft(checked(v)) : degreeOf(v);
    }

    @Override
    public Set<Long> outgoingEdgesOf(Long v) {
        return directed ? edges(rel.rightsOf(checked(v)), idOf(v), true) : edgesOf(v);
    }

    private int checked(Long v) {
        check(v);
        return idOf(v);
    }

    @Override
    public Long removeEdge(Long u, Long v) {
        throw readOnly();
    }

    @Override
    public boolean removeEdge(Long e) {
        throw readOnly();
    }

    @Override
    public boolean removeVertex(Long v) {
        throw readOnly();
    }

    @Override
    public Set<Long> vertexSet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return bipartite ? left.size() + right.size() : left.size();
            }

            @Override
            public boolean contains(Object o) {
                return valid(o);
            }

            @Override
            public Iterator<Long> iterator() {
                int[] ls = left.ids();
                int[] rs = bipartite ? right.ids() : new int[0];
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < ls.length + rs.length;
                    }

                    @Override
                    public Long next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        int k = i++;
                        return k < ls.length ? leftVertex(ls[k]) : rightVertex(rs[k - ls.length]);
                    }
                };
            }
        };
    }

    @Override
    public Long getEdgeSource(Long e) {
        return leftVertex(leftOf(e));
    }

    @Override
    public Long getEdgeTarget(Long e) {
        return target(rightOf(e));
    }

    @Override
    public GraphType getType() {
        return type;
    }

    @Override
    public double getEdgeWeight(Long e) {
        return Graph.DEFAULT_EDGE_WEIGHT;
    }

    @Override
    public void setEdgeWeight(Long e, double weight) {
        throw readOnly();
    }

    @Override
    public String toString() {
        return "graph of relation '" + name + "' (" + vertexSet().size() + " vertices, " + edgeSet().size() + " edges)";
    }
}
