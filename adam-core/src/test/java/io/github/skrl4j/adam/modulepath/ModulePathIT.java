package io.github.skrl4j.adam.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.ProbeJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * adam-core's jar (the one {@code package} built, path in {@code skrl4j.publishedJar}) on the module
 * path of a JVM of its own, used by {@link ModulePathProbe} from the class path: the module exports
 * its API and not its internal packages, and the vector kernel loads there when the JVM adds
 * {@code jdk.incubator.vector}, with the same bits as the portable kernel. On the class path nothing
 * changes: the descriptor is ignored there.
 */
@ChildJvm
class ModulePathIT {

    private static final Path JAR = Path.of(System.getProperty("skrl4j.publishedJar"));

    @Test
    void anInternalPackageIsNotAccessibleFromOutsideTheModule() throws Exception {
        Map<String, String> facts = probe(false);

        assertThat(facts).containsEntry("module", "io.github.skrl4j.adam").containsEntry("exports.api", "true")
                .containsEntry("exports.internal.kernel", "false");
        assertThat(facts.get("internal.call")).isEqualTo("refused: IllegalAccessException");
        assertThat(facts.get("internal.setAccessible")).isEqualTo("refused: InaccessibleObjectException");
    }

    @Test
    void theVectorKernelLoadsOnTheModulePathWhenTheJvmAddsTheIncubatorModule() throws Exception {
        Map<String, String> portable = probe(false);
        Map<String, String> vector = probe(true);

        assertThat(portable).containsEntry("kernel", "scalar").containsEntry("vectorized", "false");
        assertThat(vector.get("kernel")).startsWith("vector-");
        assertThat(vector).containsEntry("vectorized", "true").containsEntry("warm", "true");
        assertThat(vector.get("parameters")).as("both kernels' bits").isEqualTo(portable.get("parameters"));
    }

    @Test
    void onTheClassPathNothingChanges() throws Exception {
        Map<String, String> facts = run(List.of("-cp", JAR + File.pathSeparator + probeClasses()));

        assertThat(facts).containsEntry("module", "null (unnamed)").containsEntry("exports.internal.kernel", "true")
                .containsEntry("internal.call", "allowed: scalar").containsEntry("internal.setAccessible", "allowed");
        assertThat(facts.get("parameters")).isEqualTo(probe(false).get("parameters"));
    }

    private static Map<String, String> probe(boolean vectorModule) throws IOException, InterruptedException {
        assertThat(JAR).isRegularFile();
        return run(List.of("--module-path", JAR.toString(), "--add-modules",
                vectorModule ? "io.github.skrl4j.adam,jdk.incubator.vector" : "io.github.skrl4j.adam",
                "-cp", probeClasses()));
    }

    private static String probeClasses() {
        return ProbeJvm.location(ModulePathProbe.class);
    }

    /** Runs the probe in a JVM of its own with {@code options}; its facts by key. */
    private static Map<String, String> run(List<String> options) throws IOException, InterruptedException {
        return ProbeJvm.run(ModulePathProbe.class, options);
    }
}
