package dev.junction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * File I/O of the persistence layer that is more than one {@link FileLayer} call: atomic replacement (temporary
 * file, force, rename, force the directory), durable creation of directories, temporary names, and the CRC32C
 * checksum every format uses. No format knowledge lives here.
 *
 * <h2>Design notes</h2>
 * Every step that makes something durable says which force covers it: a file's content by its own force, a
 * name in a directory by that directory's force, a directory by its parent's force. A power cut keeps only what a
 * completed force covered (plus any part of the rest), so each write is ordered behind the forces it relies on.
 */
final class DurableFiles {

    private DurableFiles() {
    }

    /** CRC32C of {@code len} bytes of {@code b} from {@code off}. */
    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * Writes {@code parts} to a temporary file in {@code file}'s directory, forces it, renames it over
     * {@code file} atomically and forces the directory: a crash or power cut leaves the old file or the new one
     * (and perhaps a stray {@code .tmp}, which recovery deletes).
     */
    static void writeAtomically(FileLayer fs, Path file, List<byte[]> parts) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            FileLayer.Output out = null;
            while (out == null) {
                tmp = temporary(abs);
                try {
                    out = fs.create(tmp);
                } catch (FileAlreadyExistsException e) {
                    // a name taken by chance: draw another
                }
            }
            try (FileLayer.Output o = out) {
                long at = 0;
                for (byte[] p : parts) {
                    o.write(at, p, 0, p.length);
                    at += p.length;
                }
                o.force(); // the content before the name: a rename that survives must not point to lost data
            }
            fs.rename(tmp, abs);
        } catch (IOException | RuntimeException | Error e) {
            if (tmp != null) {
                try {
                    fs.delete(tmp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        fs.forceDirectory(dir);
    }

    /** A fresh temporary name next to {@code file}: {@code <name>.<random>.tmp}, which recovery deletes. */
    static Path temporary(Path file) {
        return file.resolveSibling(file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    }

    /**
     * Creates {@code dir} and its missing ancestors so that they survive a power cut: after each creation its
     * parent is forced (a new directory's entry lives in its parent). The parent of {@code dir} is forced even if
     * {@code dir} existed: an earlier process may have created it and died before forcing (a process kill leaves
     * the entry in the operating system's cache, a power cut then loses it with everything inside).
     */
    static void createDirectories(FileLayer fs, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; p != null && !fs.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        boolean parentForced = false;
        while (!missing.isEmpty()) {
            Path d = missing.pop();
            fs.createDirectory(d);
            fs.forceDirectory(d.getParent());
            parentForced = d.equals(abs);
        }
        if (!parentForced && abs.getParent() != null) {
            fs.forceDirectory(abs.getParent());
        }
    }

    /**
     * The header of a file that starts with {@code magic} and is at least {@code headerLength} bytes long, as a
     * buffer positioned after the magic; null if the file does not.
     */
    static ByteBuffer afterMagic(byte[] data, byte[] magic, int headerLength) {
        if (data.length < headerLength || !java.util.Arrays.equals(data, 0, magic.length, magic, 0, magic.length)) {
            return null;
        }
        return ByteBuffer.wrap(data).position(magic.length);
    }

    /** The whole of {@code file} from the real file system; see {@link FileLayer#readAll}. */
    static byte[] readAll(Path file, long maxSize, String what) throws IOException {
        return FileLayer.SYSTEM.readAll(file, maxSize, what);
    }
}
