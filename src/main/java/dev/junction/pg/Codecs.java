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
        db.registerCodec(new ValueCodec<UUID>() {
            @Override
            public Class<UUID> type() {
                return UUID.class;
            }

            @Override
            public void write(UUID v, DataOutput out) throws IOException {
                out.writeLong(v.getMostSignificantBits());
                out.writeLong(v.getLeastSignificantBits());
            }

            @Override
            public UUID read(DataInput in) throws IOException {
                return new UUID(in.readLong(), in.readLong());
            }
        });
        db.registerCodec(new ValueCodec<Instant>() {
            @Override
            public Class<Instant> type() {
                return Instant.class;
            }

            @Override
            public void write(Instant v, DataOutput out) throws IOException {
                out.writeLong(v.getEpochSecond());
                out.writeInt(v.getNano());
            }

            @Override
            public Instant read(DataInput in) throws IOException {
                return Instant.ofEpochSecond(in.readLong(), in.readInt());
            }
        });
        db.registerCodec(new ValueCodec<OffsetDateTime>() {
            @Override
            public Class<OffsetDateTime> type() {
                return OffsetDateTime.class;
            }

            @Override
            public void write(OffsetDateTime v, DataOutput out) throws IOException {
                out.writeLong(v.toEpochSecond());
                out.writeInt(v.getNano());
                out.writeInt(v.getOffset().getTotalSeconds());
            }

            @Override
            public OffsetDateTime read(DataInput in) throws IOException {
                long s = in.readLong();
                int n = in.readInt();
                ZoneOffset o = ZoneOffset.ofTotalSeconds(in.readInt());
                return OffsetDateTime.ofInstant(Instant.ofEpochSecond(s, n), o);
            }
        });
        db.registerCodec(new ValueCodec<LocalDateTime>() {
            @Override
            public Class<LocalDateTime> type() {
                return LocalDateTime.class;
            }

            @Override
            public void write(LocalDateTime v, DataOutput out) throws IOException {
                out.writeLong(v.toEpochSecond(ZoneOffset.UTC));
                out.writeInt(v.getNano());
            }

            @Override
            public LocalDateTime read(DataInput in) throws IOException {
                return LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
            }
        });
        db.registerCodec(new ValueCodec<LocalDate>() {
            @Override
            public Class<LocalDate> type() {
                return LocalDate.class;
            }

            @Override
            public void write(LocalDate v, DataOutput out) throws IOException {
                out.writeLong(v.toEpochDay());
            }

            @Override
            public LocalDate read(DataInput in) throws IOException {
                return LocalDate.ofEpochDay(in.readLong());
            }
        });
        db.registerCodec(new ValueCodec<BigDecimal>() {
            @Override
            public Class<BigDecimal> type() {
                return BigDecimal.class;
            }

            @Override
            public void write(BigDecimal v, DataOutput out) throws IOException {
                byte[] b = v.unscaledValue().toByteArray();
                out.writeInt(v.scale());
                out.writeInt(b.length);
                out.write(b);
            }

            @Override
            public BigDecimal read(DataInput in) throws IOException {
                int scale = in.readInt();
                int n = in.readInt();
                if (n < 1 || n > 1 << 20) throw new IOException("a BigDecimal of " + n + " bytes");
                byte[] b = new byte[n];
                in.readFully(b);
                return new BigDecimal(new BigInteger(b), scale);
            }
        });
    }
}
