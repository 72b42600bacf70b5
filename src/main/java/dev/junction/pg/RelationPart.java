package dev.junction.pg;

import dev.junction.LinkColumn;
import dev.junction.Relation;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.Arrays;

/**
 * An association table whose key is the pair {@code (left_key, right_key)}, feeding a {@link Relation} and its
 * link columns: an INSERT links (and sets the values), a DELETE unlinks, an UPDATE sets values, or, if it changes
 * the pair, unlinks the old pair and links the new one; TRUNCATE clears the relation. The initial copy links in
 * batches through {@code linkAll}, values kept in primitive arrays until their links exist.
 */
final class RelationPart extends Part {

    private static final int BATCH = 10_000;

    final Relation<?, ?> relation;
    private final IntRelation ints;
    final TableKeys left;
    final TableKeys right;
    /** Links Junction removed with an entity in this transaction, as {@code left << 32 | right}. */
    private final LongOpenHashSet cascaded = new LongOpenHashSet();

    // copy batch
    private int[] batchLefts;
    private int[] batchRights;
    private ValueBatch[] batchValues;
    private int batched;
    private long copied;

    RelationPart(String pgTable, Relation<?, ?> relation, TableKeys left, String leftColumn, TableKeys right,
                 String rightColumn, ColumnBinding[] bindings) {
        super(pgTable, new String[] {leftColumn, rightColumn}, new TableKeys[] {left, right}, bindings);
        this.relation = relation;
        this.ints = relation.ints();
        this.left = left;
        this.right = right;
    }

    @Override
    String junctionName() {
        return "relation '" + relation.name() + "'";
    }

    @Override
    void insert(Fields row, Layout l) {
        int lid = entityOrAdd(left, 0, row, l);
        int rid = entityOrAdd(right, 1, row, l);
        if (!ints.link(lid, rid)) {
            throw contradiction(row, l, "is inserted but the pair is already linked in " + junctionName());
        }
        setLinkValues(lid, rid, row, l, false);
    }

    @Override
    void update(Fields old, Fields row, Layout l) {
        if (old == null || sameKeys(old, row, l)) {
            int lid = existingEntity(left, 0, row, l);
            int rid = existingEntity(right, 1, row, l);
            if (lid < 0 || rid < 0 || !ints.contains(lid, rid)) {
                throw contradiction(row, l, "is updated but the pair is not linked in " + junctionName());
            }
            setLinkValues(lid, rid, row, l, true);
            return;
        }
        boolean carry = anyUnchanged(row, l);
        int olid = existingEntity(left, 0, old, l);
        int orid = existingEntity(right, 1, old, l);
        if (carry) {
            if (olid < 0 || orid < 0 || !ints.contains(olid, orid)) {
                throw error(row, l, "changes its key from " + describeKey(old, l) + " without sending a TOASTed value, "
                        + "and the old link is not in the replica to take it from");
            }
            int k = keyColumns.length;
            for (int j = 0; j < bindings.length; j++) {
                if (row.isUnchanged(l.pos[k + j])) bindings[j].carryLink(olid, orid);
            }
        }
        unlinkOrCascaded(old, l, olid, orid);
        int lid = entityOrAdd(left, 0, row, l);
        int rid = entityOrAdd(right, 1, row, l);
        if (!ints.link(lid, rid)) {
            throw contradiction(row, l, "is the new key of an updated row (old key " + describeKey(old, l)
                    + "), but the pair is already linked in " + junctionName());
        }
        setLinkValues(lid, rid, row, l, false);
    }

    @Override
    void delete(Fields old, Layout l) {
        unlinkOrCascaded(old, l, existingEntity(left, 0, old, l), existingEntity(right, 1, old, l));
    }

    /** Unlinks the pair of {@code old}; if Junction already dropped it with an entity of this transaction, consumes that. */
    private void unlinkOrCascaded(Fields old, Layout l, int lid, int rid) {
        if (lid >= 0 && rid >= 0 && ints.unlink(lid, rid)) return;
        int[] ls = {lid, removedId(left, 0, old, l)};
        int[] rs = {rid, removedId(right, 1, old, l)};
        for (int a : ls) {
            for (int b : rs) {
                if (a >= 0 && b >= 0 && cascaded.remove(pair(a, b))) return;
            }
        }
        throw contradiction(old, l, "is deleted but the pair is not linked in " + junctionName());
    }

    private int removedId(TableKeys t, int k, Fields f, Layout l) {
        try {
            return t.removedId(l.readers[k], f, l.pos[k]);
        } catch (TextValues.BadValue e) {
            throw error(f, l, "key column " + keyColumns[k] + ": " + e.getMessage());
        }
    }

    private static long pair(int l, int r) {
        return (long) l << 32 | (r & 0xffffffffL);
    }

    @Override
    void truncate() {
        ints.clear();
        cascaded.clear();
    }

    @Override
    void cascadeFrom(TableKeys keys, int id) {
        if (keys == left) ints.forEachRight(id, r -> cascaded.add(pair(id, r)));
        if (keys == right) ints.forEachLeft(id, lft -> cascaded.add(pair(lft, id)));
    }

    @Override
    String pendingCascade() {
        if (cascaded.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (long p : cascaded) {
            if (n++ == 5) {
                sb.append(", ...");
                break;
            }
            if (sb.length() > 0) sb.append(", ");
            sb.append('(').append(left.keyOf((int) (p >>> 32))).append(", ").append(right.keyOf((int) p)).append(')');
        }
        return cascaded.size() + " link(s) of " + junctionName() + " that Junction removed with their entity but "
                + "PostgreSQL kept: " + sb + " (map an entity table only when its association tables reference it "
                + "with ON DELETE CASCADE)";
    }

    @Override
    void endPgTransaction() {
        if (!cascaded.isEmpty()) cascaded.clear();
    }

    @Override
    void endTransaction(boolean undo) {
        endPgTransaction();
    }

    @Override
    boolean isEmpty() {
        return relation.size() == 0;
    }

    // ---- initial copy ---------------------------------------------------------------------------------------

    /** Starts copying into the relation: cleared first unless it is empty (then the caller bulk-loads it). */
    void beginCopy() {
        if (relation.size() > 0) ints.clear();
        batchLefts = new int[BATCH];
        batchRights = new int[BATCH];
        batchValues = new ValueBatch[bindings.length];
        for (int j = 0; j < bindings.length; j++) batchValues[j] = new ValueBatch(bindings[j], BATCH);
        batched = 0;
        copied = 0;
    }

    void copyRow(Fields row, Layout l) {
        batchLefts[batched] = entityOrAdd(left, 0, row, l);
        batchRights[batched] = entityOrAdd(right, 1, row, l);
        int k = keyColumns.length;
        for (int j = 0; j < bindings.length; j++) {
            int i = l.pos[k + j];
            try {
                batchValues[j].read(batched, l.readers[k + j], row, i);
            } catch (TextValues.BadValue e) {
                throw error(row, l, "column " + bindings[j].pgColumn + " (" + l.readers[k + j] + ") = " + row.show(i)
                        + " does not fit link column '" + bindings[j].junctionName + "': " + e.getMessage());
            }
        }
        if (++batched == BATCH) flush();
    }

    private void flush() {
        if (batched == 0) return;
        int[] ls = batched == BATCH ? batchLefts : Arrays.copyOf(batchLefts, batched);
        int[] rs = batched == BATCH ? batchRights : Arrays.copyOf(batchRights, batched);
        long before = relation.size();
        ints.linkAll(ls, rs);
        long added = relation.size() - before;
        if (added != batched) {
            throw new RowError("(" + (batched - added) + " rows)", "holds " + (batched - added) + " pair(s) twice or "
                    + "pairs already copied: a relation needs (" + keyColumns[0] + ", " + keyColumns[1] + ") unique");
        }
        for (int j = 0; j < bindings.length; j++) batchValues[j].apply(batched, batchLefts, batchRights);
        copied += batched;
        batched = 0;
    }

    /** Ends the copy; returns the rows copied. */
    long endCopy() {
        flush();
        batchLefts = null;
        batchRights = null;
        batchValues = null;
        return copied;
    }

    /** One link column's values of a copy batch, unboxed. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class ValueBatch {
        private final ColumnBinding binding;
        private final LinkColumn<?, ?> column;
        private long[] longs;
        private int[] intVals;
        private double[] doubles;
        private boolean[] booleans;
        private Object[] objects;

        ValueBatch(ColumnBinding binding, int n) {
            this.binding = binding;
            this.column = binding.linkColumn;
            Class<?> t = binding.type;
            if (t == long.class) longs = new long[n];
            else if (t == int.class) intVals = new int[n];
            else if (t == double.class) doubles = new double[n];
            else if (t == boolean.class) booleans = new boolean[n];
            else objects = new Object[n];
        }

        void read(int slot, ValueReader r, Fields f, int i) {
            if (longs != null) longs[slot] = r.readLong(f, i);
            else if (intVals != null) intVals[slot] = r.readInt(f, i);
            else if (doubles != null) doubles[slot] = r.readDouble(f, i);
            else if (booleans != null) booleans[slot] = r.readBoolean(f, i);
            else objects[slot] = r.readObject(f, i, binding.type);
        }

        void apply(int n, int[] ls, int[] rs) {
            if (longs != null) {
                LinkColumn.OfLong c = (LinkColumn.OfLong) column;
                for (int i = 0; i < n; i++) c.setByIds(ls[i], rs[i], longs[i]);
            } else if (intVals != null) {
                LinkColumn.OfInt c = (LinkColumn.OfInt) column;
                for (int i = 0; i < n; i++) c.setByIds(ls[i], rs[i], intVals[i]);
            } else if (doubles != null) {
                LinkColumn.OfDouble c = (LinkColumn.OfDouble) column;
                for (int i = 0; i < n; i++) c.setByIds(ls[i], rs[i], doubles[i]);
            } else if (booleans != null) {
                LinkColumn.OfBoolean c = (LinkColumn.OfBoolean) column;
                for (int i = 0; i < n; i++) c.setByIds(ls[i], rs[i], booleans[i]);
            } else {
                LinkColumn.OfObject c = (LinkColumn.OfObject) column;
                for (int i = 0; i < n; i++) {
                    c.setByIds(ls[i], rs[i], objects[i]);
                    objects[i] = null;
                }
            }
        }
    }
}
