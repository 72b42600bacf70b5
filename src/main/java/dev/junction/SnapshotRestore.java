package dev.junction;

import dev.junction.SnapshotCodec.AssociationData;
import dev.junction.SnapshotCodec.ColumnData;
import dev.junction.SnapshotCodec.Content;
import dev.junction.SnapshotCodec.Links;
import dev.junction.SnapshotCodec.RelationData;
import dev.junction.SnapshotCodec.TableData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loading a snapshot's decoded {@link SnapshotCodec.Content} into an engine: match every part of the file with the
 * engine's declared schema and check the parts against each other (every link, row and pair end a live entity of
 * its table), all before anything changes; then stage the entities under the write lock (key functions run there)
 * and publish everything at once under the write stamp, or nothing: any failure empties the engine again, exactly
 * as it was (a load only goes into a pristine engine).
 */
final class SnapshotRestore {

    private SnapshotRestore() {
    }

    /**
     * Applies checked content to an engine with the same schema, whose parts are all empty. Called by
     * {@link Junction#load} under the write lock; {@code stamp} runs its argument under the write stamp.
     */
    /** A part links the tables the file says (version 2 files name them; version 1 files do not). */
    private static void requireTables(Path file, String what, String left, String right, AbstractTable<?> l,
                                      AbstractTable<?> r) {
        if (left != null && (!left.equals(l.name) || !right.equals(r.name))) {
            throw mismatch(file, what + " linking tables '" + left + "' and '" + right + "', declared linking '"
                    + l.name + "' and '" + r.name + "'");
        }
    }

    static void apply(Junction db, Path file, Content c, java.util.function.Consumer<Runnable> stamp)
            throws IOException {
        // match every part of the file with the engine's, before anything changes
        Map<String, AbstractTable<?>> tables = new HashMap<>();
        for (AbstractTable<?> t : db.tablesInOrder()) tables.put(t.name, t);
        Map<String, RelationImpl<?, ?>> relations = new HashMap<>();
        for (RelationImpl<?, ?> r : db.relationsInOrder()) relations.put(r.name, r);
        Map<String, AssociationTableImpl<?, ?>> associations = new HashMap<>();
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) associations.put(a.name, a);

        List<AbstractTable<?>> targetTables = new ArrayList<>();
        for (TableData t : c.tables) {
            AbstractTable<?> target = tables.get(t.name);
            if (target == null) throw mismatch(file, "table '" + t.name + "', which this engine does not declare");
            int kind = PersistenceFormat.tableKind(target);
            if (kind != t.kind) throw mismatch(file, "table '" + t.name + "' of another kind (" + t.kind + ")");
            checkPolicy(file, "table '" + t.name + "'", t, target);
            targetTables.add(target);
        }
        List<RelationImpl<?, ?>> targetRelations = new ArrayList<>();
        List<int[]> relationColumns = new ArrayList<>();
        for (RelationData r : c.relations) {
            RelationImpl<?, ?> target = relations.get(r.name);
            if (target == null) throw mismatch(file, "relation '" + r.name + "', which this engine does not declare");
            if (target.store.kind() != r.kind) {
                throw mismatch(file, "relation '" + r.name + "' of kind " + r.kind
                        + ", declared " + target.store.kind());
            }
            requireTables(file, "relation '" + r.name + "'", r.left, r.right, target.left, target.right);
            relationColumns.add(columnMap(file, "relation '" + r.name + "'",
                    target.columns == null ? null : target.columns.schema, r.columns));
            targetRelations.add(target);
        }
        List<AssociationTableImpl<?, ?>> targetAssociations = new ArrayList<>();
        List<int[]> rowColumns = new ArrayList<>();
        for (AssociationData a : c.associations) {
            AssociationTableImpl<?, ?> target = associations.get(a.name);
            if (target == null) {
                throw mismatch(file, "association table '" + a.name + "', which this engine does not declare");
            }
            requireTables(file, "association table '" + a.name + "'", a.left, a.right, target.left, target.right);
            checkPolicy(file, "association table '" + a.name + "' (its row ids)", a.rows, target.rows);
            rowColumns.add(columnMap(file, "association table '" + a.name + "'", target.columns.schema, a.columns));
            targetAssociations.add(target);
        }
        requireEveryPart(db, file, c);
        checkEnds(file, c, targetRelations, targetAssociations);
        checkEmpty(db, file);
        // phase 1, write lock only: stage entities (key functions run here)
        try {
            for (int i = 0; i < c.tables.size(); i++) {
                if (!(targetTables.get(i) instanceof LongTableImpl)) { // tables of longs load directly in phase 2
                    targetTables.get(i).restoreStage(c.tables.get(i).ids, c.tables.get(i).entities);
                }
            }
        } catch (ClassCastException | NullPointerException e) { // a key function that does not fit the entities
            for (AbstractTable<?> t : targetTables) t.restoreReset();
            throw new IllegalStateException("snapshot " + file + " has entities this engine's tables do not take: "
                    + e, e);
        } catch (RuntimeException | Error e) {
            for (AbstractTable<?> t : targetTables) t.restoreReset();
            throw e;
        }
        // phase 2, write stamp: publish everything, or nothing
        CorruptFileException[] problem = {null};
        try {
            stamp.accept(() -> {
            try {
                for (int i = 0; i < c.tables.size(); i++) {
                    TableData t = c.tables.get(i);
                    int dup = targetTables.get(i) instanceof LongTableImpl longs
                            ? longs.restoreKeys(t.ids, t.keys, t.highWater, t.free)
                            : targetTables.get(i).restorePublish(t.ids, t.highWater, t.free);
                    if (dup >= 0) {
                        problem[0] = new CorruptFileException(file, "table '" + t.name + "': the entity at id "
                                + dup + " has the key of another entity");
                        throw new Abort();
                    }
                }
                for (int i = 0; i < c.relations.size(); i++) {
                    RelationData r = c.relations.get(i);
                    RelationImpl<?, ?> target = targetRelations.get(i);
                    if (target.store.linkAll(r.links.lefts, r.links.rights) != r.links.lefts.length) {
                        problem[0] = new CorruptFileException(file, "relation '" + r.name + "' lists a link twice");
                        throw new Abort();
                    }
                    if (!putColumns(target.columns, relationColumns.get(i), r.columns, key ->
                            target.store.contains((int) (key >>> 32), (int) key))) {
                        problem[0] = new CorruptFileException(file, "relation '" + r.name
                                + "' has values for a pair that is not linked, or of the wrong type");
                        throw new Abort();
                    }
                }
                for (int i = 0; i < c.associations.size(); i++) {
                    AssociationData a = c.associations.get(i);
                    AssociationTableImpl<?, ?> target = targetAssociations.get(i);
                    target.rows.restorePublish(a.rows.ids, a.rows.highWater, a.rows.free);
                    target.byLeft.store.linkAll(a.byLeft.lefts, a.byLeft.rights);
                    target.byRight.store.linkAll(a.byRight.lefts, a.byRight.rights);
                    if (target.pairRel.store.linkAll(a.pairs.lefts, a.pairs.rights) != a.pairs.lefts.length) {
                        problem[0] = new CorruptFileException(file, "association table '" + a.name
                                + "' lists a pair twice");
                        throw new Abort();
                    }
                    if (!putColumns(target.columns, rowColumns.get(i), a.columns, key -> true)) {
                        problem[0] = new CorruptFileException(file, "association table '" + a.name
                                + "' has a value of the wrong type");
                        throw new Abort();
                    }
                }
            } catch (RuntimeException | Error e) {
                reset(db);
                throw e;
            }
            });
        } catch (Abort e) {
            throw problem[0];
        }
    }

    /**
     * The file must hold every part the engine declares (the file's own parts were matched with the engine's
     * already): a part left out would load empty next to parts that refer to it.
     */
    private static void requireEveryPart(Junction db, Path file, Content c) {
        java.util.Set<String> held = new java.util.HashSet<>();
        for (TableData t : c.tables) held.add("table '" + t.name + "'");
        for (RelationData r : c.relations) held.add("relation '" + r.name + "'");
        for (AssociationData a : c.associations) held.add("association table '" + a.name + "'");
        List<String> declared = new ArrayList<>();
        for (AbstractTable<?> t : db.tablesInOrder()) declared.add("table '" + t.name + "'");
        for (RelationImpl<?, ?> r : db.relationsInOrder()) declared.add("relation '" + r.name + "'");
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) declared.add("association table '" + a.name + "'");
        for (String part : declared) {
            if (!held.contains(part)) {
                throw new IllegalStateException("snapshot " + file + " has no " + part + ", which this engine "
                        + "declares; declare the same schema before loading");
            }
        }
    }

    /**
     * Every link end, row end and pair end is a live id of the table the engine's part links (the decoder checked
     * each section on its own; this checks them against each other), before anything is applied.
     */
    private static void checkEnds(Path file, Content c, List<RelationImpl<?, ?>> relations,
                                  List<AssociationTableImpl<?, ?>> associations) throws CorruptFileException {
        Map<String, BitSet> live = new HashMap<>();
        for (TableData t : c.tables) live.put(t.name, liveIds(t));
        for (int i = 0; i < c.relations.size(); i++) {
            RelationData r = c.relations.get(i);
            RelationImpl<?, ?> target = relations.get(i);
            checkEnds(file, "relation '" + r.name + "'", r.links, live.get(target.left.name),
                    "table '" + target.left.name + "'", live.get(target.right.name), "table '" + target.right.name + "'");
        }
        for (int i = 0; i < c.associations.size(); i++) {
            AssociationData a = c.associations.get(i);
            AssociationTableImpl<?, ?> target = associations.get(i);
            String what = "association table '" + a.name + "'";
            BitSet rows = liveIds(a.rows);
            BitSet lefts = live.get(target.left.name);
            BitSet rights = live.get(target.right.name);
            String leftTable = "table '" + target.left.name + "'";
            String rightTable = "table '" + target.right.name + "'";
            checkEnds(file, what + " (rows by left)", a.byLeft, lefts, leftTable, rows, "its rows");
            checkEnds(file, what + " (rows by right)", a.byRight, rights, rightTable, rows, "its rows");
            checkEnds(file, what + " (pairs)", a.pairs, lefts, leftTable, rights, rightTable);
        }
    }

    private static void checkEnds(Path file, String what, Links links, BitSet lefts, String leftTable, BitSet rights,
                                  String rightTable) throws CorruptFileException {
        for (int i = 0; i < links.lefts.length; i++) {
            if (!lefts.get(links.lefts[i]) || !rights.get(links.rights[i])) {
                boolean left = !lefts.get(links.lefts[i]);
                throw new CorruptFileException(file, what + ": link " + i + " (" + links.lefts[i] + ", "
                        + links.rights[i] + ") has " + (left ? "left " + links.lefts[i] : "right " + links.rights[i])
                        + ", which is not a live id of " + (left ? leftTable : rightTable));
            }
        }
    }

    private static BitSet liveIds(TableData t) {
        BitSet live = new BitSet(t.highWater);
        for (int id : t.ids) live.set(id);
        return live;
    }

    /** Ends phase 2 early; the reason is in the problem slot. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    /** Throws unless every part of the engine is empty and unused (a load or a recovery may go into it). */
    static void checkEmpty(Junction db, Path file) {
        for (AbstractTable<?> t : db.tablesInOrder()) {
            if (!t.pristine()) throw new IllegalStateException(file + ": cannot load into an engine whose table '"
                    + t.name + "' was used; load into a freshly declared engine");
        }
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
            if (!a.rows.pristine()) throw new IllegalStateException(file + ": cannot load into an engine whose "
                    + "association table '" + a.name + "' was used");
        }
        for (RelationImpl<?, ?> r : db.relationsInOrder()) {
            if (r.store.size() != 0 || (r.columns != null && !r.columns.isEmpty())) {
                throw new IllegalStateException(file + ": cannot load into an engine whose relation '" + r.name
                        + "' has links");
            }
        }
    }

    /** Empties every part of an engine that was empty before a load or a recovery that failed. */
    static void resetAll(Junction db) {
        db.writes.publishLocked(() -> {
            reset(db);
            return null;
        });
    }

    /** Empties every part (they were empty before the load). */
    private static void reset(Junction db) {
        for (AbstractTable<?> t : db.tablesInOrder()) t.restoreReset();
        for (RelationImpl<?, ?> r : db.relationsInOrder()) {
            r.store.clear();
            if (r.columns != null) r.columns.clear();
        }
        for (AssociationTableImpl<?, ?> a : db.associationsInOrder()) {
            a.rows.restoreReset();
            a.byLeft.store.clear();
            a.byRight.store.clear();
            a.pairRel.store.clear();
            a.columns.clear();
        }
    }

    /**
     * A version 2 file says each table's id policy, and it must be the declared one: the journal that follows the
     * snapshot was written by tables of that policy and replays to the same ids only under it. A version 1 file
     * cannot say (every table then reused ids) and loads into either; a table that never reuses ids retires the
     * ids it lists as free.
     */
    private static void checkPolicy(Path file, String what, TableData data, AbstractTable<?> target) {
        if (data.saysPolicy && data.neverReuse != target.neverReuse) {
            IdPolicy saved = data.neverReuse ? IdPolicy.NEVER_REUSE : IdPolicy.REUSE_FREED;
            throw mismatch(file, what + " with id policy " + saved + ", declared " + target.idPolicy());
        }
    }

    private static IllegalStateException mismatch(Path file, String what) {
        return new IllegalStateException("snapshot " + file + " has " + what + "; declare the same schema before "
                + "loading");
    }

    /** For each snapshot column, the engine column index (in declaration order) with its name and type. */
    private static int[] columnMap(Path file, String owner, ColumnStore.Schema schema, ColumnData data) {
        int[] map = new int[data.names.length];
        for (int i = 0; i < data.names.length; i++) {
            int c = schema == null ? -1 : schema.find(data.names[i]);
            if (c < 0 || schema.types[c] != data.types[i]) {
                throw mismatch(file, owner + " with column '" + data.names[i] + "' (type " + data.types[i]
                        + "), which this engine does not declare so");
            }
            map[i] = c;
        }
        return map;
    }

    /** Writes decoded values into a store; false if a key fails {@code valid} or an object has the wrong type. */
    private static boolean putColumns(ColumnStore cs, int[] map, ColumnData data,
                                      java.util.function.LongPredicate valid) {
        for (int e = 0; e < data.keys.length; e++) {
            long key = data.keys[e];
            if (!valid.test(key)) return false;
            int slot = cs.slotForWrite(key);
            for (int i = 0; i < map.length; i++) {
                byte type = data.types[i];
                int k = cs.schema.indexInType[map[i]];
                if (type == ColumnStore.OBJECT) {
                    Object v = data.objects[i][e];
                    Class<?> declared = cs.schema.objectTypes[k];
                    if (v != null && !declared.isInstance(v)) return false;
                    cs.objects[k][slot] = v;
                } else {
                    cs.putBits(type, k, slot, data.bits[i][e]);
                }
            }
        }
        return true;
    }
}
