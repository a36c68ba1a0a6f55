package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.actuate.OptimizersHealthIndicator;
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import io.github.skrl4j.adam.spring.actuate.StepOutcomes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code optimizers} health contributor, when Spring Boot's health support is on the class path
 * and {@code management.health.optimizers.enabled} is not false. The bean's name, without its
 * {@code HealthIndicator} suffix, is the contributor's name. Failing steps only show in its details
 * unless {@code skrl.optim.adam.health.allow-health-indicator-to-fail} (or the instance's own) is
 * true.
 */
@AutoConfiguration(after = AdamAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean({OptimizerRegistry.class, StepOutcomes.class})
@EnableConfigurationProperties(AdamProperties.class)
public final class AdamHealthAutoConfiguration {

    /** The health of the registered optimizers' last steps. */
    @Bean
    @ConditionalOnMissingBean(name = "optimizersHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("optimizers")
    OptimizersHealthIndicator optimizersHealthIndicator(OptimizerRegistry registry,
            StepOutcomes optimizerStepOutcomes, AdamProperties properties,
            ObjectProvider<ReplicaWorld> distributed) {
        return new OptimizersHealthIndicator(registry, optimizerStepOutcomes, new AdamPropertiesMapper(properties)::healthPolicy,
                distributed.getIfAvailable());
    }
}
