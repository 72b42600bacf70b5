package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The decoding layer without a server: pgoutput messages built byte by byte as the protocol chapter describes
 * them, COPY text lines with every escape, and the text parsers' edges (the server-backed comparison of the parsers
 * with PostgreSQL's own output is {@link TextValuesAgainstPostgresTest}).
 */
class DecodingTest {

    private static byte[] bytes(Object... parts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        for (Object p : parts) {
            if (p instanceof Character c) out.writeByte(c);
            else if (p instanceof Byte x) out.writeByte(x);
            else if (p instanceof Short s) out.writeShort(s);
            else if (p instanceof Integer i) out.writeInt(i);
            else if (p instanceof Long l) out.writeLong(l);
            else if (p instanceof String s) {
                out.write(s.getBytes(StandardCharsets.UTF_8));
                out.writeByte(0);
            } else if (p instanceof byte[] raw) out.write(raw);
            else throw new IllegalArgumentException(String.valueOf(p));
        }
        return b.toByteArray();
    }

    private static byte[] text(String v) throws IOException {
        byte[] t = v.getBytes(StandardCharsets.UTF_8);
        return bytes('t', t.length, t);
    }

    /** Records each call as a line. */
    private static final class Recorder implements Pgoutput.Handler {
        final List<String> calls = new ArrayList<>();

        private static String show(Fields f) {
            if (f == null) return "null";
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < f.count; i++) sb.append(i > 0 ? ", " : "").append(f.show(i));
            return sb.append(']').toString();
        }

        @Override
        public void begin(long finalLsn, long commitTimeMicros, int xid) {
            calls.add("begin " + PgReplica.formatLsn(finalLsn) + " " + commitTimeMicros + " " + xid);
        }

        @Override
        public void relation(Pgoutput.RelationInfo r) {
            calls.add("relation " + r.id() + " " + r.qualifiedName() + " " + r.replicaIdentity() + " "
                    + String.join(",", r.columns()) + " " + java.util.Arrays.toString(r.types()) + " "
                    + java.util.Arrays.toString(r.key()));
        }

        @Override
        public void insert(int relationId, Fields newTuple) {
            calls.add("insert " + relationId + " " + show(newTuple));
        }

        @Override
        public void update(int relationId, Fields old, Fields newTuple) {
            calls.add("update " + relationId + " " + show(old) + " " + show(newTuple));
        }

        @Override
        public void delete(int relationId, Fields old) {
            calls.add("delete " + relationId + " " + show(old));
        }

        @Override
        public void truncate(int[] relationIds, boolean cascade, boolean restartIdentity) {
            calls.add("truncate " + java.util.Arrays.toString(relationIds) + " " + cascade + " " + restartIdentity);
        }

        @Override
        public void commit(long commitLsn, long endLsn, long commitTimeMicros) {
            calls.add("commit " + PgReplica.formatLsn(commitLsn) + " " + PgReplica.formatLsn(endLsn) + " "
                    + commitTimeMicros);
        }
    }

    @Test
    void decodesEveryMessageOfProtocolVersionOne() throws IOException {
        Pgoutput d = new Pgoutput();
        Recorder r = new Recorder();
        long pgEpochTs = 1_000_000L; // one second after 2000-01-01
        d.decode(ByteBuffer.wrap(bytes('B', 0x1_0000_0010L, pgEpochTs, 77)), r);
        d.decode(ByteBuffer.wrap(bytes('R', 16385, "public", "author_book", 'd', (short) 3,
                (byte) 1, "author_id", 20, -1, (byte) 1, "book_id", 20, -1, (byte) 0, "note", 25, -1)), r);
        d.decode(ByteBuffer.wrap(bytes('I', 16385, 'N', (short) 3, text("1"), text("2"), 'n')), r);
        d.decode(ByteBuffer.wrap(bytes('U', 16385, 'N', (short) 3, text("1"), text("2"), 'u')), r);
        d.decode(ByteBuffer.wrap(bytes('U', 16385, 'K', (short) 3, text("1"), text("2"), 'n', 'N', (short) 3, text("1"),
                text("3"), text("é"))), r);
        d.decode(ByteBuffer.wrap(bytes('D', 16385, 'K', (short) 3, text("1"), text("3"), 'n')), r);
        d.decode(ByteBuffer.wrap(bytes('T', 2, (byte) 1, 16385, 16390)), r);
        d.decode(ByteBuffer.wrap(bytes('O', 0x55L, "node2")), r);
        d.decode(ByteBuffer.wrap(bytes('Y', 16400, "public", "mood")), r);
        d.decode(ByteBuffer.wrap(bytes('C', (byte) 0, 0x1_0000_0010L, 0x1_0000_0040L, pgEpochTs)), r);
        long unixMicros = TextValues.PG_EPOCH_MICROS + pgEpochTs;
        assertEquals(List.of(
                "begin 1/10 " + unixMicros + " 77",
                "relation 16385 public.author_book d author_id,book_id,note [20, 20, 25] [true, true, false]",
                "insert 16385 [1, 2, NULL]",
                "update 16385 null [1, 2, (unchanged TOAST value)]",
                "update 16385 [1, 2, NULL] [1, 3, é]",
                "delete 16385 [1, 3, NULL]",
                "truncate [16385, 16390] true false",
                "commit 1/10 1/40 " + unixMicros), r.calls);
    }

    @Test
    void aMessageThatDoesNotFollowTheFormatIsRefused() throws IOException {
        Pgoutput d = new Pgoutput();
        Recorder r = new Recorder();
        assertThrows(Pgoutput.ProtocolException.class, () -> d.decode(ByteBuffer.wrap(bytes('B', 5L)), r));
        assertThrows(Pgoutput.ProtocolException.class, () -> d.decode(ByteBuffer.wrap(bytes('Z')), r));
        assertThrows(Pgoutput.ProtocolException.class,
                () -> d.decode(ByteBuffer.wrap(bytes('I', 1, 'N', (short) 1, 't', 100, "ab")), r), "a value past the end");
        assertThrows(Pgoutput.ProtocolException.class,
                () -> d.decode(ByteBuffer.wrap(bytes('I', 1, 'N', (short) 1, 'b', 1, (byte) 1)), r), "binary");
        assertThrows(Pgoutput.ProtocolException.class,
                () -> d.decode(ByteBuffer.wrap(bytes('D', 1, 'N', (short) 0)), r), "a delete without old values");
        assertTrue(r.calls.isEmpty());
    }

    @Test
    void copyLinesAreSplitAndUnescaped() {
        Fields f = new Fields();
        byte[] line = "a\\tb\t\\N\tx\\\\y\t\\101\\x41\\n\t\t\u00e9\n".getBytes(StandardCharsets.UTF_8);
        f.parseCopyLine(line, 6);
        assertEquals("a\tb", f.show(0));
        assertTrue(f.isNull(1));
        assertEquals("x\\y", f.show(2));
        assertEquals("AA\n", f.show(3));
        assertEquals("", f.show(4));
        assertEquals("\u00e9", f.show(5));
        assertThrows(IllegalArgumentException.class, () -> new Fields().parseCopyLine("1\t2\n".getBytes(), 3));
        assertThrows(IllegalArgumentException.class, () -> new Fields().parseCopyLine("1\t2\t3\n".getBytes(), 2));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long lng(String s) {
        return TextValues.parseLong(b(s), 0, b(s).length);
    }

    private static double dbl(String s) {
        return TextValues.parseDouble(b(s), 0, b(s).length);
    }

    @Test
    void integersParseExactlyOrNotAtAll() {
        assertEquals(Long.MIN_VALUE, lng("-9223372036854775808"));
        assertEquals(Long.MAX_VALUE, lng("9223372036854775807"));
        assertEquals(5, lng("+5"));
        for (String bad : new String[] {"9223372036854775808", "-9223372036854775809", "", "-", "12a", "1.5", " 1"}) {
            assertThrows(TextValues.BadValue.class, () -> lng(bad), bad);
        }
        assertEquals(42, TextValues.parseIntegralNumeric(b("42.000"), 0, 6));
        assertThrows(TextValues.BadValue.class, () -> TextValues.parseIntegralNumeric(b("42.5"), 0, 4));
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            assertEquals(v, lng(Long.toString(v)));
        }
    }

    @Test
    void doublesAreCorrectlyRoundedOnBothPaths() {
        Random rnd = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            String s;
            switch (i % 4) {
                case 0 -> s = Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
                case 1 -> s = (rnd.nextBoolean() ? "-" : "") + rnd.nextInt(1_000_000) + "." + rnd.nextInt(1_000_000_000);
                case 2 -> s = Long.toString(rnd.nextLong() >> rnd.nextInt(64));
                default -> s = String.format(java.util.Locale.ROOT, "%.17g", rnd.nextGaussian() * 1e5);
            }
            assertEquals(Double.parseDouble(s), dbl(s), s);
        }
        assertTrue(Double.isNaN(dbl("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, dbl("Infinity"));
        assertEquals(Double.NEGATIVE_INFINITY, dbl("-Infinity"));
        assertEquals(1e100, dbl("1e+100"));
        assertEquals(-0.0, dbl("-0"));
        assertThrows(TextValues.BadValue.class, () -> dbl("one"));
    }

    @Test
    void datesTimestampsAndUuids() {
        assertEquals(java.time.LocalDate.of(2024, 2, 29).toEpochDay(), TextValues.parseEpochDay(b("2024-02-29"), 0, 10));
        assertEquals(java.time.LocalDate.of(10000, 1, 1).toEpochDay(), TextValues.parseEpochDay(b("10000-01-01"), 0, 11));
        for (String bad : new String[] {"0044-03-15 BC", "infinity", "2024-02-30", "2024-1-01", "20240101"}) {
            assertThrows(TextValues.BadValue.class, () -> TextValues.parseEpochDay(b(bad), 0, b(bad).length), bad);
        }
        String ts = "2024-01-02 12:30:00.5+02";
        assertEquals(1_704_191_400_500_000L, TextValues.parseEpochMicros(b(ts), 0, ts.length(), true));
        String odd = "1900-01-01 00:00:00+00:09:21"; // LMT offsets have seconds
        assertEquals(java.time.OffsetDateTime.parse("1900-01-01T00:00:00+00:09:21").toInstant().getEpochSecond()
                * 1_000_000L, TextValues.parseEpochMicros(b(odd), 0, odd.length(), true));
        String local = "1999-12-31 23:59:59.999999";
        assertEquals(946_684_799_999_999L, TextValues.parseEpochMicros(b(local), 0, local.length(), false));
        String pre = "1969-12-31 23:59:59.5+00";
        assertEquals(-500_000L, TextValues.parseEpochMicros(b(pre), 0, pre.length(), true));
        assertThrows(TextValues.BadValue.class, () -> TextValues.parseEpochMicros(b("infinity"), 0, 8, true));
        assertThrows(TextValues.BadValue.class, () -> TextValues.parseEpochMicros(b(local), 0, local.length(), true),
                "a timestamptz needs its offset");
        UUID u = UUID.randomUUID();
        assertEquals(u, TextValues.parseUuid(b(u.toString()), 0, 36));
        assertThrows(TextValues.BadValue.class, () -> TextValues.parseUuid(b("not-a-uuid"), 0, 10));
        assertThrows(TextValues.BadValue.class, () -> TextValues.parseBoolean(b("true"), 0, 4));
    }

    @Test
    void aReaderRefusesWhatDoesNotFit() {
        ValueReader ints = ValueReader.of(ValueReader.INT8, null);
        Fields f = new Fields();
        f.parseCopyLine(b("4294967296\t\\N\t9007199254740993\n"), 3);
        assertEquals(4294967296L, ints.readLong(f, 0));
        assertThrows(TextValues.BadValue.class, () -> ints.readInt(f, 0), "2^32 into an int");
        assertThrows(TextValues.BadValue.class, () -> ints.readLong(f, 1), "NULL into a long");
        assertNull(ints.readObject(f, 1, Long.class));
        assertThrows(TextValues.BadValue.class, () -> ints.readDouble(f, 2), "2^53 + 1 is not exact as a double");
        assertThrows(TextValues.BadValue.class, () -> ints.readLongKey(f, 1), "NULL key");
        assertTrue(ints.supports(long.class) && !ints.supports(boolean.class) && ints.supports(String.class));
        ValueReader text = ValueReader.of(ValueReader.TEXT, null);
        assertTrue(text.supportsLongKey() && text.supportsObjectKey() && !text.supports(long.class));
        assertArrayEquals(new boolean[] {true, false}, new boolean[] {ValueReader.of(ValueReader.UUID_OID, null)
                .supportsObjectKey(), ValueReader.of(ValueReader.UUID_OID, null).supportsLongKey()});
    }
}
