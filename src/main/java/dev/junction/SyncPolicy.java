package dev.junction;

import java.time.Duration;
import java.util.Objects;

/**
 * When a journaled commit reaches the disk (see {@link Persistence}).
 *
 * <ul>
 *   <li>{@link #everyCommit()}: the journal is forced ({@code fsync}) before the commit is published and returns.
 *       The cost is one force per commit (about a millisecond or more on most disks).</li>
 *   <li>{@link #groupCommit(Duration)}: a commit writes its record and is published at once; it then waits,
 *       without holding the write lock, until a background thread forces the journal. That thread forces as soon
 *       as a record is pending, but at most once per {@code window} ({@code Duration.ZERO}: back to back); the
 *       commits that arrive during one force share the next, so several committing threads get far more commits
 *       per second than with one force each. Other threads may see a commit before it is on disk.</li>
 * </ul>
 *
 * <h2>What survives</h2>
 * With either policy, a commit that returned survives both a kill of the process and a power cut (or an operating
 * system crash): its record was forced before it returned, and the directory's entries (the directory itself,
 * the journal, the snapshot) were forced before that. A commit that had not returned may be found after either, but
 * only whole, and with group commit only with every commit before it in the journal; a transaction is never found
 * in part. After a power cut, the unforced end of the journal is dropped on open by itself (see
 * {@link RecoveryMode#STRICT}); with group commit that end can hold several records that reached the disk in any
 * order, with holes. This assumes a file system that keeps what a completed {@code fsync} of a file or directory
 * covered, and a disk that honours flushes (or has a battery-backed cache); it is checked against the weakest such
 * file system (unforced writes lost, torn or reordered, unforced directory entries lost) by {@code PowerCutTest}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncPolicy {

    final boolean everyCommit;
    final long windowNanos;

    private SyncPolicy(boolean everyCommit, long windowNanos) {
        this.everyCommit = everyCommit;
        this.windowNanos = windowNanos;
    }

    /**
     * Force the journal on every commit, before it is published: a commit that returned survives a process kill
     * and a power cut. The default for durable mode.
     */
    public static SyncPolicy everyCommit() {
        return new SyncPolicy(true, 0);
    }

    /**
     * Group commit: one force per {@code window} for all commits in it; a commit returns once forced, so it
     * survives a process kill and a power cut as with {@link #everyCommit()}.
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
