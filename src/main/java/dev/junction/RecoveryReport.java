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
 */
public final class RecoveryReport {

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

    private final RecoveryMode mode;
    private final long snapshot;
    private final int journals;
    private final long records;
    private final List<Dropped> dropped;
    private final List<Path> setAside;
    private final boolean rewritten;

    RecoveryReport(RecoveryMode mode, long snapshot, int journals, long records, List<Dropped> dropped,
            List<Path> setAside, boolean rewritten) {
        this.mode = mode;
        this.snapshot = snapshot;
        this.journals = journals;
        this.records = records;
        this.dropped = List.copyOf(dropped);
        this.setAside = List.copyOf(setAside);
        this.rewritten = rewritten;
    }

    /** The mode the directory was opened in. */
    public RecoveryMode mode() {
        return mode;
    }

    /** The generation of the snapshot that was loaded, or -1 if the directory held none. */
    public long snapshotGeneration() {
        return snapshot;
    }

    /** How many journals were read (including ones dropped in part). */
    public int journalsRead() {
        return journals;
    }

    /** How many journal records were replayed as transactions. */
    public long recordsReplayed() {
        return records;
    }

    /** What was dropped, in file order; empty if every byte was replayed. */
    public List<Dropped> dropped() {
        return dropped;
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

    /** The damaged journals kept under a new name ({@code journal-N.log.damaged}), never read again. */
    public List<Path> setAside() {
        return setAside;
    }

    /**
     * Whether recovery wrote the recovered state as a new snapshot and started a new journal (after dropping
     * forced bytes, or to replace a journal of an older format version).
     */
    public boolean rewritten() {
        return rewritten;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("recovery (" + mode + "): snapshot " + (snapshot < 0 ? "none" : snapshot)
                + ", " + journals + " journal" + (journals == 1 ? "" : "s") + ", " + records + " records replayed");
        if (dropped.isEmpty()) {
            b.append(", nothing dropped");
        }
        for (Dropped d : dropped) b.append("; ").append(d);
        if (!setAside.isEmpty()) b.append("; kept as ").append(setAside);
        if (rewritten) b.append("; recovered state written as a new snapshot");
        return b.toString();
    }
}
