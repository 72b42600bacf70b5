package dev.junction.engine;

import static dev.junction.engine.EngineFixture.Mode.COMMITTED;
import static dev.junction.index.IntRelation.Kind.DIRECTED;

import dev.junction.index.BadInputContract;
import dev.junction.index.BulkLoadContract;
import dev.junction.index.EmptyRelationContract;
import dev.junction.index.FailFastContract;
import dev.junction.index.LinkSemanticsContract;
import dev.junction.index.ReadOnlyViewContract;

/**
 * {@code AssociationTable.pairs().ints()} of a directed association table, used outside any transaction. No
 * large degrees and no model fuzz here: the bipartite cells run them, and they take most of this family's time.
 */
class AssociationPairsDirectedCommittedTest extends AssociationPairsFixture implements LinkSemanticsContract,
        BadInputContract, ReadOnlyViewContract, FailFastContract, BulkLoadContract, EmptyRelationContract {

    AssociationPairsDirectedCommittedTest() {
        super(DIRECTED, COMMITTED);
    }
}
