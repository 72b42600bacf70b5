package dev.junction;

import dev.junction.index.IntRelation;

/**
 * An {@link IntRelation} that reads (and writes) through another one, its {@link #base}, and keeps the base's
 * name and kind: the thread-safe view of the committed storage ({@link SharedIntRelation}) and a transaction's
 * overlay ({@link DeltaRelation}).
 */
abstract class IntRelationOver implements IntRelation {

    /** The relation underneath. */
    final IntRelation base;

    IntRelationOver(IntRelation base) {
        this.base = base;
    }

    @Override
    public final String name() {
        return base.name();
    }

    @Override
    public final Kind kind() {
        return base.kind();
    }
}
