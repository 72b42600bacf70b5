/**
 * Loading entity tables, relations and association tables from JDBC tables, and saving relations and association
 * tables back ({@link dev.junction.sql.SqlRelations}): the database stays the source of truth; Junction holds an
 * in-memory copy. Keys are typed ({@link dev.junction.sql.SqlRelations.Keys}), every save is one database
 * transaction that returns what it inserted, deleted and updated ({@link dev.junction.sql.SqlRelations.Result}),
 * and table and column names must be plain identifiers.
 */
package dev.junction.sql;
