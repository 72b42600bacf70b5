package dev.junction.query;

import dev.junction.Junction;
import dev.junction.Relation;
import dev.junction.Table;
import dev.junction.index.IntNeighborSet;
import dev.junction.index.IntRelation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The queries of {@link SetAlgebra} and {@link Ranking} at the typed level: entities in, entities out. Each call
 * runs in one read view (or the calling thread's transaction), so it answers from one state. Entities that are
 * not in their table have no links: they contribute nothing and match nothing.
 *
 * <pre>{@code
 * Queries.leftsLinkedToAll(tagged, List.of(java, web));     // posts tagged java and web
 * Queries.sharingRights(wrote, alice, 5);                    // alice's co-authors, most shared books first
 * Queries.leftsPage(tagged, java, 100, 20);                  // posts 100..119 of a tag, by id
 * Queries.topRightsByDegree(tagged, 10);                     // the 10 most used tags
 * Queries.rightDegrees(tagged);                              // posts per tag
 * }</pre>
 *
 * <h2>Both sides</h2>
 * Every question has a left form and a right form, so that a question about the right entities reads as one:
 * {@code leftsLinkedToAll}/{@code rightsLinkedToAll}, {@code countLinkedToAll}/{@code countRightsLinkedToAll},
 * {@code leftsLinkedToAny}/{@code rightsLinkedToAny}, {@code countLinkedToAny}/{@code countRightsLinkedToAny},
 * {@code leftsLinkedToNone}/{@code rightsLinkedToNone}, {@code sharingRights}/{@code sharingLefts},
 * {@code topLeftsByDegree}/{@code topRightsByDegree}, {@code orphanLefts}/{@code orphanRights},
 * {@code leftDegrees}/{@code rightDegrees}, {@code rightIds}/{@code leftIds} and {@code rightsPage}/{@code leftsPage}.
 * A right form on {@code rel} is the left form on {@code rel.inverse()} (same storage, O(1)); on a symmetric
 * relation, whose inverse is itself, both forms answer alike.
 *
 * <h2>Costs, errors, consistency</h2>
 * Costs are those of the int-level queries plus one id lookup per entity given and one entity lookup per
 * result. A null relation, collection or entity throws {@link NullPointerException}; a negative limit, k or
 * offset throws {@link IllegalArgumentException}. Each call reads one state (a read view, or this thread's
 * transaction); thread-safe like the relation.
 */
public final class Queries {

    private Queries() {
    }

    /**
     * An entity with a score (shared neighbours, degree). Its {@code toString} is the record's:
     * {@code Ranked[entity=bob, score=2]}.
     *
     * @param entity the entity
     * @param score its score
     * @param <E> the entity type
     */
    public record Ranked<E>(E entity, int score) {
    }

    private static Junction engine(Relation<?, ?> rel) {
        return Objects.requireNonNull(rel, "relation is null").leftTable().junction();
    }

    /** The id of {@code e} in {@code t}, or -1 if it is not there. */
    private static int id(Table<?> t, Object e) {
        Objects.requireNonNull(e, () -> "table '" + t.name() + "': entity is null");
        @SuppressWarnings("unchecked")
        Table<Object> table = (Table<Object>) t;
        return table.contains(e) ? table.idOf(e) : -1;
    }

    private static <R> IntNeighborSet[] leftSets(Relation<?, R> rel, Collection<? extends R> rights) {
        Objects.requireNonNull(rights, () -> "relation '" + rel.name() + "': rights are null");
        IntRelation ints = rel.ints();
        List<IntNeighborSet> sets = new ArrayList<>();
        for (R r : rights) {
            int id = id(rel.rightTable(), r);
            sets.add(id < 0 ? null : ints.leftsOf(id));
        }
        return sets.toArray(new IntNeighborSet[0]);
    }

    private static <E> List<E> entities(Table<E> t, int[] ids) {
        List<E> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(t.get(id));
        return out;
    }

    private static boolean anyMissing(IntNeighborSet[] sets) {
        for (IntNeighborSet s : sets) {
            if (s == null) return true;
        }
        return false;
    }

    private static IntNeighborSet[] present(IntNeighborSet[] sets) {
        return java.util.Arrays.stream(sets).filter(Objects::nonNull).toArray(IntNeighborSet[]::new);
    }

    /**
     * The lefts linked to every one of {@code rights} (posts with tags A and B), in id order; none for no right.
     *
     * @throws NullPointerException if {@code rel}, {@code rights} or an element is null
     */
    public static <L, R> List<L> leftsLinkedToAll(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> {
            IntNeighborSet[] sets = leftSets(rel, rights);
            if (sets.length == 0 || anyMissing(sets)) return new ArrayList<>();
            return entities(rel.leftTable(), SetAlgebra.and(sets));
        });
    }

    /**
     * How many lefts are linked to every one of {@code rights}, without listing them.
     *
     * @throws NullPointerException if {@code rel}, {@code rights} or an element is null
     */
    public static <L, R> int countLinkedToAll(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> {
            IntNeighborSet[] sets = leftSets(rel, rights);
            return sets.length == 0 || anyMissing(sets) ? 0 : SetAlgebra.andCardinality(sets);
        });
    }

    /**
     * The lefts linked to at least one of {@code rights}, in id order.
     *
     * @throws NullPointerException if {@code rel}, {@code rights} or an element is null
     */
    public static <L, R> List<L> leftsLinkedToAny(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> entities(rel.leftTable(), SetAlgebra.or(present(leftSets(rel, rights)))));
    }

    /**
     * How many lefts are linked to at least one of {@code rights}.
     *
     * @throws NullPointerException if {@code rel}, {@code rights} or an element is null
     */
    public static <L, R> int countLinkedToAny(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> SetAlgebra.orCardinality(present(leftSets(rel, rights))));
    }

    /**
     * The lefts of the left table linked to none of {@code rights}, in id order (all of them for no right).
     * O(lefts × rights given) lookups.
     *
     * @throws NullPointerException if {@code rel}, {@code rights} or an element is null
     */
    public static <L, R> List<L> leftsLinkedToNone(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> {
            IntNeighborSet[] sets = present(leftSets(rel, rights));
            int[] ids = rel.leftTable().ids();
            int n = 0;
            outer:
            for (int id : ids) {
                for (IntNeighborSet s : sets) {
                    if (s.contains(id)) continue outer;
                }
                ids[n++] = id;
            }
            return entities(rel.leftTable(), java.util.Arrays.copyOf(ids, n));
        });
    }

    /**
     * The lefts that share rights with {@code left} (co-authors through books; customers who bought what this
     * one bought), most shared first, ties by id, the first {@code limit}; {@code left} itself is not listed.
     *
     * @throws NullPointerException if {@code rel} or {@code left} is null
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static <L, R> List<Ranked<L>> sharingRights(Relation<L, R> rel, L left, int limit) {
        return engine(rel).read(() -> {
            int id = id(rel.leftTable(), left);
            if (id < 0) {
                if (limit < 0) throw new IllegalArgumentException("relation '" + rel.name() + "': limit " + limit);
                return new ArrayList<>();
            }
            return ranked(rel.leftTable(), Ranking.sharedRights(rel.ints(), id, limit));
        });
    }

    private static <E> List<Ranked<E>> ranked(Table<E> t, Ranking.Scores s) {
        List<Ranked<E>> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) out.add(new Ranked<>(t.get(s.ids()[i]), s.scores()[i]));
        return out;
    }

    /**
     * The {@code k} lefts with the most links, most first, ties by id (for rights: {@link #topRightsByDegree}).
     * O(lefts log k).
     *
     * @throws NullPointerException if {@code rel} is null
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public static <L, R> List<Ranked<L>> topLeftsByDegree(Relation<L, R> rel, int k) {
        return engine(rel).read(() -> ranked(rel.leftTable(),
                Ranking.topByDegree(rel.ints(), rel.leftTable().ids(), true, k)));
    }

    /**
     * The lefts with no link in {@code rel}, in id order (for rights: {@link #orphanRights}). O(lefts).
     *
     * @throws NullPointerException if {@code rel} is null
     */
    public static <L, R> List<L> orphanLefts(Relation<L, R> rel) {
        return engine(rel).read(() -> entities(rel.leftTable(),
                Ranking.orphans(rel.ints(), rel.leftTable().ids(), true)));
    }

    /**
     * Every left with its number of links, in id order, as a stream (read from one state, then streamed); for
     * rights: {@link #rightDegrees}. O(lefts).
     *
     * @throws NullPointerException if {@code rel} is null
     */
    public static <L, R> Stream<Ranked<L>> leftDegrees(Relation<L, R> rel) {
        List<Ranked<L>> all = engine(rel).read(() -> {
            int[] ids = rel.leftTable().ids();
            List<Ranked<L>> out = new ArrayList<>(ids.length);
            for (int id : ids) out.add(new Ranked<>(rel.leftTable().get(id), rel.ints().degreeOfLeft(id)));
            return out;
        });
        return all.stream();
    }

    /**
     * The ids of the rights of {@code left}, as an {@code IntStream} in ascending order (none if absent).
     *
     * @throws NullPointerException if {@code rel} or {@code left} is null
     */
    public static <L, R> IntStream rightIds(Relation<L, R> rel, L left) {
        int[] ids = engine(rel).read(() -> {
            int id = id(rel.leftTable(), left);
            return id < 0 ? new int[0] : rel.ints().rightsOf(id).toIntArray();
        });
        return IntStream.of(ids);
    }

    /**
     * A page of the rights of {@code left} in id order: those of ranks {@code offset} to
     * {@code offset + limit - 1}, without iterating from the start. For keyset pages (stable while links
     * change, ascending or descending), see {@link dev.junction.NeighborSet#pageAfter} and
     * {@link dev.junction.NeighborSet#pageBefore} on {@code rel.rightsOf(left)}.
     *
     * @throws NullPointerException if {@code rel} or {@code left} is null
     * @throws IllegalArgumentException if {@code offset} or {@code limit} is negative
     */
    public static <L, R> List<R> rightsPage(Relation<L, R> rel, L left, int offset, int limit) {
        return engine(rel).read(() -> {
            int id = id(rel.leftTable(), left);
            if (id < 0) {
                if (offset < 0 || limit < 0) {
                    throw new IllegalArgumentException("relation '" + rel.name() + "': offset " + offset + ", limit "
                            + limit);
                }
                return new ArrayList<>();
            }
            return entities(rel.rightTable(), Ranking.pageAt(rel.ints().rightsOf(id), offset, limit));
        });
    }

    // ---- the right side ---------------------------------------------------------------------------------------

    /**
     * The rights linked to every one of {@code lefts} (tags that posts A and B share; books written by both
     * authors), in id order; none for no left. {@link #leftsLinkedToAll} on {@code rel.inverse()}.
     *
     * @throws NullPointerException if {@code rel}, {@code lefts} or an element is null
     */
    public static <L, R> List<R> rightsLinkedToAll(Relation<L, R> rel, Collection<? extends L> lefts) {
        return leftsLinkedToAll(inverse(rel), lefts);
    }

    /**
     * How many rights are linked to every one of {@code lefts}, without listing them.
     *
     * @throws NullPointerException if {@code rel}, {@code lefts} or an element is null
     */
    public static <L, R> int countRightsLinkedToAll(Relation<L, R> rel, Collection<? extends L> lefts) {
        return countLinkedToAll(inverse(rel), lefts);
    }

    /**
     * The rights linked to at least one of {@code lefts} (every tag of these posts), in id order.
     *
     * @throws NullPointerException if {@code rel}, {@code lefts} or an element is null
     */
    public static <L, R> List<R> rightsLinkedToAny(Relation<L, R> rel, Collection<? extends L> lefts) {
        return leftsLinkedToAny(inverse(rel), lefts);
    }

    /**
     * How many rights are linked to at least one of {@code lefts}.
     *
     * @throws NullPointerException if {@code rel}, {@code lefts} or an element is null
     */
    public static <L, R> int countRightsLinkedToAny(Relation<L, R> rel, Collection<? extends L> lefts) {
        return countLinkedToAny(inverse(rel), lefts);
    }

    /**
     * The rights of the right table linked to none of {@code lefts} (tags no post of these uses), in id order;
     * all of them for no left. O(rights × lefts given) lookups.
     *
     * @throws NullPointerException if {@code rel}, {@code lefts} or an element is null
     */
    public static <L, R> List<R> rightsLinkedToNone(Relation<L, R> rel, Collection<? extends L> lefts) {
        return leftsLinkedToNone(inverse(rel), lefts);
    }

    /**
     * The rights that share lefts with {@code right} (tags used on the same posts; books with a common author),
     * most shared first, ties by id, the first {@code limit}; {@code right} itself is not listed.
     *
     * @throws NullPointerException if {@code rel} or {@code right} is null
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static <L, R> List<Ranked<R>> sharingLefts(Relation<L, R> rel, R right, int limit) {
        return sharingRights(inverse(rel), right, limit);
    }

    /**
     * The {@code k} rights with the most links (the most popular tags), most first, ties by id. O(rights log k).
     *
     * @throws NullPointerException if {@code rel} is null
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public static <L, R> List<Ranked<R>> topRightsByDegree(Relation<L, R> rel, int k) {
        return topLeftsByDegree(inverse(rel), k);
    }

    /**
     * The rights with no link in {@code rel} (unused tags), in id order. O(rights).
     *
     * @throws NullPointerException if {@code rel} is null
     */
    public static <L, R> List<R> orphanRights(Relation<L, R> rel) {
        return orphanLefts(inverse(rel));
    }

    /**
     * Every right with its number of links (posts per tag), in id order, as a stream: read from one state, then
     * streamed. O(rights).
     *
     * @throws NullPointerException if {@code rel} is null
     */
    public static <L, R> Stream<Ranked<R>> rightDegrees(Relation<L, R> rel) {
        return leftDegrees(inverse(rel));
    }

    /**
     * The ids of the lefts of {@code right}, as an {@code IntStream} in ascending order (none if absent).
     *
     * @throws NullPointerException if {@code rel} or {@code right} is null
     */
    public static <L, R> IntStream leftIds(Relation<L, R> rel, R right) {
        return rightIds(inverse(rel), right);
    }

    /**
     * A page of the lefts of {@code right} in id order (the posts of a tag): those of ranks {@code offset} to
     * {@code offset + limit - 1}, without iterating from the start.
     *
     * @throws NullPointerException if {@code rel} or {@code right} is null
     * @throws IllegalArgumentException if {@code offset} or {@code limit} is negative
     */
    public static <L, R> List<L> leftsPage(Relation<L, R> rel, R right, int offset, int limit) {
        return rightsPage(inverse(rel), right, offset, limit);
    }

    private static <L, R> Relation<R, L> inverse(Relation<L, R> rel) {
        return Objects.requireNonNull(rel, "relation is null").inverse();
    }
}
