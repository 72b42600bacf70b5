package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Objects;

/**
 * One end of a relation, seen from an owner: the operations of {@code rightsOf(owner)} (owner on the left of
 * the storage) or {@code leftsOf(owner)} (owner on the right). Typed calls resolve entities to ids here and
 * hand over to the {@link IntRelation}: the committed storage for reads outside a transaction (validated by
 * the engine), the transaction's overlay inside one.
 *
 * @param <O> the owner type
 * @param <T> the type of the entities at the other end
 */
final class Side<O, T> {

    final RelationImpl<?, ?> relation;
    final Junction junction;
    /** The primary relation, which owns the storage and names the overlay. */
    final RelationImpl<?, ?> primary;
    final IntRelation store;
    /** Whether the owner is the left id of {@link #store}. */
    final boolean ownerLeft;
    final AbstractTable<O> ownerTable;
    final AbstractTable<T> otherTable;

    Side(RelationImpl<?, ?> relation, RelationImpl<?, ?> primary, IntRelation store, boolean ownerLeft,
         AbstractTable<O> ownerTable, AbstractTable<T> otherTable) {
        this.relation = relation;
        this.junction = ownerTable.junction;
        this.primary = primary;
        this.store = store;
        this.ownerLeft = ownerLeft;
        this.ownerTable = ownerTable;
        this.otherTable = otherTable;
    }

    /** What this thread reads: its transaction's overlay of the relation if there is one, else committed storage. */
    IntRelation reading() {
        Txn t = junction.ownTxn();
        if (t != null) {
            DeltaRelation d = t.deltas.get(primary);
            if (d != null) {
                return d;
            }
        }
        return store;
    }

    /** Where this thread writes: its transaction's overlay (only called inside a write). */
    private IntRelation writing() {
        return junction.ownTxn().delta(primary);
    }

    // ---- int level, oriented (callers hold a read or write context) ------------------------------------

    IntNeighborSet neighbours(int owner) {
        IntRelation s = reading();
        return ownerLeft ? s.rightsOf(owner) : s.leftsOf(owner);
    }

    int degree(int owner) {
        IntRelation s = reading();
        return ownerLeft ? s.degreeOfLeft(owner) : s.degreeOfRight(owner);
    }

    boolean linked(int owner, int other) {
        IntRelation s = reading();
        return ownerLeft ? s.contains(owner, other) : s.contains(other, owner);
    }

    boolean link(int owner, int other) {
        IntRelation s = writing();
        return ownerLeft ? s.link(owner, other) : s.link(other, owner);
    }

    boolean unlink(int owner, int other) {
        IntRelation s = writing();
        return ownerLeft ? s.unlink(owner, other) : s.unlink(other, owner);
    }

    int removeAll(int owner) {
        IntRelation s = writing();
        return ownerLeft ? s.removeLeft(owner) : s.removeRight(owner);
    }

    // ---- typed -----------------------------------------------------------------------------------------

    <X> X checkOwner(X owner) {
        if (owner == null) throw new NullPointerException("relation '" + relation.name + "': entity is null");
        return owner;
    }

    <X> X checkElement(X element) {
        if (element == null) throw new NullPointerException("relation '" + relation.name + "': element is null");
        return element;
    }

    /** The owner's id, or -1 if it is not in its table (call in a read or write context). */
    int ownerId(Object owner) {
        return ownerTable.find(owner);
    }

    /** A link by entities, through the engine's read protocol; non-capturing, so it allocates nothing. */
    private static final ReadGate.LongRead<Side<?, ?>> CONTAINS = (side, a, owner, other) -> {
        int o = side.ownerTable.find(owner);
        int x = side.otherTable.find(other);
        return o >= 0 && x >= 0 && side.linked(o, x) ? 1L : 0L;
    };

    boolean contains(Object owner, Object other) {
        checkOwner(owner);
        checkElement(other);
        return junction.gate.readLong(this, 0L, owner, other, CONTAINS, CONTAINS) != 0L;
    }

    /**
     * Checks both entities, then links ({@code link}) or unlinks them in place if no transaction is open here;
     * {@link Committer.Outcome#NEEDS_TRANSACTION} if it must run in one.
     */
    private Committer.Outcome inPlace(Object owner, Object other, boolean link) {
        checkOwner(owner);
        checkElement(other);
        if (junction.ownTxn() != null) return Committer.Outcome.NEEDS_TRANSACTION;
        return junction.writes.linkInPlace(this, owner, other, link);
    }

    /** Links one pair: in place when both entities exist and no transaction is open here, else in a transaction. */
    boolean add(O owner, T other) {
        Committer.Outcome r = inPlace(owner, other, true);
        if (r != Committer.Outcome.NEEDS_TRANSACTION) return r == Committer.Outcome.CHANGED;
        return junction.writes.writeBool(() -> {
            Txn t = junction.ownTxn();
            int o = ownerTable.findOrInsert(t, owner);
            int x = otherTable.findOrInsert(t, other);
            return link(o, x);
        });
    }

    boolean remove(Object owner, Object other) {
        Committer.Outcome r = inPlace(owner, other, false);
        if (r != Committer.Outcome.NEEDS_TRANSACTION) return r == Committer.Outcome.CHANGED;
        return junction.writes.writeBool(() -> {
            int o = ownerTable.find(owner);
            int x = o < 0 ? -1 : otherTable.find(other);
            return x >= 0 && unlink(o, x);
        });
    }

    /** Links every element, all or nothing. */
    boolean addAll(O owner, Collection<? extends T> others) {
        checkOwner(owner);
        Object[] items = snapshot(others);
        if (items.length == 0) {
            return false; // creates no link, so adds no entity
        }
        return junction.writes.writeBool(() -> {
            Txn t = junction.ownTxn();
            int o = ownerTable.findOrInsert(t, owner);
            boolean changed = false;
            for (Object item : items) {
                @SuppressWarnings("unchecked")
                int x = otherTable.findOrInsert(t, (T) item);
                changed |= link(o, x);
            }
            return changed;
        });
    }

    /** Makes {@code others} the whole neighbour set of {@code owner}, all or nothing. */
    boolean replace(O owner, Collection<? extends T> others) {
        checkOwner(owner);
        Object[] items = snapshot(others);
        return junction.writes.writeBool(() -> {
            Txn t = junction.ownTxn();
            if (items.length == 0) {
                int o = ownerTable.find(owner); // an empty assignment creates no link, so adds no entity
                return o >= 0 && removeAll(o) > 0;
            }
            int o = ownerTable.findOrInsert(t, owner);
            int[] ids = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                @SuppressWarnings("unchecked")
                T item = (T) items[i];
                ids[i] = otherTable.findOrInsert(t, item);
            }
            IntRelation s = writing();
            return ownerLeft ? s.replaceRights(o, ids) : s.replaceLefts(o, ids);
        });
    }

    /** A copy of {@code c} (so that it may be a view of this relation), with no null element. */
    Object[] snapshot(Collection<?> c) {
        Objects.requireNonNull(c, () -> "relation '" + relation.name + "': collection is null");
        Object[] items = junction.gate.read(c::toArray);
        for (Object item : items) {
            checkElement(item);
        }
        return items;
    }
}
