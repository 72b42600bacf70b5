package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.BitSet;

/**
 * The invariants every committed engine state keeps, whatever produced it (calls, a loaded snapshot, a replayed
 * journal): tables agree with their allocators; every link joins live entities of the relation's tables and is
 * seen from both sides; every association row has one left, one right and its pair, every pair a row; every link
 * value belongs to a linked pair. Used by tests that load files they did not write.
 */
final class EngineInvariants {

    private EngineInvariants() {
    }

    /** The first broken invariant of {@code db}'s committed state, or null. Call with no transaction open. */
    static String problem(Junction db) {
        try (ReadView v = db.readView()) {
            for (AbstractTable<?> t : db.tablesInOrder()) {
                String p = tableProblem(t);
                if (p != null) return p;
            }
            for (RelationImpl<?, ?> r : db.relationsInOrder()) {
                String p = relationProblem("relation '" + r.name + "'", r.store, r.left, r.right);
                if (p != null) return p;
                if (r.columns != null) {
                    for (long key : r.columns.slots.keySet().toLongArray()) {
                        if (!r.store.contains((int) (key >>> 32), (int) key)) {
                            return "relation '" + r.name + "' has values for (" + (key >>> 32) + ", " + (int) key
                                    + "), which is not linked";
                        }
                    }
                }
            }
            for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
                String p = associationProblem(a);
                if (p != null) return "association table '" + a.name + "': " + p;
            }
        }
        return null;
    }

    private static String tableProblem(AbstractTable<?> t) {
        BitSet live = t.liveIds();
        if (live.cardinality() != t.size()) return "table '" + t.name + "' has size " + t.size() + " but "
                + live.cardinality() + " live ids";
        if (live.length() > t.highWaterMark()) return "table '" + t.name + "' has a live id above its high-water mark";
        int[] free = t.freeStack();
        if (free.length + live.cardinality() != t.highWaterMark()) {
            return "table '" + t.name + "': live and free ids do not make the high-water mark";
        }
        for (int id : free) {
            if (live.get(id)) return "table '" + t.name + "': id " + id + " is both live and free";
        }
        if (!(t instanceof RowIdTable)) {
            for (int id = live.nextSetBit(0); id >= 0; id = live.nextSetBit(id + 1)) {
                Object e = t.committedEntity(id);
                if (e == null || t.find(e) != id) return "table '" + t.name + "': entity at id " + id + " does not "
                        + "map back to it";
            }
        }
        return null;
    }

    /** Every link joins live ids of the two tables and is seen from both sides; sizes agree. */
    private static String relationProblem(String what, IntRelation rel, AbstractTable<?> left,
                                          AbstractTable<?> right) {
        String[] problem = {null};
        long[] count = {0};
        rel.forEachLink((l, r) -> {
            count[0]++;
            if (problem[0] != null) return;
            if (!left.liveIds().get(l)) problem[0] = what + ": link (" + l + ", " + r + ") has a left that is no "
                    + "entity of table '" + left.name + "'";
            else if (!right.liveIds().get(r)) problem[0] = what + ": link (" + l + ", " + r + ") has a right that "
                    + "is no entity of table '" + right.name + "'";
            else if (!rel.leftsOf(r).contains(l) || !rel.rightsOf(l).contains(r) || !rel.contains(l, r)) {
                problem[0] = what + ": link (" + l + ", " + r + ") is not seen from both sides";
            }
        });
        if (problem[0] == null && count[0] != rel.size()) {
            problem[0] = what + ": size " + rel.size() + " but " + count[0] + " links";
        }
        return problem[0];
    }

    private static String associationProblem(AssociationTableImpl<?, ?> a) {
        for (String p : new String[] {
            relationProblem("rows by left", a.byLeft.store, a.left, a.rows),
            relationProblem("rows by right", a.byRight.store, a.right, a.rows),
            relationProblem("pairs", a.pairRel.store, a.left, a.right)}) {
            if (p != null) return p;
        }
        BitSet rows = a.rows.liveIds();
        LongOpenHashSet fromRows = new LongOpenHashSet();
        for (int row = rows.nextSetBit(0); row >= 0; row = rows.nextSetBit(row + 1)) {
            IntNeighborSet ls = a.byLeft.store.leftsOf(row);
            IntNeighborSet rs = a.byRight.store.leftsOf(row);
            if (ls.size() != 1 || rs.size() != 1) return "row " + row + " has " + ls.size() + " lefts and "
                    + rs.size() + " rights";
            int l = ls.iterator().nextInt();
            int r = rs.iterator().nextInt();
            if (!a.pairRel.store.contains(l, r)) return "row " + row + " joins (" + l + ", " + r + "), not a pair";
            fromRows.add(((long) l << 32) | r);
        }
        if (fromRows.size() != a.pairRel.store.size()) {
            return a.pairRel.store.size() + " pairs but the rows make " + fromRows.size();
        }
        return null;
    }
}
