package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.distributed.CollectiveException;
import org.junit.jupiter.api.Test;

/**
 * The training-failure fault: once armed it fails the training, not the world, exactly once.
 * (That the replica then gives up and the other's run fails at once: {@code ReplicaRecoveryTest}.)
 */
class TrainingFailureFaultTest {

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
