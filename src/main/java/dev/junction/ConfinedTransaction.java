package dev.junction;

/**
 * What a transaction and a transaction nested in it share: confined to the thread that began it, usable until it
 * ends, and rolled back by {@link #close} if still open.
 */
abstract class ConfinedTransaction implements Transaction {

    final Junction junction;
    /** The thread that began it: the only one that may use it. */
    final Thread owner;
    boolean active = true;

    ConfinedTransaction(Junction junction, Thread owner) {
        this.junction = junction;
        this.owner = owner;
    }

    /** What messages call it: "transaction" or "nested transaction". */
    abstract String noun();

    /** What messages add after "that has ended" (how it may have ended), or the empty string. */
    abstract String howEnded();

    /**
     * Refuses to {@code what} it unless on its thread and active.
     *
     * @throws IllegalStateException if called from another thread, or if it has ended
     */
    void checkUsable(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(junction + ": cannot " + what + " a " + noun() + " of thread '"
                    + owner.getName() + "' from thread '" + Thread.currentThread().getName() + "'");
        }
        if (!active) {
            throw new IllegalStateException(junction + ": cannot " + what + " a " + noun() + " that has ended"
                    + howEnded());
        }
    }

    /** Rolls it back if still open (on its own thread; from another one it is refused). */
    @Override
    public void close() {
        if (active && Thread.currentThread() == owner) {
            rollback();
        } else if (active) {
            checkUsable("close");
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }
}
