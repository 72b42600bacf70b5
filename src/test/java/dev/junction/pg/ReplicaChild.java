package dev.junction.pg;

import dev.junction.SyncPolicy;
import java.nio.file.Path;

/**
 * The child process of {@link PgFaultsTest#killedReplicaResumesFromItsJournal}: a journaled replica of the
 * {@link Workload} schema that prints {@code READY <copies> <position>} once it streams, then {@code AT <position>}
 * every 20 ms, until it is killed (SIGKILL: no shutdown hook, nothing flushed), or {@code FAILED <message>} if it
 * stops on an error.
 *
 * <p>Arguments: JDBC URL, slot, journal directory.
 */
public final class ReplicaChild {

    private ReplicaChild() {
    }

    public static void main(String[] args) throws Exception {
        Workload.Engine e = new Workload.Engine();
        PgReplica r = e.builder(args[0], args[1]).journal(Path.of(args[2]), SyncPolicy.everyCommit()).build();
        try {
            r.start();
        } catch (PgReplicaException x) {
            System.out.println("FAILED " + x.getMessage());
            System.exit(2);
        }
        System.out.println("READY " + r.copies() + " " + r.position());
        System.out.flush();
        while (true) {
            if (r.state() == PgReplica.State.FAILED) {
                System.out.println("FAILED " + r.failure().getMessage());
                System.exit(2);
            }
            System.out.println("AT " + r.position());
            System.out.flush();
            Thread.sleep(20);
        }
    }
}
