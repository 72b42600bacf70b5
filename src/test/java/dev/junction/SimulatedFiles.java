package dev.junction;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory file system behind the {@link FileLayer} that keeps, for every file and directory, what is durable
 * (covered by a completed force) apart from what is not yet (pending writes, truncations, creations, renames and
 * deletes), and records a {@link Moment} before every operation that changes either. From a moment it builds the
 * states a power cut at that point can leave ({@link #crash}): the durable content plus any subset of the pending
 * operations, writes possibly torn (a prefix, zeros or garbage in place of the data, sectors in any order), and
 * directory operations possibly lost (with the ones after them that name the same entry). That is the weakest
 * POSIX model: forcing a file does not make its directory entry durable, forcing a directory makes its entries
 * durable but not the entries of its parent, and unforced writes reach the disk in any order.
 *
 * <p>Paths are absolute under {@link #ROOT}, which always exists. Thread-safe (the group-commit flusher forces
 * while committers write). A force takes {@code forceNanos} outside the lock, as a disk would, so that commits pile
 * up behind it.
 */
final class SimulatedFiles implements FileLayer {

    static final Path ROOT = Path.of("/sim");
    private static final byte[] EMPTY = new byte[0];
    private static final int SECTOR = 512;

    // ---- operations -------------------------------------------------------------------------------------------

    /** A change to a file or directory, not yet forced. Immutable. */
    sealed interface Op permits Write, Truncate, Link, Unlink, Move {
    }

    record Write(long pos, byte[] bytes) implements Op {
    }

    record Truncate(long size) implements Op {
    }

    /** A directory entry created: {@code name} → node {@code id}. */
    record Link(String name, int id) implements Op {
    }

    record Unlink(String name) implements Op {
    }

    record Move(String from, String to) implements Op {
    }

    /** A pending operation with its number (a force covers the ones numbered before it started). */
    private record Pending(long seq, Op op) {
    }

    /** A file or directory. */
    private static final class Node {
        final int id;
        final boolean dir;
        byte[] current = EMPTY;
        byte[] durable = EMPTY;
        TreeMap<String, Integer> entries = new TreeMap<>();
        /** Replaced, never changed in place: moments share it. */
        TreeMap<String, Integer> durableEntries = new TreeMap<>();
        final ArrayList<Pending> pending = new ArrayList<>();

        Node(int id, boolean dir) {
            this.id = id;
            this.dir = dir;
        }
    }

    /** What one node held at a moment: durable content or entries, and the pending operations. */
    record NodeState(boolean dir, byte[] durable, TreeMap<String, Integer> durableEntries, List<Op> pending) {
    }

    /**
     * The file system just before an operation: the state of every node, how many acknowledgements the workload
     * had made, and what the next operation is (for messages).
     */
    record Moment(int index, Map<Integer, NodeState> nodes, int acks, String next) {

        /** The pending operations, each as (node id, index in that node's list). */
        List<int[]> pendingItems() {
            List<int[]> out = new ArrayList<>();
            for (Map.Entry<Integer, NodeState> e : new TreeMap<>(nodes).entrySet()) {
                for (int i = 0; i < e.getValue().pending().size(); i++) out.add(new int[] {e.getKey(), i});
            }
            return out;
        }
    }

    // ---- the file system ----------------------------------------------------------------------------------------

    private final Map<Integer, Node> nodes = new HashMap<>();
    private int nextId = 1;
    private long nextSeq;
    private final Set<Path> locked = new HashSet<>();
    private final List<Moment> moments = new ArrayList<>();
    private final List<String> acks = new ArrayList<>();
    private final boolean recording;
    private final long forceNanos;
    private int operations;
    private int forces;

    private SimulatedFiles(boolean recording, long forceNanos) {
        this.recording = recording;
        this.forceNanos = forceNanos;
    }

    /** An empty file system (only {@link #ROOT}) that records moments; a force takes {@code forceNanos}. */
    static SimulatedFiles recording(long forceNanos) {
        SimulatedFiles fs = new SimulatedFiles(true, forceNanos);
        fs.nodes.put(0, new Node(0, true));
        return fs;
    }

    /** The file system a power cut left: everything in {@code image} durable; records nothing. */
    static SimulatedFiles of(Map<Integer, NodeState> image) {
        SimulatedFiles fs = new SimulatedFiles(false, 0);
        fs.load(image, false);
        return fs;
    }

    /**
     * The file system as a killed process left it at {@code m}: what it wrote is visible, and what it did not force
     * is still pending (the operating system's cache survives a process kill); records moments from here.
     */
    static SimulatedFiles afterKill(Moment m, long forceNanos) {
        SimulatedFiles fs = new SimulatedFiles(true, forceNanos);
        fs.load(m.nodes(), true);
        return fs;
    }

    /** A power-cut image as the starting point of a recorded run: everything durable. */
    static SimulatedFiles recordingFrom(Map<Integer, NodeState> image, long forceNanos) {
        SimulatedFiles fs = new SimulatedFiles(true, forceNanos);
        fs.load(image, false);
        return fs;
    }

    private void load(Map<Integer, NodeState> states, boolean keepPending) {
        for (Map.Entry<Integer, NodeState> e : states.entrySet()) {
            NodeState s = e.getValue();
            Node n = new Node(e.getKey(), s.dir());
            n.durable = s.durable();
            n.durableEntries = s.durableEntries();
            n.current = s.durable();
            n.entries = new TreeMap<>(s.durableEntries());
            if (keepPending) {
                for (Op op : s.pending()) {
                    n.pending.add(new Pending(nextSeq++, op));
                    if (n.dir) applyDir(n.entries, op);
                    else n.current = applyFile(n.current, op, null, null);
                }
            }
            nodes.put(n.id, n);
            nextId = Math.max(nextId, n.id + 1);
        }
    }

    /** Records that the workload acknowledged {@code what} (a commit returned); crash states after it must hold it. */
    synchronized void ack(String what) {
        acks.add(what);
    }

    synchronized List<String> acks() {
        return List.copyOf(acks);
    }

    /** The moments recorded so far, plus one for now. */
    synchronized List<Moment> moments() {
        List<Moment> out = new ArrayList<>(moments);
        out.add(capture("the end"));
        return out;
    }

    /** Operations done and forces completed (for the test's output). */
    synchronized String counts() {
        return operations + " operations, " + forces + " forces";
    }

    private Moment capture(String next) {
        Map<Integer, NodeState> states = new HashMap<>();
        for (Node n : nodes.values()) {
            List<Op> ops = new ArrayList<>(n.pending.size());
            for (Pending p : n.pending) ops.add(p.op());
            states.put(n.id, new NodeState(n.dir, n.durable, n.durableEntries, List.copyOf(ops)));
        }
        return new Moment(moments.size(), states, acks.size(), next);
    }

    /** Called under the lock before every operation that changes durable or pending state. */
    private void before(String next) {
        operations++;
        if (recording) moments.add(capture(next));
    }

    private Node resolve(Path path) throws NoSuchFileException {
        Node n = lookup(path);
        if (n == null) throw new NoSuchFileException(path.toString());
        return n;
    }

    private Node lookup(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (!abs.startsWith(ROOT)) return null;
        Node n = nodes.get(0);
        for (Path name : ROOT.relativize(abs)) {
            if (name.toString().isEmpty()) continue;
            if (!n.dir) return null;
            Integer id = n.entries.get(name.toString());
            if (id == null) return null;
            n = nodes.get(id);
        }
        return n;
    }

    private Node parentOf(Path path) throws IOException {
        Path parent = path.toAbsolutePath().normalize().getParent();
        Node d = parent == null ? null : lookup(parent);
        if (d == null || !d.dir) throw new NoSuchFileException(String.valueOf(parent));
        return d;
    }

    private static String nameOf(Path path) {
        return path.getFileName().toString();
    }

    private void pend(Node n, Op op) {
        n.pending.add(new Pending(nextSeq++, op));
        if (n.dir) applyDir(n.entries, op);
        else n.current = applyFile(n.current, op, null, null);
    }

    @Override
    public synchronized byte[] readAll(Path file, long maxSize, String what) throws IOException {
        Node n = resolve(file);
        if (n.dir) throw new IOException(file + " is a directory");
        if (n.current.length > maxSize) {
            throw new CorruptFileException(file, n.current.length + " bytes: larger than " + what + " can be (" + maxSize + ")");
        }
        return n.current.clone();
    }

    @Override
    public synchronized List<String> list(Path dir) throws IOException {
        Node d = resolve(dir);
        if (!d.dir) throw new IOException(dir + " is not a directory");
        return new ArrayList<>(d.entries.keySet());
    }

    @Override
    public synchronized boolean exists(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return ROOT.startsWith(abs) || lookup(abs) != null; // the root's ancestors exist too
    }

    @Override
    public synchronized void createDirectory(Path dir) throws IOException {
        Node parent = parentOf(dir);
        if (parent.entries.containsKey(nameOf(dir))) throw new FileAlreadyExistsException(dir.toString());
        before("mkdir " + dir);
        Node n = new Node(nextId++, true);
        nodes.put(n.id, n);
        pend(parent, new Link(nameOf(dir), n.id));
    }

    @Override
    public synchronized Output create(Path file) throws IOException {
        Node parent = parentOf(file);
        if (parent.entries.containsKey(nameOf(file))) throw new FileAlreadyExistsException(file.toString());
        before("create " + file.getFileName());
        Node n = new Node(nextId++, false);
        nodes.put(n.id, n);
        pend(parent, new Link(nameOf(file), n.id));
        return new Out(n, file);
    }

    @Override
    public synchronized Output open(Path file) throws IOException {
        Node n = resolve(file);
        if (n.dir) throw new IOException(file + " is a directory");
        return new Out(n, file);
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        Node parent = parentOf(from);
        if (parentOf(to) != parent) throw new IOException("rename across directories: " + from + " to " + to);
        if (!parent.entries.containsKey(nameOf(from))) throw new NoSuchFileException(from.toString());
        before("rename " + from.getFileName() + " to " + to.getFileName());
        pend(parent, new Move(nameOf(from), nameOf(to)));
    }

    @Override
    public synchronized void delete(Path file) throws IOException {
        Node parent = parentOf(file);
        if (!parent.entries.containsKey(nameOf(file))) return;
        before("delete " + file.getFileName());
        pend(parent, new Unlink(nameOf(file)));
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        Node d;
        synchronized (this) {
            d = resolve(dir);
            if (!d.dir) throw new IOException(dir + " is not a directory");
        }
        force(d, "force directory " + dir.getFileName());
    }

    @Override
    public synchronized Closeable lock(Path dir) throws IOException {
        resolve(dir);
        Path key = dir.toAbsolutePath().normalize();
        if (!locked.add(key)) return null;
        return () -> {
            synchronized (SimulatedFiles.this) {
                locked.remove(key);
            }
        };
    }

    /** Makes the operations pending on {@code n} when the force starts durable when it ends. */
    private void force(Node n, String what) {
        long upTo;
        synchronized (this) {
            upTo = nextSeq;
        }
        if (forceNanos > 0) {
            long until = System.nanoTime() + forceNanos;
            while (System.nanoTime() < until) Thread.onSpinWait(); // a disk's latency, without the lock
        }
        synchronized (this) {
            before(what);
            forces++;
            while (!n.pending.isEmpty() && n.pending.get(0).seq() < upTo) {
                Op op = n.pending.remove(0).op();
                if (n.dir) {
                    TreeMap<String, Integer> e = new TreeMap<>(n.durableEntries);
                    applyDir(e, op);
                    n.durableEntries = e;
                } else {
                    n.durable = applyFile(n.durable, op, null, null);
                }
            }
        }
    }

    private final class Out implements Output {
        private final Node node;
        private final Path path;

        Out(Node node, Path path) {
            this.node = node;
            this.path = path;
        }

        @Override
        public void write(long position, byte[] b, int off, int len) {
            synchronized (SimulatedFiles.this) {
                before("write " + len + " bytes at " + position + " of " + path.getFileName());
                pend(node, new Write(position, Arrays.copyOfRange(b, off, off + len)));
            }
        }

        @Override
        public void truncate(long size) {
            synchronized (SimulatedFiles.this) {
                before("truncate " + path.getFileName() + " to " + size);
                pend(node, new Truncate(size));
            }
        }

        @Override
        public void force() {
            SimulatedFiles.this.force(node, "force " + path.getFileName());
        }

        @Override
        public void close() {
        }
    }

    // ---- applying operations ----------------------------------------------------------------------------------

    private static void applyDir(TreeMap<String, Integer> entries, Op op) {
        if (op instanceof Link l) {
            entries.put(l.name(), l.id());
        } else if (op instanceof Unlink u) {
            entries.remove(u.name());
        } else if (op instanceof Move m) {
            Integer id = entries.remove(m.from());
            if (id != null) entries.put(m.to(), id);
        } else {
            throw new AssertionError(op);
        }
    }

    /**
     * The content after {@code op}; a write torn as {@code tear} says (null: whole), its garbage drawn from
     * {@code rnd}.
     */
    private static byte[] applyFile(byte[] content, Op op, Tear tear, Random rnd) {
        if (op instanceof Truncate t) {
            return Arrays.copyOf(content, (int) t.size());
        }
        Write w = (Write) op;
        int pos = (int) w.pos();
        byte[] data = w.bytes();
        int len = data.length;
        byte[] put = data;
        int end = pos + len;
        if (tear != null) {
            put = new byte[len];
            switch (tear.kind()) {
                case ZEROS -> { } // the size reached the disk, the data did not
                case GARBAGE -> rnd.nextBytes(put);
                case PREFIX -> {
                    System.arraycopy(data, 0, put, 0, tear.cut());
                    end = pos + tear.cut(); // the size went with the data: the file ends in the middle
                    put = Arrays.copyOf(put, tear.cut());
                }
                case PREFIX_ZEROS -> System.arraycopy(data, 0, put, 0, tear.cut());
                case SECTORS -> {
                    for (int i = 0; i < len; ) { // each 512-byte sector of the file written or not
                        int sectorEnd = Math.min(len, (int) ((pos + i) / SECTOR + 1) * SECTOR - pos);
                        if (((tear.cut() >>> (((pos + i) / SECTOR) % 31)) & 1) != 0) {
                            System.arraycopy(data, i, put, i, sectorEnd - i);
                        } else {
                            System.arraycopy(content, Math.min(pos + i, content.length), put, i,
                                    Math.max(0, Math.min(sectorEnd, content.length - pos) - i));
                        }
                        i = sectorEnd;
                    }
                }
            }
        }
        byte[] out = content.length >= end ? content.clone() : Arrays.copyOf(content, end);
        System.arraycopy(put, 0, out, pos, Math.min(put.length, end - pos));
        return out;
    }

    // ---- power cuts ---------------------------------------------------------------------------------------------

    enum TearKind { ZEROS, GARBAGE, PREFIX, PREFIX_ZEROS, SECTORS }

    /** How a write reached the disk in part; {@code cut} is the prefix length, or the sector mask. */
    record Tear(TearKind kind, int cut) {
    }

    /**
     * What happens to each pending operation of a moment in one power cut: kept, lost, or (a write) torn. The
     * lists are parallel to {@link Moment#pendingItems()}.
     */
    record Choice(boolean[] keep, Tear[] tears) {
        static Choice all(int n, boolean keep) {
            boolean[] k = new boolean[n];
            Arrays.fill(k, keep);
            return new Choice(k, new Tear[n]);
        }
    }

    /**
     * The durable state after a power cut at {@code m} with {@code c}: per node its content or entries. A lost
     * directory operation takes the later ones of the same directory that name the same entry with it (they
     * depend on it); garbage comes from {@code rnd}.
     */
    static Map<Integer, NodeState> crash(Moment m, Choice c, Random rnd) {
        List<int[]> items = m.pendingItems();
        Map<Integer, NodeState> out = new HashMap<>();
        int k = 0;
        for (Map.Entry<Integer, NodeState> e : new TreeMap<>(m.nodes()).entrySet()) {
            NodeState s = e.getValue();
            if (s.dir()) {
                TreeMap<String, Integer> entries = new TreeMap<>(s.durableEntries());
                Set<String> lostNames = new HashSet<>();
                for (Op op : s.pending()) {
                    boolean keep = c.keep()[k++];
                    List<String> names = names(op);
                    if (!keep || names.stream().anyMatch(lostNames::contains)) {
                        lostNames.addAll(names);
                        continue;
                    }
                    applyDir(entries, op);
                }
                out.put(e.getKey(), new NodeState(true, EMPTY, entries, List.of()));
            } else {
                byte[] content = s.durable();
                for (Op op : s.pending()) {
                    Tear tear = c.tears()[k];
                    boolean keep = c.keep()[k++];
                    if (keep || tear != null) content = applyFile(content, op, tear, rnd);
                }
                out.put(e.getKey(), new NodeState(false, content, new TreeMap<>(), List.of()));
            }
        }
        if (k != items.size()) throw new AssertionError(k + " of " + items.size());
        return prune(out);
    }

    private static List<String> names(Op op) {
        if (op instanceof Link l) return List.of(l.name());
        if (op instanceof Unlink u) return List.of(u.name());
        Move mv = (Move) op;
        return List.of(mv.from(), mv.to());
    }

    /** Only the nodes reachable from the root. */
    private static Map<Integer, NodeState> prune(Map<Integer, NodeState> all) {
        Map<Integer, NodeState> out = new HashMap<>();
        ArrayList<Integer> todo = new ArrayList<>(List.of(0));
        while (!todo.isEmpty()) {
            int id = todo.remove(todo.size() - 1);
            NodeState s = all.get(id);
            if (s == null || out.put(id, s) != null) continue;
            if (s.dir()) todo.addAll(s.durableEntries().values());
        }
        return out;
    }

    /** A digest of a power-cut image (names and contents, not node numbers), to try each distinct state once. */
    static String digest(Map<Integer, NodeState> image) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            digest(md, image, 0);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void digest(MessageDigest md, Map<Integer, NodeState> image, int id) {
        NodeState s = image.get(id);
        if (s.dir()) {
            md.update((byte) 'D');
            for (Map.Entry<String, Integer> e : s.durableEntries().entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                digest(md, image, e.getValue());
            }
            md.update((byte) 'E');
        } else {
            md.update((byte) 'F');
            md.update(java.nio.ByteBuffer.allocate(4).putInt(s.durable().length).array());
            md.update(s.durable());
        }
    }

    /** The file names of an image, with sizes, for messages. */
    static String describe(Map<Integer, NodeState> image) {
        StringBuilder b = new StringBuilder();
        describe(b, image, 0, ROOT.toString());
        return b.toString();
    }

    private static void describe(StringBuilder b, Map<Integer, NodeState> image, int id, String path) {
        NodeState s = image.get(id);
        if (!s.dir()) {
            b.append(' ').append(path).append('(').append(s.durable().length).append(')');
            return;
        }
        if (s.durableEntries().isEmpty()) b.append(' ').append(path).append("/");
        for (Map.Entry<String, Integer> e : s.durableEntries().entrySet()) {
            describe(b, image, e.getValue(), path + "/" + e.getKey());
        }
    }
}
