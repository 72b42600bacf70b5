package dev.junction;

/**
 * What a relation and an association table have in common: a name, and the left and right tables whose
 * entities they pair.
 *
 * @param <L> the type of the left entities
 * @param <R> the type of the right entities
 */
abstract class TablePair<L, R> {

    final String name;
    final AbstractTable<L> left;
    final AbstractTable<R> right;

    TablePair(String name, AbstractTable<L> left, AbstractTable<R> right) {
        this.name = name;
        this.left = left;
        this.right = right;
    }

    /** The name, unique among the engine's parts. */
    public String name() {
        return name;
    }

    /** The table of the left entities. */
    public Table<L> leftTable() {
        return left;
    }

    /** The table of the right entities (the same table as the left one for a self-relation). */
    public Table<R> rightTable() {
        return right;
    }

    // Column declarations: link columns on a relation, row columns on an association table (Snapshot.open
    // declares the columns a file states through these, whichever the part).

    abstract Object longColumn(String name, long defaultValue);

    abstract Object intColumn(String name, int defaultValue);

    abstract Object doubleColumn(String name, double defaultValue);

    abstract Object booleanColumn(String name, boolean defaultValue);

    abstract <V> Object objectColumn(String name, Class<V> type, V defaultValue);
}
