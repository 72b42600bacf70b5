package dev.junction;

import java.time.Duration;
import java.util.Objects;

/**
 * When a journaled commit reaches the disk (see {@link Persistence}).
 *
 * <ul>
 *   <li>{@link #everyCommit()}: the journal is forced ({@code fdatasync}) before the commit is published and
 *       returns. A commit that returned survives a crash of the process or the machine. The cost is one force per
 *       commit (about a millisecond or more on most disks).</li>
 *   <li>{@link #groupCommit(Duration)}: a commit writes its record and is published at once; it then waits,
 *       without holding the write lock, until a background thread forces the journal. That thread forces as soon
 *       as a record is pending, but at most once per {@code window} ({@code Duration.ZERO}: back to back); the
 *       commits that arrive during one force share the next, so several committing threads get far more commits
 *       per second than with one force each. A commit that returned survives a crash too. Other threads may see a
 *       commit before it is on disk (it is then lost in a crash, but its committer never returned).</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class SyncPolicy {

    final boolean everyCommit;
    final long windowNanos;

    private SyncPolicy(boolean everyCommit, long windowNanos) {
        this.everyCommit = everyCommit;
        this.windowNanos = windowNanos;
    }

    /** Force the journal on every commit, before it is published. The default for durable mode. */
    public static SyncPolicy everyCommit() {
        return new SyncPolicy(true, 0);
    }

    /**
     * Group commit: one force per {@code window} for all commits in it; a commit returns once forced.
     *
     * @throws IllegalArgumentException if {@code window} is negative or above one minute
     * @throws NullPointerException if {@code window} is null
     */
    public static SyncPolicy groupCommit(Duration window) {
        Objects.requireNonNull(window, "window is null");
        if (window.isNegative() || window.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("group commit window " + window + " must be between 0 and 1 minute");
        }
        return new SyncPolicy(false, window.toNanos());
    }

    @Override
    public String toString() {
        return everyCommit ? "sync every commit" : "group commit, at most one force per " + windowNanos / 1000 + " us";
    }
}
