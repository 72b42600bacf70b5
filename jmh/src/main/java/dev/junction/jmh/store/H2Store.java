package dev.junction.jmh.store;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * H2 in memory ({@code jdbc:h2:mem:}, MVStore), same schema as SQLite (primary key {@code (left_id, right_id)},
 * index on {@code (right_id, left_id)}). {@code OPTIMIZE_REUSE_RESULTS=FALSE} is set in the URL so a repeated
 * query is executed again rather than answered from H2's result cache. H2 has no {@code INSERT OR IGNORE} outside
 * compatibility modes, so a link is {@code INSERT ... SELECT ... WHERE NOT EXISTS}, whose update count (0 or 1)
 * is the link's return value.
 */
public final class H2Store extends JdbcStore {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** Opens a fresh, private in-memory database. */
    public H2Store() throws SQLException {
        super(DriverManager.getConnection("jdbc:h2:mem:junction" + DATABASES.incrementAndGet()
                        + ";OPTIMIZE_REUSE_RESULTS=FALSE"),
                "CREATE TABLE rel (left_id INT NOT NULL, right_id INT NOT NULL, PRIMARY KEY (left_id, right_id))",
                "INSERT INTO rel(left_id, right_id) SELECT ?, ? WHERE NOT EXISTS "
                        + "(SELECT 1 FROM rel WHERE left_id = ? AND right_id = ?)", 4);
    }

    @Override
    public String name() {
        return "h2";
    }
}
