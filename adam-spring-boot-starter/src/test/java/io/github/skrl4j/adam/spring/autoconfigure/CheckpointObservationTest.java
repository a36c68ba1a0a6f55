package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Checkpoints observed: {@code resume} as an Observation named {@value AdamMetrics#CHECKPOINT}, and
 * every save as a timer of the same name from its {@link io.github.skrl4j.adam.CheckpointEvent}.
 */
class CheckpointObservationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class,
                    AdamObservationAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.01");

    @TempDir
    Path dir;

    private Path saved(OptimizerFactory factory, int steps) {
        Tensors params = model();
        Path file = dir.resolve("policy-" + steps + ".safetensors");
        try (Optimizer optimizer = factory.create("policy", params)) {
            for (int i = 0; i < steps; i++) {
                optimizer.step(gradient(), params);
            }
            optimizer.save(file);
        }
        return file;
    }

    @Test
    void aResumeIsOneObservationWithNameOperationAndOutcome() {
        runner.withBean(TestObservationRegistry.class, TestObservationRegistry::create).run(context -> {
            assertThat(context).hasSingleBean(ObservationResumeObserver.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Path file = saved(factory, 3);

            Optimizer resumed = factory.resume("policy", model(), file);

            assertThat(resumed.count()).isEqualTo(3);
            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                    .hasNumberOfObservationsWithNameEqualTo(AdamMetrics.CHECKPOINT, 1)
                    .hasObservationWithNameEqualTo(AdamMetrics.CHECKPOINT).that()
                    .hasBeenStarted().hasBeenStopped()
                    .hasContextualNameEqualTo("resume policy")
                    .hasLowCardinalityKeyValue(AdamMetrics.TAG_NAME, "policy")
                    .hasLowCardinalityKeyValue(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_LOAD)
                    .hasLowCardinalityKeyValue(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_SUCCESS)
                    .hasHighCardinalityKeyValue(ObservationResumeObserver.KEY_FILE, file.toString())
                    .hasHighCardinalityKeyValue(ObservationResumeObserver.KEY_COUNT, "3")
                    .doesNotHaveError();
        });
    }

    @Test
    void aFailedResumeIsObservedWithItsErrorAndRegistersNothing() throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        runner.withBean(TestObservationRegistry.class, TestObservationRegistry::create).run(context -> {
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);

            assertThatThrownBy(() -> factory.resume("policy", model(), corrupt)).isInstanceOf(CheckpointException.class);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                    .hasObservationWithNameEqualTo(AdamMetrics.CHECKPOINT).that()
                    .hasBeenStopped()
                    .hasLowCardinalityKeyValue(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_FAILURE)
                    .assertThatError().isInstanceOf(CheckpointException.class);
            assertThat(context.getBean(io.github.skrl4j.adam.spring.OptimizerRegistry.class).names()).isEmpty();
        });
    }

    @Test
    void withMicrometersMeterHandlerAResumeAndASaveAreTimersOfOneNameAndTagKeys() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        runner.withBean(MeterRegistry.class, () -> meters).withBean(ObservationRegistry.class, () -> observations)
                .run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Path file = saved(factory, 2); // a save of an optimizer registered and metered
                    Tensors params = model();
                    Optimizer resumed = factory.resume("policy", params, file);
                    resumed.step(gradient(), params);
                    resumed.save(file);

                    Timer loads = meters.get(AdamMetrics.CHECKPOINT).tag(AdamMetrics.TAG_NAME, "policy")
                            .tag(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_LOAD)
                            .tag(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_SUCCESS).tag(AdamMetrics.TAG_ERROR, "none")
                            .timer();
                    assertThat(loads.count()).isEqualTo(1);
                    // the first save's optimizer was closed, so its timer went with it: only the second is left
                    Timer saves = meters.get(AdamMetrics.CHECKPOINT).tag(AdamMetrics.TAG_NAME, "policy")
                            .tag(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_SAVE)
                            .tag(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_SUCCESS).tag(AdamMetrics.TAG_ERROR, "none")
                            .timer();
                    assertThat(saves.count()).isEqualTo(1);
                    assertThat(saves.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                    assertThat(saves.getId().getTags()).extracting(t -> t.getKey())
                            .containsExactlyInAnyOrderElementsOf(loads.getId().getTags().stream()
                                    .map(t -> t.getKey()).toList());
                });
    }

    private ApplicationContextRunner withSpringBootsObservationAndMetrics() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration.class,
                        org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration.class,
                        org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration.class,
                        org.springframework.boot.micrometer.metrics.autoconfigure.export.simple
                                .SimpleMetricsExportAutoConfiguration.class,
                        AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class,
                        AdamObservationAutoConfiguration.class))
                .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.01");
    }

    @Test
    void withSpringBootsAutoConfigurationAResumeBecomesATimer() {
        withSpringBootsObservationAndMetrics().run(context -> {
            assertThat(context).hasSingleBean(ObservationResumeObserver.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            factory.resume("policy", model(), saved(factory, 2));

            assertThat(context.getBean(MeterRegistry.class).get(AdamMetrics.CHECKPOINT)
                    .tag(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_LOAD)
                    .tag(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_SUCCESS).timer().count()).isEqualTo(1);
        });
    }

    @Test
    void springBootsObservationSwitchTurnsTheResumeObservationOff() {
        withSpringBootsObservationAndMetrics()
                .withPropertyValues("management.observations.enable.skrl.optim.adam.checkpoint=false")
                .run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    assertThat(factory.resume("policy", model(), saved(factory, 2)).count()).isEqualTo(2);

                    assertThat(context.getBean(MeterRegistry.class).find(AdamMetrics.CHECKPOINT)
                            .tag(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_LOAD).timers()).isEmpty();
                });
    }

    @Test
    void aFailedSaveIsTimedAsAFailureNamingTheException() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        runner.withBean(SimpleMeterRegistry.class).run(context -> {
            Tensors params = model();
            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
            policy.step(gradient(), params);

            assertThatThrownBy(() -> policy.save(notADirectory.resolve("policy.safetensors")))
                    .isInstanceOf(CheckpointException.class);

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get(AdamMetrics.CHECKPOINT).tag(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_FAILURE)
                    .tag(AdamMetrics.TAG_ERROR, "CheckpointException").timer().count()).isEqualTo(1);
            policy.close();
            assertThat(meters.find(AdamMetrics.CHECKPOINT).meters()).isEmpty();
        });
    }

    @Test
    void noObserverWithoutAnObservationRegistry_resumeStillWorks() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ResumeObserver.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            assertThat(factory.resume("policy", model(), saved(factory, 1)).count()).isEqualTo(1);
        });
    }

    @Test
    void noObserverWithoutMicrometerOnTheClassPath() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ResumeObserver.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            assertThat(factory.resume("policy", model(), saved(factory, 2)).count()).isEqualTo(2);
        });
    }
}
