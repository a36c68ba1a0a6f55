package io.github.skrl4j.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The checks every published module's jars pass, read as a user's JVM, build tool and IDE will read
 * them: the module name the JVM gives the jar on the module path, {@code META-INF/LICENSE} and
 * {@code NOTICE} in the jar, the sources jar and the javadoc jar. A module's {@code PublishedJarIT}
 * extends this class with its module name and adds what is its own (packages, auto-configurations,
 * Kotlin metadata, ...).
 *
 * <p>Failsafe runs the {@code *IT} classes after {@code package}, with the jar's path in
 * {@code skrl4j.publishedJar} (the root POM); the sources and javadoc jars lie beside it.
 */
public abstract class PublishedJarChecks {

    /** The main jar that {@code package} built. */
    protected final Path jar = Path.of(System.getProperty("skrl4j.publishedJar"));

    private final String moduleName;

    /** @param moduleName the module name users {@code require}, e.g. {@code io.github.skrl4j.adam} */
    protected PublishedJarChecks(String moduleName) {
        this.moduleName = moduleName;
    }

    @Test
    void onTheModulePathTheJarIsTheModuleOfItsStableName() throws IOException {
        ModuleDescriptor module = module();
        // without a module-info or a manifest entry the JVM would name it after the file ("adam.core")
        assertThat(module.name()).isEqualTo(moduleName);
        if (module.isAutomatic()) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                        .isEqualTo(moduleName);
            }
        }
    }

    @Test
    void carriesTheLicenceAndTheNoticeInMetaInf() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertLicenceAndNotice(file);
        }
    }

    @Test
    void theSourcesJarHoldsTheModulesSourcesAndTheLicence() throws IOException {
        String packagePath = moduleName.replace('.', '/') + "/";
        try (JarFile sources = new JarFile(sibling("sources").toFile())) {
            assertThat(names(sources)).anyMatch(n -> n.startsWith(packagePath)
                    && (n.endsWith(".java") || n.endsWith(".kt")));
            assertLicenceAndNotice(sources);
        }
    }

    @Test
    void theJavadocJarHoldsApiPagesNotClasses() throws IOException {
        try (JarFile docs = new JarFile(sibling("javadoc").toFile())) {
            // javadoc's and Dokka's pages both start at index.html
            assertThat(names(docs)).contains("index.html").noneMatch(n -> n.endsWith(".class"));
            assertLicenceAndNotice(docs);
        }
    }

    /** The module the JVM finds in the jar, alone. */
    protected final ModuleDescriptor module() {
        assertThat(jar).isRegularFile();
        Set<ModuleReference> modules = ModuleFinder.of(jar).findAll();
        assertThat(modules).hasSize(1);
        return modules.iterator().next().descriptor();
    }

    /** The jar of {@code classifier} ({@code sources}, {@code javadoc}) beside the main jar. */
    protected final Path sibling(String classifier) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-" + classifier + ".jar");
    }

    /** The entry {@code name} of {@code file} as UTF-8 text; fails when there is none. */
    protected static String text(JarFile file, String name) {
        JarEntry entry = file.getJarEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (InputStream in = file.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every entry of {@code file}. */
    protected static List<String> names(JarFile file) {
        return file.stream().map(JarEntry::getName).collect(Collectors.toList());
    }

    private static void assertLicenceAndNotice(JarFile file) {
        assertThat(text(file, "META-INF/LICENSE")).contains("Apache License", "Version 2.0, January 2004");
        assertThat(text(file, "META-INF/NOTICE")).contains("skrl4j", "skrl", "Optax", "Gymnasium");
    }
}
