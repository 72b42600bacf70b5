package dev.junction.engine;

import static dev.junction.engine.EngineFixture.Mode.IN_BULK_LOAD;
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
 * {@code Relation.ints()} of a bipartite engine relation, used inside a transaction that bulk-loads it. With the
 * model fuzz, one seed, as {@link RelationIntsBipartiteInTransactionTest} explains.
 */
@FuzzSeeds(42)
class RelationIntsBipartiteInBulkLoadTest extends RelationIntsFixture implements ModelFuzzContract,
        LinkSemanticsContract, LargeDegreeContract, BadInputContract, ReadOnlyViewContract, FailFastContract,
        BulkLoadContract, EmptyRelationContract {

    RelationIntsBipartiteInBulkLoadTest() {
        super(BIPARTITE, IN_BULK_LOAD);
    }
}
