package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.sample.SampleApplication;
import io.github.skrl4j.sample.ppo.PpoAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application's lifecycle around a run: stopping on shutdown, continuing from checkpoints,
 * refusing broken checkpoints and bad properties at start.
 */
class TrainingLifecycleTest {

    @TempDir
    Path dir;

    /** Starts the application without a web server; properties as command-line arguments, over application.yml. */
    private static ConfigurableApplicationContext start(String... properties) {
        String[] args = java.util.Arrays.stream(properties).map(p -> "--" + p).toArray(String[]::new);
        return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE).run(args);
    }

    private static TrainingSnapshot awaitEnd(ConfigurableApplicationContext context) throws InterruptedException {
        TrainingService service = context.getBean(TrainingService.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!service.status().isFinal()) {
            assertThat(System.nanoTime()).as("training ends in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        return service.snapshot();
    }

    @Test
    void aResumedRunContinuesCountersNetworksAndOptimizerState() throws Exception {
        TrainingSnapshot first;
        try (ConfigurableApplicationContext context = start("sample.training.max-environment-steps=2048",
                "sample.training.checkpoint-dir=" + dir)) {
            first = awaitEnd(context);
        }
        assertThat(first.updates()).isEqualTo(2);
        Path saved = dir.resolve("update-000002");
        assertThat(saved).isDirectory();

        Path second = dir.resolve("second");
        try (ConfigurableApplicationContext context = start("sample.training.max-environment-steps=4096",
                "sample.training.checkpoint-dir=" + second, "sample.training.resume-from=" + dir)) {
            TrainingService service = context.getBean(TrainingService.class);
            TrainingSnapshot resumed = awaitEnd(context);
            assertThat(resumed.status()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
            assertThat(resumed.resumedFrom()).isEqualTo(saved.toString());
            assertThat(resumed.environmentSteps()).isEqualTo(4096);
            assertThat(resumed.updates()).isEqualTo(4);
            assertThat(resumed.episodes()).isGreaterThan(first.episodes());
            // Optax's count continues: 2 saved updates plus 2 new ones, 160 steps each
            PpoAgent agent = service.agent();
            assertThat(agent).isNotNull();
            assertThat(agent.policyOptimizer().count()).isEqualTo(640);
            assertThat(agent.valueOptimizer().count()).isEqualTo(640);
            // the resumed optimizers are the registered ones that the meters and endpoint report
            OptimizerRegistry registry = context.getBean(OptimizerRegistry.class);
            assertThat(registry.get("policy")).isSameAs(agent.policyOptimizer());
            assertThat(registry.get("value")).isSameAs(agent.valueOptimizer());
            assertThat(second.resolve("update-000004")).isDirectory();
        }
    }

    @Test
    void closingTheApplicationStopsTrainingMidRunAndSavesIt() throws Exception {
        TrainingService service;
        try (ConfigurableApplicationContext context = start("sample.training.checkpoint-dir=" + dir)) {
            service = context.getBean(TrainingService.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (service.snapshot().environmentSteps() < 2048) {
                assertThat(System.nanoTime()).as("training makes progress").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(service.status()).isEqualTo(TrainingStatus.RUNNING);
        }
        // close() returned: the training thread has ended, and the run was saved where it stopped
        assertThat(service.isRunning()).isFalse();
        assertThat(service.status()).isEqualTo(TrainingStatus.STOPPED);
        TrainingSnapshot stopped = service.snapshot();
        assertThat(stopped.environmentSteps()).isLessThan(500_000);
        assertThat(stopped.lastCheckpoint()).isNotNull();
        assertThat(Path.of(stopped.lastCheckpoint()).resolve("progress.properties")).isRegularFile();
    }

    @Test
    void aCorruptCheckpointStopsTheStartWithItsName() throws Exception {
        try (ConfigurableApplicationContext context = start("sample.training.max-environment-steps=1024",
                "sample.training.checkpoint-dir=" + dir)) {
            awaitEnd(context);
        }
        Path policy = dir.resolve("update-000001").resolve("policy.safetensors");
        byte[] bytes = Files.readAllBytes(policy);
        Files.write(policy, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> start("sample.training.resume-from=" + dir))
                .hasRootCauseInstanceOf(CheckpointException.class)
                .rootCause().hasMessageContaining("policy.safetensors");
    }

    @Test
    void aCheckpointOfAnotherWorldSizeStopsTheStartNamingBothUnlessAllowed() throws Exception {
        try (ConfigurableApplicationContext context = start("sample.training.max-environment-steps=1024",
                "sample.training.checkpoint-dir=" + dir)) {
            awaitEnd(context);
        }
        Path progress = dir.resolve("update-000001").resolve("progress.properties");
        String written = Files.readString(progress);
        assertThat(written).as("a checkpoint records its world size").contains("worldSize=1");
        // as if written by rank 0 of two replicas
        Files.writeString(progress, written.replace("worldSize=1", "worldSize=2"));

        assertThatThrownBy(() -> start("sample.training.resume-from=" + dir,
                "sample.training.checkpoint-dir=" + dir.resolve("refused")))
                .hasStackTraceContaining("was written by a world of 2 replicas, this world has 1")
                .hasStackTraceContaining("sample.training.allow-world-size-change=true");
        assertThat(dir.resolve("refused")).doesNotExist();

        try (ConfigurableApplicationContext context = start("sample.training.max-environment-steps=2048",
                "sample.training.checkpoint-dir=" + dir.resolve("allowed"), "sample.training.resume-from=" + dir,
                "sample.training.allow-world-size-change=true")) {
            TrainingSnapshot resumed = awaitEnd(context);
            assertThat(resumed.status()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
            assertThat(resumed.updates()).isEqualTo(2);
        }
        assertThat(Files.readString(dir.resolve("allowed").resolve("update-000002").resolve("progress.properties")))
                .as("the continued run records the world it ran in").contains("worldSize=1");
    }

    @Test
    void resumingFromNothingStopsTheStart() {
        assertThatThrownBy(() -> start("sample.training.resume-from=" + dir.resolve("missing")))
                .hasRootCauseInstanceOf(CheckpointException.class)
                .rootCause().hasMessageContaining("no checkpoint at this path");
    }

    @Test
    void badTrainingPropertiesStopTheStartNamingTheProperty() {
        assertThatThrownBy(() -> start("sample.training.ppo.mini-batches=7"))
                .hasStackTraceContaining("sample.training.ppo")
                .hasStackTraceContaining("mini-batches must divide rollouts");
        assertThatThrownBy(() -> start("sample.training.max-environment-steps=0"))
                .hasStackTraceContaining("sample.training")
                .hasStackTraceContaining("maxEnvironmentSteps");
        assertThatThrownBy(() -> start("sample.training.kl-adaptive.min-lr=0.5"))
                .hasStackTraceContaining("sample.training.klAdaptive")
                .hasStackTraceContaining("min-lr must not exceed max-lr");
    }
}
