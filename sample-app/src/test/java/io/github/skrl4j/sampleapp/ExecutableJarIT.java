package io.github.skrl4j.sampleapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar that {@code package} built, started as the README's data-parallel lines start it
 * ({@code java --add-modules jdk.incubator.vector -jar ... --spring.profiles.active=distributed}), here as a world
 * of one on loopback with a cluster name and port of its own: Hazelcast finds the JDK packages it asks for through
 * the manifest's {@code Add-Opens}/{@code Add-Exports}, so it starts without its {@code --add-opens} warning.
 */
@ChildJvm
@HazelcastCluster
class ExecutableJarIT {

    /** The start of the WARN Hazelcast 5.5 logs when it lacks access to JDK internals. */
    private static final String HAZELCAST_ACCESS_WARNING = "without proper access to required Java packages";

    @TempDir
    Path dir;

    private static Path jar() {
        return Path.of(System.getProperty("skrl4j.publishedJar"));
    }

    /** Runs the application from the jar (to budget exhaustion: exit 2), either as {@code -jar} or from the class path. */
    private String run(boolean asJar) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dhz.cluster-name=" + LoopbackCluster.newClusterName(),
                "-Dhz.network.port.port=" + LoopbackCluster.freePorts(1)[0], "--add-modules", "jdk.incubator.vector"));
        if (asJar) {
            command.addAll(List.of("-jar", jar().toString()));
        } else {
            // the same jar without -jar: the JVM ignores its manifest's Add-Opens, Hazelcast must warn
            command.addAll(List.of("-cp", jar().toString(), "org.springframework.boot.loader.launch.JarLauncher"));
        }
        command.addAll(List.of("--spring.profiles.active=distributed", "--server.port=0",
                "--skrl.optim.adam.distributed.world-size=1", "--sample.training.exit-when-done=true",
                "--sample.training.max-environment-steps=1024",
                "--sample.training.checkpoint-dir=" + dir.resolve(asJar ? "jar" : "cp"),
                "--logging.level.com.hazelcast=info"));
        File log = dir.resolve(asJar ? "jar.log" : "cp.log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the application did not exit: " + Files.readString(log.toPath()));
        }
        String output = Files.readString(log.toPath());
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).as("a Hazelcast member of one formed").contains("Members {size:1")
                .contains("Training BUDGET_EXHAUSTED");
        return output;
    }

    @Test
    void theManifestOpensWhatHazelcastAsksFor() throws Exception {
        try (JarFile jar = new JarFile(jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Add-Opens").split(" ")).containsExactlyInAnyOrder("java.base/java.lang",
                    "java.base/sun.nio.ch", "java.management/sun.management",
                    "jdk.management/com.sun.management.internal");
            assertThat(main.getValue("Add-Exports")).isEqualTo("java.base/jdk.internal.ref");
        }
    }

    @Test
    void theReadmesJavaJarLineStartsHazelcastWithoutItsAddOpensWarning() throws Exception {
        assertThat(run(true)).doesNotContain(HAZELCAST_ACCESS_WARNING).doesNotContain("--add-opens");
    }

    @Test
    void withoutTheManifestHazelcastWarnsSoTheCheckAboveCanFail() throws Exception {
        assertThat(run(false)).contains(HAZELCAST_ACCESS_WARNING);
    }
}
