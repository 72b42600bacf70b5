package dev.junction.engine;

import dev.junction.Junction;
import dev.junction.Relation;
import dev.junction.Transaction;
import dev.junction.index.IntRelation;
import dev.junction.index.RelationFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the engine's cells: each new relation is declared in a new engine and read and written
 * through its {@code ints()}, in the cell's {@link Mode}. Transactions are opened on the test thread before
 * the relation is used, and rolled back after each test.
 */
abstract class EngineFixture implements RelationFixture {

    /** Where a cell uses its relation. */
    enum Mode {
        /** Outside any transaction: reads validated against commits, single writes in place. */
        COMMITTED,
        /** Inside a transaction: the transaction's overlay of the relation. */
        IN_TRANSACTION,
        /**
         * Inside a transaction whose first step stages the relation for a bulk load ({@code Junction.bulkLoad}):
         * the overlay's private index. First, because a bulk load after other changes is not supported.
         */
        IN_BULK_LOAD
    }

    private final IntRelation.Kind kind;
    private final Mode mode;
    private final List<Transaction> open = new ArrayList<>();

    EngineFixture(IntRelation.Kind kind, Mode mode) {
        this.kind = kind;
        this.mode = mode;
    }

    /** Declares, in {@code db}, the relation whose {@code ints()} the cell tests. */
    abstract Relation<Long, Long> declare(Junction db, String name);

    @Override
    public final IntRelation.Kind kind() {
        return kind;
    }

    @Override
    public final IntRelation newRelation(String name) {
        Junction db = Junction.create();
        Relation<Long, Long> relation = declare(db, name);
        if (mode != Mode.COMMITTED) {
            open.add(db.begin());
            if (mode == Mode.IN_BULK_LOAD) {
                db.bulkLoad(relation, () -> { }); // stages the relation for the rest of the transaction
            }
        }
        return relation.ints();
    }

    /** Outside a transaction, forEach hands the action a validated copy, which the action may change freely. */
    @Override
    public final boolean forEachFailsFast() {
        return mode != Mode.COMMITTED;
    }

    @AfterEach
    final void rollBack() {
        open.forEach(Transaction::close);
        open.clear();
    }
}
