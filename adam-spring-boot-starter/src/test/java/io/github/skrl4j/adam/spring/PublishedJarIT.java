package io.github.skrl4j.adam.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.PublishedJarChecks;
import java.io.IOException;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The starter's jar as users and Spring Boot get it: the checks of every published jar, its packages
 * and the auto-configuration list.
 */
class PublishedJarIT extends PublishedJarChecks {

    PublishedJarIT() {
        super("io.github.skrl4j.adam.spring");
    }

    @Test
    void theModuleHoldsTheStarterPackages() {
        assertThat(module().packages())
                .contains("io.github.skrl4j.adam.spring", "io.github.skrl4j.adam.spring.autoconfigure");
    }

    @Test
    void listsTheAutoConfigurations() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(text(file, "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))
                    .contains("io.github.skrl4j.adam.spring.autoconfigure.AdamAutoConfiguration");
        }
    }
}
