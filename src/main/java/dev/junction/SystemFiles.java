package dev.junction;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The real file system behind {@link FileLayer#SYSTEM}. Files are written through {@link RandomAccessFile}, not a
 * {@code FileChannel}: a thread interrupted in an I/O call must not close the journal under everyone (a
 * {@code FileChannel} closes itself then).
 */
final class SystemFiles implements FileLayer {

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase().contains("win");

    @Override
    public byte[] readAll(Path file, long maxSize, String what) throws IOException {
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

    @Override
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) names.add(f.getFileName().toString());
        }
        return names;
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e; // created meanwhile by someone else: fine if it is a directory
        }
    }

    @Override
    public Output create(Path file) throws IOException {
        Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return open(file);
    }

    @Override
    public Output open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.nio.file.NoSuchFileException(file.toString());
        return new Out(new RandomAccessFile(file.toFile(), "rw"));
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!WINDOWS) throw e; // Windows cannot open a directory; its renames are durable when they return
        }
    }

    @Override
    public Closeable lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        FileLock held = lock;
        return () -> {
            try {
                held.release();
            } finally {
                channel.close();
            }
        };
    }

    /** A file open for writing. */
    private static final class Out implements Output {
        private final RandomAccessFile raf;
        private final FileDescriptor fd;

        Out(RandomAccessFile raf) throws IOException {
            this.raf = raf;
            this.fd = raf.getFD();
        }

        @Override
        public void write(long position, byte[] b, int off, int len) throws IOException {
            raf.seek(position);
            raf.write(b, off, len);
        }

        @Override
        public void truncate(long size) throws IOException {
            raf.setLength(size);
        }

        @Override
        public void force() throws IOException {
            fd.sync();
        }

        @Override
        public void close() throws IOException {
            raf.close();
        }
    }
}
