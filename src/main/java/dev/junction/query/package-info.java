/**
 * Queries over neighbour sets: set algebra ({@link dev.junction.query.SetAlgebra}: {@code and}, {@code or},
 * {@code andNot} and their cardinalities), rankings and pages ({@link dev.junction.query.Ranking}), at the int
 * level over any {@link dev.junction.index.IntRelation}, and their typed forms over relations of an engine
 * ({@link dev.junction.query.Queries}). Reads only.
 */
package dev.junction.query;
