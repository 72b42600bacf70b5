package dev.junction.engine;

import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.index.IntRelation;

/**
 * The fixture of the {@code Relation.ints()} cells: the thread-safe, transactional facade of an engine relation
 * of the cell's kind, between two tables (bipartite) or over one.
 */
abstract class RelationIntsFixture extends EngineFixture {

    RelationIntsFixture(IntRelation.Kind kind, Mode mode) {
        super(kind, mode);
    }

    @Override
    final Relation<Long, Long> declare(Junction db, String name) {
        LongTable left = db.longTable("left");
        return switch (kind()) {
            case BIPARTITE -> db.relation(name, left, db.longTable("right"));
            case DIRECTED -> db.directed(name, left);
            case SYMMETRIC -> db.symmetric(name, left);
        };
    }
}
