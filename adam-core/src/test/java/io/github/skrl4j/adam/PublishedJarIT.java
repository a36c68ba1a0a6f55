package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.PublishedJarChecks;
import java.io.IOException;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * adam-core's jar as users get it: the checks of every published jar (module name, licence, sources,
 * javadoc), its API packages and the vector kernel.
 */
class PublishedJarIT extends PublishedJarChecks {

    PublishedJarIT() {
        super("io.github.skrl4j.adam");
    }

    @Test
    void theModuleHoldsTheApiPackages() {
        assertThat(module().packages()).contains("io.github.skrl4j.adam", "io.github.skrl4j.adam.schedule");
    }

    @Test
    void theVectorKernelShipsInTheJar() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(names(file)).contains("io/github/skrl4j/adam/internal/kernel/VectorAdamKernel.class");
        }
    }
}
