package io.github.skrl4j.adam.spring.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The jar that {@code package} built carries the kit at the path the README gives, byte for byte as in the sources. */
class MonitoringKitJarIT {

    private static final Path JAR = Path.of(System.getProperty("skrl4j.publishedJar"));
    private static final Path SOURCE = Path.of("src/main/resources").resolve(MonitoringKit.RESOURCE_DIR);

    @Test
    void theJarCarriesTheRulesAndTheDashboard() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String file : MonitoringKit.FILES) {
                JarEntry entry = jar.getJarEntry(MonitoringKit.RESOURCE_DIR + file);
                assertThat(entry).as(MonitoringKit.RESOURCE_DIR + file).isNotNull();
                try (InputStream in = jar.getInputStream(entry)) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo(Files.readString(SOURCE.resolve(file)));
                }
            }
        }
    }
}
