/**
 * A JGraphT view of a relation ({@link dev.junction.graph.RelationGraph}), for graph algorithms over the links
 * without copying them. Needs {@code org.jgrapht:jgrapht-core} on the classpath. Reads only.
 */
package dev.junction.graph;
