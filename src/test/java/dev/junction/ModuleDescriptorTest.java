package dev.junction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.IntSet;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's module descriptor, at run time. The tests themselves run on the class path (the build sets
 * surefire's {@code useModulePath} to false: some start child JVMs from {@code java.class.path}), so this test
 * boots the compiled classes as the named module {@code dev.junction} in a module layer of their own, with
 * fastutil as its only other module, and uses the engine through it.
 */
class ModuleDescriptorTest {

    private static final Set<String> PACKAGES = Set.of("dev.junction", "dev.junction.index", "dev.junction.query",
            "dev.junction.sql", "dev.junction.graph", "dev.junction.pg");

    @Test
    void exportsEveryPackageAndRequiresOnlyFastutilNonStatically() throws IOException {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("dev.junction", d.name());
        assertEquals(PACKAGES, d.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()));
        assertEquals(PACKAGES, packagesWithClasses(), "a package that is not exported, or the reverse");
        Set<String> mandatory = d.requires().stream()
                .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("java.base", "it.unimi.dsi.fastutil"), mandatory);
    }

    @Test
    void theModuleResolvesWithFastutilAloneAndWorks() throws Exception {
        Path fastutil = Path.of(IntSet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleFinder finder = ModuleFinder.of(classes(), fastutil);
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.junction"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module module = layer.findModule("dev.junction").orElseThrow();
        assertTrue(module.getDescriptor() != null && module.isNamed());

        ClassLoader loader = layer.findLoader("dev.junction");
        Class<?> junction = loader.loadClass("dev.junction.Junction");
        assertEquals(module, junction.getModule());
        Object db = junction.getMethod("create").invoke(null);
        Method table = junction.getMethod("table", String.class);
        Object posts = table.invoke(db, "posts");
        Object tags = table.invoke(db, "tags");
        Class<?> tableType = loader.loadClass("dev.junction.Table");
        Object rel = junction.getMethod("relation", String.class, tableType, tableType).invoke(db, "tagged", posts, tags);
        Class<?> relation = loader.loadClass("dev.junction.Relation");
        assertEquals(true, relation.getMethod("link", Object.class, Object.class).invoke(rel, "hello", "java"));
        assertEquals(Set.of("java"), relation.getMethod("rightsOf", Object.class).invoke(rel, "hello"));
        // the fastutil IntSet underneath comes from the fastutil module of the layer
        Object ints = relation.getMethod("ints").invoke(rel);
        Object rights = loader.loadClass("dev.junction.index.IntRelation").getMethod("rightsOf", int.class)
                .invoke(ints, 0);
        Module fastutilModule = layer.findModule("it.unimi.dsi.fastutil").orElseThrow();
        assertTrue(loader.loadClass("it.unimi.dsi.fastutil.ints.IntSet").isInstance(rights));
        assertEquals(fastutilModule, loader.loadClass("it.unimi.dsi.fastutil.ints.IntSet").getModule());
        // the graph view's optional module is not in this layer: its class cannot be loaded
        assertThrows(NoClassDefFoundError.class, () -> loader.loadClass("dev.junction.graph.RelationGraph"));
    }

    private static Path classes() {
        try {
            return Path.of(Junction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> packagesWithClasses() throws IOException {
        Path root = classes();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                    .map(f -> root.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
