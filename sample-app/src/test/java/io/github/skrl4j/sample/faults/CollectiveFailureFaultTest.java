package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.distributed.CollectiveException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.annotation.UserConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The collective-failure fault: off by default, and once armed it fails exactly the next operation, as a failed
 * send would. (That the world then re-forms with the same members: {@code ReplicaRecoveryTest}.)
 */
class CollectiveFailureFaultTest {

    @Test
    void neitherTheFaultNorItsEndpointExistUnlessEnabled() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(UserConfigurations.of(FaultConfiguration.class, CollectiveFailureController.class));
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(CollectiveFailureFault.class);
            assertThat(context).doesNotHaveBean(CollectiveFailureController.class);
        });
        runner.withPropertyValues("sample.faults.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(CollectiveFailureFault.class);
            assertThat(context.getBean(CollectiveFailureController.class).failNextOperation())
                    .containsEntry("armed", true);
            assertThat(context.getBean(CollectiveFailureFault.class).isArmed()).isTrue();
        });
    }

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
