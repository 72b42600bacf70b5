package dev.junction;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation of the persistence code ({@link Persistence}, {@link JournalFile},
 * {@link DurableFiles}): whole-file reads, listing, creating directories, positioned writes, truncation, forces,
 * renames, deletes, directory forces and the directory's lock. Production uses {@link #SYSTEM}, the real file
 * system; the power-cut test substitutes a simulated one that records each operation and builds the states a
 * power cut can leave at every boundary between them.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Durability is explicit.</b> A write, a truncation, a file's creation, a rename or a delete is durable
 *       only after the matching force: {@link Output#force()} for a file's content and size, {@link #forceDirectory}
 *       for the entries of a directory (a file forced but whose directory entry is not may vanish in a power cut,
 *       and so may a directory whose parent was not forced). The persistence code is written against exactly this
 *       contract, the weakest POSIX gives, and the simulated layer enforces nothing stronger.</li>
 *   <li><b>Small on purpose.</b> Only what the persistence code does, each call one system call or two, so the
 *       production path costs what it did before (one interface call more per write or force).</li>
 * </ul>
 */
interface FileLayer {

    /** The real file system. */
    FileLayer SYSTEM = new SystemFiles();

    /**
     * A file open for positioned writes. {@link #force} may run on another thread than {@link #write}
     * (the group-commit flusher); other calls come from one thread at a time.
     */
    interface Output extends Closeable {

        /** Writes {@code len} bytes of {@code b} from {@code off} at {@code position}, growing the file if needed. */
        void write(long position, byte[] b, int off, int len) throws IOException;

        /** Cuts the file to {@code size} bytes. */
        void truncate(long size) throws IOException;

        /** Makes everything written and truncated so far durable ({@code fsync}); not the directory entry. */
        void force() throws IOException;
    }

    /**
     * The whole of {@code file}, refused (as a {@link CorruptFileException} saying {@code what} it should be) if it
     * is larger than {@code maxSize}, before anything is allocated.
     */
    byte[] readAll(Path file, long maxSize, String what) throws IOException;

    /** The names of the entries of {@code dir}. */
    List<String> list(Path dir) throws IOException;

    /** Whether {@code path} exists (a file or a directory). */
    boolean exists(Path path);

    /** Creates the directory {@code dir}, whose parent exists; not durable until the parent is forced. */
    void createDirectory(Path dir) throws IOException;

    /** Creates {@code file}, which must not exist, for writing; its entry is durable once its directory is forced. */
    Output create(Path file) throws IOException;

    /** Opens the existing {@code file} for writing. */
    Output open(Path file) throws IOException;

    /** Renames {@code from} to {@code to} in the same directory, atomically, replacing {@code to} if it exists. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes {@code file} if it exists. */
    void delete(Path file) throws IOException;

    /** Makes the creations, renames and deletes in {@code dir} durable. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Locks {@code dir} for this process (a {@code LOCK} file held with an OS lock): the lock to close, or null if
     * another holder has it.
     */
    Closeable lock(Path dir) throws IOException;
}
