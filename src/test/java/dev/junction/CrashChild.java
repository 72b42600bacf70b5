package dev.junction;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link CrashTest}: opens a directory, then commits transactions as fast as it can and
 * prints {@code ACK i} after commit {@code i} returned, until it is killed. Transaction {@code i} adds entity
 * {@code "e<i>"}, links it to {@code "g<i % 7>"} with value {@code i} in a link column, and every fifth one also
 * removes {@code "e<i - 3>"} (with its link): each must be found entirely or not at all after a crash.
 *
 * <p>Arguments: directory, {@code every} or {@code group}.
 */
public final class CrashChild {

    private CrashChild() {
    }

    /** The schema both processes declare (and PowerCutTest's workload, with more). */
    static class Schema {
        final Junction db = Junction.create();
        final Table<String> items = db.table("items");
        final Table<String> groups = db.table("groups");
        final Relation<String, String> in = db.relation("in", items, groups);
        final LinkColumn.OfLong<String, String> value = in.longColumn("value", -1);
    }

    public static void main(String[] args) throws Exception {
        Schema s = new Schema();
        SyncPolicy policy = args[1].equals("group") ? SyncPolicy.groupCommit(Duration.ZERO)
                : SyncPolicy.everyCommit();
        Persistence p = Persistence.open(s.db, Path.of(args[0]), policy);
        int start = s.items.size() == 0 ? 0 : findNext(s);
        System.out.println("READY " + start);
        System.out.flush();
        for (int i = start; ; i++) {
            int n = i;
            s.db.inTransaction(() -> {
                s.in.link("e" + n, "g" + n % 7, s.value.value(n));
                if (n % 5 == 0 && n >= 3) s.items.remove("e" + (n - 3));
            });
            System.out.println("ACK " + n);
            System.out.flush();
            if (i % 200 == 199) p.checkpoint();
        }
    }

    /** The first transaction number not yet in a reopened directory. */
    private static int findNext(Schema s) {
        int max = -1;
        for (String e : s.items) max = Math.max(max, Integer.parseInt(e.substring(1)));
        return max + 1;
    }
}
