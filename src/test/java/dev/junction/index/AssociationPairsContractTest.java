package dev.junction.index;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The int-level relation contracts, run against {@code AssociationTable.pairs().ints()}: the distinct pairs of
 * an association table with row identity, whose writes create and delete rows (the association proxy). A set
 * of pairs like any relation, so every contract of the index must hold: links, unlinks, bulk writes, bad
 * input, views, fail-fast iteration, large degrees and a random comparison with a model. Run committed and
 * inside a transaction (rolled back after each test); bipartite (customers × products) and directed (one table
 * at both ends; large degrees are left to the bipartite runs, which take most of this suite's time).
 */
class AssociationPairsContractTest {

    /** Makes the pairs relation of a new association table, optionally inside a transaction. */
    static final class Factory {
        final List<Transaction> open = new ArrayList<>();

        IntRelation create(IntRelation.Kind kind, String name, boolean inTransaction) {
            Junction db = Junction.create();
            LongTable left = db.longTable("left");
            AssociationTable<Long, Long> a = switch (kind) {
                case BIPARTITE -> db.associationTable(name, left, db.longTable("right"));
                case DIRECTED -> db.associationTable(name, left, left);
                case SYMMETRIC -> throw new IllegalArgumentException("association tables are not symmetric");
            };
            if (inTransaction) {
                open.add(db.begin());
            }
            return a.pairs().ints();
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
        class ModelFuzz extends ModelFuzzContract {
            @Override
            protected IntRelation.Kind kind() {
                return IntRelation.Kind.BIPARTITE;
            }

            @Override
            protected IntRelation newRelation(String name) {
                return FACTORY.create(kind(), name, false);
            }

            /** One seed (rows make every link cost more); the others replay with -Djunction.fuzz.seed. */
            @Override
            @org.junit.jupiter.params.ParameterizedTest(name = "seed={0}")
            @org.junit.jupiter.params.provider.ValueSource(longs = {7L})
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

            /** One seed (rows make every link cost more); the others replay with -Djunction.fuzz.seed. */
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
}
