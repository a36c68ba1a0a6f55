package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import io.github.skrl4j.adam.spring.actuate.StepOutcomes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The read-only {@code optimizers} Actuator endpoint, when Actuator is on the class path and the
 * endpoint is available (enabled and exposed, e.g. {@code management.endpoints.web.exposure.include=optimizers}).
 */
@AutoConfiguration(after = AdamAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean({OptimizerRegistry.class, StepOutcomes.class})
public final class AdamEndpointAutoConfiguration {

    /** The endpoint. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    OptimizersEndpoint optimizersEndpoint(OptimizerRegistry registry, StepOutcomes optimizerStepOutcomes,
            ObjectProvider<ReplicaWorld> distributed) {
        return new OptimizersEndpoint(registry, optimizerStepOutcomes, distributed.getIfAvailable());
    }
}
