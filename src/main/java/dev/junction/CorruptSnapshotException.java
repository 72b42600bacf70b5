package dev.junction;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file that cannot be loaded as it is: not a snapshot, from a newer format version, truncated,
 * damaged (a checksum or a length that does not fit), or inconsistent with itself. The message names the file
 * and what is wrong; {@link Junction#load} then leaves the engine as it was (empty).
 */
public class CorruptSnapshotException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem}. */
    public CorruptSnapshotException(Path file, String problem) {
        super("snapshot " + file + ": " + problem);
        this.file = file;
    }

    /** The file that could not be loaded. */
    public Path file() {
        return file;
    }
}
