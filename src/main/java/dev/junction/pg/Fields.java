package dev.junction.pg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One row's column values as byte ranges of a buffer, in PostgreSQL's text representation: a pgoutput TupleData
 * or a line of {@code COPY ... TO STDOUT} (text format). Reused for every row, so decoding a change allocates
 * nothing; values are parsed straight from the bytes by {@link TextValues}.
 *
 * <p>Design notes: a pgoutput tuple points into the replication message, a COPY line into its own array (unescaped
 * in place, which only shrinks it). Kinds are pgoutput's: {@code 'n'} NULL, {@code 'u'} an unchanged TOASTed value
 * that was not sent (only in the new tuple of an UPDATE), {@code 't'} text.
 */
final class Fields {

    static final byte NULL = 'n';
    static final byte UNCHANGED = 'u';
    static final byte TEXT = 't';

    byte[] buf;
    int count;
    byte[] kind = new byte[16];
    int[] off = new int[16];
    int[] len = new int[16];

    void reset(byte[] buf, int count) {
        this.buf = buf;
        this.count = count;
        if (kind.length < count) {
            int n = Math.max(count, kind.length * 2);
            kind = Arrays.copyOf(kind, n);
            off = Arrays.copyOf(off, n);
            len = Arrays.copyOf(len, n);
        }
    }

    boolean isNull(int i) {
        return kind[i] == NULL;
    }

    boolean isUnchanged(int i) {
        return kind[i] == UNCHANGED;
    }

    /** The value as a string, for messages: {@code NULL}, {@code (unchanged)} or the text. */
    String show(int i) {
        if (i < 0 || i >= count) return "?";
        if (kind[i] == NULL) return "NULL";
        if (kind[i] == UNCHANGED) return "(unchanged TOAST value)";
        String s = new String(buf, off[i], len[i], StandardCharsets.UTF_8);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Whether value {@code i} of this row and value {@code j} of {@code other} are the same bytes (or both NULL). */
    boolean sameValue(int i, Fields other, int j) {
        if (kind[i] != other.kind[j]) return false;
        if (kind[i] != TEXT) return kind[i] == NULL;
        return Arrays.equals(buf, off[i], off[i] + len[i], other.buf, other.off[j], other.off[j] + other.len[j]);
    }

    /**
     * Splits one COPY text-format line (without or with its trailing newline) into fields, unescaping backslash
     * sequences in place.
     *
     * @throws IllegalArgumentException if the line has a number of fields other than {@code expected}
     */
    void parseCopyLine(byte[] line, int expected) {
        reset(line, expected);
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') end--;
        int field = 0;
        int start = 0;
        for (int p = 0; p <= end; p++) {
            if (p == end || line[p] == '\t') {
                if (field >= expected) throw new IllegalArgumentException("COPY line has more than " + expected + " fields");
                setCopyField(field++, start, p);
                start = p + 1;
            }
        }
        if (field != expected) {
            throw new IllegalArgumentException("COPY line has " + field + " fields, expected " + expected);
        }
    }

    private void setCopyField(int i, int from, int to) {
        if (to - from == 2 && buf[from] == '\\' && buf[from + 1] == 'N') {
            kind[i] = NULL;
            off[i] = from;
            len[i] = 0;
            return;
        }
        kind[i] = TEXT;
        off[i] = from;
        int w = from;
        for (int r = from; r < to; r++) {
            byte b = buf[r];
            if (b != '\\' || r + 1 >= to) {
                buf[w++] = b;
                continue;
            }
            byte c = buf[++r];
            switch (c) {
                case 'b' -> buf[w++] = '\b';
                case 'f' -> buf[w++] = '\f';
                case 'n' -> buf[w++] = '\n';
                case 'r' -> buf[w++] = '\r';
                case 't' -> buf[w++] = '\t';
                case 'v' -> buf[w++] = 0x0b;
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && r + 1 < to && Character.digit(buf[r + 1], 16) >= 0) {
                        v = v * 16 + Character.digit(buf[++r], 16);
                        digits++;
                    }
                    buf[w++] = digits == 0 ? (byte) 'x' : (byte) v;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int v = c - '0';
                        for (int d = 0; d < 2 && r + 1 < to && buf[r + 1] >= '0' && buf[r + 1] <= '7'; d++) {
                            v = v * 8 + (buf[++r] - '0');
                        }
                        buf[w++] = (byte) v;
                    } else {
                        buf[w++] = c; // \\ and any other escaped character stand for themselves
                    }
                }
            }
        }
        len[i] = w - from;
    }
}
