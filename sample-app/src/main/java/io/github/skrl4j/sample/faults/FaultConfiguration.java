package io.github.skrl4j.sample.faults;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fault switches, only with {@code sample.faults.enabled=true}: the {@link TrainingPauseFault}, a
 * step listener that the starter gives every optimizer it makes, and the {@link CollectiveFailureFault} and
 * {@link TrainingFailureFault}, which the training's collective consults before every operation (the
 * controllers are conditional alike).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(FaultController.ENABLED)
public class FaultConfiguration {

    @Bean
    TrainingPauseFault trainingPauseFault() {
        return new TrainingPauseFault();
    }

    // the training's collective asks the operation faults in this order

    @Bean
    TrainingFailureFault trainingFailureFault() {
        return new TrainingFailureFault();
    }

    @Bean
    CollectiveFailureFault collectiveFailureFault() {
        return new CollectiveFailureFault();
    }
}
