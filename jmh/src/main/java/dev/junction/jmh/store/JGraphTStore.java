package dev.junction.jmh.store;

import org.jgrapht.Graphs;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * A JGraphT {@link SimpleGraph} of Integer vertices and {@link DefaultEdge}s. Left {@code l} is vertex {@code l};
 * right {@code r} is vertex {@code -(r + 1)}, so the two id spaces never meet. Neighbours come from
 * {@code edgesOf} + {@link Graphs#getOppositeVertex}.
 */
public final class JGraphTStore implements LinkStore {

    private final SimpleGraph<Integer, DefaultEdge> graph = new SimpleGraph<>(DefaultEdge.class);

    private static Integer rightVertex(int right) {
        return -(right + 1);
    }

    /** The graph (for memory measurement). */
    public Object graph() {
        return graph;
    }

    @Override
    public String name() {
        return "jgrapht";
    }

    @Override
    public boolean link(int left, int right) {
        Integer l = left;
        Integer r = rightVertex(right);
        graph.addVertex(l);
        graph.addVertex(r);
        return graph.addEdge(l, r) != null;
    }

    @Override
    public boolean unlink(int left, int right) {
        Integer l = left;
        Integer r = rightVertex(right);
        if (!graph.containsVertex(l) || !graph.containsVertex(r)) {
            return false;
        }
        return graph.removeEdge(l, r) != null;
    }

    @Override
    public boolean contains(int left, int right) {
        Integer l = left;
        Integer r = rightVertex(right);
        return graph.containsVertex(l) && graph.containsVertex(r) && graph.containsEdge(l, r);
    }

    @Override
    public long sumRights(int left) {
        Integer v = left;
        if (!graph.containsVertex(v)) {
            return 0;
        }
        long sum = 0;
        for (DefaultEdge e : graph.edgesOf(v)) {
            sum += -Graphs.getOppositeVertex(graph, e, v) - 1;
        }
        return sum;
    }

    @Override
    public long sumLefts(int right) {
        Integer v = rightVertex(right);
        if (!graph.containsVertex(v)) {
            return 0;
        }
        long sum = 0;
        for (DefaultEdge e : graph.edgesOf(v)) {
            sum += Graphs.getOppositeVertex(graph, e, v);
        }
        return sum;
    }

    @Override
    public int removeLeft(int left) {
        Integer v = left;
        if (!graph.containsVertex(v)) {
            return 0;
        }
        int degree = graph.degreeOf(v);
        graph.removeVertex(v);
        return degree;
    }

    @Override
    public void bulkLoad(int[] lefts, int[] rights) {
        for (int i = 0; i < lefts.length; i++) {
            link(lefts[i], rights[i]);
        }
    }
}
