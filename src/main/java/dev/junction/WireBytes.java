package dev.junction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The byte-level encodings shared by snapshots and the journal: a growable output buffer ({@link Sink}) and a
 * bounds-checked input cursor ({@link Source}) with unsigned LEB128 varints, zigzag signed varints,
 * length-prefixed UTF-8 strings and tagged values (the built-in types, or a registered {@link ValueCodec}; tags in
 * {@link PersistenceFormat}).
 *
 * <p>Every read checks what it needs against the bytes that are left before it allocates or loops, so a damaged
 * length cannot cause an {@link OutOfMemoryError}, a {@link NegativeArraySizeException} or an endless loop: it
 * becomes a {@link CorruptFileException} naming the file and the section.
 */
final class WireBytes {

    private WireBytes() {
    }

    /** A growable byte buffer. Not thread-safe. */
    static final class Sink {
        byte[] buf;
        int size;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                long cap = Math.max((long) size + more, buf.length * 2L);
                if (cap > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("snapshot section larger than 2 GB");
                }
                buf = Arrays.copyOf(buf, (int) cap);
            }
        }

        void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void varint(int v) {
            ensure(5);
            while ((v & ~0x7F) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void varlong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void zigzag(long v) {
            varlong((v << 1) ^ (v >> 63));
        }

        void int32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        /** A primitive column value given as bits: {@code z} for long and int, 8 bytes for double, 1 for boolean. */
        void primitive(byte type, long bits) {
            switch (type) {
                case ColumnStore.LONG, ColumnStore.INT -> zigzag(bits);
                case ColumnStore.DOUBLE -> int64(bits);
                case ColumnStore.BOOLEAN -> write((int) bits);
                default -> throw new AssertionError("object column");
            }
        }

        void utf(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            write(b, 0, b.length);
        }

        /**
         * Writes a tagged value: the five basic types directly, then a registered codec's class (for an enum
         * constant with a body, its enum's), then the fixed built-ins ({@link ValueClasses#writeBuiltin}), then
         * enums and records; codec, enum and record values go through {@code classes}, the part's class table.
         *
         * @throws IllegalStateException if the value's class is none of these ({@code what} says where)
         */
        void value(Object v, Map<Class<?>, ValueCodec<?>> registry, ValueClasses.Writing classes, String what)
                throws IOException {
            value(v, registry, classes, what, 0);
        }

        void value(Object v, Map<Class<?>, ValueCodec<?>> registry, ValueClasses.Writing classes, String what,
                   int depth) throws IOException {
            if (v == null) {
                write(PersistenceFormat.VALUE_NULL);
            } else if (v instanceof String s) {
                write(PersistenceFormat.VALUE_STRING);
                utf(s);
            } else if (v instanceof Long l) {
                write(PersistenceFormat.VALUE_LONG);
                zigzag(l);
            } else if (v instanceof Integer i) {
                write(PersistenceFormat.VALUE_INT);
                zigzag(i);
            } else if (v instanceof Double d) {
                write(PersistenceFormat.VALUE_DOUBLE);
                int64(Double.doubleToRawLongBits(d));
            } else if (v instanceof Boolean b) {
                write(PersistenceFormat.VALUE_BOOLEAN);
                write(b ? 1 : 0);
            } else {
                Class<?> type = v.getClass();
                @SuppressWarnings("unchecked")
                ValueCodec<Object> codec = (ValueCodec<Object>) registry.get(type);
                if (codec == null && v instanceof Enum<?> e && type != e.getDeclaringClass()) {
                    type = e.getDeclaringClass();
                    @SuppressWarnings("unchecked")
                    ValueCodec<Object> forEnum = (ValueCodec<Object>) registry.get(type);
                    codec = forEnum;
                }
                if (codec != null) { // registered codecs win over the built-ins
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    codec.write(v, new DataOutputStream(bytes));
                    write(PersistenceFormat.VALUE_CODEC);
                    varint(classes.indexOf(type, PersistenceFormat.CLASS_CODEC));
                    varint(bytes.size());
                    write(bytes.toByteArray(), 0, bytes.size());
                } else if (!ValueClasses.writeBuiltin(this, v)
                        && !ValueClasses.writeClassValue(this, v, registry, classes, what, depth)) {
                    throw new IllegalStateException(what + ": no codec for " + v.getClass().getName()
                            + "; register one with Junction.registerCodec before saving");
                }
            }
        }
    }

    /** A bounds-checked cursor over a byte range; every problem is a {@link CorruptFileException}. */
    static final class Source {
        final Path file;
        final byte[] buf;
        int pos;
        final int limit;
        /** What is being read, for messages (a section and its name). */
        String where;
        /** The highest value tag this file's version may hold (older versions had fewer). */
        int maxTag = PersistenceFormat.VALUE_MAX;

        Source(Path file, byte[] buf, int pos, int limit, String where) {
            this.file = file;
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
            this.where = where;
        }

        CorruptFileException corrupt(String problem) {
            return new CorruptFileException(file, pos, where + ": " + problem + " (at byte " + pos + ")");
        }

        int remaining() {
            return limit - pos;
        }

        /** Checks that at least {@code n} more bytes are there (or that {@code n} items of at least 1 byte fit). */
        void need(long n, String what) throws CorruptFileException {
            if (n < 0 || n > remaining()) {
                throw corrupt(what + " needs " + n + " bytes but " + remaining() + " are left");
            }
        }

        int u8() throws CorruptFileException {
            need(1, "a byte");
            return buf[pos++] & 0xFF;
        }

        /**
         * An unsigned varint that must fit a non-negative {@code int}: a count, a length, an id or an index. A
         * varint of 2^63 or more decodes to a negative {@code long} and is refused here too, never cut to its
         * low 32 bits.
         */
        int varint() throws CorruptFileException {
            long v = varlong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw corrupt("number " + Long.toUnsignedString(v) + " is out of range (0 to " + Integer.MAX_VALUE
                        + ")");
            }
            return (int) v;
        }

        long varlong() throws CorruptFileException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (shift == 63 && b > 1) throw corrupt("varint overflows 64 bits");
                    return v;
                }
            }
            throw corrupt("varint longer than 10 bytes");
        }

        long zigzag() throws CorruptFileException {
            long v = varlong();
            return (v >>> 1) ^ -(v & 1);
        }

        int int32() throws CorruptFileException {
            need(4, "an int");
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                    | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long int64() throws CorruptFileException {
            return ((long) int32() << 32) | (int32() & 0xFFFFFFFFL);
        }

        /** A primitive column value written by {@link Sink#primitive}, as bits, range-checked. */
        long primitive(byte type) throws CorruptFileException {
            switch (type) {
                case ColumnStore.LONG:
                    return zigzag();
                case ColumnStore.INT: {
                    long v = zigzag();
                    if (v != (int) v) throw corrupt("int column value " + v + " out of range");
                    return v;
                }
                case ColumnStore.DOUBLE:
                    return int64();
                case ColumnStore.BOOLEAN: {
                    int b = u8();
                    if (b > 1) throw corrupt("boolean column byte " + b);
                    return b;
                }
                default:
                    throw new AssertionError("object column");
            }
        }

        String utf() throws CorruptFileException {
            int n = varint();
            need(n, "a string");
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** Reads a count of items that take at least {@code minBytes} each, checked against what is left. */
        int count(String what, int minBytes) throws CorruptFileException {
            int n = varint();
            need((long) n * minBytes, n + " " + what);
            return n;
        }

        Object value(ValueClasses.Entry[] classes) throws IOException {
            return value(classes, 0);
        }

        Object value(ValueClasses.Entry[] classes, int depth) throws IOException {
            int tag = u8();
            if (tag > maxTag) throw corrupt("unknown value tag " + tag);
            switch (tag) {
                case PersistenceFormat.VALUE_NULL:
                    return null;
                case PersistenceFormat.VALUE_STRING:
                    return utf();
                case PersistenceFormat.VALUE_LONG:
                    return zigzag();
                case PersistenceFormat.VALUE_INT: {
                    long v = zigzag();
                    if (v != (int) v) throw corrupt("int value " + v + " out of range");
                    return (int) v;
                }
                case PersistenceFormat.VALUE_DOUBLE:
                    return Double.longBitsToDouble(int64());
                case PersistenceFormat.VALUE_BOOLEAN: {
                    int b = u8();
                    if (b > 1) throw corrupt("boolean byte " + b);
                    return b == 1;
                }
                case PersistenceFormat.VALUE_CODEC: {
                    int index = varint();
                    if (index >= classes.length) throw corrupt("class " + index + " of " + classes.length);
                    int n = varint();
                    need(n, "a coded value");
                    ValueClasses.Entry entry = classes[index];
                    Object v;
                    if (entry.opaque()) {
                        v = new ValueClasses.Opaque(entry.name, n);
                    } else if (entry.kind == PersistenceFormat.CLASS_ENUM) {
                        v = enumConstant(entry, ValueClasses.text(this, n));
                    } else if (entry.kind == PersistenceFormat.CLASS_RECORD) {
                        v = ValueClasses.readRecord(this, entry, n, classes, depth);
                    } else {
                        v = coded(entry.codec, n);
                    }
                    pos += n;
                    return v;
                }
                default:
                    return ValueClasses.readBuiltin(this, tag);
            }
        }

        private Object coded(ValueCodec<?> codec, int n) throws CorruptFileException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, pos, n));
            Object v;
            try {
                v = codec.read(in);
                if (in.available() != 0) {
                    throw corrupt("codec for " + codec.type().getName() + " left " + in.available() + " of " + n
                            + " bytes unread");
                }
            } catch (CorruptFileException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                CorruptFileException c = corrupt("codec for " + codec.type().getName() + " failed: " + e);
                c.initCause(e);
                throw c;
            }
            return v;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object enumConstant(ValueClasses.Entry entry, String name) {
            try {
                return Enum.valueOf((Class) entry.type, name);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + ": " + where + ": enum " + entry.name + " has no constant '"
                        + name + "' (at byte " + pos + "); constants are written by name, so a renamed or "
                        + "removed one cannot be read", e);
            }
        }
    }
}
