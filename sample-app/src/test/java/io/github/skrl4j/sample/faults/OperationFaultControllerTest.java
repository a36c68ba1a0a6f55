package io.github.skrl4j.sample.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.annotation.UserConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The operation faults and their endpoints: absent by default, each endpoint arming its own fault only. */
class OperationFaultControllerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(UserConfigurations.of(FaultConfiguration.class, OperationFaultController.class));

    @Test
    void neitherTheFaultsNorTheirEndpointsExistUnlessEnabled() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(CollectiveFailureFault.class);
            assertThat(context).doesNotHaveBean(TrainingFailureFault.class);
            assertThat(context).doesNotHaveBean(OperationFaultController.class);
        });
    }

    @Test
    void eachEndpointArmsItsOwnFault() {
        runner.withPropertyValues("sample.faults.enabled=true").run(context -> {
            OperationFaultController controller = context.getBean(OperationFaultController.class);
            CollectiveFailureFault collective = context.getBean(CollectiveFailureFault.class);
            TrainingFailureFault training = context.getBean(TrainingFailureFault.class);

            assertThat(controller.failNextOperation()).containsEntry("armed", true);
            assertThat(collective.isArmed()).isTrue();
            assertThat(training.isArmed()).isFalse();

            assertThat(controller.failTraining()).containsEntry("armed", true);
            assertThat(training.isArmed()).isTrue();
        });
    }
}
