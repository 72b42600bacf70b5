/**
 * The primitive, hot-path layer: {@link dev.junction.index.IntRelation}, a many-to-many relation between
 * non-negative int ids held as a bidirectional index (sorted runs for small neighbour sets, compressed bitmaps
 * for large ones), with read-only neighbour views ({@link dev.junction.index.IntNeighborSet}). It imports nothing
 * from the rest of Junction; the typed layer ({@code dev.junction}) and the queries build on it.
 */
package dev.junction.index;
