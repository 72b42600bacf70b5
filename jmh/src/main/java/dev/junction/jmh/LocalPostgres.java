package dev.junction.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL for {@link PgReplicaTiming} (the same recipe as the library's test server): {@code initdb}
 * into a temporary directory, {@code wal_level=logical}, trust authentication on 127.0.0.1 at a free port, run as
 * the {@code postgres} user when this JVM is root (PostgreSQL refuses root). Binaries from {@code $JUNCTION_PG_BIN},
 * Debian's {@code /usr/lib/postgresql/<version>/bin} (15 or later) or the {@code PATH}. {@code fsync=off}: the
 * figures are about the replica, not about the disk. {@link #close()} stops it and deletes the directory.
 */
final class LocalPostgres implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean root;

    private LocalPostgres(Path bin, Path dir, int port, boolean root) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.root = root;
    }

    static Path find() {
        String env = System.getenv("JUNCTION_PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) return Path.of(env);
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> vs = Files.list(debian)) {
                Path best = vs.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Integer.parseInt(p.getFileName().toString()) >= 15)
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()))).orElse(null);
                if (best != null) return best.resolve("bin");
            } catch (IOException e) {
                // fall through
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isEmpty() && Files.isExecutable(Path.of(p, "initdb")) && Files.isExecutable(Path.of(p, "pg_ctl"))) {
                    return Path.of(p);
                }
            }
        }
        return null;
    }

    static LocalPostgres start() throws IOException, InterruptedException {
        Path bin = find();
        if (bin == null) throw new IllegalStateException("PostgreSQL 15+ is not installed (apt-get install postgresql)");
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
        id.waitFor();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LocalPostgres pg = new LocalPostgres(bin, Files.createTempDirectory("junction-pg-bench-"), port, root);
        Files.createDirectories(pg.dir.resolve("sock"));
        if (root) pg.exec(false, "chown", "-R", "postgres:postgres", pg.dir.toString());
        pg.exec(true, "initdb", "-D", pg.dir.resolve("data").toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C", "-N");
        pg.exec(true, "pg_ctl", "-D", pg.dir.resolve("data").toString(), "-l", pg.dir.resolve("log").toString(), "-w",
                "-o", "-p " + port + " -k " + pg.dir.resolve("sock") + " -c listen_addresses=127.0.0.1"
                        + " -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 -c fsync=off"
                        + " -c full_page_writes=off -c shared_buffers=256MB -c max_wal_size=4GB", "start");
        Runtime.getRuntime().addShutdownHook(new Thread(pg::closeQuietly));
        return pg;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    private void exec(boolean asPostgres, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres && root) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        cmd.add(asPostgres ? bin.resolve(tool).toString() : tool);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private synchronized void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("could not stop the benchmark PostgreSQL in " + dir + ": " + e);
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (!Files.exists(dir)) return;
        try {
            exec(true, "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (IllegalStateException e) {
            // not running
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
