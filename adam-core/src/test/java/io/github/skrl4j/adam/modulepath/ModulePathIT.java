package io.github.skrl4j.adam.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private static Map<String, String> probe(boolean vectorModule) throws IOException, InterruptedException,
            URISyntaxException {
        assertThat(JAR).isRegularFile();
        return run(List.of("--module-path", JAR.toString(), "--add-modules",
                vectorModule ? "io.github.skrl4j.adam,jdk.incubator.vector" : "io.github.skrl4j.adam",
                "-cp", probeClasses().toString()));
    }

    private static Path probeClasses() throws URISyntaxException {
        return Path.of(ModulePathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs the probe in a JVM of its own with {@code options}; its facts by key. */
    private static Map<String, String> run(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(options);
        command.add(ModulePathProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("the probe finished: " + output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z.]+")) {
                facts.put(line.substring(0, eq), line.substring(eq + 1)); // a later fact of a key wins
            }
        }
        return facts;
    }
}
