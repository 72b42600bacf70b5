/**
 * The int-level contracts of {@code dev.junction.index} (one test interface per invariant) run against the
 * engine's thread-safe, transactional facades: one class per facade × kind × mode, named in that order.
 *
 * <ul>
 *   <li>{@code RelationInts*Test}: {@code Relation.ints()} of a relation declared by {@code Junction.relation},
 *       {@code directed} or {@code symmetric}; each kind committed, in a transaction and in a bulk load
 *       ({@link dev.junction.engine.RelationIntsFixture}). Every contract but the model fuzz; the fuzz, the
 *       slowest, runs one seed in the bipartite cells in a transaction and in a bulk load only.</li>
 *   <li>{@code AssociationPairs*Test}: {@code AssociationTable.pairs().ints()}, whose writes create and delete
 *       rows ({@link dev.junction.engine.AssociationPairsFixture}); bipartite committed and in a transaction
 *       with every contract (the fuzz with one seed), directed committed without large degrees and fuzz.</li>
 * </ul>
 *
 * <p>The raw index runs every contract, with all fuzz seeds, in {@code dev.junction.index}'s
 * {@code BipartiteRelationTest}, {@code DirectedRelationTest} and {@code SymmetricRelationTest}.
 */
package dev.junction.engine;
