package dev.junction.engine;

import static dev.junction.engine.EngineFixture.Mode.COMMITTED;
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
 * {@code AssociationTable.pairs().ints()} of a bipartite association table, used outside any transaction. With the
 * model fuzz, one seed: rows make every link cost more.
 */
@FuzzSeeds(7)
class AssociationPairsBipartiteCommittedTest extends AssociationPairsFixture implements ModelFuzzContract,
        LinkSemanticsContract, LargeDegreeContract, BadInputContract, ReadOnlyViewContract, FailFastContract,
        BulkLoadContract, EmptyRelationContract {

    AssociationPairsBipartiteCommittedTest() {
        super(BIPARTITE, COMMITTED);
    }
}
