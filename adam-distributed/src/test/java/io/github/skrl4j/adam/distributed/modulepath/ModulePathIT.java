package io.github.skrl4j.adam.distributed.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Tensors;
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
        Map<String, String> facts = run(List.of("--module-path", JAR + File.pathSeparator + location(Tensors.class),
                "--add-modules", "io.github.skrl4j.adam.distributed", "-cp", location(ModulePathProbe.class)));

        assertThat(facts).containsEntry("module", "io.github.skrl4j.adam.distributed")
                .containsEntry("exports.api", "true").containsEntry("exports.spi", "true")
                .containsEntry("exports.internal", "false")
                .containsEntry("internal.call", "refused: IllegalAccessException")
                .containsEntry("mean", "2.0,3.0 2.0,3.0");
    }

    @Test
    void onTheClassPathNothingChanges() throws Exception {
        Map<String, String> facts = run(List.of("-cp", String.join(File.pathSeparator, JAR.toString(),
                location(Tensors.class), location(ModulePathProbe.class))));

        assertThat(facts).containsEntry("module", "null (unnamed)").containsEntry("exports.internal", "true")
                .containsEntry("internal.call", "allowed").containsEntry("mean", "2.0,3.0 2.0,3.0");
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
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
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return facts;
    }
}
