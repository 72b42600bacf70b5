package dev.junction.index;

/**
 * Every contract an {@link IntRelation} of any kind satisfies, as one interface: a test class of one
 * implementation × kind implements this (with its {@link RelationFixture}), and a new contract added here runs for
 * all of them at once instead of being added to each class's list.
 */
public interface IntRelationContracts extends ModelFuzzContract, LinkSemanticsContract, LargeDegreeContract,
        BadInputContract, ReadOnlyViewContract, FailFastContract, BulkLoadContract, EmptyRelationContract {
}
