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
 * Queries.rightsPage(tagged.inverse(), java, 100, 20);       // posts 100..119 of a tag, by id
 * }</pre>
 * Costs are those of the int-level queries plus one id lookup per entity given and one entity lookup per
 * result.
 */
public final class Queries {

    private Queries() {
    }

    /** An entity with a score (shared neighbours, degree). */
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

    /** The lefts linked to every one of {@code rights} (posts with tags A and B), in id order; none for no right. */
    public static <L, R> List<L> leftsLinkedToAll(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> {
            IntNeighborSet[] sets = leftSets(rel, rights);
            if (sets.length == 0 || anyMissing(sets)) return new ArrayList<>();
            return entities(rel.leftTable(), SetAlgebra.and(sets));
        });
    }

    /** How many lefts are linked to every one of {@code rights}, without listing them. */
    public static <L, R> int countLinkedToAll(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> {
            IntNeighborSet[] sets = leftSets(rel, rights);
            return sets.length == 0 || anyMissing(sets) ? 0 : SetAlgebra.andCardinality(sets);
        });
    }

    /** The lefts linked to at least one of {@code rights}, in id order. */
    public static <L, R> List<L> leftsLinkedToAny(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> entities(rel.leftTable(), SetAlgebra.or(present(leftSets(rel, rights)))));
    }

    /** How many lefts are linked to at least one of {@code rights}. */
    public static <L, R> int countLinkedToAny(Relation<L, R> rel, Collection<? extends R> rights) {
        return engine(rel).read(() -> SetAlgebra.orCardinality(present(leftSets(rel, rights))));
    }

    /**
     * The lefts of the left table linked to none of {@code rights}, in id order (all of them for no right).
     * O(lefts × rights given) lookups.
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
     * one bought), most shared first, ties by id, the first {@code limit}.
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

    /** The {@code k} lefts with the most links, most first, ties by id (for rights: on {@code rel.inverse()}). */
    public static <L, R> List<Ranked<L>> topLeftsByDegree(Relation<L, R> rel, int k) {
        return engine(rel).read(() -> ranked(rel.leftTable(),
                Ranking.topByDegree(rel.ints(), rel.leftTable().ids(), true, k)));
    }

    /** The lefts with no link in {@code rel}, in id order (for rights: on {@code rel.inverse()}). */
    public static <L, R> List<L> orphanLefts(Relation<L, R> rel) {
        return engine(rel).read(() -> entities(rel.leftTable(),
                Ranking.orphans(rel.ints(), rel.leftTable().ids(), true)));
    }

    /** Every left with its number of links, in id order, as a stream (read from one state, then streamed). */
    public static <L, R> Stream<Ranked<L>> leftDegrees(Relation<L, R> rel) {
        List<Ranked<L>> all = engine(rel).read(() -> {
            int[] ids = rel.leftTable().ids();
            List<Ranked<L>> out = new ArrayList<>(ids.length);
            for (int id : ids) out.add(new Ranked<>(rel.leftTable().get(id), rel.ints().degreeOfLeft(id)));
            return out;
        });
        return all.stream();
    }

    /** The ids of the rights of {@code left}, as an {@code IntStream} in ascending order (none if absent). */
    public static <L, R> IntStream rightIds(Relation<L, R> rel, L left) {
        int[] ids = engine(rel).read(() -> {
            int id = id(rel.leftTable(), left);
            return id < 0 ? new int[0] : rel.ints().rightsOf(id).toIntArray();
        });
        return IntStream.of(ids);
    }

    /**
     * A page of the rights of {@code left} in id order: those of ranks {@code offset} to
     * {@code offset + limit - 1}, without iterating from the start.
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
}
