package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * jgrapht-core (with jheaps and apfloat) and the PostgreSQL driver are optional dependencies: only
 * {@code dev.junction.graph} and {@code dev.junction.pg} may use them, and only {@code dev.junction.sql} and
 * {@code dev.junction.pg} may use {@code java.sql} (the module descriptor requires it statically). The first test
 * reads the constant pool bytes of every other class of the library; the second loads and initializes all of them.
 * The build runs this class a second time with those dependencies removed from the class path (the surefire
 * execution {@code core-without-optional-deps}, which sets {@code junction.optional.absent}), together with core
 * tests, to show that the core runs without them.
 */
class OptionalDependenciesTest {

    private static final List<String> GRAPH = List.of("org/jgrapht/", "org/jheaps/", "org/apfloat/");
    private static final List<String> PG = List.of("org/postgresql/");
    private static final List<String> SQL = List.of("java/sql/");

    /** Package of the library (as in class files) → what its classes may not refer to; the core: all of them. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "dev/junction/graph/", concat(PG, SQL),
            "dev/junction/pg/", GRAPH,
            "dev/junction/sql/", concat(GRAPH, PG));
    private static final List<String> CORE = concat(concat(GRAPH, PG), SQL);

    @Test
    void onlyTheGraphAndPgPackagesReferToTheOptionalDependencies() throws IOException {
        Map<String, byte[]> classes = libraryClasses();
        assertTrue(classes.containsKey("dev/junction/Junction.class"), "the library's classes were not found");
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            // class names are ASCII in the constant pool (modified UTF-8), in names and descriptors alike
            String pool = new String(c.getValue(), StandardCharsets.ISO_8859_1);
            for (String forbidden : forbiddenFor(c.getKey())) {
                if (pool.contains(forbidden)) found.add(c.getKey() + " refers to " + forbidden);
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void everyCoreClassLoadsAndInitializes() throws Exception {
        int loaded = 0;
        for (String file : libraryClasses().keySet()) {
            if (file.startsWith("dev/junction/graph/") || file.startsWith("dev/junction/pg/")
                    || file.endsWith("module-info.class")) {
                continue;
            }
            String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
            Class.forName(name, true, Junction.class.getClassLoader());
            loaded++;
        }
        assertTrue(loaded > 100, "only " + loaded + " classes");
    }

    /** Only in the build's second surefire execution: the optional libraries really are absent there. */
    @Test
    void theOptionalLibrariesAreAbsent() {
        assumeTrue(Boolean.getBoolean("junction.optional.absent"), "run by the core-without-optional-deps execution");
        for (String name : List.of("org.jgrapht.Graph", "org.jheaps.AddressableHeap", "org.apfloat.Apfloat",
                "org.postgresql.Driver")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name + " is on the class path");
        }
        // the optional packages need them: their classes load, using them does not
        assertThrows(NoClassDefFoundError.class, () -> dev.junction.graph.RelationGraph.class.getMethods());
        assertFalse(Junction.create().table("t").contains("x"));
    }

    private static List<String> forbiddenFor(String classFile) {
        for (Map.Entry<String, List<String>> e : FORBIDDEN.entrySet()) {
            if (classFile.startsWith(e.getKey())) return e.getValue();
        }
        return CORE;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /** Every class file of the library (target/classes, or its jar), by path. */
    private static Map<String, byte[]> libraryClasses() throws IOException {
        Path where;
        try {
            where = Path.of(Junction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Map<String, byte[]> out = new TreeMap<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    out.put(where.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
        } else {
            try (ZipFile jar = new ZipFile(where.toFile())) {
                for (ZipEntry e : java.util.Collections.list(jar.entries())) {
                    if (!e.getName().endsWith(".class")) continue;
                    try (InputStream in = jar.getInputStream(e)) {
                        out.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }
}
