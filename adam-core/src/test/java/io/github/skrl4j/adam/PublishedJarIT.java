package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads the jar that {@code package} built (failsafe runs this after it, path in
 * {@code skrl4j.publishedJar}) as a user's JVM and build tools will: its module descriptor and the
 * licence files. ModulePathIT runs it on the module path.
 */
class PublishedJarIT {

    private static final Path JAR = Path.of(System.getProperty("skrl4j.publishedJar"));

    @Test
    void onTheModulePathTheJarIsTheModuleOfItsDescriptorExportingTheApiOnly() {
        assertThat(JAR).isRegularFile();
        Set<ModuleReference> modules = ModuleFinder.of(JAR).findAll();
        assertThat(modules).hasSize(1);
        ModuleDescriptor module = modules.iterator().next().descriptor();

        assertThat(module.name()).isEqualTo("io.github.skrl4j.adam");
        assertThat(module.isAutomatic()).isFalse();
        assertThat(module.packages()).contains("io.github.skrl4j.adam", "io.github.skrl4j.adam.schedule",
                "io.github.skrl4j.adam.internal.kernel");
        assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse())
                .extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("io.github.skrl4j.adam", "io.github.skrl4j.adam.schedule");
        assertThat(module.opens()).isEmpty();
        // optional at run time: the warm-up's allocation meter, nullness annotations; the incubator
        // module is not named (AdamKernels makes the module read it when the JVM has it)
        assertThat(module.requires()).filteredOn(r -> !r.name().equals("java.base"))
                .allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("java.management", "jdk.management", "org.jspecify");
    }

    @Test
    void carriesTheLicenceAndTheNoticeInMetaInf() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(entry(jar, "META-INF/LICENSE")).contains("Apache License", "Version 2.0, January 2004");
            assertThat(entry(jar, "META-INF/NOTICE")).contains("skrl4j", "skrl", "Optax", "Gymnasium");
            assertThat(jar.getJarEntry("module-info.class")).isNotNull();
        }
    }

    @Test
    void theVectorKernelShipsInTheJar() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Set<String> names = jar.stream().map(e -> e.getName()).collect(Collectors.toSet());
            assertThat(names).contains("io/github/skrl4j/adam/internal/kernel/VectorAdamKernel.class");
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
