package dev.junction.pg;

import dev.junction.Junction;
import dev.junction.ValueCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Snapshot and journal codecs for the classes a replica puts into object columns and tables beyond the built-in
 * ones: {@code UUID} keys, {@code Instant}, {@code OffsetDateTime}, {@code LocalDateTime} and {@code LocalDate}
 * timestamps and dates, {@code BigDecimal} numerics. A journaled replica registers them on its engine when it is
 * built (an application that registers its own for a class afterwards replaces it).
 */
final class Codecs {

    private Codecs() {
    }

    static void registerAll(Junction db) {
        db.registerCodec(new Codec<>(UUID.class, (v, out) -> {
            out.writeLong(v.getMostSignificantBits());
            out.writeLong(v.getLeastSignificantBits());
        }, in -> new UUID(in.readLong(), in.readLong())));
        db.registerCodec(new Codec<>(Instant.class, (v, out) -> {
            out.writeLong(v.getEpochSecond());
            out.writeInt(v.getNano());
        }, in -> Instant.ofEpochSecond(in.readLong(), in.readInt())));
        db.registerCodec(new Codec<>(OffsetDateTime.class, (v, out) -> {
            out.writeLong(v.toEpochSecond());
            out.writeInt(v.getNano());
            out.writeInt(v.getOffset().getTotalSeconds());
        }, in -> {
            long s = in.readLong();
            int n = in.readInt();
            ZoneOffset o = ZoneOffset.ofTotalSeconds(in.readInt());
            return OffsetDateTime.ofInstant(Instant.ofEpochSecond(s, n), o);
        }));
        db.registerCodec(new Codec<>(LocalDateTime.class, (v, out) -> {
            out.writeLong(v.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(v.getNano());
        }, in -> LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC)));
        db.registerCodec(new Codec<>(LocalDate.class, (v, out) -> out.writeLong(v.toEpochDay()),
                in -> LocalDate.ofEpochDay(in.readLong())));
        db.registerCodec(new Codec<>(BigDecimal.class, (v, out) -> {
            byte[] b = v.unscaledValue().toByteArray();
            out.writeInt(v.scale());
            out.writeInt(b.length);
            out.write(b);
        }, in -> {
            int scale = in.readInt();
            int n = in.readInt();
            if (n < 1 || n > 1 << 20) throw new IOException("a BigDecimal of " + n + " bytes");
            byte[] b = new byte[n];
            in.readFully(b);
            return new BigDecimal(new BigInteger(b), scale);
        }));
    }

    /** {@link ValueCodec#write}, as a lambda. */
    @FunctionalInterface
    private interface Writer<T> {
        void write(T value, DataOutput out) throws IOException;
    }

    /** {@link ValueCodec#read}, as a lambda. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    /**
     * A codec made of its class and two lambdas, so that each codec above is only its format. The file names the
     * value's class, never the codec's, so how a codec is built does not reach the bytes.
     */
    private record Codec<T>(Class<T> type, Writer<T> writer, Reader<T> reader) implements ValueCodec<T> {
        @Override
        public void write(T value, DataOutput out) throws IOException {
            writer.write(value, out);
        }

        @Override
        public T read(DataInput in) throws IOException {
            return reader.read(in);
        }
    }
}
