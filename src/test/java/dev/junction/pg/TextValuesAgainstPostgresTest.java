package dev.junction.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The text parsers against PostgreSQL's own output: random timestamps (in time zones with half-hour and historical
 * offsets of seconds), timestamps without zone, dates, doubles, numerics and uuids, printed by the server with the
 * session settings the replica's connections have, parsed here, and compared with the server's exact answer
 * (epoch microseconds from {@code extract}, the double's bits from {@code float8send}).
 */
@ExtendWith(PostgresExtension.class)
class TextValuesAgainstPostgresTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsersAgreeWithTheServer(PgServer pg) throws Exception {
        int n = 2000;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("SELECT setseed(0.42)");
            for (String zone : new String[] {"UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam"}) {
                st.execute("SET TimeZone = '" + zone + "'");
                try (ResultSet rs = st.executeQuery("SELECT t::text, (extract(epoch FROM t) * 1000000)::bigint FROM "
                        + "(SELECT timestamptz '1890-01-01 00:00:00+00' + random() * interval '250 years' AS t "
                        + "FROM generate_series(1, " + n + ")) s")) {
                    while (rs.next()) {
                        String t = rs.getString(1);
                        assertEquals(rs.getLong(2), TextValues.parseEpochMicros(b(t), 0, b(t).length, true), zone + ": " + t);
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT t::text, (extract(epoch FROM t) * 1000000)::bigint, d::text, "
                    + "d - date '1970-01-01' FROM (SELECT timestamp '0100-01-01' + random() * interval '9000 years' AS t, "
                    + "date '0001-01-01' + (random() * 3000000)::int AS d FROM generate_series(1, " + n + ")) s")) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    assertEquals(rs.getLong(2), TextValues.parseEpochMicros(b(t), 0, b(t).length, false), t);
                    String d = rs.getString(3);
                    assertEquals(rs.getInt(4), TextValues.parseEpochDay(b(d), 0, b(d).length), d);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT x::text, float8send(x), y::text, gen_random_uuid()::text FROM "
                    + "(SELECT (random() - 0.5) * 10 ^ (random() * 40 - 20) AS x, "
                    + "round((random() * 10 ^ (random() * 12))::numeric, (random() * 8)::int) AS y "
                    + "FROM generate_series(1, " + n + ")) s")) {
                while (rs.next()) {
                    String x = rs.getString(1);
                    double exact = ByteBuffer.wrap(rs.getBytes(2)).getDouble();
                    assertEquals(exact, TextValues.parseDouble(b(x), 0, b(x).length), x);
                    String y = rs.getString(3);
                    assertEquals(new BigDecimal(y), TextValues.parseDecimal(b(y), 0, b(y).length));
                    assertEquals(new BigDecimal(y).doubleValue(), TextValues.parseDouble(b(y), 0, b(y).length), y);
                    String u = rs.getString(4);
                    assertEquals(UUID.fromString(u), TextValues.parseUuid(b(u), 0, 36));
                }
            }
        }
    }
}
