package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.PublishedJarChecks;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * adam-core's jar as users get it: the checks of every published jar (module name, licence, sources,
 * javadoc), its module descriptor exporting the API only, and the vector kernel. ModulePathIT runs the jar
 * on the module path.
 */
class PublishedJarIT extends PublishedJarChecks {

    PublishedJarIT() {
        super("io.github.skrl4j.adam");
    }

    @Test
    void theModuleDescriptorExportsTheApiOnly() throws IOException {
        ModuleDescriptor module = module();
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
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getJarEntry("module-info.class")).isNotNull();
        }
    }

    @Test
    void theVectorKernelShipsInTheJar() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(names(file)).contains("io/github/skrl4j/adam/internal/kernel/VectorAdamKernel.class");
        }
    }
}
