package dev.junction;

/**
 * Thrown when a write could not start or a commit could not be published in time: another thread held the
 * engine's write lock (an open transaction), or {@link ReadView}s stayed open, for longer than the engine's
 * lock timeout. Nothing was changed by the call that threw.
 */
public final class LockTimeoutException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    LockTimeoutException(String message) {
        super(message);
    }
}
