package io.github.skrl4j.adam.distributed.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.ProbeJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * adam-distributed's jar (the one {@code package} built, path in {@code skrl4j.publishedJar}) with
 * adam-core on the module path of a JVM of its own, used by {@link ModulePathProbe} from the class
 * path: the API and the SPI are exported, the engine's package is not, and the API works there. On
 * the class path nothing changes.
 */
@ChildJvm
class ModulePathIT {

    private static final Path JAR = Path.of(System.getProperty("skrl4j.publishedJar"));

    @Test
    void theEnginesPackageIsNotAccessibleAndTheApiWorks() throws Exception {
        assertThat(JAR).isRegularFile();
        Map<String, String> facts = run(List.of("--module-path", JAR + File.pathSeparator + ProbeJvm.location(Tensors.class),
                "--add-modules", "io.github.skrl4j.adam.distributed", "-cp", ProbeJvm.location(ModulePathProbe.class)));

        assertThat(facts).containsEntry("module", "io.github.skrl4j.adam.distributed")
                .containsEntry("exports.api", "true").containsEntry("exports.spi", "true")
                .containsEntry("exports.internal", "false")
                .containsEntry("internal.call", "refused: IllegalAccessException")
                .containsEntry("mean", "2.0,3.0 2.0,3.0");
    }

    @Test
    void onTheClassPathNothingChanges() throws Exception {
        Map<String, String> facts = run(List.of("-cp", String.join(File.pathSeparator, JAR.toString(),
                ProbeJvm.location(Tensors.class), ProbeJvm.location(ModulePathProbe.class))));

        assertThat(facts).containsEntry("module", "null (unnamed)").containsEntry("exports.internal", "true")
                .containsEntry("internal.call", "allowed").containsEntry("mean", "2.0,3.0 2.0,3.0");
    }

    /** Runs the probe in a JVM of its own with {@code options}; its facts by key. */
    private static Map<String, String> run(List<String> options) throws IOException, InterruptedException {
        return ProbeJvm.run(ModulePathProbe.class, options);
    }
}
