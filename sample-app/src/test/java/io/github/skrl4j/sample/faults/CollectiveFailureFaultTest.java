package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.distributed.CollectiveException;
import org.junit.jupiter.api.Test;

/**
 * The collective-failure fault: once armed it fails exactly the next operation, as a failed
 * send would. (That the world then re-forms with the same members: {@code ReplicaRecoveryTest}.)
 */
class CollectiveFailureFaultTest {

    @Test
    void armedItFailsTheNextOperationOnceAsAFailedSend() {
        CollectiveFailureFault fault = new CollectiveFailureFault();
        fault.beforeOperation("all-reduce-mean");
        assertThat(fault.isArmed()).isFalse();

        fault.failNextOperation();
        assertThatThrownBy(() -> fault.beforeOperation("all-reduce-mean")).isInstanceOfSatisfying(
                CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TRANSPORT);
                    assertThat(e).hasMessageContaining("cannot send all-reduce-mean");
                });
        assertThat(fault.isArmed()).isFalse();
        fault.beforeOperation("divergence-check");
    }
}
