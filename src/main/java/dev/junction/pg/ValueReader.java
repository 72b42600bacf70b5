package dev.junction.pg;

import dev.junction.pg.TextValues.BadValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Reads values of one PostgreSQL type (by its base type's OID) as what a Junction column or table needs, from
 * their text form in {@link Fields}. Which PostgreSQL types fit which Junction types is decided here, once per
 * layout ({@link #supports}), so that a mapping that cannot work is refused before any row is read:
 *
 * <table>
 *   <caption>PostgreSQL types and the Junction types they fill</caption>
 *   <tr><th>PostgreSQL</th><th>primitive column</th><th>object column</th><th>key</th></tr>
 *   <tr><td>smallint, integer, bigint</td><td>long, int (if it fits), double (exact up to 2^53)</td>
 *       <td>Long, Integer, BigDecimal</td><td>LongTable, Table&lt;Long&gt;</td></tr>
 *   <tr><td>numeric</td><td>long, int (integral values), double (nearest)</td><td>BigDecimal, Double, Long</td>
 *       <td>LongTable (integral values)</td></tr>
 *   <tr><td>real, double precision</td><td>double</td><td>Double</td><td></td></tr>
 *   <tr><td>boolean</td><td>boolean</td><td>Boolean</td><td></td></tr>
 *   <tr><td>text, varchar, char, name</td><td></td><td>String</td><td>Table&lt;String&gt;, LongTable (integers in text)</td></tr>
 *   <tr><td>uuid</td><td></td><td>UUID</td><td>Table&lt;UUID&gt;</td></tr>
 *   <tr><td>timestamptz</td><td>long (epoch microseconds)</td><td>Instant, OffsetDateTime (UTC)</td><td></td></tr>
 *   <tr><td>timestamp</td><td>long (epoch microseconds, as UTC)</td><td>LocalDateTime</td><td></td></tr>
 *   <tr><td>date</td><td>int, long (epoch day)</td><td>LocalDate</td><td></td></tr>
 * </table>
 * Any type also fills a {@code String} object column with its text. A NULL fills an object column with null and
 * does not fit a primitive column or a key.
 */
final class ValueReader {

    static final int BOOL = 16;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int UUID_OID = 2950;

    enum Family { INTEGER, NUMERIC, FLOAT, BOOL, TEXT, TIMESTAMPTZ, TIMESTAMP, DATE, UUID, OTHER }

    final Family family;
    /** The PostgreSQL type, for messages. */
    final String typeName;

    private ValueReader(Family family, String typeName) {
        this.family = family;
        this.typeName = typeName;
    }

    /** The reader of base type {@code oid}; {@code name} is the type's name, for messages. */
    static ValueReader of(int oid, String name) {
        Family f = switch (oid) {
            case INT2, INT4, INT8 -> Family.INTEGER;
            case NUMERIC -> Family.NUMERIC;
            case FLOAT4, FLOAT8 -> Family.FLOAT;
            case BOOL -> Family.BOOL;
            case TEXT, VARCHAR, BPCHAR, NAME -> Family.TEXT;
            case TIMESTAMPTZ -> Family.TIMESTAMPTZ;
            case TIMESTAMP -> Family.TIMESTAMP;
            case DATE -> Family.DATE;
            case UUID_OID -> Family.UUID;
            default -> Family.OTHER;
        };
        return new ValueReader(f, name != null ? name : builtinName(oid));
    }

    static String builtinName(int oid) {
        return switch (oid) {
            case BOOL -> "boolean";
            case NAME -> "name";
            case INT8 -> "bigint";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case TEXT -> "text";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case BPCHAR -> "character";
            case VARCHAR -> "character varying";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case NUMERIC -> "numeric";
            case UUID_OID -> "uuid";
            default -> "type " + oid;
        };
    }

    /** Whether values of this type fill a column of {@code target} ({@code long.class} ... or an object class). */
    boolean supports(Class<?> target) {
        if (target == String.class) return true;
        return switch (family) {
            case INTEGER -> target == long.class || target == int.class || target == double.class
                    || target == Long.class || target == Integer.class || target == BigDecimal.class
                    || target == Object.class;
            case NUMERIC -> target == long.class || target == int.class || target == double.class
                    || target == BigDecimal.class || target == Double.class || target == Long.class
                    || target == Object.class;
            case FLOAT -> target == double.class || target == Double.class || target == Object.class;
            case BOOL -> target == boolean.class || target == Boolean.class || target == Object.class;
            case TEXT, OTHER -> target == Object.class;
            case TIMESTAMPTZ -> target == long.class || target == Instant.class || target == OffsetDateTime.class
                    || target == Object.class;
            case TIMESTAMP -> target == long.class || target == LocalDateTime.class || target == Object.class;
            case DATE -> target == int.class || target == long.class || target == LocalDate.class
                    || target == Object.class;
            case UUID -> target == UUID.class || target == Object.class;
        };
    }

    /** Whether values of this type can be keys of a {@code LongTable} (else: of an object table). */
    boolean supportsLongKey() {
        return family == Family.INTEGER || family == Family.NUMERIC || family == Family.TEXT;
    }

    /** Whether values of this type can be keys of an object table ({@code Table<Long>}, {@code <String>}, {@code <UUID>}). */
    boolean supportsObjectKey() {
        return family == Family.INTEGER || family == Family.TEXT || family == Family.UUID;
    }

    private BadValue nullValue(String what) {
        return new BadValue("NULL does not fit " + what);
    }

    private BadValue doesNotFit(String what) {
        return new BadValue("a " + typeName + " does not fit " + what);
    }

    /** An integer or numeric value as a long; a numeric with a fraction is refused. */
    private long integral(byte[] b, int o, int n) {
        return family == Family.INTEGER ? TextValues.parseLong(b, o, n) : TextValues.parseIntegralNumeric(b, o, n);
    }

    long readLong(Fields f, int i) {
        if (f.isNull(i)) throw nullValue("a long column");
        byte[] b = f.buf;
        int o = f.off[i];
        int n = f.len[i];
        return switch (family) {
            case INTEGER, NUMERIC -> integral(b, o, n);
            case TIMESTAMPTZ, TIMESTAMP -> TextValues.parseEpochMicros(b, o, n, family == Family.TIMESTAMPTZ);
            case DATE -> TextValues.parseEpochDay(b, o, n);
            default -> throw doesNotFit("a long column");
        };
    }

    int readInt(Fields f, int i) {
        if (f.isNull(i)) throw nullValue("an int column");
        return switch (family) { // the long value, if it fits (an epoch day always does)
            case INTEGER, NUMERIC, DATE -> TextValues.toInt(readLong(f, i), f.buf, f.off[i], f.len[i]);
            default -> throw doesNotFit("an int column");
        };
    }

    double readDouble(Fields f, int i) {
        if (f.isNull(i)) throw nullValue("a double column");
        return switch (family) {
            case INTEGER -> {
                long v = TextValues.parseLong(f.buf, f.off[i], f.len[i]);
                if (Math.abs(v) > (1L << 53)) throw new BadValue(v + " is not exact as a double");
                yield v;
            }
            case NUMERIC, FLOAT -> TextValues.parseDouble(f.buf, f.off[i], f.len[i]);
            default -> throw doesNotFit("a double column");
        };
    }

    boolean readBoolean(Fields f, int i) {
        if (f.isNull(i)) throw nullValue("a boolean column");
        if (family != Family.BOOL) throw doesNotFit("a boolean column");
        return TextValues.parseBoolean(f.buf, f.off[i], f.len[i]);
    }

    /** The value as an object of {@code target} (which {@link #supports}); null for NULL. */
    Object readObject(Fields f, int i, Class<?> target) {
        if (f.isNull(i)) return null;
        byte[] b = f.buf;
        int o = f.off[i];
        int n = f.len[i];
        if (target == String.class) return TextValues.str(b, o, n);
        switch (family) {
            case INTEGER:
                if (target == Integer.class) return TextValues.toInt(TextValues.parseLong(b, o, n), b, o, n);
                if (target == BigDecimal.class) return BigDecimal.valueOf(TextValues.parseLong(b, o, n));
                return TextValues.parseLong(b, o, n);
            case NUMERIC:
                if (target == Double.class) return TextValues.parseDouble(b, o, n);
                if (target == Long.class) return TextValues.parseIntegralNumeric(b, o, n);
                return TextValues.parseDecimal(b, o, n);
            case FLOAT:
                return TextValues.parseDouble(b, o, n);
            case BOOL:
                return TextValues.parseBoolean(b, o, n);
            case TIMESTAMPTZ: {
                long us = TextValues.parseEpochMicros(b, o, n, true);
                Instant t = Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
                return target == OffsetDateTime.class ? t.atOffset(ZoneOffset.UTC) : t;
            }
            case TIMESTAMP: {
                long us = TextValues.parseEpochMicros(b, o, n, false);
                return LocalDateTime.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
                        (int) (Math.floorMod(us, 1_000_000L) * 1000L), ZoneOffset.UTC);
            }
            case DATE:
                return LocalDate.ofEpochDay(TextValues.parseEpochDay(b, o, n));
            case UUID:
                return TextValues.parseUuid(b, o, n);
            default:
                return TextValues.str(b, o, n);
        }
    }

    /** A key for a {@code LongTable}. */
    long readLongKey(Fields f, int i) {
        requireKey(f, i);
        byte[] b = f.buf;
        int o = f.off[i];
        int n = f.len[i];
        return switch (family) {
            case INTEGER, NUMERIC -> integral(b, o, n);
            case TEXT -> {
                try {
                    yield TextValues.parseLong(b, o, n);
                } catch (BadValue e) {
                    throw new BadValue("key '" + TextValues.str(b, o, n) + "' is not mapped: a long table takes "
                            + "integer keys only");
                }
            }
            default -> throw new BadValue("a " + typeName + " key does not fit a long table");
        };
    }

    /** A key for an object table: Long, String or UUID. */
    Object readObjectKey(Fields f, int i) {
        requireKey(f, i);
        return switch (family) {
            case INTEGER -> TextValues.parseLong(f.buf, f.off[i], f.len[i]);
            case TEXT -> TextValues.str(f.buf, f.off[i], f.len[i]);
            case UUID -> TextValues.parseUuid(f.buf, f.off[i], f.len[i]);
            default -> throw new BadValue("a " + typeName + " key does not fit an object table");
        };
    }

    /** A key must be sent and not NULL. */
    private static void requireKey(Fields f, int i) {
        if (f.isNull(i)) throw new BadValue("NULL key");
        if (f.isUnchanged(i)) throw new BadValue("key not sent (an unchanged TOASTed value)");
    }

    @Override
    public String toString() {
        return typeName;
    }
}
