/**
 * Loading relations from JDBC association tables and saving them back ({@link dev.junction.sql.SqlRelations}):
 * the database stays the source of truth; Junction holds an in-memory copy.
 */
package dev.junction.sql;
