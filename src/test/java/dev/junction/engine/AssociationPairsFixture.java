package dev.junction.engine;

import dev.junction.AssociationTable;
import dev.junction.Junction;
import dev.junction.LongTable;
import dev.junction.Relation;
import dev.junction.index.IntRelation;

/**
 * The fixture of the {@code AssociationTable.pairs().ints()} cells: the distinct pairs of an association table
 * with row identity, whose writes create and delete rows (the association proxy). Bipartite is customers ×
 * products; directed has one table at both ends. Association tables are never symmetric, and the engine bulk-loads
 * only relations it declared itself, so neither is a cell.
 */
abstract class AssociationPairsFixture extends EngineFixture {

    AssociationPairsFixture(IntRelation.Kind kind, Mode mode) {
        super(kind, mode);
        if (kind == IntRelation.Kind.SYMMETRIC || mode == Mode.IN_BULK_LOAD) {
            throw new IllegalArgumentException("no association-pairs cell for " + kind + " " + mode);
        }
    }

    @Override
    final Relation<Long, Long> declare(Junction db, String name) {
        LongTable left = db.longTable("left");
        LongTable right = kind() == IntRelation.Kind.BIPARTITE ? db.longTable("right") : left;
        AssociationTable<Long, Long> table = db.associationTable(name, left, right);
        return table.pairs();
    }
}
