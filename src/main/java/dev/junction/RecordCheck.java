package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants a replayed journal record must leave intact, checked on what the record touched before its
 * transaction commits.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Why.</b> A record's checksums only say that its bytes are the ones written; a buggy or hostile writer
 *       can still produce a record that links ids no table has, or association rows with no right or no pair.
 *       The engine's own operations never do, so replay must refuse such a record rather than build a state that
 *       no sequence of calls could reach.</li>
 *   <li><b>What.</b> (1) Every link a record made that is still there joins live entities of the relation's two
 *       tables (for an association's internal parts: a live entity and a live row). (2) For every association row
 *       the record touched: a live row has exactly one left, one right, and their pair; a deleted row has no
 *       links. (3) For every left (right) entity whose association links or pairs the record touched: each of its
 *       rows has its pair, and each of its pairs has at least one row. Together these are the association's
 *       invariants, restricted to what changed.</li>
 *   <li><b>Cost.</b> O(links made) for (1); for (2) and (3) O(rows and pairs of the touched entities), each step a
 *       lookup in the transaction's overlay: linear in the record for loads, a few lookups for a single row.</li>
 * </ul>
 * Used by one replaying thread, inside the record's transaction.
 */
final class RecordCheck {

    /** What a record touched in one association table. */
    private static final class Touched {
        final IntOpenHashSet rows = new IntOpenHashSet();
        final IntOpenHashSet lefts = new IntOpenHashSet();
        final IntOpenHashSet rights = new IntOpenHashSet();
    }

    /** The association each internal part (row table, rows by left, rows by right, pairs) belongs to. */
    private final PartNames names;
    private final List<RelationImpl<?, ?>> linkedIn = new ArrayList<>();
    private final LongArrayList linked = new LongArrayList();
    private final IdentityHashMap<AssociationTableImpl<?, ?>, Touched> touched = new IdentityHashMap<>();

    RecordCheck(PartNames names) {
        this.names = names;
    }

    void linked(RelationImpl<?, ?> r, int a, int b) {
        linkedIn.add(r);
        linked.add(((long) a << 32) | (b & 0xFFFFFFFFL));
        touchLink(r, a, b);
    }

    void unlinked(RelationImpl<?, ?> r, int a, int b) {
        touchLink(r, a, b);
    }

    void added(AbstractTable<?> table, int id) {
        AssociationTableImpl<?, ?> a = names.associationOf(table);
        if (a != null) touched(a).rows.add(id);
    }

    /** Before {@code id} is removed from {@code table} in {@code t}: remembers the ends its removal changes. */
    void removing(Txn t, AbstractTable<?> table, int id) {
        AssociationTableImpl<?, ?> owner = names.associationOf(table);
        if (owner != null) { // a row: its left and right lose it
            Touched x = touched(owner);
            x.rows.add(id);
            addAll(t.delta(owner.byLeft).leftsOf(id), x.lefts);
            addAll(t.delta(owner.byRight).leftsOf(id), x.rights);
            return;
        }
        for (AssociationTableImpl<?, ?> a : table.associations) {
            if (a.left == table) touched(a).lefts.add(id);
            if (a.right == table) touched(a).rights.add(id);
        }
    }

    private void touchLink(RelationImpl<?, ?> r, int a, int b) {
        AssociationTableImpl<?, ?> owner = names.associationOf(r);
        if (owner == null) return;
        Touched x = touched(owner);
        if (r == owner.byLeft) {
            x.lefts.add(a);
            x.rows.add(b);
        } else if (r == owner.byRight) {
            x.rights.add(a);
            x.rows.add(b);
        } else {
            x.lefts.add(a);
            x.rights.add(b);
        }
    }

    private Touched touched(AssociationTableImpl<?, ?> a) {
        return touched.computeIfAbsent(a, k -> new Touched());
    }

    private static void addAll(IntNeighborSet from, IntOpenHashSet to) {
        for (IntIterator it = from.iterator(); it.hasNext(); ) to.add(it.nextInt());
    }

    /** The first broken invariant among what the record touched, in words, or null if there is none. */
    String problem(Txn t) {
        for (int i = 0; i < linked.size(); i++) {
            RelationImpl<?, ?> r = linkedIn.get(i);
            int a = (int) (linked.getLong(i) >>> 32);
            int b = (int) linked.getLong(i);
            if (!t.delta(r).contains(a, b)) continue;
            String where = names.associationOf(r) != null ? "association table '" + names.associationOf(r).name + "'"
                    : "relation '" + r.name + "'";
            if (!r.left.isLive(a)) return where + ": link (" + a + ", " + b + ") has left " + a + ", which is not a "
                    + "live id of " + describe(r.left);
            if (!r.right.isLive(b)) return where + ": link (" + a + ", " + b + ") has right " + b + ", which is not a "
                    + "live id of " + describe(r.right);
        }
        for (Map.Entry<AssociationTableImpl<?, ?>, Touched> e : touched.entrySet()) {
            String p = problem(t, e.getKey(), e.getValue());
            if (p != null) return "association table '" + e.getKey().name + "': " + p;
        }
        return null;
    }

    private String describe(AbstractTable<?> table) {
        AssociationTableImpl<?, ?> owner = names.associationOf(table);
        return owner != null ? "its rows" : "table '" + table.name + "'";
    }

    private static String problem(Txn t, AssociationTableImpl<?, ?> a, Touched x) {
        IntRelation byLeft = t.delta(a.byLeft);
        IntRelation byRight = t.delta(a.byRight);
        IntRelation pairs = t.delta(a.pairRel);
        for (IntIterator it = x.rows.iterator(); it.hasNext(); ) {
            int row = it.nextInt();
            int lefts = byLeft.degreeOfRight(row);
            int rights = byRight.degreeOfRight(row);
            if (!a.rows.isLive(row)) {
                if (lefts + rights > 0) return "row " + row + " is deleted but still has links";
                continue;
            }
            if (lefts != 1 || rights != 1) {
                return "row " + row + " has " + lefts + " lefts and " + rights + " rights (one of each expected)";
            }
            int l = byLeft.leftsOf(row).iterator().nextInt();
            int r = byRight.leftsOf(row).iterator().nextInt();
            if (!pairs.contains(l, r)) return "row " + row + " joins (" + l + ", " + r + "), which is not a pair";
        }
        for (IntIterator it = x.lefts.iterator(); it.hasNext(); ) {
            String p = sideProblem(it.nextInt(), byLeft, byRight, pairs, true);
            if (p != null) return p;
        }
        for (IntIterator it = x.rights.iterator(); it.hasNext(); ) {
            String p = sideProblem(it.nextInt(), byRight, byLeft, pairs, false);
            if (p != null) return p;
        }
        return null;
    }

    /**
     * For an entity on one side: each of its rows has the pair it makes, and each of its pairs has a row (the
     * pairs are exactly the other ends of its rows). {@code mine} maps the entity to its rows, {@code other} the
     * other side's entities to theirs; {@code left} says on which side of {@code pairs} the entity is. O(rows + pairs).
     */
    private static String sideProblem(int id, IntRelation mine, IntRelation other, IntRelation pairs, boolean left) {
        String who = (left ? "left " : "right ") + id;
        IntOpenHashSet ends = new IntOpenHashSet();
        for (IntIterator rows = mine.rightsOf(id).iterator(); rows.hasNext(); ) {
            int row = rows.nextInt();
            IntNeighborSet of = other.leftsOf(row);
            if (of.size() != 1) return "row " + row + " of " + who + " has " + of.size() + " other ends";
            int end = of.iterator().nextInt();
            if (!(left ? pairs.contains(id, end) : pairs.contains(end, id))) return "row " + row + " of " + who + " makes a pair that is not there";
            ends.add(end);
        }
        if ((left ? pairs.degreeOfLeft(id) : pairs.degreeOfRight(id)) != ends.size()) {
            for (IntIterator it = (left ? pairs.rightsOf(id) : pairs.leftsOf(id)).iterator(); it.hasNext(); ) {
                int end = it.nextInt();
                if (!ends.contains(end)) return "the pair of " + who + " and " + end + " has no row";
            }
        }
        return null;
    }
}
