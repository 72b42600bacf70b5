package dev.junction.engine;

import static dev.junction.engine.EngineFixture.Mode.IN_TRANSACTION;
import static dev.junction.index.IntRelation.Kind.BIPARTITE;

import dev.junction.index.BadInputContract;
import dev.junction.index.BulkLoadContract;
import dev.junction.index.EmptyRelationContract;
import dev.junction.index.FailFastContract;
import dev.junction.index.LargeDegreeContract;
import dev.junction.index.LinkSemanticsContract;
import dev.junction.index.ModelFuzzContract;
import dev.junction.index.ModelFuzzContract.FuzzSeeds;
import dev.junction.index.ReadOnlyViewContract;

/**
 * {@code Relation.ints()} of a bipartite engine relation, used inside a transaction. The model fuzz, which costs
 * about 2 s a seed here, runs with one seed and only in this cell and the bipartite bulk-load one: the overlay
 * of a transaction is the one path the index's own suites do not cover (the committed facade runs the same index
 * code as {@code BipartiteRelationTest}).
 */
@FuzzSeeds(42)
class RelationIntsBipartiteInTransactionTest extends RelationIntsFixture implements ModelFuzzContract,
        LinkSemanticsContract, LargeDegreeContract, BadInputContract, ReadOnlyViewContract, FailFastContract,
        BulkLoadContract, EmptyRelationContract {

    RelationIntsBipartiteInTransactionTest() {
        super(BIPARTITE, IN_TRANSACTION);
    }
}
