package dev.junction.pg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, examples and benchmarks: {@code initdb} into a temporary directory,
 * {@code wal_level=logical}, trust authentication, listening on 127.0.0.1 at a free port and on a private socket
 * directory, started with {@code pg_ctl}. PostgreSQL refuses to run as root, so when this JVM is root the
 * directory is given to the {@code postgres} user and every server command runs through
 * {@code runuser -u postgres --}.
 *
 * <p>The binaries are looked up in {@code $JUNCTION_PG_BIN}, then Debian's {@code /usr/lib/postgresql/<version>/bin}
 * (the newest version at least 15), then the {@code PATH}. {@link #find()} says whether they are there.
 *
 * <p>Design notes: {@code fsync=off} (a test server never outlives the machine; an immediate shutdown still loses
 * nothing the kernel has), everything else default. {@link #close()} stops the server and deletes the directory; a
 * shutdown hook does the same if the JVM exits first.
 */
public final class PgServer implements AutoCloseable {

    /** The superuser created by {@code initdb}. */
    public static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path socketDir;
    private final Path log;
    private final int port;
    private final boolean asPostgresUser;
    private final Thread hook;
    private boolean running;

    private PgServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.socketDir = dir.resolve("sock");
        this.log = dir.resolve("server.log");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.hook = new Thread(this::closeQuietly, "pg-server-cleanup");
    }

    /** The directory holding {@code initdb} and {@code pg_ctl} (version 15 or later), or null if none is installed. */
    public static Path find() {
        String env = System.getenv("JUNCTION_PG_BIN");
        if (env != null && !env.isEmpty() && usable(Path.of(env))) return Path.of(env);
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path best = versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Integer.parseInt(p.getFileName().toString()) >= 15)
                        .map(p -> p.resolve("bin")).filter(PgServer::usable)
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getParent().getFileName().toString())))
                        .orElse(null);
                if (best != null) return best;
            } catch (IOException | RuntimeException e) {
                // fall through to PATH
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isEmpty() && usable(Path.of(p))) return Path.of(p);
            }
        }
        return null;
    }

    private static boolean usable(Path binDir) {
        return Files.isExecutable(binDir.resolve("initdb")) && Files.isExecutable(binDir.resolve("pg_ctl"));
    }

    /**
     * Creates and starts a server in a new temporary directory.
     *
     * @throws IllegalStateException if no PostgreSQL binaries are installed or the server does not start (the
     *         message holds the server's log)
     */
    public static PgServer start() throws IOException, InterruptedException {
        Path bin = find();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL (initdb, pg_ctl, version 15 or later) is not installed: "
                    + "apt-get install postgresql, or set JUNCTION_PG_BIN");
        }
        boolean root = isRoot();
        Path dir = Files.createTempDirectory("junction-pg-");
        PgServer s = new PgServer(bin, dir, freePort(), root);
        boolean ok = false;
        try {
            Files.createDirectories(s.socketDir);
            if (root) s.exec(30, "chown", "-R", "postgres:postgres", dir.toString());
            s.server(120, "initdb", "-D", s.data.toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                    "--locale=C", "-N");
            Runtime.getRuntime().addShutdownHook(s.hook);
            s.startServer();
            ok = true;
            return s;
        } finally {
            if (!ok) s.closeQuietly();
        }
    }

    private void startServer() throws IOException, InterruptedException {
        String opts = "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c wal_level=logical"
                + " -c max_replication_slots=40 -c max_wal_senders=40 -c max_connections=150 -c fsync=off"
                + " -c full_page_writes=off -c shared_buffers=64MB -c wal_sender_timeout=30s";
        try {
            server(120, "pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w", "-t", "100", "-o", opts, "start");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + serverLog(), e);
        }
        running = true;
    }

    /** Stops the server: {@code immediate} is a crash (no checkpoint; recovery at the next start), else a fast shutdown. */
    public synchronized void stop(boolean immediate) throws IOException, InterruptedException {
        if (!running) return;
        server(120, "pg_ctl", "-D", data.toString(), "-m", immediate ? "immediate" : "fast", "-w", "-t", "100", "stop");
        running = false;
    }

    /** Starts the server again after {@link #stop}, on the same port and directory. */
    public synchronized void startAgain() throws IOException, InterruptedException {
        if (!running) startServer();
    }

    /** The JDBC URL of {@code database}, as the superuser. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Connection properties for {@code user} (trust authentication: no password). */
    public static Properties props(String user) {
        Properties p = new Properties();
        p.setProperty("user", user);
        return p;
    }

    /** A new connection to {@code database} as the superuser, autocommit on. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), props(SUPERUSER));
    }

    /** Creates {@code database} (dropping an older one of that name, and the slots of that database). */
    public void createDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE database = '" + database + "' AND NOT active")) {
                while (rs.next()) {
                    // dropped
                }
            }
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + database);
        }
    }

    /** Runs statements in {@code database}, each in its own transaction. */
    public void sql(String database, String... statements) throws SQLException {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
    }

    /** The TCP port. */
    public int port() {
        return port;
    }

    /** What the server wrote to its log so far (for failure messages). */
    public String serverLog() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        try {
            if (running) {
                try {
                    stop(false);
                } catch (IllegalStateException e) {
                    stop(true);
                }
            }
        } finally {
            running = false;
            deleteRecursively(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down, or the hook was never added
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e);
        }
    }

    /** Runs a server binary, as the postgres user if this JVM is root. */
    private void server(int timeoutSeconds, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        exec(timeoutSeconds, cmd.toArray(new String[0]));
    }

    private void exec(int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("junction-pg-cmd", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .directory(dir.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no answer in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return uid.equals("0");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
