package dev.junction;

import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import java.util.Collection;
import java.util.Objects;

/**
 * One end of a relation, seen from an owner: the operations of {@code rightsOf(owner)} (owner on the left of
 * the storage) or {@code leftsOf(owner)} (owner on the right). Typed calls resolve entities to ids here and
 * hand over to the {@link IntRelation}.
 *
 * @param <O> the owner type
 * @param <T> the type of the entities at the other end
 */
final class Side<O, T> {

    final RelationImpl<?, ?> relation;
    final IntRelation store;
    /** Whether the owner is the left id of {@link #store}. */
    final boolean ownerLeft;
    final AbstractTable<O> ownerTable;
    final AbstractTable<T> otherTable;

    Side(RelationImpl<?, ?> relation, IntRelation store, boolean ownerLeft,
         AbstractTable<O> ownerTable, AbstractTable<T> otherTable) {
        this.relation = relation;
        this.store = store;
        this.ownerLeft = ownerLeft;
        this.ownerTable = ownerTable;
        this.otherTable = otherTable;
    }

    // ---- int level, oriented ---------------------------------------------------------------------------

    IntNeighborSet neighbours(int owner) {
        return ownerLeft ? store.rightsOf(owner) : store.leftsOf(owner);
    }

    int degree(int owner) {
        return ownerLeft ? store.degreeOfLeft(owner) : store.degreeOfRight(owner);
    }

    boolean linked(int owner, int other) {
        return ownerLeft ? store.contains(owner, other) : store.contains(other, owner);
    }

    boolean link(int owner, int other) {
        return ownerLeft ? store.link(owner, other) : store.link(other, owner);
    }

    boolean unlink(int owner, int other) {
        return ownerLeft ? store.unlink(owner, other) : store.unlink(other, owner);
    }

    int removeAll(int owner) {
        return ownerLeft ? store.removeLeft(owner) : store.removeRight(owner);
    }

    // ---- typed -----------------------------------------------------------------------------------------

    <X> X checkOwner(X owner) {
        return Objects.requireNonNull(owner, () -> "relation '" + relation.name + "': entity is null");
    }

    <X> X checkElement(X element) {
        return Objects.requireNonNull(element, () -> "relation '" + relation.name + "': element is null");
    }

    /** The owner's id, or -1 if it is not in its table. */
    int ownerId(Object owner) {
        return ownerTable.find(owner);
    }

    boolean contains(Object owner, Object other) {
        checkOwner(owner);
        checkElement(other);
        int o = ownerTable.find(owner);
        int x = otherTable.find(other);
        return o >= 0 && x >= 0 && linked(o, x);
    }

    boolean add(O owner, T other) {
        checkOwner(owner);
        checkElement(other);
        Undo undo = new Undo();
        try {
            int o = ownerTable.findOrInsert(owner, undo);
            int x = otherTable.findOrInsert(other, undo);
            return link(o, x);
        } catch (RuntimeException | Error e) {
            undo.rollback();
            throw e;
        }
    }

    boolean remove(Object owner, Object other) {
        checkOwner(owner);
        checkElement(other);
        int o = ownerTable.find(owner);
        if (o < 0) {
            return false;
        }
        int x = otherTable.find(other);
        return x >= 0 && unlink(o, x);
    }

    /** Links every element, all or nothing. */
    boolean addAll(O owner, Collection<? extends T> others) {
        checkOwner(owner);
        Object[] items = snapshot(others);
        if (items.length == 0) {
            return false; // creates no link, so adds no entity
        }
        Undo undo = new Undo();
        int[] made = new int[Math.min(items.length, 16)];
        int n = 0;
        int o = -1;
        try {
            o = ownerTable.findOrInsert(owner, undo);
            for (Object item : items) {
                @SuppressWarnings("unchecked")
                int x = otherTable.findOrInsert((T) item, undo);
                if (n == made.length) {
                    made = java.util.Arrays.copyOf(made, Math.max(4, n * 2));
                }
                if (link(o, x)) {
                    made[n++] = x;
                }
            }
            return n > 0;
        } catch (RuntimeException | Error e) {
            while (n > 0) {
                unlink(o, made[--n]);
            }
            undo.rollback();
            throw e;
        }
    }

    /** Makes {@code others} the whole neighbour set of {@code owner}, all or nothing. */
    boolean replace(O owner, Collection<? extends T> others) {
        checkOwner(owner);
        Object[] items = snapshot(others);
        if (items.length == 0) {
            int o = ownerTable.find(owner); // an empty assignment creates no link, so adds no entity
            return o >= 0 && removeAll(o) > 0;
        }
        Undo undo = new Undo();
        try {
            int o = ownerTable.findOrInsert(owner, undo);
            int[] ids = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                @SuppressWarnings("unchecked")
                T item = (T) items[i];
                ids[i] = otherTable.findOrInsert(item, undo);
            }
            return ownerLeft ? store.replaceRights(o, ids) : store.replaceLefts(o, ids);
        } catch (RuntimeException | Error e) {
            undo.rollback();
            throw e;
        }
    }

    /** A copy of {@code c} (so that it may be a view of this relation), with no null element. */
    Object[] snapshot(Collection<?> c) {
        Objects.requireNonNull(c, () -> "relation '" + relation.name + "': collection is null");
        Object[] items = c.toArray();
        for (Object item : items) {
            checkElement(item);
        }
        return items;
    }
}
