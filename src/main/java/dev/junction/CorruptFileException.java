package dev.junction;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot or journal file that cannot be loaded as it is: not such a file, from a newer format version,
 * truncated (a snapshot; a journal's torn end that was never forced is dropped instead), damaged (a checksum or a
 * length that does not fit), or inconsistent with itself. The message names the file, the byte and what is wrong;
 * the engine being loaded is left as it was (empty).
 */
public class CorruptFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /** A problem with {@code file}, described by {@code problem} (which says where, if it is known). */
    public CorruptFileException(Path file, String problem) {
        this(file, -1, problem);
    }

    /**
     * A problem with {@code file} at byte {@code offset} (-1 if unknown), described by {@code problem}; the message
     * is the file, then the problem (which should name the byte).
     */
    public CorruptFileException(Path file, long offset, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file that could not be loaded. */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()} where the problem was found, or -1 if it concerns the file as a whole. */
    public long offset() {
        return offset;
    }
}
