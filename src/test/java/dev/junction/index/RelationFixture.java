package dev.junction.index;

/**
 * What every contract test of {@link IntRelation} needs from the implementation under test: the kind, and a
 * new, empty relation of that kind. One small class per implementation × kind × mode implements this (usually
 * through a tiny base of its family) together with the contract interfaces it satisfies (JCTools style: one
 * contract per invariant, one class per implementation).
 *
 * <p>Per-test state, such as the engine's open transactions, belongs to the implementing class, which releases
 * it in an {@code @AfterEach} method.
 */
public interface RelationFixture {

    /** The kind under test. */
    IntRelation.Kind kind();

    /** A new, empty relation of {@link #kind()}; a null name must throw {@link NullPointerException}. */
    IntRelation newRelation(String name);

    default boolean symmetric() {
        return kind() == IntRelation.Kind.SYMMETRIC;
    }

    /**
     * Whether {@code forEachRight}/{@code forEachLeft} fail fast when their action changes the entity (the raw
     * index, and any transaction's overlay), or walk a validated copy instead (the engine's thread-safe
     * {@code ints()} outside a transaction). Read by {@link FailFastContract}.
     */
    default boolean forEachFailsFast() {
        return true;
    }
}
