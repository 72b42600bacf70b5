/**
 * Following PostgreSQL through logical replication: {@link dev.junction.pg.PgReplica} copies mapped association
 * (and entity) tables into an engine inside a replication slot's snapshot, then applies the slot's
 * {@code pgoutput} stream transaction by transaction, so each application node holds an in-memory replica while
 * PostgreSQL stays the source of truth.
 *
 * <p>Data flows one way: PostgreSQL → {@code Pgoutput} (decodes the protocol's messages) → {@code Applier} (turns
 * a PostgreSQL transaction into one Junction transaction through the {@code Part}s: {@code RelationPart},
 * {@code AssociationPart}, {@code EntityPart}, with {@code ColumnBinding}/{@code ValueReader}/{@code TextValues}
 * converting values) → the engine's public API. {@code Catalog} checks the server's setup before anything is
 * copied. Everything but {@code PgReplica} and {@link dev.junction.pg.PgReplicaException} is package-private.
 *
 * <p>Needs the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}), an optional dependency of Junction;
 * the rest of Junction runs without it. Setup, mapping, consistency and measured figures:
 * {@code docs/postgresql.md}.
 */
package dev.junction.pg;
