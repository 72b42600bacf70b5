package dev.junction;

/**
 * The small schemas many tests start from: two tables and one relation or association table between them, each
 * on a fresh engine unless one is given. A record hands out the parts, so a test names only the ones it uses
 * instead of declaring the same four handles again. Public for the tests of the other packages.
 */
public final class Schemas {

    private Schemas() {
    }

    /** Two tables of strings and a relation between them. */
    public record Strings(Junction db, Table<String> lefts, Table<String> rights, Relation<String, String> rel) {
    }

    /** Two tables of longs and a relation between them. */
    public record Longs(Junction db, LongTable lefts, LongTable rights, Relation<Long, Long> rel) {
    }

    /** Two tables of strings and an association table (rows with their own ids) between them. */
    public record Rows(Junction db, Table<String> lefts, Table<String> rights, AssociationTable<String, String> rows) {
    }

    /** {@code relation} between the string tables {@code left} and {@code right} of a new engine. */
    public static Strings strings(String relation, String left, String right) {
        return strings(Junction.create(), relation, left, right);
    }

    /** {@code relation} between the string tables {@code left} and {@code right}, declared in {@code db}. */
    public static Strings strings(Junction db, String relation, String left, String right) {
        Table<String> lefts = db.table(left);
        Table<String> rights = db.table(right);
        return new Strings(db, lefts, rights, db.relation(relation, lefts, rights));
    }

    /** Links the pairs {@code left, right, left, right, ...} in {@code rel}, in that order. */
    public static void link(Relation<String, String> rel, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            rel.link(pairs[i], pairs[i + 1]);
        }
    }

    /** The symmetric relation {@code relation} over the string table {@code table} of a new engine. */
    public static Relation<String, String> symmetric(String relation, String table) {
        Junction db = Junction.create();
        return db.symmetric(relation, db.table(table));
    }

    /** {@code relation} between the long tables {@code left} and {@code right} of a new engine. */
    public static Longs longs(String relation, String left, String right) {
        return longs(Junction.create(), relation, left, right);
    }

    /** {@code relation} between the long tables {@code left} and {@code right}, declared in {@code db}. */
    public static Longs longs(Junction db, String relation, String left, String right) {
        LongTable lefts = db.longTable(left);
        LongTable rights = db.longTable(right);
        return new Longs(db, lefts, rights, db.relation(relation, lefts, rights));
    }

    /** The association table {@code table} between the string tables {@code left} and {@code right} of a new engine. */
    public static Rows rows(String table, String left, String right) {
        Junction db = Junction.create();
        Table<String> lefts = db.table(left);
        Table<String> rights = db.table(right);
        return new Rows(db, lefts, rights, db.associationTable(table, lefts, rights));
    }
}
