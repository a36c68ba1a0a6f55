package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.distributed.CollectiveException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.annotation.UserConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The training-failure fault: off by default, and once armed it fails the training, not the world, exactly once.
 * (That the replica then gives up and the other's run fails at once: {@code ReplicaRecoveryTest}.)
 */
class TrainingFailureFaultTest {

    @Test
    void neitherTheFaultNorItsEndpointExistUnlessEnabled() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(UserConfigurations.of(FaultConfiguration.class, TrainingFailureController.class));
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(TrainingFailureFault.class);
            assertThat(context).doesNotHaveBean(TrainingFailureController.class);
        });
        runner.withPropertyValues("sample.faults.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(TrainingFailureFault.class);
            assertThat(context.getBean(TrainingFailureController.class).failTraining()).containsEntry("armed", true);
            assertThat(context.getBean(TrainingFailureFault.class).isArmed()).isTrue();
        });
    }

    @Test
    void armedItFailsTheTrainingOnceWithAnExceptionThatIsNotTheWorlds() {
        TrainingFailureFault fault = new TrainingFailureFault();
        fault.beforeOperation("all-reduce-mean");

        fault.failTraining();
        assertThatThrownBy(() -> fault.beforeOperation("divergence-check"))
                .isInstanceOf(IllegalStateException.class).isNotInstanceOf(CollectiveException.class)
                .hasMessageContaining("failed this replica's training before its divergence-check");
        assertThat(fault.isArmed()).isFalse();
        fault.beforeOperation("all-reduce-mean");
    }
}
