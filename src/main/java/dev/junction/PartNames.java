package dev.junction;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * How the journal names the parts of an engine, computed from its schema: each table, relation, relation's link
 * columns, and each association table's rows, rows by left, rows by right, pairs and row columns, as a
 * {@link Part} of a kind ({@code PersistenceFormat.PART_*}) and a name. Nothing is stored on the model objects;
 * the engine keeps one instance until its schema changes ({@link Junction#partNames()}).
 */
final class PartNames {

    /** A part as a record names it. */
    record Part(int kind, String name) {
    }

    private final Map<Object, Part> byObject = new IdentityHashMap<>();
    private final Map<Part, Object> byPart = new HashMap<>();
    private final Map<Object, AssociationTableImpl<?, ?>> associationOf = new IdentityHashMap<>();
    private final Map<ColumnStore, RelationImpl<?, ?>> relationOf = new IdentityHashMap<>();

    PartNames(Junction db) {
        for (AbstractTable<?> t : db.tablesInOrder()) put(t, PersistenceFormat.PART_TABLE, t.name);
        for (RelationImpl<?, ?> r : db.relationsInOrder()) {
            put(r, PersistenceFormat.PART_RELATION, r.name);
            ColumnStore columns = r.columns;
            if (columns != null) {
                put(columns, PersistenceFormat.PART_RELATION_COLUMNS, r.name);
                relationOf.put(columns, r);
            }
        }
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
            put(a.rows, PersistenceFormat.PART_ROWS, a.name);
            put(a.byLeft, PersistenceFormat.PART_ROWS_BY_LEFT, a.name);
            put(a.byRight, PersistenceFormat.PART_ROWS_BY_RIGHT, a.name);
            put(a.pairRel, PersistenceFormat.PART_PAIRS, a.name);
            put(a.columns, PersistenceFormat.PART_ROW_COLUMNS, a.name);
            for (Object part : new Object[] {a.rows, a.byLeft, a.byRight, a.pairRel, a.columns}) {
                associationOf.put(part, a);
            }
        }
    }

    private void put(Object part, int kind, String name) {
        Part p = new Part(kind, name);
        byObject.put(part, p);
        byPart.put(p, part);
    }

    /** The name of a part of this engine. */
    Part of(Object part) {
        Part p = byObject.get(part);
        if (p == null) throw new AssertionError("not a part of the schema: " + part);
        return p;
    }

    /** The part a record names, or null if this engine has none such. */
    Object find(Part part) {
        return byPart.get(part);
    }

    /** The association table an internal part belongs to, or null for a table or relation of its own. */
    AssociationTableImpl<?, ?> associationOf(Object part) {
        return associationOf.get(part);
    }

    /** The relation whose link values a column store holds, or null for an association table's row columns. */
    RelationImpl<?, ?> relationOf(ColumnStore store) {
        return relationOf.get(store);
    }

    /** What a part kind is called in messages. */
    static String describe(Part part) {
        String what = switch (part.kind()) {
            case PersistenceFormat.PART_TABLE -> "table";
            case PersistenceFormat.PART_RELATION, PersistenceFormat.PART_RELATION_COLUMNS -> "relation";
            default -> "association table";
        };
        return what + " '" + part.name() + "'";
    }
}
