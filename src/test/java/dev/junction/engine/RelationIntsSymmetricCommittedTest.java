package dev.junction.engine;

import static dev.junction.engine.EngineFixture.Mode.COMMITTED;
import static dev.junction.index.IntRelation.Kind.SYMMETRIC;

import dev.junction.index.BadInputContract;
import dev.junction.index.BulkLoadContract;
import dev.junction.index.EmptyRelationContract;
import dev.junction.index.FailFastContract;
import dev.junction.index.LargeDegreeContract;
import dev.junction.index.LinkSemanticsContract;
import dev.junction.index.ReadOnlyViewContract;

/** {@code Relation.ints()} of a symmetric engine relation, used outside any transaction. */
class RelationIntsSymmetricCommittedTest extends RelationIntsFixture implements LinkSemanticsContract,
        LargeDegreeContract, BadInputContract, ReadOnlyViewContract, FailFastContract, BulkLoadContract,
        EmptyRelationContract {

    RelationIntsSymmetricCommittedTest() {
        super(SYMMETRIC, COMMITTED);
    }
}
