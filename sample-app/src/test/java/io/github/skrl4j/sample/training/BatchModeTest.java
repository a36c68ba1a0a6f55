package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.sample.SampleApplication;
import io.github.skrl4j.testsupport.ChildJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --sample.training.exit-when-done=true}: the real application in its own JVM, judged by its exit code. */
@ChildJvm
class BatchModeTest {

    @TempDir
    Path dir;

    private Process launch(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SampleApplication.class.getName());
        command.add("--server.port=0");
        command.add("--sample.training.exit-when-done=true");
        command.add("--sample.training.checkpoint-dir=" + dir.resolve("checkpoints"));
        command.addAll(List.of(args));
        File log = dir.resolve("app.log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private int exitCode(Process process) throws Exception {
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the application did not exit: " + Files.readString(dir.resolve("app.log")));
        }
        return process.exitValue();
    }

    @Test
    void exitsZeroWhenSolved() throws Exception {
        // a lower bar than 475 keeps the test short; the path to exit 0 is the same
        int code = exitCode(launch("--sample.training.solved-threshold=60"));
        String log = Files.readString(dir.resolve("app.log"));
        assertThat(code).as(log).isZero();
        assertThat(log).contains("Training SOLVED");
    }

    @Test
    void exitsNonZeroWhenTheBudgetRunsOut() throws Exception {
        int code = exitCode(launch("--sample.training.max-environment-steps=1024"));
        String log = Files.readString(dir.resolve("app.log"));
        assertThat(code).as(log).isEqualTo(TrainingService.EXIT_BUDGET_EXHAUSTED);
        assertThat(log).contains("Training BUDGET_EXHAUSTED");
        assertThat(dir.resolve("checkpoints").resolve("update-000001")).isDirectory();
    }
}
