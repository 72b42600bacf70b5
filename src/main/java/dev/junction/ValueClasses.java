package dev.junction;

import dev.junction.WireBytes.Sink;
import dev.junction.WireBytes.Source;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The values a file holds beyond {@code String}, {@code Long}, {@code Integer}, {@code Double} and
 * {@code Boolean}: the fixed built-in tags (java.time, {@code UUID}, {@code BigDecimal}, {@code BigInteger}) and
 * the <em>class table</em> of a snapshot or journal record, whose entries are registered {@link ValueCodec}s,
 * enums (written by constant name) or records (written component by component), each with its kind.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Registered codecs win.</b> A class with a registered codec is written by it (kind
 *       {@link PersistenceFormat#CLASS_CODEC}) even if it is built in, so files written before the built-ins existed
 *       (by the same codec) read the same; the file says which way each value was written, so reading never guesses.</li>
 *   <li><b>Every class-table value is length-prefixed</b>, so a reader without the class (the {@code Inspect}
 *       tool) can still check a file's structure by skipping it ({@link Opaque}).</li>
 *   <li><b>Enums by name</b>: reordering constants keeps files valid; renaming one is a schema change, refused on
 *       read with an {@link IllegalStateException} naming the file, the class and the name.</li>
 *   <li><b>Records</b> are written through their canonical constructor and accessors
 *       ({@link RecordComponent}); components are tagged values themselves (nested records, null components).
 *       Reading checks each component's class against the record's declared type, so a changed record is a
 *       clear {@link IllegalStateException}, not a reflection error.</li>
 * </ul>
 */
final class ValueClasses {

    private ValueClasses() {
    }

    /** How deep records may nest (written and read): a crafted file cannot overflow the stack. */
    static final int MAX_DEPTH = 64;

    // ---- writing ------------------------------------------------------------------------------------------

    /** The class table being built while a file part is written: classes in order of first use, with kinds. */
    static final class Writing {
        private final Map<Class<?>, Integer> index = new IdentityHashMap<>();
        final List<Class<?>> classes = new ArrayList<>();
        final List<Integer> kinds = new ArrayList<>();

        int indexOf(Class<?> c, int kind) {
            Integer i = index.get(c);
            if (i == null) {
                i = classes.size();
                index.put(c, i);
                classes.add(c);
                kinds.add(kind);
            }
            return i;
        }

        /** The table as the current formats write it: {@code v} count, then per class its name and kind byte. */
        void writeTo(Sink s) {
            s.varint(classes.size());
            for (int i = 0; i < classes.size(); i++) {
                s.utf(classes.get(i).getName());
                s.write(kinds.get(i));
            }
        }
    }

    /**
     * Writes {@code v} if it is of a fixed built-in class (with its tag), returning false otherwise. Exact classes
     * only: a subclass of {@code BigDecimal} or {@code BigInteger} needs a codec (it would read back as the base
     * class, not equal to it).
     */
    static boolean writeBuiltin(Sink s, Object v) {
        Class<?> c = v.getClass();
        if (c == LocalDate.class) {
            s.write(PersistenceFormat.VALUE_LOCAL_DATE);
            s.zigzag(((LocalDate) v).toEpochDay());
        } else if (c == LocalTime.class) {
            s.write(PersistenceFormat.VALUE_LOCAL_TIME);
            s.varlong(((LocalTime) v).toNanoOfDay());
        } else if (c == LocalDateTime.class) {
            s.write(PersistenceFormat.VALUE_LOCAL_DATE_TIME);
            dateTime(s, (LocalDateTime) v);
        } else if (v instanceof Instant i) { // Instant, OffsetDateTime, ZonedDateTime, Duration, UUID are final
            s.write(PersistenceFormat.VALUE_INSTANT);
            secondsAndNanos(s, i.getEpochSecond(), i.getNano());
        } else if (v instanceof OffsetDateTime o) {
            s.write(PersistenceFormat.VALUE_OFFSET_DATE_TIME);
            dateTimeAndOffset(s, o.toLocalDateTime(), o.getOffset());
        } else if (v instanceof ZonedDateTime z) {
            s.write(PersistenceFormat.VALUE_ZONED_DATE_TIME);
            dateTimeAndOffset(s, z.toLocalDateTime(), z.getOffset());
            s.utf(z.getZone().getId());
        } else if (v instanceof Duration d) {
            s.write(PersistenceFormat.VALUE_DURATION);
            secondsAndNanos(s, d.getSeconds(), d.getNano());
        } else if (v instanceof UUID u) {
            s.write(PersistenceFormat.VALUE_UUID);
            s.int64(u.getMostSignificantBits());
            s.int64(u.getLeastSignificantBits());
        } else if (c == BigDecimal.class) {
            BigDecimal d = (BigDecimal) v;
            s.write(PersistenceFormat.VALUE_BIG_DECIMAL);
            s.zigzag(d.scale());
            bigInteger(s, d.unscaledValue());
        } else if (c == BigInteger.class) {
            s.write(PersistenceFormat.VALUE_BIG_INTEGER);
            bigInteger(s, (BigInteger) v);
        } else {
            return false;
        }
        return true;
    }

    private static void dateTime(Sink s, LocalDateTime t) {
        s.zigzag(t.toLocalDate().toEpochDay());
        s.varlong(t.toLocalTime().toNanoOfDay());
    }

    /** An offset date-time (or a zoned one's date-time and offset): the local date-time, then the offset. */
    private static void dateTimeAndOffset(Sink s, LocalDateTime t, ZoneOffset offset) {
        dateTime(s, t);
        s.zigzag(offset.getTotalSeconds());
    }

    /** An instant or a duration: whole seconds, then the nanoseconds within the second. */
    private static void secondsAndNanos(Sink s, long seconds, int nanos) {
        s.zigzag(seconds);
        s.varint(nanos);
    }

    private static void bigInteger(Sink s, BigInteger b) {
        byte[] bytes = b.toByteArray(); // two's complement, big-endian, at least one byte
        s.varint(bytes.length);
        s.write(bytes, 0, bytes.length);
    }

    /** Writes an enum constant or a record through the class table; false if {@code v} is neither. */
    static boolean writeClassValue(Sink s, Object v, Map<Class<?>, ValueCodec<?>> registry, Writing classes,
                                   String what, int depth) throws java.io.IOException {
        if (v instanceof Enum<?> e) {
            s.write(PersistenceFormat.VALUE_CODEC);
            s.varint(classes.indexOf(e.getDeclaringClass(), PersistenceFormat.CLASS_ENUM));
            s.utf(e.name()); // the length prefix of the value is the name's
            return true;
        }
        if (!v.getClass().isRecord()) {
            return false;
        }
        if (depth >= MAX_DEPTH) {
            throw new IllegalStateException(what + ": records nested more than " + MAX_DEPTH + " deep ("
                    + v.getClass().getName() + ")");
        }
        RecordShape shape = RecordShape.of(v.getClass());
        Sink payload = new Sink(64);
        payload.varint(shape.accessors.length);
        for (int i = 0; i < shape.accessors.length; i++) {
            Object component;
            try {
                component = shape.accessors[i].invoke(v);
            } catch (InvocationTargetException ex) {
                throw new IllegalStateException(what + ": accessor " + shape.names[i] + "() of record "
                        + shape.type.getName() + " failed: " + ex.getCause(), ex.getCause());
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(what + ": " + ex, ex);
            }
            payload.value(component, registry, classes,
                    what + ", component '" + shape.names[i] + "' of record " + shape.type.getName(), depth + 1);
        }
        s.write(PersistenceFormat.VALUE_CODEC);
        s.varint(classes.indexOf(v.getClass(), PersistenceFormat.CLASS_RECORD));
        s.varint(payload.size);
        s.write(payload.buf, 0, payload.size);
        return true;
    }

    // ---- reading --------------------------------------------------------------------------------------------

    /** A value whose class is not available to a lenient reader ({@code Inspect}): skipped, only its size known. */
    record Opaque(String className, int bytes) {
        @Override
        public String toString() {
            return "<" + bytes + " bytes of " + className + ">";
        }
    }

    /** An entry of a class table as read: how to read the values that name it. */
    static final class Entry {
        final String name;
        final int kind;
        /** The registered codec (kind codec); null if opaque. */
        final ValueCodec<?> codec;
        /** The enum or record class; null if opaque or a codec. */
        final Class<?> type;

        Entry(String name, int kind, ValueCodec<?> codec, Class<?> type) {
            this.name = name;
            this.kind = kind;
            this.codec = codec;
            this.type = type;
        }

        boolean opaque() {
            return codec == null && type == null;
        }

        /** The kind as a word, for listings. */
        String kindName() {
            return switch (kind) {
                case PersistenceFormat.CLASS_ENUM -> "enum";
                case PersistenceFormat.CLASS_RECORD -> "record";
                default -> "codec";
            };
        }
    }

    /**
     * Reads a class table: {@code v} count, then per entry a name and, if {@code withKinds} (snapshot version 2,
     * journal version 4 on), a kind byte; older versions only had registered codecs.
     *
     * @param lenient true to make entries whose codec is missing, and every enum and record entry, opaque instead
     *        of resolving or refusing them (for checking a file's structure)
     * @param what    how the file is named in messages, e.g. "snapshot /x/db.snap"
     * @param before  what to register the codec before, for the message ("loading", "opening")
     * @throws IllegalStateException if not lenient and a codec is not registered or a class cannot be found or is
     *         not an enum or record here
     */
    static Entry[] read(Source in, Map<Class<?>, ValueCodec<?>> registry, boolean withKinds, boolean lenient,
                        String what, String before) throws java.io.IOException {
        int n = in.count("class names", withKinds ? 2 : 1);
        Entry[] out = new Entry[n];
        for (int i = 0; i < n; i++) {
            String name = in.utf();
            int kind = withKinds ? in.u8() : PersistenceFormat.CLASS_CODEC;
            switch (kind) {
                case PersistenceFormat.CLASS_CODEC -> {
                    ValueCodec<?> c = null;
                    for (Map.Entry<Class<?>, ValueCodec<?>> e : registry.entrySet()) {
                        if (e.getKey().getName().equals(name)) c = e.getValue();
                    }
                    if (c == null && !lenient) {
                        throw new IllegalStateException(what + " has values of " + name + ": register a "
                                + "ValueCodec for it with Junction.registerCodec before " + before);
                    }
                    out[i] = new Entry(name, kind, c, null);
                }
                case PersistenceFormat.CLASS_ENUM, PersistenceFormat.CLASS_RECORD -> {
                    boolean isEnum = kind == PersistenceFormat.CLASS_ENUM;
                    if (lenient) { // a checking reader runs no user code (static initialisers, constructors)
                        out[i] = new Entry(name, kind, null, null);
                        continue;
                    }
                    Class<?> c = find(name, registry);
                    if (c != null && (isEnum ? !c.isEnum() : !c.isRecord())) {
                        if (!lenient) {
                            throw new IllegalStateException(what + " has values of " + (isEnum ? "enum " : "record ")
                                    + name + ", which is not " + (isEnum ? "an enum" : "a record") + " here");
                        }
                        c = null;
                    }
                    if (c == null && !lenient) {
                        throw new IllegalStateException(what + " has values of " + (isEnum ? "enum " : "record ")
                                + name + ", which is not on the class path");
                    }
                    out[i] = new Entry(name, kind, null, c);
                }
                default -> throw in.corrupt("class '" + name + "' of unknown kind " + kind);
            }
        }
        return out;
    }

    /** The class named {@code name}: a registered one, else from the context class loader or Junction's. */
    static Class<?> find(String name, Map<Class<?>, ValueCodec<?>> registry) {
        for (Class<?> c : registry.keySet()) {
            if (c.getName().equals(name)) return c;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader l : new ClassLoader[] {context, ValueClasses.class.getClassLoader()}) {
            if (l == null) continue;
            try {
                return Class.forName(name, false, l);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    /** Reads a built-in value of {@code tag} (7 to 16), range-checked. */
    static Object readBuiltin(Source in, int tag) throws CorruptFileException {
        try {
            switch (tag) {
                case PersistenceFormat.VALUE_LOCAL_DATE:
                    return LocalDate.ofEpochDay(in.zigzag());
                case PersistenceFormat.VALUE_LOCAL_TIME:
                    return LocalTime.ofNanoOfDay(in.varlong());
                case PersistenceFormat.VALUE_LOCAL_DATE_TIME:
                    return dateTime(in);
                case PersistenceFormat.VALUE_INSTANT:
                    return Instant.ofEpochSecond(in.zigzag(), nanos(in));
                case PersistenceFormat.VALUE_OFFSET_DATE_TIME:
                    return OffsetDateTime.of(dateTime(in), offset(in));
                case PersistenceFormat.VALUE_ZONED_DATE_TIME: {
                    LocalDateTime t = dateTime(in);
                    ZoneOffset offset = offset(in);
                    String zone = in.utf();
                    // the offset written is preferred, so a time in an overlap reads back as the same instant
                    return ZonedDateTime.ofLocal(t, ZoneId.of(zone), offset);
                }
                case PersistenceFormat.VALUE_DURATION:
                    return Duration.ofSeconds(in.zigzag(), nanos(in));
                case PersistenceFormat.VALUE_UUID:
                    return new UUID(in.int64(), in.int64());
                case PersistenceFormat.VALUE_BIG_DECIMAL: {
                    long scale = in.zigzag();
                    if (scale != (int) scale) throw in.corrupt("BigDecimal scale " + scale + " out of range");
                    return new BigDecimal(bigInteger(in), (int) scale);
                }
                case PersistenceFormat.VALUE_BIG_INTEGER:
                    return bigInteger(in);
                default:
                    throw new AssertionError("tag " + tag);
            }
        } catch (DateTimeException | ArithmeticException e) {
            CorruptFileException c = in.corrupt("value of tag " + tag + " out of range: " + e.getMessage());
            c.initCause(e);
            throw c;
        }
    }

    private static long nanos(Source in) throws CorruptFileException {
        int n = in.varint();
        if (n > 999_999_999) throw in.corrupt("nanoseconds " + n + " out of range");
        return n;
    }

    private static LocalDateTime dateTime(Source in) throws CorruptFileException {
        LocalDate d = LocalDate.ofEpochDay(in.zigzag());
        return LocalDateTime.of(d, LocalTime.ofNanoOfDay(in.varlong()));
    }

    private static ZoneOffset offset(Source in) throws CorruptFileException {
        long s = in.zigzag();
        if (s != (int) s) throw in.corrupt("zone offset " + s + " out of range");
        return ZoneOffset.ofTotalSeconds((int) s);
    }

    private static BigInteger bigInteger(Source in) throws CorruptFileException {
        int n = in.varint();
        if (n == 0) throw in.corrupt("a BigInteger of 0 bytes");
        in.need(n, "a BigInteger");
        BigInteger b = new BigInteger(in.buf, in.pos, n);
        in.pos += n;
        return b;
    }

    /** Reads a record of {@code entry} from the {@code n} bytes at {@code in}'s position (nested ones too). */
    static Object readRecord(Source in, Entry entry, int n, Entry[] classes, int depth) throws java.io.IOException {
        if (depth >= MAX_DEPTH) throw in.corrupt("records nested more than " + MAX_DEPTH + " deep");
        RecordShape shape = RecordShape.of(entry.type);
        Source sub = new Source(in.file, in.buf, in.pos, in.pos + n, in.where);
        sub.maxTag = in.maxTag;
        int count = sub.varint();
        if (count != shape.accessors.length) {
            throw new IllegalStateException(in.file + ": " + in.where + ": record " + entry.name + " has "
                    + shape.accessors.length + " components here, the file has " + count + " (at byte " + in.pos + ")");
        }
        Object[] args = new Object[count];
        for (int i = 0; i < count; i++) {
            int at = sub.pos;
            Object v = sub.value(classes, depth + 1);
            Class<?> want = shape.boxed[i];
            if (v == null ? shape.types[i].isPrimitive() : !(v instanceof Opaque) && !want.isInstance(v)) {
                throw new IllegalStateException(in.file + ": " + in.where + ": component '" + shape.names[i]
                        + "' of record " + entry.name + " is " + shape.types[i].getName() + " here, the file has "
                        + (v == null ? "null" : v.getClass().getName()) + " (at byte " + at + ")");
            }
            args[i] = v;
        }
        if (sub.pos != sub.limit) throw sub.corrupt("record " + entry.name + " left " + sub.remaining() + " bytes");
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) { // the record's own validation refused the values
            CorruptFileException c = in.corrupt("record " + entry.name + " refused its components: " + e.getCause());
            c.initCause(e.getCause());
            throw c;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(in.file + ": record " + entry.name + " cannot be constructed: " + e, e);
        }
    }

    /** A record class's components, accessors and canonical constructor, made accessible once. */
    static final class RecordShape {
        final Class<?> type;
        final String[] names;
        final Class<?>[] types;
        final Class<?>[] boxed;
        final Method[] accessors;
        final Constructor<?> constructor;

        private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
            @Override
            protected RecordShape computeValue(Class<?> c) {
                return new RecordShape(c);
            }
        };

        static RecordShape of(Class<?> c) {
            return SHAPES.get(c);
        }

        private RecordShape(Class<?> c) {
            type = c;
            RecordComponent[] rc = c.getRecordComponents();
            names = new String[rc.length];
            types = new Class<?>[rc.length];
            boxed = new Class<?>[rc.length];
            accessors = new Method[rc.length];
            for (int i = 0; i < rc.length; i++) {
                names[i] = rc[i].getName();
                types[i] = rc[i].getType();
                boxed[i] = box(types[i]);
                accessors[i] = rc[i].getAccessor();
            }
            try {
                constructor = c.getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + c.getName() + " has no canonical constructor", e);
            }
            // trySetAccessible: a record in a package not opened to Junction is refused below, not with an exception
            boolean open = constructor.trySetAccessible();
            for (Method m : accessors) open &= m.trySetAccessible();
            if (!open && !(Modifier.isPublic(c.getModifiers()) && Modifier.isPublic(constructor.getModifiers()))) {
                throw new IllegalStateException("record " + c.getName() + " is not accessible to Junction: open its "
                        + "package to Junction's module, or register a ValueCodec for it");
            }
        }
    }

    static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) return c;
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        if (c == double.class) return Double.class;
        if (c == boolean.class) return Boolean.class;
        if (c == float.class) return Float.class;
        if (c == short.class) return Short.class;
        if (c == byte.class) return Byte.class;
        if (c == char.class) return Character.class;
        return Void.class;
    }

    // ---- declaration checks ---------------------------------------------------------------------------------

    /**
     * Why values declared as {@code c} cannot be written, or null if they can or if that cannot be known from the
     * class. The rule, judged by the declared class: {@code Object}, interfaces, abstract classes and arrays are
     * not checked (their values' classes are known only when written); a basic, fixed built-in, registered or enum
     * class passes; a record passes if each component's declared type passes by the same rule (a record met again
     * while checking itself passes: its values end in null); any other class fails.
     */
    static String whyNot(Class<?> c, Map<Class<?>, ValueCodec<?>> registry) {
        return whyNot(c, registry, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static String whyNot(Class<?> c, Map<Class<?>, ValueCodec<?>> registry, Set<Class<?>> visiting) {
        Class<?> b = box(c);
        if (b == String.class || b == Long.class || b == Integer.class || b == Double.class || b == Boolean.class
                || registry.containsKey(b) || b.isEnum() || isFixedBuiltin(b)) {
            return null;
        }
        if (b == Object.class || b.isInterface() || b.isArray() || Modifier.isAbstract(b.getModifiers())) {
            return null; // cannot be known from the declaration
        }
        if (b.isRecord()) {
            if (!visiting.add(b)) return null;
            for (RecordComponent rc : b.getRecordComponents()) {
                String why = whyNot(rc.getType(), registry, visiting);
                if (why != null) {
                    return "component '" + rc.getName() + "' of record " + b.getName() + ": " + why;
                }
            }
            return null;
        }
        return b.getName() + " is neither built in (String, Long, Integer, Double, Boolean, java.time, UUID, "
                + "BigDecimal, BigInteger, enums, records of these) nor registered with Junction.registerCodec";
    }

    private static boolean isFixedBuiltin(Class<?> c) {
        return c == LocalDate.class || c == LocalTime.class || c == LocalDateTime.class || c == Instant.class
                || c == OffsetDateTime.class || c == ZonedDateTime.class || c == Duration.class || c == UUID.class
                || c == BigDecimal.class || c == BigInteger.class;
    }

    /** The UTF-8 text of {@code n} bytes at {@code in}'s position (an enum constant's name). */
    static String text(Source in, int n) {
        return new String(in.buf, in.pos, n, StandardCharsets.UTF_8);
    }
}
