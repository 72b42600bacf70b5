package dev.junction.pg;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Parses PostgreSQL's text output of scalar types from a byte range; numbers and booleans without allocating. The text is what both pgoutput (without the {@code binary} option) and {@code COPY} in text
 * format send, with the session settings the JDBC driver fixes ({@code DateStyle=ISO}); timestamps with a time zone
 * carry their offset, so the session's {@code TimeZone} does not matter.
 *
 * <p>A value that cannot be read as asked throws {@link BadValue} saying why; callers add the table, the row's key
 * and the LSN.
 */
final class TextValues {

    /** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private TextValues() {
    }

    /** A value that does not fit what it is read as; the message says why. */
    static final class BadValue extends RuntimeException {
        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    static long parseLong(byte[] b, int off, int len) {
        if (len == 0) throw new BadValue("empty number");
        int p = off;
        int end = off + len;
        boolean neg = false;
        if (b[p] == '-' || b[p] == '+') {
            neg = b[p] == '-';
            p++;
            if (p == end) throw new BadValue("'" + str(b, off, len) + "' is not an integer");
        }
        long v = 0; // accumulated negatively, so that Long.MIN_VALUE parses
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) throw new BadValue("'" + str(b, off, len) + "' is not an integer");
            if (v < (Long.MIN_VALUE + d) / 10) throw new BadValue(str(b, off, len) + " does not fit a 64-bit integer");
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) throw new BadValue(str(b, off, len) + " does not fit a 64-bit integer");
            v = -v;
        }
        return v;
    }

    /** An integral value of a {@code numeric} (such as {@code 42} or {@code 42.000}) as a long. */
    static long parseIntegralNumeric(byte[] b, int off, int len) {
        int end = off + len;
        for (int p = off; p < end; p++) {
            if (b[p] == '.') {
                for (int q = p + 1; q < end; q++) {
                    if (b[q] != '0') throw new BadValue(str(b, off, len) + " is not an integer");
                }
                return parseLong(b, off, p - off);
            }
        }
        return parseLong(b, off, len);
    }

    static int toInt(long v, byte[] b, int off, int len) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new BadValue(str(b, off, len) + " does not fit a 32-bit int");
        }
        return (int) v;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * A {@code float8}, {@code float4} or {@code numeric} as a double: exactly rounded. Short decimals take a fast
     * path (an integer mantissa below 2^53 and at most 22 decimals, where one division is exact); the rest goes
     * through {@link Double#parseDouble}.
     */
    static double parseDouble(byte[] b, int off, int len) {
        if (len == 0) throw new BadValue("empty number");
        int p = off;
        int end = off + len;
        boolean neg = b[p] == '-';
        if (neg || b[p] == '+') p++;
        long mantissa = 0;
        int digits = 0;
        int scale = -1;
        boolean simple = p < end;
        for (; p < end && simple; p++) {
            byte c = b[p];
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                if (++digits > 15) simple = false;
                if (scale >= 0) scale++;
            } else if (c == '.' && scale < 0) {
                scale = 0;
            } else {
                simple = false;
            }
        }
        if (simple && digits > 0 && (scale < 0 || scale <= 22)) {
            double v = scale <= 0 ? mantissa : mantissa / POW10[scale];
            return neg ? -v : v;
        }
        String s = str(b, off, len);
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new BadValue("'" + s + "' is not a number");
                }
        }
    }

    static BigDecimal parseDecimal(byte[] b, int off, int len) {
        String s = str(b, off, len);
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new BadValue("'" + s + "' is not a finite decimal");
        }
    }

    static boolean parseBoolean(byte[] b, int off, int len) {
        if (len == 1 && b[off] == 't') return true;
        if (len == 1 && b[off] == 'f') return false;
        throw new BadValue("'" + str(b, off, len) + "' is not a boolean (t or f)");
    }

    /** A {@code date} ({@code 2024-05-06}) as days since 1970-01-01. */
    static int parseEpochDay(byte[] b, int off, int len) {
        int end = off + len;
        int[] pos = {off};
        long days = epochDay(b, pos, end, b, off, len);
        if (pos[0] != end) throw new BadValue("'" + str(b, off, len) + "' is not a date");
        return (int) days;
    }

    /**
     * A {@code timestamp} or {@code timestamptz} ({@code 2024-05-06 07:08:09.123456+02}) as microseconds since
     * 1970-01-01 UTC; a timestamp without a time zone is read as UTC. Infinite and BC values do not fit.
     */
    static long parseEpochMicros(byte[] b, int off, int len, boolean withZone) {
        int end = off + len;
        int[] pos = {off};
        long days = epochDay(b, pos, end, b, off, len);
        int p = pos[0];
        if (p >= end || b[p] != ' ') throw bad(b, off, len);
        p++;
        int h = two(b, p, end, off, len);
        if (p + 2 >= end || b[p + 2] != ':') throw bad(b, off, len);
        int mi = two(b, p + 3, end, off, len);
        if (p + 5 >= end || b[p + 5] != ':') throw bad(b, off, len);
        int s = two(b, p + 6, end, off, len);
        p += 8;
        long micros = 0;
        if (p < end && b[p] == '.') {
            p++;
            int digits = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (digits < 6) micros = micros * 10 + (b[p] - '0');
                digits++;
                p++;
            }
            if (digits == 0 || digits > 6) throw bad(b, off, len);
            for (int d = digits; d < 6; d++) micros *= 10;
        }
        long offsetSeconds = 0;
        if (withZone) {
            if (p >= end || (b[p] != '+' && b[p] != '-')) throw bad(b, off, len);
            int sign = b[p] == '-' ? -1 : 1;
            p++;
            int oh = two(b, p, end, off, len);
            p += 2;
            int om = 0;
            int os = 0;
            if (p < end && b[p] == ':') {
                om = two(b, p + 1, end, off, len);
                p += 3;
                if (p < end && b[p] == ':') {
                    os = two(b, p + 1, end, off, len);
                    p += 3;
                }
            }
            offsetSeconds = sign * (oh * 3600L + om * 60L + os);
        }
        if (p != end || h > 24 || mi > 59 || s > 60) throw bad(b, off, len);
        long secs = days * 86_400L + h * 3600L + mi * 60L + s - offsetSeconds;
        return secs * 1_000_000L + micros;
    }

    /** Reads {@code [Y]YYYY-MM-DD} at {@code pos[0]}, moving it past; rejects {@code BC} and infinities. */
    private static long epochDay(byte[] b, int[] pos, int end, byte[] all, int off, int len) {
        int p = pos[0];
        int y = 0;
        int yd = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            y = y * 10 + (b[p++] - '0');
            if (++yd > 7) throw bad(all, off, len);
        }
        if (yd < 4 || p >= end || b[p] != '-') {
            throw new BadValue("'" + str(all, off, len) + "' is not a finite date/time of the common era");
        }
        int m = two(b, p + 1, end, off, len);
        if (p + 3 >= end || b[p + 3] != '-') throw bad(all, off, len);
        int d = two(b, p + 4, end, off, len);
        p += 6;
        if (end - p >= 3 && b[p] == ' ' && b[p + 1] == 'B' && b[p + 2] == 'C') {
            throw new BadValue("'" + str(all, off, len) + "' is before the common era");
        }
        pos[0] = p;
        try {
            return LocalDate.of(y, m, d).toEpochDay(); // allocation-free in practice (escape analysis), and exact
        } catch (java.time.DateTimeException e) {
            throw bad(all, off, len);
        }
    }

    private static int two(byte[] b, int p, int end, int off, int len) {
        if (p + 1 >= end) throw bad(b, off, len);
        int a = b[p] - '0';
        int c = b[p + 1] - '0';
        if (a < 0 || a > 9 || c < 0 || c > 9) throw bad(b, off, len);
        return a * 10 + c;
    }

    private static BadValue bad(byte[] b, int off, int len) {
        return new BadValue("'" + str(b, off, len) + "' is not a date/time PostgreSQL prints with DateStyle ISO");
    }

    static UUID parseUuid(byte[] b, int off, int len) {
        if (len != 36) throw new BadValue("'" + str(b, off, len) + "' is not a uuid");
        long hi = 0;
        long lo = 0;
        int n = 0;
        for (int p = off; p < off + len; p++) {
            byte c = b[p];
            if (c == '-') {
                int i = p - off;
                if (i != 8 && i != 13 && i != 18 && i != 23) throw new BadValue("'" + str(b, off, len) + "' is not a uuid");
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0) throw new BadValue("'" + str(b, off, len) + "' is not a uuid");
            if (n < 16) hi = hi << 4 | d;
            else lo = lo << 4 | d;
            n++;
        }
        if (n != 32) throw new BadValue("'" + str(b, off, len) + "' is not a uuid");
        return new UUID(hi, lo);
    }

    static String str(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }
}
