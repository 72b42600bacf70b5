package dev.junction.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.Junction;
import dev.junction.ReadView;
import dev.junction.Relation;
import dev.junction.Schemas;
import dev.junction.Table;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.HopcroftKarpMaximumCardinalityBipartiteMatching;
import org.jgrapht.alg.partition.BipartitePartitioning;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DefaultUndirectedGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JGraphT view over relations, checked by running JGraphT's own algorithms on it and on a graph built by
 * copying the same links: bipartite partitioning, Hopcroft–Karp matching, connected components and BFS shortest
 * paths on the real Southern Women × events data and on generated students × courses; strong components on a
 * directed relation; the symmetric and self-loop cases; O(1) sizes; read-only.
 */
class RelationGraphTest {

    Junction db;
    Table<String> women;
    Table<String> events;
    Relation<String, String> attended;

    @BeforeEach
    void load() throws IOException {
        db = Junction.create();
        women = db.table("women");
        events = db.table("events");
        attended = db.relation("attended", women, events);
        try (InputStream in = getClass().getResourceAsStream("/davis/davis_southern_women.tsv")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t");
                attended.link(f[0], f[1]);
            }
        }
    }

    /** The same links copied into a JGraphT graph, vertices named as in the view. */
    private static Graph<Long, DefaultEdge> copyUndirected(Graph<Long, Long> view) {
        Graph<Long, DefaultEdge> g = new DefaultUndirectedGraph<>(DefaultEdge.class);
        view.vertexSet().forEach(g::addVertex);
        for (long e : view.edgeSet()) g.addEdge(view.getEdgeSource(e), view.getEdgeTarget(e));
        return g;
    }

    @Test
    void sizesAreThoseOfTheTablesAndTheRelation() {
        RelationGraph g = RelationGraph.of(attended);
        assertEquals(18 + 14, g.vertexSet().size());
        assertEquals(89, g.edgeSet().size());
        assertEquals(89, g.edgeSet().stream().count(), "iteration agrees with size()");
        long evelyn = RelationGraph.leftVertex(women.idOf("Evelyn Jefferson"));
        long e8 = RelationGraph.rightVertex(events.idOf("E8"));
        assertEquals(8, g.degreeOf(evelyn));
        assertEquals(14, g.degreeOf(e8));
        Long edge = g.getEdge(evelyn, e8);
        assertNotNull(edge);
        assertEquals(edge, g.getEdge(e8, evelyn), "undirected: either order");
        assertEquals(evelyn, g.getEdgeSource(edge));
        assertEquals(e8, g.getEdgeTarget(edge));
        assertTrue(g.containsEdge(edge));
        assertTrue(g.edgesOf(evelyn).contains(edge));
        assertTrue(g.edgesOf(e8).contains(edge));
        // left id 0 and right id 0 are different vertices
        assertTrue(g.containsVertex(RelationGraph.leftVertex(0)) && g.containsVertex(RelationGraph.rightVertex(0)));
        assertNull(g.getEdge(RelationGraph.leftVertex(0), RelationGraph.leftVertex(1)), "no edge within a side");
        assertFalse(g.containsVertex(RelationGraph.rightVertex(99)));
        assertThrows(IllegalArgumentException.class, () -> g.degreeOf(RelationGraph.rightVertex(99)));
        // live: a new link shows at once
        attended.link("Evelyn Jefferson", "E14");
        assertEquals(90, g.edgeSet().size());
    }

    @Test
    void mutationsAreRefused() {
        RelationGraph g = RelationGraph.of(attended);
        long v = RelationGraph.leftVertex(0);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> g.addVertex(7L));
        assertTrue(e.getMessage().contains("'attended'"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> g.addEdge(v, RelationGraph.rightVertex(0)));
        assertThrows(UnsupportedOperationException.class, () -> g.removeVertex(v));
        assertThrows(UnsupportedOperationException.class, () -> g.removeEdge(g.edgeSet().iterator().next()));
        assertThrows(UnsupportedOperationException.class, () -> g.setEdgeWeight(0L, 2.0));
        assertEquals(89, attended.size());
    }

    @Test
    void bipartitePartitioningFindsTheWomenAndTheEvents() {
        RelationGraph g = RelationGraph.of(attended);
        BipartitePartitioning<Long, Long> bp = new BipartitePartitioning<>(g);
        assertTrue(bp.isBipartite());
        List<Set<Long>> parts = bp.getPartitioning().getPartitions();
        Set<Long> womenVertices = new HashSet<>();
        for (int id : women.ids()) womenVertices.add(RelationGraph.leftVertex(id));
        Set<Long> eventVertices = new HashSet<>();
        for (int id : events.ids()) eventVertices.add(RelationGraph.rightVertex(id));
        assertEquals(Set.of(womenVertices, eventVertices), new HashSet<>(parts));
    }

    @Test
    void algorithmsAgreeWithACopiedGraph() {
        RelationGraph g = RelationGraph.of(attended);
        try (ReadView v = db.readView()) { // one state for every call the algorithms make
            Graph<Long, DefaultEdge> copy = copyUndirected(g);
            assertEquals(copy.vertexSet(), g.vertexSet());

            Set<Long> left = women.ids().length == 0 ? Set.of() : toVertices(women.ids(), false);
            Set<Long> right = toVertices(events.ids(), true);
            MatchingAlgorithm.Matching<Long, Long> m =
                    new HopcroftKarpMaximumCardinalityBipartiteMatching<>(g, left, right).getMatching();
            MatchingAlgorithm.Matching<Long, DefaultEdge> mc =
                    new HopcroftKarpMaximumCardinalityBipartiteMatching<>(copy, left, right).getMatching();
            assertEquals(mc.getEdges().size(), m.getEdges().size());
            assertEquals(14, m.getEdges().size(), "every event can get its own attendee");
            Set<Long> used = new HashSet<>();
            for (long e : m.getEdges()) {
                assertTrue(attended.ints().contains(RelationGraph.leftOf(e), RelationGraph.rightOf(e)));
                assertTrue(used.add(g.getEdgeSource(e)) && used.add(g.getEdgeTarget(e)), "a matching shares no vertex");
            }

            assertEquals(new HashSet<>(new ConnectivityInspector<>(copy).connectedSets()),
                    new HashSet<>(new ConnectivityInspector<>(g).connectedSets()));

            long evelyn = RelationGraph.leftVertex(women.idOf("Evelyn Jefferson"));
            long olivia = RelationGraph.leftVertex(women.idOf("Olivia Carleton"));
            GraphPath<Long, Long> path = BFSShortestPath.findPathBetween(g, evelyn, olivia);
            GraphPath<Long, DefaultEdge> expected = BFSShortestPath.findPathBetween(copy, evelyn, olivia);
            assertEquals(expected.getLength(), path.getLength());
            List<Long> vs = path.getVertexList();
            for (int i = 1; i < vs.size(); i++) {
                assertNotNull(g.getEdge(vs.get(i - 1), vs.get(i)), "consecutive path vertices are linked");
            }
        }
    }

    private static Set<Long> toVertices(int[] ids, boolean right) {
        return java.util.Arrays.stream(ids).mapToObj(id -> right ? RelationGraph.rightVertex(id)
                : RelationGraph.leftVertex(id)).collect(Collectors.toSet());
    }

    /** The seed of the generated relations ({@code -Djunction.graph.seed}, or the clock), and its random numbers. */
    private final long seed = Long.getLong("junction.graph.seed", System.nanoTime());
    private final Random rnd = new Random(seed);

    @Test
    void studentsGetOneCourseEachByHopcroftKarpOnGeneratedData() {
        Junction j = Junction.create();
        Table<Integer> students = j.table("students");
        Table<Integer> courses = j.table("courses");
        Relation<Integer, Integer> takes = j.relation("takes", students, courses);
        for (int s = 0; s < 300; s++) {
            for (int k = rnd.nextInt(4); k >= 0; k--) takes.link(s, rnd.nextInt(120));
        }
        RelationGraph g = RelationGraph.of(takes);
        Graph<Long, DefaultEdge> copy = copyUndirected(g);
        Set<Long> left = toVertices(students.ids(), false);
        Set<Long> right = toVertices(courses.ids(), true);
        int viaView = new HopcroftKarpMaximumCardinalityBipartiteMatching<>(g, left, right).getMatching().getEdges().size();
        int viaCopy = new HopcroftKarpMaximumCardinalityBipartiteMatching<>(copy, left, right).getMatching().getEdges().size();
        assertEquals(viaCopy, viaView, "seed " + seed);
        assertEquals(new HashSet<>(new ConnectivityInspector<>(copy).connectedSets()),
                new HashSet<>(new ConnectivityInspector<>(g).connectedSets()), "seed " + seed);
    }

    @Test
    void aDirectedRelationGivesADirectedGraph() {
        Junction j = Junction.create();
        Table<Integer> users = j.table("users");
        Relation<Integer, Integer> follows = j.directed("follows", users);
        for (int i = 0; i < 200; i++) follows.link(rnd.nextInt(60), rnd.nextInt(60));
        follows.link(5, 5); // a self-loop
        RelationGraph g = RelationGraph.of(follows);
        assertTrue(g.getType().isDirected());
        assertEquals(users.size(), g.vertexSet().size());
        assertEquals(follows.size(), g.edgeSet().size());
        Graph<Long, DefaultEdge> copy = new DefaultDirectedGraph<>(DefaultEdge.class);
        g.vertexSet().forEach(copy::addVertex);
        for (long e : g.edgeSet()) copy.addEdge(g.getEdgeSource(e), g.getEdgeTarget(e));
        assertEquals(new HashSet<>(new KosarajuStrongConnectivityInspector<>(copy).stronglyConnectedSets()),
                new HashSet<>(new KosarajuStrongConnectivityInspector<>(g).stronglyConnectedSets()), "seed " + seed);
        for (long v : g.vertexSet()) {
            assertEquals(copy.outDegreeOf(v), g.outDegreeOf(v), "seed " + seed + " out " + v);
            assertEquals(copy.inDegreeOf(v), g.inDegreeOf(v), "seed " + seed + " in " + v);
            assertEquals(copy.degreeOf(v), g.degreeOf(v), "seed " + seed + " degree " + v);
            assertEquals(copy.edgesOf(v).size(), g.edgesOf(v).size(), "seed " + seed + " edges " + v);
        }
        long five = RelationGraph.leftVertex(users.idOf(5));
        assertNotNull(g.getEdge(five, five));
    }

    @Test
    void aSymmetricRelationGivesAnUndirectedGraphWithEachLinkOnce() {
        Relation<String, String> friends = Schemas.symmetric("friends", "people");
        Table<String> people = friends.leftTable();
        Schemas.link(friends, "a", "b", "c", "b", "d", "d");
        people.add("e");
        RelationGraph g = RelationGraph.of(friends);
        assertFalse(g.getType().isDirected());
        assertEquals(5, g.vertexSet().size());
        assertEquals(3, g.edgeSet().size());
        assertEquals(3, g.edgeSet().stream().distinct().count());
        long a = RelationGraph.leftVertex(people.idOf("a"));
        long b = RelationGraph.leftVertex(people.idOf("b"));
        long d = RelationGraph.leftVertex(people.idOf("d"));
        assertEquals(g.getEdge(a, b), g.getEdge(b, a));
        assertTrue(g.edgesOf(b).containsAll(List.of(g.getEdge(a, b), g.getEdge(b, people.idOf("c") + 0L))));
        assertEquals(2, g.degreeOf(b));
        assertEquals(2, g.degreeOf(d), "a self-loop counts twice, as in JGraphT");
        Graph<Long, DefaultEdge> copy = new org.jgrapht.graph.Pseudograph<>(DefaultEdge.class);
        g.vertexSet().forEach(copy::addVertex);
        for (long e : g.edgeSet()) copy.addEdge(g.getEdgeSource(e), g.getEdgeTarget(e));
        for (long v : g.vertexSet()) assertEquals(copy.degreeOf(v), g.degreeOf(v), "degree of " + v);
        assertEquals(new HashSet<>(new ConnectivityInspector<>(copy).connectedSets()),
                new HashSet<>(new ConnectivityInspector<>(g).connectedSets()));
    }
}
