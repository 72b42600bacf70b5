package dev.junction;

import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What the seeded random tests that compare the engine with a model share: the seed and step count from system
 * properties with the seed in any failure's message, and a transaction that random steps open and end, with the
 * model as it was when it began so that a rollback gives it back.
 */
final class RandomModelRuns {

    private RandomModelRuns() {
    }

    /** A random test of {@code ops} steps from {@code seed}. */
    @FunctionalInterface
    interface Steps {
        void run(long seed, int ops);
    }

    /**
     * Runs {@code steps} with the seed of {@code -D<prefix>.seed} (default: the clock) and the step count of
     * {@code -D<prefix>.ops}; a failure names the seed and the property that reruns it.
     */
    static void run(String prefix, int defaultOps, Steps steps) {
        long seed = Long.getLong(prefix + ".seed", System.nanoTime());
        int ops = Integer.getInteger(prefix + ".ops", defaultOps);
        try {
            steps.run(seed, ops);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + seed + " (rerun: -D" + prefix + ".seed=" + seed + ")", e);
        }
    }

    /** The transaction random steps open and end, and the model saved when it began. */
    static final class ModelTransaction<M> {
        private final Junction db;
        private final UnaryOperator<M> copy;
        private Transaction open;
        private M saved;

        /** {@code copy} takes the model apart from the one the steps go on changing. */
        ModelTransaction(Junction db, UnaryOperator<M> copy) {
            this.db = db;
            this.copy = copy;
        }

        boolean isOpen() {
            return open != null;
        }

        void begin(M model) {
            open = db.begin();
            saved = copy.apply(model);
        }

        /**
         * A random step on the transaction: begins one if none is open and {@code mayBegin}, else ends the open one,
         * committing or rolling back by {@code rnd}; returns the model to go on with.
         */
        M beginOrEnd(boolean mayBegin, Random rnd, M model) {
            if (open != null) {
                return end(rnd.nextBoolean(), model);
            }
            if (mayBegin) {
                begin(model);
            }
            return model;
        }

        /** Commits, or rolls back; returns the model to go on with: {@code model}, or the saved one after a rollback. */
        M end(boolean commit, M model) {
            Transaction t = open;
            open = null;
            if (commit) {
                t.commit();
                return model;
            }
            t.rollback();
            return saved;
        }
    }
}
