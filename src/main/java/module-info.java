/**
 * Junction, an in-memory many-to-many relationship engine: the typed layer ({@link dev.junction}), the primitive
 * index ({@link dev.junction.index}), queries ({@link dev.junction.query}), JDBC load and save
 * ({@link dev.junction.sql}), a JGraphT view ({@link dev.junction.graph}) and a PostgreSQL replica
 * ({@link dev.junction.pg}).
 *
 * <p>The core needs only fastutil, which the API exposes ({@code IntNeighborSet} is a fastutil {@code IntSet}),
 * so a module that reads this one reads fastutil too. The rest is optional and required statically: the
 * module is resolved without it, and a package that needs it fails only when used.
 * <ul>
 *   <li>{@code java.sql}, for {@link dev.junction.sql} and {@link dev.junction.pg}: in every full JDK; a
 *       linked runtime that omits it still runs the core.</li>
 *   <li>{@code org.jgrapht.core} ({@code org.jgrapht:jgrapht-core}), for {@link dev.junction.graph}: add it,
 *       and {@code requires org.jgrapht.core} in a module that uses the view.</li>
 *   <li>{@code org.postgresql.jdbc} ({@code org.postgresql:postgresql}), for {@link dev.junction.pg}: add it,
 *       and {@code requires org.postgresql.jdbc} (or {@code --add-modules org.postgresql.jdbc}) so that the
 *       module is resolved.</li>
 * </ul>
 */
module dev.junction {
    requires transitive it.unimi.dsi.fastutil;
    requires static transitive java.sql;
    requires static transitive org.jgrapht.core;
    requires static org.postgresql.jdbc;
    requires static jdk.jfr; // flight recorder events, only if the runtime has the module (see Junction, "Monitoring")

    exports dev.junction;
    exports dev.junction.index;
    exports dev.junction.query;
    exports dev.junction.sql;
    exports dev.junction.graph;
    exports dev.junction.pg;
}
