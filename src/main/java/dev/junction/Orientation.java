package dev.junction;

import dev.junction.index.IntRelation;

/**
 * Which way a view of a relation faces the relation's storage: as declared, or inverse (the view's left is the
 * storage's right). Every typed view ({@link RelationImpl}, {@link SharedIntRelation}, link columns, an
 * association table's pairs) holds one and maps through it; the storage and transaction overlays are always in
 * the declared orientation.
 */
enum Orientation {
    /** The view's left is the storage's left. */
    DECLARED,
    /** The view's left is the storage's right. */
    INVERSE;

    Orientation inverse() {
        return this == DECLARED ? INVERSE : DECLARED;
    }

    boolean isInverse() {
        return this == INVERSE;
    }

    /** The storage's left of a pair given as (left, right) in this orientation. */
    int storageLeft(int left, int right) {
        return this == DECLARED ? left : right;
    }

    /** The storage's right of a pair given as (left, right) in this orientation. */
    int storageRight(int left, int right) {
        return this == DECLARED ? right : left;
    }

    /** The storage's lefts of pairs given as parallel arrays in this orientation. */
    int[] storageLefts(int[] lefts, int[] rights) {
        return this == DECLARED ? lefts : rights;
    }

    /** The storage's rights of pairs given as parallel arrays in this orientation. */
    int[] storageRights(int[] lefts, int[] rights) {
        return this == DECLARED ? rights : lefts;
    }

    /** Whether the view's left side ({@code viewLeft}) or right side is the storage's left side. */
    boolean isStorageLeft(boolean viewLeft) {
        return viewLeft == (this == DECLARED);
    }

    /** The storage seen in this orientation. */
    IntRelation of(IntRelation storage) {
        return this == DECLARED ? storage : storage.inverse();
    }
}
