package dev.junction.index;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The fixture of the raw index's test classes: a new {@link IntRelation} of the kind each class names with
 * {@link KindUnderTest} (declared once on the class, as {@link ModelFuzzContract.FuzzSeeds} declares seeds).
 */
abstract class RawIndexFixture implements RelationFixture {

    /** On a subclass: the kind of relation its tests and contracts run on. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface KindUnderTest {
        IntRelation.Kind value();
    }

    private final IntRelation.Kind kind;

    RawIndexFixture() {
        KindUnderTest declared = getClass().getAnnotation(KindUnderTest.class);
        if (declared == null) {
            throw new IllegalStateException(getClass().getName() + " does not declare its @KindUnderTest");
        }
        this.kind = declared.value();
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
