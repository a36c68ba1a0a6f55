package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Reads the jar that {@code package} built (failsafe runs this after it, path in
 * {@code skrl4j.publishedJar}) as a user's JVM will: the module name the JVM derives and the licence
 * files.
 */
class PublishedJarIT {

    private static final Path JAR = Path.of(System.getProperty("skrl4j.publishedJar"));

    @Test
    void onTheModulePathTheJarIsTheStableAutomaticModuleNamedInItsManifest() {
        assertThat(JAR).isRegularFile();
        Set<ModuleReference> modules = ModuleFinder.of(JAR).findAll();
        assertThat(modules).hasSize(1);
        ModuleDescriptor module = modules.iterator().next().descriptor();

        // without the manifest entry the JVM would name it after the file: "adam.hazelcast"
        assertThat(module.name()).isEqualTo("io.github.skrl4j.adam.hazelcast");
        assertThat(module.isAutomatic()).isTrue();
        // the data plane's package lives here until it moves into adam-distributed (issue 21)
        assertThat(module.packages()).containsExactlyInAnyOrder("io.github.skrl4j.adam.hazelcast",
                "io.github.skrl4j.adam.distributed.wire");
    }

    @Test
    void carriesTheLicenceAndTheNotice() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(entry(jar, "META-INF/LICENSE")).contains("Apache License", "Version 2.0, January 2004");
            assertThat(entry(jar, "META-INF/NOTICE")).contains("skrl4j", "skrl", "Optax", "Gymnasium");
        }
    }

    private static String entry(JarFile jar, String name) throws IOException {
        var entry = jar.getJarEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (var in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
