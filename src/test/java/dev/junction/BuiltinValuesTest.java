package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.CraftedFileTest.Section;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in value classes of snapshots and journals: java.time, {@code UUID}, {@code BigDecimal},
 * {@code BigInteger}, enums (by name) and records (component by component), as entities, link column values and
 * row column values; registered codecs taking precedence; schema drift (a renamed constant, a changed record)
 * refused clearly.
 */
class BuiltinValuesTest {

    enum Color { RED, GREEN { @Override public String toString() { return "green"; } }, BLUE }

    /** The same constants as {@link Color}, reordered (the class name has the same length, for rewriting files). */
    enum Colar { BLUE, GREEN, RED }

    /** {@link Color} without BLUE. */
    enum Colox { RED, GREEN }

    record Point(int x, long y, String label, Color color) {
    }

    record Span(Point from, Point to, LocalDate day, BigDecimal cost) {
    }

    /** Like {@link Point} with another type for x (same name length). */
    record Pount(String x, long y, String label, Color color) {
    }

    /** The schema of these tests: every kind of part, holding any value. */
    static final class Types {
        final Junction db = Junction.create();
        final Table<Object> things = db.table("things");
        final LongTable ids = db.longTable("ids");
        final Relation<Object, Long> about = db.relation("about", things, ids);
        final LinkColumn.OfObject<Object, Long, Object> value = about.objectColumn("value", Object.class, null);
        final AssociationTable<Long, Object> uses = db.associationTable("uses", ids, things);
        final RowColumn.OfObject<Span> span = uses.objectColumn("span", Span.class, null);

        /** Everything observable, with each value's class. */
        String dump() {
            TreeMap<String, String> out = new TreeMap<>();
            for (AbstractTable<?> t : db.tablesInOrder()) {
                out.put("table " + t.name, SnapshotTest.liveEntities(t, BuiltinValuesTest::show));
            }
            List<String> links = new ArrayList<>();
            about.ints().forEachLink((l, r) -> links.add(l + "-" + r + ":" + show(value.getByIds(l, r))));
            java.util.Collections.sort(links);
            out.put("about", links.toString());
            StringBuilder rows = new StringBuilder();
            for (int row = 0; row < 100; row++) {
                if (uses.contains(row)) rows.append(row).append(':').append(show(span.get(row))).append(' ');
            }
            out.put("rows", rows.toString());
            return out.toString();
        }
    }

    static String show(Object v) {
        return v == null ? "null" : v.getClass().getName() + "(" + v + ")";
    }

    /** One value of every built-in kind, edge cases included. */
    static List<Object> samples() {
        Point p = new Point(-3, Long.MIN_VALUE, "p", Color.GREEN);
        return List.of(
                LocalDate.of(1969, 7, 20), LocalDate.MIN, LocalDate.MAX,
                LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_999),
                LocalDateTime.of(2024, 2, 29, 12, 30, 1, 5),
                Instant.ofEpochSecond(-1, 1), Instant.MAX,
                OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutes(-9, -30)),
                // 01:30 happens twice in Berlin that night: the later one (offset +01:00) must stay the later one
                ZonedDateTime.ofLocal(LocalDateTime.of(2023, 10, 29, 2, 30), ZoneId.of("Europe/Berlin"),
                        ZoneOffset.ofHours(1)),
                ZonedDateTime.of(2023, 6, 1, 8, 0, 0, 0, ZoneId.of("UTC")),
                Duration.ofSeconds(-5, 7), Duration.ZERO,
                new UUID(0x0123456789ABCDEFL, -1L),
                new BigDecimal("1.50"), new BigDecimal("-1E+5"), new BigDecimal("123456789012345678901234567890.000"),
                BigInteger.ZERO, BigInteger.ONE.shiftLeft(200).negate(),
                Color.RED, Color.GREEN, Color.BLUE,
                p,
                new Point(0, 0, null, null),
                new Span(p, null, LocalDate.of(2000, 1, 1), new BigDecimal("0.000")));
    }

    /** A fixed script over {@link Types}: every sample as an entity, a link value and (records) a row value. */
    static void script(Types t) {
        List<Object> s = samples();
        for (int i = 0; i < s.size(); i++) {
            t.things.add(s.get(i));
            t.ids.add(i);
        }
        for (int i = 0; i < s.size(); i++) {
            t.about.link(s.get(i), (long) i, t.value.value(s.get((i + 1) % s.size())));
        }
        t.db.inTransaction(() -> {
            t.uses.add(0L, Color.BLUE, t.span.value((Span) s.get(s.size() - 1)));
            t.uses.add(1L, s.get(s.size() - 3), t.span.value(new Span(null, null, null, null)));
        });
        t.things.remove(LocalDate.MIN);
    }

    @TempDir
    Path dir;

    @Test
    void everyBuiltinRoundTripsThroughASnapshot() throws IOException {
        Types t = new Types();
        script(t);
        Path file = dir.resolve("types.snap");
        t.db.save(file);
        Types back = new Types();
        back.db.load(file);
        assertEquals(t.dump(), back.dump());
        for (Object v : samples()) {
            if (!v.equals(LocalDate.MIN)) assertTrue(back.things.contains(v), "lost " + show(v));
        }
        BigDecimal read = (BigDecimal) back.things.get(t.things.idOf(new BigDecimal("1.50")));
        assertEquals(2, read.scale(), "the exact scale is kept");
        ZonedDateTime later = (ZonedDateTime) samples().get(9);
        assertEquals(later.toInstant(), ((ZonedDateTime) back.things.get(t.things.idOf(later))).toInstant(),
                "a time in a daylight-saving overlap keeps its offset");
    }

    @Test
    void everyBuiltinRoundTripsThroughTheJournal() throws IOException {
        Types t = new Types();
        Path where = dir.resolve("journaled");
        try (Persistence p = Persistence.open(t.db, where, SyncPolicy.everyCommit())) {
            script(t);
        }
        Types back = new Types();
        Persistence.open(back.db, where, SyncPolicy.everyCommit()).close();
        assertEquals(t.dump(), back.dump());
    }

    @Test
    void randomValuesRoundTripExactly() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Types t = new Types();
        List<Object> made = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Object v = random(rnd);
            if (v != null && t.things.findId(v).isEmpty()) {
                t.things.add(v);
                made.add(v);
            }
        }
        Path file = dir.resolve("random.snap");
        t.db.save(file);
        Types back = new Types();
        back.db.load(file);
        assertEquals(t.dump(), back.dump(), "seed " + seed);
        for (Object v : made) {
            Object read = back.things.get(t.things.idOf(v));
            assertEquals(v, read, "seed " + seed);
            assertEquals(v.getClass(), read.getClass(), "seed " + seed);
        }
    }

    private static Object random(Random rnd) {
        return switch (rnd.nextInt(13)) {
            case 0 -> LocalDate.ofEpochDay(rnd.nextInt(2_000_000) - 1_000_000);
            case 1 -> LocalTime.ofNanoOfDay(Math.floorMod(rnd.nextLong(), 86_400_000_000_000L));
            case 2 -> LocalDateTime.of(LocalDate.ofEpochDay(rnd.nextInt(100_000)), LocalTime.ofSecondOfDay(rnd.nextInt(86_400)));
            case 3 -> Instant.ofEpochSecond(rnd.nextLong() >> 30, rnd.nextInt(1_000_000_000));
            case 4 -> OffsetDateTime.of(LocalDateTime.ofEpochSecond(rnd.nextInt(), 0, ZoneOffset.UTC),
                    ZoneOffset.ofTotalSeconds(rnd.nextInt(18 * 3600 * 2 + 1) - 18 * 3600));
            case 5 -> ZonedDateTime.ofInstant(Instant.ofEpochSecond(rnd.nextInt()),
                    ZoneId.of(List.of("Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC").get(rnd.nextInt(4))));
            case 6 -> Duration.ofSeconds(rnd.nextLong() >> 2, rnd.nextInt(1_000_000_000));
            case 7 -> new UUID(rnd.nextLong(), rnd.nextLong());
            case 8 -> new BigDecimal(new BigInteger(rnd.nextInt(300), rnd).multiply(BigInteger.valueOf(rnd.nextBoolean()
                    ? 1 : -1)), rnd.nextInt(80) - 40);
            case 9 -> new BigInteger(rnd.nextInt(300), rnd).subtract(BigInteger.ONE.shiftLeft(rnd.nextInt(150)));
            case 10 -> Color.values()[rnd.nextInt(3)];
            case 11 -> new Point(rnd.nextInt(), rnd.nextLong(), rnd.nextBoolean() ? null : "l" + rnd.nextInt(),
                    rnd.nextBoolean() ? null : Color.values()[rnd.nextInt(3)]);
            default -> new Span(rnd.nextBoolean() ? null : new Point(rnd.nextInt(), 7, "in", Color.BLUE), null,
                    rnd.nextBoolean() ? null : LocalDate.ofEpochDay(rnd.nextInt(50_000)),
                    new BigDecimal(BigInteger.valueOf(rnd.nextLong()), rnd.nextInt(20)));
        };
    }

    // ---- enums by name ---------------------------------------------------------------------------------

    /** {@code bytes} with every occurrence of {@code from} replaced by {@code to} (same length) in the sections. */
    private static byte[] renamed(byte[] file, String from, String to) {
        List<Section> out = new ArrayList<>();
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] g = to.getBytes(StandardCharsets.UTF_8);
        for (Section s : CraftedFileTest.sections(file)) {
            byte[] p = s.payload().clone();
            for (int i = 0; i + f.length <= p.length; i++) {
                if (java.util.Arrays.equals(p, i, i + f.length, f, 0, f.length)) System.arraycopy(g, 0, p, i, g.length);
            }
            out.add(new Section(s.type(), p));
        }
        return CraftedFileTest.assemble(out);
    }

    private Path colors(String className) throws IOException {
        Types t = new Types();
        t.things.add(Color.BLUE);
        t.things.add(Color.RED);
        t.ids.add(1);
        t.about.link(Color.RED, 1L, t.value.value(Color.GREEN));
        Path file = dir.resolve(className + ".snap");
        t.db.save(file);
        Files.write(file, renamed(Files.readAllBytes(file), Color.class.getName(),
                Color.class.getName().replace("Color", className)));
        return file;
    }

    @Test
    void enumsAreWrittenByNameSoReorderedConstantsStillRead() throws IOException {
        Path file = colors("Colar");
        Types back = new Types();
        back.db.load(file);
        assertEquals(List.of(Colar.BLUE, Colar.RED), back.things.stream().toList());
        assertEquals(Colar.GREEN, back.value.get(Colar.RED, 1L));
    }

    @Test
    void anUnknownConstantIsRefusedNamingTheFileTheClassAndTheName() throws IOException {
        Path file = colors("Colox");
        Types back = new Types();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> back.db.load(file));
        for (String x : List.of(file.toString(), Colox.class.getName(), "'BLUE'")) {
            assertTrue(e.getMessage().contains(x), e.getMessage() + " should say " + x);
        }
        assertEquals(new Types().dump(), back.dump(), "a refused load changed the engine");
    }

    @Test
    void aRecordWhoseComponentsChangedIsRefusedClearly() throws IOException {
        Types t = new Types();
        t.things.add(new Point(1, 2, "a", Color.RED));
        Path file = dir.resolve("point.snap");
        t.db.save(file);
        Files.write(file, renamed(Files.readAllBytes(file), "$Point", "$Pount"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Types().db.load(file));
        for (String x : List.of(file.toString(), Pount.class.getName(), "'x'", "java.lang.Integer")) {
            assertTrue(e.getMessage().contains(x), e.getMessage() + " should say " + x);
        }
    }

    @Test
    void aClassNotOnTheClassPathIsRefusedNamingIt() throws IOException {
        Path file = colors("Coloq");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Types().db.load(file));
        assertTrue(e.getMessage().contains(Color.class.getName().replace("Color", "Coloq")), e.getMessage());
        assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
    }

    // ---- registered codecs first ------------------------------------------------------------------------

    static final ValueCodec<UUID> UUID_AS_TEXT = TestCodecs.of(UUID.class, (value, out) -> out.writeUTF(value.toString()),
            in -> UUID.fromString(in.readUTF()));

    @Test
    void aRegisteredCodecTakesPrecedenceOverTheBuiltIn() throws IOException {
        UUID u = new UUID(1, 2);
        Types t = new Types();
        t.db.registerCodec(UUID_AS_TEXT);
        t.things.add(u);
        Path file = dir.resolve("uuid.snap");
        t.db.save(file);
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(u.toString()), "written by the registered codec");
        Types without = new Types();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> without.db.load(file));
        assertTrue(e.getMessage().contains("java.util.UUID") && e.getMessage().contains("register"), e.getMessage());
        Types with = new Types();
        with.db.registerCodec(UUID_AS_TEXT);
        with.db.load(file);
        assertEquals(u, with.things.get(0));
    }

    @Test
    void aBuiltInValueNeedsNoCodecOnEitherSide() throws IOException {
        Types t = new Types();
        t.things.add(new UUID(1, 2));
        Path file = dir.resolve("uuid2.snap");
        t.db.save(file);
        Types back = new Types();
        back.db.registerCodec(UUID_AS_TEXT); // the file says it was written built in: the codec is not used
        back.db.load(file);
        assertEquals(new UUID(1, 2), back.things.get(0));
    }

    // ---- damage -----------------------------------------------------------------------------------------

    @Test
    void anOutOfRangeBuiltInIsACorruptFile() throws IOException {
        Types t = new Types();
        t.things.add(LocalTime.NOON);
        Path file = dir.resolve("time.snap");
        t.db.save(file);
        List<Section> sections = CraftedFileTest.sections(Files.readAllBytes(file));
        List<Section> bad = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() == PersistenceFormat.SECTION_TABLE && s.name().equals("things")) {
                WireBytes.Sink p = new WireBytes.Sink(32);
                p.utf("things");
                p.write(PersistenceFormat.TABLE_OBJECTS);
                p.write(0);       // flags: reuses ids
                p.varint(1);
                p.varint(0);
                p.varint(1);
                p.varint(0);
                p.write(PersistenceFormat.VALUE_LOCAL_TIME);
                p.varlong(86_400_000_000_000L); // one past the last nanosecond of a day
                s = new Section(s.type(), java.util.Arrays.copyOf(p.buf, p.size));
            }
            bad.add(s);
        }
        Files.write(file, CraftedFileTest.assemble(bad));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> new Types().db.load(file));
        assertTrue(e.getMessage().contains("table 'things'") && e.getMessage().contains("out of range"), e.getMessage());
    }
}
