package dev.junction;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot or journal file that cannot be loaded as it is: not such a file, from a newer format version,
 * truncated (a snapshot; a journal's torn last record is dropped instead), damaged (a checksum or a length that
 * does not fit), or inconsistent with itself. The message names the file and what is wrong; the engine being
 * loaded is left as it was (empty).
 */
public class CorruptFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem}. */
    public CorruptFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file that could not be loaded. */
    public Path file() {
        return file;
    }
}
