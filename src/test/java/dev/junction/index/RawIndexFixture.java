package dev.junction.index;

/** The fixture of the raw index's test classes: a new {@link IntRelation} of the kind each class tests. */
abstract class RawIndexFixture implements RelationFixture {

    private final IntRelation.Kind kind;

    RawIndexFixture(IntRelation.Kind kind) {
        this.kind = kind;
    }

    @Override
    public IntRelation.Kind kind() {
        return kind;
    }

    @Override
    public IntRelation newRelation(String name) {
        return create(kind, name);
    }

    static IntRelation create(IntRelation.Kind kind, String name) {
        return switch (kind) {
            case BIPARTITE -> IntRelation.bipartite(name);
            case DIRECTED -> IntRelation.directed(name);
            case SYMMETRIC -> IntRelation.symmetric(name);
        };
    }
}
