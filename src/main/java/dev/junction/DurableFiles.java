package dev.junction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * File I/O of the persistence layer, in one place: atomic replacement (temporary file, force, rename, force the
 * directory), directory forces, bounded whole-file reads and the CRC32C checksum every format uses. No format
 * knowledge lives here.
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
     * {@code file} atomically and forces the directory: a crash leaves the old file or the new one (and perhaps a
     * stray {@code .tmp}, which recovery deletes).
     */
    static void writeAtomically(Path file, List<byte[]> parts) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (byte[] p : parts) writeFully(ch, p);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    static void writeFully(FileChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Makes a rename, creation or deletion in {@code dir} durable (where the platform allows opening a directory). */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) throw e;
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

    /**
     * The whole of {@code file}, refused (as a {@link CorruptFileException} saying {@code what} it should be) if it
     * is larger than {@code maxSize}, before anything is allocated.
     */
    static byte[] readAll(Path file, long maxSize, String what) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > maxSize) {
                throw new CorruptFileException(file, size + " bytes: larger than " + what + " can be (" + maxSize + ")");
            }
            byte[] data = new byte[(int) size];
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new CorruptFileException(file, "shrank while being read");
            }
            return data;
        }
    }
}
