package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every way of unlinking drops a link's column values, for bipartite, directed and symmetric relations: linking
 * the pair again reads the default from both orientations.
 */
class LinkColumnUnlinkPathsTest {
    /** One way of unlinking (a, b). */
    interface Path { void unlink(Junction db, Relation<String, String> r, Table<String> t1, Table<String> t2); }

    void check(String kind, String name, Path p) {
        Junction db = Junction.create();
        Table<String> t1 = db.table("t1");
        Table<String> t2 = kind.equals("bip") ? db.table("t2") : t1;
        Relation<String, String> r = switch (kind) {
            case "bip" -> db.relation("r", t1, t2);
            case "dir" -> db.directed("r", t1);
            default -> db.symmetric("r", t1);
        };
        LinkColumn.OfInt<String, String> w = r.intColumn("w", -1);
        String b = kind.equals("bip") ? "x" : "b";
        r.link("a", b, w.value(5));
        r.link("c", b, w.value(6));
        p.unlink(db, r, t1, t2);
        assertFalse(r.contains("a", b), kind + " " + name + " did not unlink");
        r.link("a", b);
        assertEquals(-1, w.get("a", b), kind + " " + name + ": value survived");
        if (!kind.equals("bip")) assertEquals(-1, w.inverse().get(b, "a"), kind + " " + name + " inverse");
    }

    @Test
    void everyUnlinkPathDropsValues() {
        for (String k : List.of("bip", "dir", "sym")) {
            String b = k.equals("bip") ? "x" : "b";
            check(k, "unlink", (db, r, t1, t2) -> r.unlink("a", b));
            check(k, "inverse unlink", (db, r, t1, t2) -> r.inverse().unlink(b, "a"));
            check(k, "ints unlink", (db, r, t1, t2) -> r.ints().unlink(t1.idOf("a"), t2.idOf(b)));
            check(k, "inverse ints unlink", (db, r, t1, t2) -> r.ints().inverse().unlink(t2.idOf(b), t1.idOf("a")));
            check(k, "ints removeLeft", (db, r, t1, t2) -> r.ints().removeLeft(t1.idOf("a")));
            check(k, "inverse ints removeRight", (db, r, t1, t2) -> r.ints().inverse().removeRight(t1.idOf("a")));
            check(k, "ints clear", (db, r, t1, t2) -> r.ints().clear());
            check(k, "ints replaceRights", (db, r, t1, t2) -> r.ints().replaceRights(t1.idOf("a"), new int[0]));
            check(k, "setRights", (db, r, t1, t2) -> r.setRights("a", List.of()));
            check(k, "setLefts", (db, r, t1, t2) -> r.setLefts(b, List.of("c")));
            check(k, "rightsOf remove", (db, r, t1, t2) -> r.rightsOf("a").remove(b));
            check(k, "rightsOf iterator", (db, r, t1, t2) -> { var it = r.rightsOf("a").iterator(); it.next(); it.remove(); });
            check(k, "leftsOf removeIf", (db, r, t1, t2) -> r.leftsOf(b).removeIf(e -> e.equals("a")));
            check(k, "entity removal", (db, r, t1, t2) -> { t1.remove("a"); t1.add("a"); });
            check(k, "txn unlink", (db, r, t1, t2) -> db.inTransaction(() -> { r.unlink("a", b); }));
            check(k, "txn unlink relink unlink", (db, r, t1, t2) -> db.inTransaction(() -> { r.unlink("a", b); r.link("a", b, r.column("w") instanceof LinkColumn.OfInt<String,String> c ? c.value(9) : null); r.unlink("a", b); }));
            check(k, "listener ints removeLeft", (db, r, t1, t2) -> { db.addListener(new ChangeListener() {}); r.ints().removeLeft(t1.idOf("a")); });
        }
    }
}
