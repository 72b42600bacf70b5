package dev.junction.pg;

import dev.junction.Transaction;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.sql.SQLException;

/**
 * Applies decoded pgoutput messages to the engine: BEGIN opens a Junction transaction, the changes of mapped tables
 * go through their {@link Part}s, COMMIT stores the position in the same transaction and commits it. Anything that
 * goes wrong in between (a row that cannot be applied, the connection dropping) ends in {@link #abort()}: the
 * Junction transaction is rolled back whole, with the parts' bookkeeping.
 *
 * <p>Catching up: when the replica is behind ({@link PgReplica#behind}), consecutive PostgreSQL transactions that
 * are already in the stream share one Junction transaction (at most {@link #MAX_BATCH} of them, {@link
 * #MAX_BATCH_CHANGES} changes or {@link #MAX_BATCH_NANOS}), which is committed as soon as the stream has nothing
 * more to hand over, or the next transaction is not behind. Readers still never see part of a PostgreSQL transaction, only several at once, in commit
 * order; listeners still hear each. A failure rolls back the whole batch: the replica stays before its first.
 *
 * <p>Design notes: RELATION messages map the stream's relation ids to parts and give each part its stream layout;
 * they come before a relation's first change in a session and again after its definition changed, which is where an
 * ALTER TABLE that breaks the mapping is caught. Tables of the publication that are not mapped are ignored. The
 * replica's thread only.
 */
final class Applier implements Pgoutput.Handler {

    static final int MAX_BATCH = 1000;
    static final int MAX_BATCH_CHANGES = 50_000;
    static final long MAX_BATCH_NANOS = 10_000_000L;

    private final PgReplica replica;
    private final Int2ObjectOpenHashMap<Part> byRelation = new Int2ObjectOpenHashMap<>();
    private final IntOpenHashSet unmapped = new IntOpenHashSet();
    private Catalog catalog;
    /** The open Junction transaction: of the PostgreSQL transaction being applied, and of those batched before it. */
    private Transaction tx;
    /** Whether a PostgreSQL transaction is between its BEGIN and its COMMIT. */
    private boolean inPgTransaction;
    private long txLsn;
    private int changes;
    // PostgreSQL transactions applied in the open Junction transaction, waiting for its commit
    private int batched;
    private int batchedChanges;
    private long batchStart;
    private long[] batchEnds = new long[16];
    private long[] batchTimes = new long[16];
    private int[] batchCounts = new int[16];
    /** Set when a transaction committed; the stream loop then acknowledges the new position. */
    boolean committedSinceAck;

    Applier(PgReplica replica) {
        this.replica = replica;
    }

    /** A new stream: relation ids are learned again from its RELATION messages. */
    void streaming(Catalog catalog) {
        this.catalog = catalog;
        byRelation.clear();
        unmapped.clear();
    }

    /** Whether a Junction transaction is open (a PostgreSQL transaction in progress, or a batch waiting). */
    boolean inTransaction() {
        return tx != null;
    }

    /** Whether complete PostgreSQL transactions wait in the open Junction transaction for its commit. */
    boolean hasBatch() {
        return tx != null && !inPgTransaction && batched > 0;
    }

    /** Whether the waiting batch is old enough to commit even if the stream has more. */
    boolean batchDue() {
        return hasBatch() && System.nanoTime() - batchStart > MAX_BATCH_NANOS;
    }

    @Override
    public void begin(long finalLsn, long commitTimeMicros, int xid) {
        if (inPgTransaction) throw new Pgoutput.ProtocolException("BEGIN inside a transaction");
        if (hasBatch() && !replica.behind(finalLsn, commitTimeMicros)) commitBatch(); // caught up: no more waiting
        if (tx == null) {
            tx = replica.beginTransaction();
            batchStart = System.nanoTime();
        }
        inPgTransaction = true;
        txLsn = finalLsn;
        changes = 0;
    }

    @Override
    public void relation(Pgoutput.RelationInfo r) {
        Part p = replica.partNamed(r.qualifiedName());
        if (p == null) {
            unmapped.add(r.id());
            byRelation.remove(r.id());
            return;
        }
        if (r.id() != p.oid) {
            throw replica.schemaFailure(p.qualified, new IllegalStateException("table " + p.qualified + " was dropped "
                    + "and created again (OID " + p.oid + ", now " + r.id() + ")"), txLsn);
        }
        int[] base = new int[r.types().length];
        String[] names = new String[base.length];
        try {
            for (int i = 0; i < base.length; i++) {
                base[i] = catalog.baseType(r.types()[i]);
                names[i] = catalog.typeName(r.types()[i]);
            }
        } catch (SQLException e) {
            throw new PgReplica.UncheckedSql(e);
        }
        Part.Layout layout;
        try {
            layout = Part.Layout.of(p, r.columns(), base, names);
        } catch (Part.SchemaError e) {
            throw replica.schemaFailure(p.qualified, new IllegalStateException(e.getMessage()
                    + " (the table was altered)"), txLsn);
        }
        if (r.replicaIdentity() != 'f') {
            String[] keys = p.keyColumns();
            int needed = p instanceof AssociationPart ? 1 : keys.length;
            for (int k = 0; k < needed; k++) {
                if (!r.key()[layout.pos[k]]) {
                    throw replica.schemaFailure(p.qualified, new IllegalStateException("its replica identity no longer "
                            + "includes " + keys[k] + " (the table was altered): UPDATEs and DELETEs would not say "
                            + "which row they change"), txLsn);
                }
            }
        }
        p.streamLayout = layout;
        byRelation.put(r.id(), p);
        unmapped.remove(r.id());
    }

    private Part part(int relationId) {
        Part p = byRelation.get(relationId);
        if (p == null && !unmapped.contains(relationId)) {
            throw new Pgoutput.ProtocolException("a change of relation " + relationId + " before its RELATION message");
        }
        if (p != null && !inPgTransaction) throw new Pgoutput.ProtocolException("a change outside a transaction");
        return p;
    }

    @Override
    public void insert(int relationId, Fields row) {
        apply(Change.INSERT, relationId, null, row);
    }

    @Override
    public void update(int relationId, Fields old, Fields row) {
        apply(Change.UPDATE, relationId, old, row);
    }

    @Override
    public void delete(int relationId, Fields old) {
        apply(Change.DELETE, relationId, old, null);
    }

    private enum Change { INSERT, UPDATE, DELETE }

    /** Applies a row change to its part (none if the table is not mapped); a row the part refuses stops the replica. */
    private void apply(Change change, int relationId, Fields old, Fields row) {
        Part p = part(relationId);
        if (p == null) return;
        try {
            switch (change) {
                case INSERT -> p.insert(row, p.streamLayout);
                case UPDATE -> p.update(old, row, p.streamLayout);
                case DELETE -> p.delete(old, p.streamLayout);
            }
        } catch (Part.RowError e) {
            throw replica.rowFailure(p, e, txLsn);
        }
        changes++;
    }

    @Override
    public void truncate(int[] relationIds, boolean cascade, boolean restartIdentity) {
        // links and rows first, entities after, so that an entity's removal finds its links gone already
        for (int pass = 0; pass < 2; pass++) {
            for (int id : relationIds) {
                Part p = part(id);
                if (p == null || (p instanceof EntityPart) != (pass == 1)) continue;
                p.truncate();
                changes++;
            }
        }
    }

    @Override
    public void commit(long commitLsn, long endLsn, long commitTimeMicros) {
        if (!inPgTransaction) throw new Pgoutput.ProtocolException("COMMIT outside a transaction");
        for (Part p : replica.parts()) {
            String pending = p.pendingCascade();
            if (pending != null) {
                throw replica.schemaFailure(p.qualified, new IllegalStateException(pending), txLsn);
            }
            p.endPgTransaction();
        }
        inPgTransaction = false;
        if (batched == batchEnds.length) {
            batchEnds = java.util.Arrays.copyOf(batchEnds, batched * 2);
            batchTimes = java.util.Arrays.copyOf(batchTimes, batched * 2);
            batchCounts = java.util.Arrays.copyOf(batchCounts, batched * 2);
        }
        batchEnds[batched] = endLsn;
        batchTimes[batched] = commitTimeMicros;
        batchCounts[batched] = changes;
        batched++;
        batchedChanges += changes;
        if (batched < MAX_BATCH && batchedChanges < MAX_BATCH_CHANGES && !batchDue()
                && replica.behind(endLsn, commitTimeMicros)) {
            return; // catching up: the next transaction, already in the stream, joins this Junction transaction
        }
        commitBatch();
    }

    /** Commits the open Junction transaction with the PostgreSQL transactions applied in it. */
    void commitBatch() {
        if (!hasBatch()) return;
        replica.writePosition(batchEnds[batched - 1]);
        Transaction t = tx;
        try {
            t.commit();
        } catch (dev.junction.LockTimeoutException e) {
            tx = null;
            abortParts();
            throw e; // the transaction was rolled back; connecting again streams it again
        } catch (RuntimeException | Error e) {
            tx = null;
            abortParts();
            throw new PgReplicaException("the engine refused to commit the transaction: " + e, null, null, txLsn, e);
        }
        tx = null;
        for (Part p : replica.parts()) p.endTransaction(false);
        committedSinceAck = true;
        int n = batched;
        batched = 0;
        batchedChanges = 0;
        for (int i = 0; i < n; i++) replica.applied(batchEnds[i], batchTimes[i], batchCounts[i]);
    }

    /** Rolls back the open transaction, if any, and the parts' bookkeeping. */
    void abort() {
        Transaction t = tx;
        tx = null;
        inPgTransaction = false;
        batched = 0;
        batchedChanges = 0;
        if (t != null) {
            try {
                t.rollback();
            } catch (RuntimeException e) {
                PgReplica.uncaught(e);
            }
        }
        abortParts();
    }

    private void abortParts() {
        inPgTransaction = false;
        batched = 0;
        batchedChanges = 0;
        for (Part p : replica.parts()) p.endTransaction(true);
        replica.reloadStoredPosition();
    }
}
