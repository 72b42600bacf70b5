package dev.junction.pg;

/**
 * Why a {@link PgReplica} stopped, or could not start: a row it cannot apply (a NULL or unmapped key, a value that
 * does not fit its column, a change the replica's state contradicts), a mapped table that was altered, dropped or
 * re-created, a setup that cannot work (no {@code wal_level=logical}, no {@code REPLICATION} privilege, a missing
 * publication or unique key), or an error of PostgreSQL that is not a connection fault. The engine stays at the
 * last transaction the replica applied: a failing transaction is never applied in part, and never skipped.
 *
 * <p>{@link #table()}, {@link #key()} and {@link #lsn()} say where, when they apply; the message says all of it
 * and what to do. Immutable.
 */
public final class PgReplicaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The table concerned ({@code schema.name}), or null: see {@link #table()}. */
    private final String table;
    /** The key of the row concerned, or null: see {@link #key()}. */
    private final String key;
    /** The WAL position concerned, or 0: see {@link #lsn()}. */
    private final long lsn;

    PgReplicaException(String message, String table, String key, long lsn, Throwable cause) {
        super(compose(message, table, key, lsn), cause);
        this.table = table;
        this.key = key;
        this.lsn = lsn;
    }

    private static String compose(String message, String table, String key, long lsn) {
        StringBuilder sb = new StringBuilder();
        if (table != null) sb.append("table ").append(table);
        if (key != null) sb.append(sb.length() > 0 ? ", " : "").append("row ").append(key);
        if (lsn != 0) sb.append(sb.length() > 0 ? ", " : "").append("LSN ").append(PgReplica.formatLsn(lsn));
        return sb.length() > 0 ? sb + ": " + message : message;
    }

    /** The PostgreSQL table ({@code schema.name}) concerned, or null. */
    public String table() {
        return table;
    }

    /** The key of the row concerned, such as {@code (author_id=1, book_id=NULL)}, or null. */
    public String key() {
        return key;
    }

    /**
     * The WAL position concerned: the commit LSN of the transaction that could not be applied, or the position
     * the replica had reached; 0 if none.
     */
    public long lsn() {
        return lsn;
    }
}
