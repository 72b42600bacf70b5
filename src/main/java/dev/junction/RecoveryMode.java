package dev.junction;

/**
 * How {@link Persistence#open(Junction, java.nio.file.Path, SyncPolicy, RecoveryMode)} treats a damaged journal,
 * like RocksDB's WAL recovery modes. Either way a damaged snapshot, a journal of a newer format version or of
 * another generation, and a schema that does not match are refused; what was dropped is in
 * {@link Persistence#recovery()}.
 *
 * <p>Each journal record states how far the journal was forced before it was written, so recovery knows whether
 * damaged bytes were ever forced. A commit is acknowledged (its call returns) only after a force covering its
 * record, so bytes that were never forced hold no acknowledged commit: a crash or power cut leaves only such
 * damage.
 */
public enum RecoveryMode {

    /**
     * The default: drops the damaged end of the newest journal when nothing after the damage was ever forced (the
     * torn or lost writes of a crash or power cut, including, with group commit, a hole of zeros or garbage before
     * intact records that were not forced either), and refuses with a {@link CorruptFileException} naming the file
     * and byte any damage to bytes known to have been forced: a later record or the close mark says the journal
     * was forced past it, or the journal is not the newest (it was forced whole before the next was created). So
     * it opens by itself after any crash or power cut, with every acknowledged commit, and never silently loses an
     * acknowledged commit to damage it can detect. Damage to the last records forced before a crash, with no record
     * written after that force, cannot be told from a torn end and is dropped as one.
     */
    STRICT,

    /**
     * Recovers the state up to the first damage, whatever was damaged, and drops the rest: the damaged record and
     * every record and journal after it, including a record that is intact but cannot be replayed (it does not
     * follow the state). Acknowledged commits after the damage are lost; {@link RecoveryReport#lostAcknowledged()}
     * says whether that may have happened. When more than a never-forced end is dropped, the recovered state is
     * written as a new snapshot and the damaged journals are kept beside it, renamed to
     * {@code journal-N.log.damaged} (never read again), so the directory opens in either mode afterwards. A
     * damaged snapshot is still refused.
     */
    POINT_IN_TIME
}
