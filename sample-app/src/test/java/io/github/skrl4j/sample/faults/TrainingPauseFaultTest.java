package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.annotation.UserConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The training-pause fault: off by default, holds a real optimizer's stepping thread while on, bounded. */
@Timeout(60)
class TrainingPauseFaultTest {

    private final Tensors model = Tensors.of(Tensor.of("w", new float[] {1f, 2f}, 2));
    private final Tensors grad = Tensors.of(Tensor.of("w", new float[] {0.1f, 0.2f}, 2));

    @Test
    void neitherTheFaultNorItsEndpointExistUnlessEnabled() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(UserConfigurations.of(FaultConfiguration.class, FaultController.class));
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(TrainingPauseFault.class);
            assertThat(context).doesNotHaveBean(FaultController.class);
        });
        runner.withPropertyValues("sample.faults.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(TrainingPauseFault.class);
            assertThat(context).hasSingleBean(FaultController.class);
        });
    }

    @Test
    void withoutAPauseStepsRunThrough() {
        TrainingPauseFault fault = new TrainingPauseFault();
        try (Optimizer optimizer = Adam.create(model, 1e-3, 0, true)) {
            optimizer.addListener(fault);
            optimizer.step(grad, model);
            optimizer.step(grad, model);
            assertThat(optimizer.count()).isEqualTo(2);
            assertThat(fault.isPaused()).isFalse();
        }
    }

    @Test
    void aPauseHoldsTheSteppingThreadAfterItsStepUntilResumed() throws Exception {
        TrainingPauseFault fault = new TrainingPauseFault();
        try (Optimizer optimizer = Adam.create(model, 1e-3, 0, true)) {
            optimizer.addListener(fault);
            fault.pauseFor(Duration.ofSeconds(30));
            assertThat(fault.isPaused()).isTrue();
            Thread trainer = new Thread(() -> optimizer.step(grad, model), "trainer");
            trainer.start();

            trainer.join(500);
            assertThat(trainer.isAlive()).as("held by the pause").isTrue();
            assertThat(optimizer.count()).as("the step itself was applied").isEqualTo(1);
            // the optimizer can be read (as the meters are scraped) while its thread is held
            assertThat(optimizer.state().count()).isEqualTo(1);

            fault.resume();
            trainer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(trainer.isAlive()).isFalse();
            assertThat(fault.isPaused()).isFalse();
            optimizer.step(grad, model);
            assertThat(optimizer.count()).isEqualTo(2);
        }
    }

    @Test
    void aPauseEndsByItself() throws Exception {
        TrainingPauseFault fault = new TrainingPauseFault();
        try (Optimizer optimizer = Adam.create(model, 1e-3, 0, true)) {
            optimizer.addListener(fault);
            fault.pauseFor(Duration.ofSeconds(1));
            Thread trainer = new Thread(() -> optimizer.step(grad, model), "trainer");
            trainer.start();
            trainer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(trainer.isAlive()).isFalse();
            assertThat(fault.isPaused()).isFalse();
        }
    }

    @Test
    void aPauseIsBoundedAndTheEndpointRefusesOthers() {
        TrainingPauseFault fault = new TrainingPauseFault();
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(601)}) {
            assertThatThrownBy(() -> fault.pauseFor(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 600 s");
            assertThat(fault.isPaused()).isFalse();
        }
        FaultController controller = new FaultController(fault);
        assertThat(controller.pause(0).getStatusCode().value()).isEqualTo(400);
        assertThat(controller.pause(601).getStatusCode().value()).isEqualTo(400);
        assertThat(fault.isPaused()).isFalse();
        assertThat(controller.pause(600).getStatusCode().value()).isEqualTo(200);
        assertThat(fault.isPaused()).isTrue();
        assertThat(controller.resume()).containsEntry("paused", false);
        assertThat(fault.isPaused()).isFalse();
    }
}
