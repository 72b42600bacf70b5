package dev.junction;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Persistence#open} recovered and what it dropped, from {@link Persistence#recovery()}. Immutable.
 *
 * <p>After a clean close nothing is dropped. After a crash or power cut the newest journal may end in bytes that
 * were never forced (a torn record, or with group commit unforced records that reached the disk in part): they are
 * dropped in either {@link RecoveryMode} and reported with {@link Dropped#acknowledged()} false. Only
 * {@link RecoveryMode#POINT_IN_TIME} drops bytes that were forced, reported with {@link Dropped#acknowledged()}
 * true.
 *
 * @param mode the mode the directory was opened in
 * @param snapshotGeneration the generation of the snapshot that was loaded, or -1 if the directory held none
 * @param journalsRead how many journals were read (including ones dropped in part)
 * @param recordsReplayed how many journal records were replayed as transactions
 * @param dropped what was dropped, in file order; empty if every byte was replayed
 * @param setAside the damaged journals kept under a new name ({@code journal-N.log.damaged}), never read again
 * @param rewritten whether recovery wrote the recovered state as a new snapshot and started a new journal (after
 *        dropping forced bytes, or to replace a journal of an older format version)
 */
public record RecoveryReport(RecoveryMode mode, long snapshotGeneration, int journalsRead, long recordsReplayed,
                             List<Dropped> dropped, List<Path> setAside, boolean rewritten) {

    /**
     * Bytes of a journal that recovery did not replay.
     *
     * @param file the journal (under its original name; see {@link RecoveryReport#setAside()} for where it went
     *        if it was kept)
     * @param offset the byte where the dropped part starts (0 for a whole journal)
     * @param length how many bytes were dropped
     * @param records how many intact records followed the damaged one and were dropped with it (an approximate
     *        count where damage hides their framing; for a journal dropped whole, its records)
     * @param acknowledged whether the dropped bytes were known to have been forced, so may hold acknowledged
     *        commits (only in {@link RecoveryMode#POINT_IN_TIME})
     * @param reason why they were dropped, naming the record and byte
     */
    public record Dropped(Path file, long offset, long length, int records, boolean acknowledged, String reason) {

        /** Checks the components. */
        public Dropped {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return file + ": " + length + " bytes dropped from byte " + offset + (acknowledged
                    ? " (forced: acknowledged commits lost)" : " (never forced)") + ": " + reason;
        }
    }

    /** Checks the mode and copies the lists. */
    public RecoveryReport {
        Objects.requireNonNull(mode, "mode");
        dropped = List.copyOf(dropped);
        setAside = List.copyOf(setAside);
    }

    /** Whether anything was dropped. */
    public boolean droppedAnything() {
        return !dropped.isEmpty();
    }

    /**
     * Whether bytes known to have been forced were dropped, so acknowledged commits may be lost (only possible in
     * {@link RecoveryMode#POINT_IN_TIME}; {@link RecoveryMode#STRICT} refuses such a directory instead).
     */
    public boolean lostAcknowledged() {
        for (Dropped d : dropped) {
            if (d.acknowledged()) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("recovery (" + mode + "): snapshot "
                + (snapshotGeneration < 0 ? "none" : snapshotGeneration) + ", " + journalsRead + " journal"
                + (journalsRead == 1 ? "" : "s") + ", " + recordsReplayed + " records replayed");
        if (dropped.isEmpty()) {
            b.append(", nothing dropped");
        }
        for (Dropped d : dropped) b.append("; ").append(d);
        if (!setAside.isEmpty()) b.append("; kept as ").append(setAside);
        if (rewritten) b.append("; recovered state written as a new snapshot");
        return b.toString();
    }
}
