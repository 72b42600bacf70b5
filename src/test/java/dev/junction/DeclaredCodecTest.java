package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class that snapshots and journals could not write is refused when it is declared, where the engine can know
 * it: {@link Junction#table(String, Class)} always, object columns on a journaled engine, and
 * {@link Persistence#open} for columns declared before.
 */
class DeclaredCodecTest {

    /** A class with no codec. */
    static final class Blob {
        final int n;

        Blob(int n) {
            this.n = n;
        }
    }

    record Tagged(String name, BuiltinValuesTest.Color color, LocalDate day, Object anything) {
    }

    record WithBlob(String name, Blob blob) {
    }

    record Chain(int n, Chain next) {
    }

    interface Shape {
    }

    static final ValueCodec<Blob> BLOBS = TestCodecs.of(Blob.class, (value, out) -> out.writeInt(value.n),
            in -> new Blob(in.readInt()));

    @TempDir
    Path dir;

    @Test
    void typedTablesOfWritableClassesAreDeclared() {
        Junction db = Junction.create();
        for (Class<?> c : List.of(String.class, Long.class, Integer.class, Double.class, Boolean.class, UUID.class,
                LocalDate.class, BuiltinValuesTest.Color.class, BuiltinValuesTest.Span.class, Tagged.class,
                Chain.class, Object.class, Shape.class, Number.class, byte[].class)) {
            Table<?> t = db.table("t-" + c.getSimpleName(), c);
            assertEquals("t-" + c.getSimpleName(), t.name());
        }
    }

    @Test
    void aTypedTableOfAClassWithoutACodecIsRefusedNamingTableAndClass() {
        Junction db = Junction.create();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> db.table("blobs", Blob.class));
        assertTrue(e.getMessage().contains("table 'blobs'") && e.getMessage().contains(Blob.class.getName()),
                e.getMessage());
        assertTrue(db.tables().isEmpty(), "nothing declared");
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> db.table("with", WithBlob.class));
        assertTrue(r.getMessage().contains("component 'blob'") && r.getMessage().contains(WithBlob.class.getName())
                && r.getMessage().contains(Blob.class.getName()), r.getMessage());
        db.registerCodec(BLOBS);
        db.table("blobs", Blob.class).add(new Blob(1));
        db.table("with", WithBlob.class).add(new WithBlob("x", new Blob(2)));
    }

    @Test
    void aTypedTableRoundTripsThroughASnapshot() throws IOException {
        Junction db = Junction.create();
        Table<Tagged> t = db.table("tagged", Tagged.class);
        Tagged v = new Tagged("a", BuiltinValuesTest.Color.BLUE, LocalDate.of(2001, 2, 3), 7L);
        t.add(v);
        Path file = dir.resolve("t.snap");
        db.save(file);
        Junction back = Junction.create();
        Table<Tagged> u = back.table("tagged", Tagged.class);
        back.load(file);
        assertEquals(List.of(v), u.stream().toList());
    }

    @Test
    void anObjectColumnWithoutACodecIsRefusedOnAJournaledEngine() throws IOException {
        Junction db = Junction.create();
        Table<String> a = db.table("a");
        Relation<String, String> r = db.relation("r", a, a);
        AssociationTable<String, String> rows = db.associationTable("rows", a, a);
        try (Persistence p = Persistence.open(db, dir.resolve("j"), SyncPolicy.everyCommit())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.objectColumn("blob", Blob.class, null));
            assertTrue(e.getMessage().contains("relation 'r'") && e.getMessage().contains("column 'blob'")
                    && e.getMessage().contains(Blob.class.getName()), e.getMessage());
            assertTrue(r.columns().isEmpty(), "nothing declared");
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> rows.objectColumn("blob", WithBlob.class, null));
            assertTrue(f.getMessage().contains("association table 'rows'") && f.getMessage().contains("'blob'"),
                    f.getMessage());
            assertTrue(rows.columns().isEmpty(), "nothing declared");
            r.objectColumn("day", LocalDate.class, null); // writable classes are declared as before
            r.objectColumn("any", Object.class, null);
        }
    }

    @Test
    void anUnjournaledEngineDeclaresAnyObjectColumn() {
        Junction db = Junction.create();
        Table<String> a = db.table("a");
        db.relation("r", a, a).objectColumn("blob", Blob.class, null); // its values are checked only by save
    }

    @Test
    void openRefusesAnEngineWithAColumnItsJournalCouldNotWriteBeforeTouchingFiles() throws IOException {
        Junction db = Junction.create();
        Table<String> a = db.table("a");
        db.relation("r", a, a).objectColumn("blob", Blob.class, null);
        Path where = dir.resolve("never");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Persistence.open(db, where, SyncPolicy.everyCommit()));
        assertTrue(e.getMessage().contains("relation 'r'") && e.getMessage().contains("column 'blob'")
                && e.getMessage().contains(Blob.class.getName()), e.getMessage());
        assertFalse(Files.exists(where), "no file touched");
        db.registerCodec(BLOBS);
        Persistence.open(db, where, SyncPolicy.everyCommit()).close();
    }
}
