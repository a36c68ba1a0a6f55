package io.github.skrl4j.adam.spring.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One source of truth: the kit lives in the starter's resources ({@value MonitoringKit#RESOURCE_DIR},
 * what the jar carries); {@code docs/monitoring/} holds identical copies for readers of the repository.
 */
class MonitoringCopiesTest {

    private static final Path SOURCE = Path.of("src/main/resources").resolve(MonitoringKit.RESOURCE_DIR);
    private static final Path DOCS = Path.of("../docs/monitoring");

    @Test
    void docsMonitoringHoldsExactCopiesOfTheStartersFiles() throws IOException {
        for (String file : MonitoringKit.FILES) {
            assertThat(DOCS.resolve(file)).as("docs/monitoring/%s", file).isRegularFile();
            assertThat(Files.readString(DOCS.resolve(file)))
                    .as("docs/monitoring/%s differs from the starter's; edit the starter's and run:"
                            + " cp adam-spring-boot-starter/src/main/resources/%s%s docs/monitoring/", file,
                            MonitoringKit.RESOURCE_DIR, file)
                    .isEqualTo(Files.readString(SOURCE.resolve(file)));
        }
        try (var listed = Files.list(SOURCE)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(MonitoringKit.FILES);
        }
    }
}
