package dev.junction.index;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The int-level contracts, run against {@code Relation.ints()} of an engine relation (the thread-safe,
 * transactional facade, {@code SharedIntRelation}), outside any transaction ({@code Committed}: reads validated
 * against commits, single writes in place) and inside one opened on the test thread before the relation is
 * used ({@code InTransaction}: the transaction's {@code DeltaRelation} overlay), and inside one that stages the
 * relation for a bulk load ({@code InBulkLoad}: the overlay's private index, {@code Junction.bulkLoad}); rolled
 * back after each test.
 *
 * <p>{@link ModelFuzzContract} (about 2 s per seed with the default {@code junction.fuzz.ops}) runs only for
 * the bipartite relation in a transaction, with one seed: the one path the index's own suites do not cover;
 * the committed facade runs the same index code as {@link BipartiteRelationTest}.
 */
class EngineIntRelationContractTest {

    /** Makes engine relations of one kind, optionally inside a transaction opened on the test thread. */
    static final class Factory {
        final List<Transaction> open = new ArrayList<>();

        IntRelation create(IntRelation.Kind kind, String name, boolean inTransaction) {
            return create(kind, name, inTransaction, false);
        }

        /** {@code bulkLoad}: inside the transaction, the relation is staged for a bulk load before it is used. */
        IntRelation create(IntRelation.Kind kind, String name, boolean inTransaction, boolean bulkLoad) {
            java.util.Objects.requireNonNull(name, "name");
            Junction db = Junction.create();
            LongTable left = db.longTable("left");
            dev.junction.Relation<Long, Long> r = switch (kind) {
                case BIPARTITE -> db.relation(name, left, db.longTable("right"));
                case DIRECTED -> db.directed(name, left);
                case SYMMETRIC -> db.symmetric(name, left);
            };
            if (inTransaction) {
                open.add(db.begin());
                if (bulkLoad) {
                    db.bulkLoad(r, () -> { }); // stages the relation for the rest of the transaction
                }
            }
            return r.ints();
        }

        void closeAll() {
            open.forEach(Transaction::close);
            open.clear();
        }
    }

    static final Factory FACTORY = new Factory();

    @AfterEach
    void rollBack() {
        FACTORY.closeAll();
    }

    @Nested
    class BipartiteCommitted {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected boolean forEachFailsFast() {
                return false; // the facade hands over a validated copy
            }

            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }
    }

    @Nested
    class BipartiteInTransaction {
        @Nested
        class ModelFuzz extends ModelFuzzContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }

            /** One seed of the five (about 2 s in a transaction); the others replay with -Djunction.fuzz.seed. */
            @Override
            @org.junit.jupiter.params.ParameterizedTest(name = "seed={0}")
            @org.junit.jupiter.params.provider.ValueSource(longs = {42L})
            void randomOperationsAgreeWithModel(long seed) {
                super.randomOperationsAgreeWithModel(seed);
            }
        }

        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }
    }

    @Nested
    class DirectedCommitted {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected boolean forEachFailsFast() {
                return false; // the facade hands over a validated copy
            }

            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }
    }

    @Nested
    class DirectedInTransaction {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }
    }

    @Nested
    class SymmetricCommitted {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected boolean forEachFailsFast() {
                return false; // the facade hands over a validated copy
            }

            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }
        }
    }

    @Nested
    class SymmetricInTransaction {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true);
            }
        }
    }

    @Nested
    class BipartiteInBulkLoad {
        @Nested
        class ModelFuzz extends ModelFuzzContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }

            /** One seed of the five (about 2 s in a transaction); the others replay with -Djunction.fuzz.seed. */
            @Override
            @org.junit.jupiter.params.ParameterizedTest(name = "seed={0}")
            @org.junit.jupiter.params.provider.ValueSource(longs = {42L})
            void randomOperationsAgreeWithModel(long seed) {
                super.randomOperationsAgreeWithModel(seed);
            }
        }

        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }
    }

    @Nested
    class DirectedInBulkLoad {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.DIRECTED;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }
    }

    @Nested
    class SymmetricInBulkLoad {
        @Nested
        class LinkSemantics extends LinkSemanticsContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class LargeDegree extends LargeDegreeContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BadInput extends BadInputContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class ReadOnlyView extends ReadOnlyViewContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class FailFast extends FailFastContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class BulkLoad extends BulkLoadContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }

        @Nested
        class EmptyRelation extends EmptyRelationContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.SYMMETRIC;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, true, true);
            }
        }
    }
}
