package dev.junction;

import dev.junction.WireBytes.Source;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays one journal record on open: its changes in a transaction of its own, each checked to land as it did
 * when it was first committed (a link was absent, an unlink present, an added entity gets the recorded id), then
 * the invariants of what the record touched ({@link RecordCheck}), then commit. Anything else rolls the record
 * back and is a {@link CorruptFileException} naming the record and its byte offset; a part, column or codec the
 * engine does not declare is an {@link IllegalStateException} (a schema mismatch). Listeners hear nothing: they
 * heard these commits when they were first made.
 */
final class JournalReplay implements JournalCodec.Changes {

    private final PartNames names;
    private final Source in;
    private final Txn t;
    private final RecordCheck check;

    private JournalReplay(PartNames names, Source in, Txn t) {
        this.names = names;
        this.in = in;
        this.t = t;
        this.check = new RecordCheck(names);
    }

    /** Replays record {@code index} of {@code journal} (read from {@code file}) into {@code db}. */
    static void replay(Junction db, Path file, JournalFile.Contents journal, int index) throws IOException {
        int offset = journal.offsets.getInt(index);
        int start = offset + journal.recordHeader;
        int end = start + journal.lengths.getInt(index);
        Source in = new Source(file, journal.data, start, end, "record " + index + " at byte " + offset);
        PartNames names = db.partNames();
        Txn t = (Txn) db.begin();
        t.quiet = true;
        boolean done = false;
        try {
            JournalReplay replay = new JournalReplay(names, in, t);
            JournalCodec.decode(in, file, journal.version, names, db.codecs(), replay);
            if (in.pos != end) throw in.corrupt((end - in.pos) + " bytes left over");
            String problem = replay.check.problem(t);
            if (problem != null) throw in.corrupt(problem);
            t.commit();
            done = true;
        } catch (IllegalStateException e) { // a schema or codec mismatch: said as such
            throw e;
        } catch (RuntimeException e) { // an id the index refuses, a value a key function or codec rejects
            CorruptFileException c = in.corrupt(e.toString());
            c.initCause(e);
            throw c;
        } finally {
            if (!done && t.isActive()) t.rollback();
        }
    }

    @Override
    public void link(RelationImpl<?, ?> r, int a, int b, boolean linked) throws IOException {
        DeltaRelation d = t.delta(r);
        boolean changed = linked ? d.link(a, b) : d.unlink(a, b);
        if (linked) check.linked(r, a, b); else check.unlinked(r, a, b);
        if (!changed) {
            throw in.corrupt((linked ? "link" : "unlink") + " of (" + a + ", " + b + ") in "
                    + PartNames.describe(names.of(r)) + " changed nothing: the journal does not follow this state");
        }
    }

    @Override
    public void add(AbstractTable<?> table, int a, Object entity) throws IOException {
        if (entity != null && table.find(entity) >= 0) {
            throw in.corrupt("entity " + entity + " of table '" + table.name + "' is already there");
        }
        int id = insert(table, entity);
        if (id != a) {
            throw in.corrupt("entity of table '" + table.name + "' got id " + id + ", the journal says " + a
                    + ": the journal does not follow this state (or was written while the table had another id "
                    + "policy; it is declared " + table.idPolicy() + ")");
        }
        check.added(table, id);
    }

    @SuppressWarnings("unchecked")
    private <E> int insert(AbstractTable<E> table, Object entity) {
        return table.txInsert(t, (E) entity);
    }

    @Override
    public void replace(AbstractTable<?> table, int id, Object entity) throws IOException {
        if (!(table instanceof ObjectTable<?, ?> o) || !o.replaces()) {
            throw in.corrupt("replacement in table '" + table.name + "', whose entities cannot be replaced");
        }
        if (!table.isLive(id)) throw in.corrupt("replacement of id " + id + ", which is not there");
        int found = table.find(entity);
        if (found != id) {
            throw in.corrupt("replacement " + entity + " of id " + id + " in table '" + table.name + "' has the key of "
                    + (found < 0 ? "no entity" : "id " + found) + ": the journal does not follow this state");
        }
        table.txReplace(t, id, entity);
    }

    @Override
    public void remove(AbstractTable<?> table, int id) throws IOException {
        if (!table.isLive(id)) throw in.corrupt("removal of id " + id + ", which is not there");
        check.removing(t, table, id);
        table.txRemove(t, id);
    }

    @Override
    public void voided(ColumnStore store, long key) throws IOException {
        t.voidKey(store, checkKey(store, key, false));
    }

    @Override
    public void written(ColumnStore store, long key, int n, int[] columns, byte[] types, long[] bits, Object[] objects)
            throws IOException {
        checkKey(store, key, true);
        RelationImpl<?, ?> owner = names.relationOf(store);
        if (owner != null && !t.delta(owner).contains((int) (key >>> 32), (int) key)) {
            throw in.corrupt("values for (" + (key >>> 32) + ", " + (int) key + ") of relation '" + owner.name
                    + "', which are not linked");
        }
        int slot = t.slotForWrite(store, key);
        ColumnStore own = t.columns(store).own;
        for (int c = 0; c < n; c++) {
            int k = store.schema.indexInType[columns[c]];
            if (types[c] != ColumnStore.OBJECT) {
                own.putBits(types[c], k, slot, bits[c]);
            } else {
                Object v = objects[c];
                if (v != null && !store.schema.objectTypes[k].isInstance(v)) {
                    throw in.corrupt("value of type " + v.getClass().getName() + " in column '"
                            + store.schema.names[columns[c]] + "'");
                }
                own.objects[k][slot] = v;
            }
        }
    }

    /**
     * A key of column values: a pair (relation columns), or a row id (association columns) that must be live if
     * values are written to it (a voided row was deleted in the same transaction).
     */
    private long checkKey(ColumnStore store, long key, boolean written) throws CorruptFileException {
        if (store.dense) {
            AssociationTableImpl<?, ?> a = names.associationOf(store);
            if (key < 0 || key > Integer.MAX_VALUE || a == null || (written && !a.rows.isLive((int) key))) {
                throw in.corrupt("values for row " + key + ", which is not there");
            }
        } else if (key < 0 || (int) key < 0) { // a pair: two non-negative ids
            throw in.corrupt("values for key " + Long.toUnsignedString(key) + ", which is no pair of ids");
        }
        return key;
    }
}
