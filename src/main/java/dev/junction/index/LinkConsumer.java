package dev.junction.index;

/**
 * Receives the links of a relation, one pair at a time, without boxing: the primitive counterpart of a
 * {@code BiConsumer<Integer, Integer>}, used by {@link IntRelation#forEachLink(LinkConsumer)}.
 */
@FunctionalInterface
public interface LinkConsumer {

    /**
     * Called once per link.
     *
     * @param left the left id of the link
     * @param right the right id of the link
     */
    void accept(int left, int right);
}
