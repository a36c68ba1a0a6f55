package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import org.springframework.beans.factory.ObjectProvider;
import io.github.skrl4j.adam.spring.actuate.OptimizersHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code optimizers} health contributor, when Spring Boot's health support is on the class path
 * and {@code management.health.optimizers.enabled} is not false. The bean's name, without its
 * {@code HealthIndicator} suffix, is the contributor's name.
 */
@AutoConfiguration(after = AdamAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(OptimizerRegistry.class)
public class AdamHealthAutoConfiguration {

    /** The health of the registered optimizers' last steps. */
    @Bean
    @ConditionalOnMissingBean(name = "optimizersHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("optimizers")
    public OptimizersHealthIndicator optimizersHealthIndicator(OptimizerRegistry registry,
            ObjectProvider<DistributedTraining> distributed) {
        return new OptimizersHealthIndicator(registry, distributed.getIfAvailable());
    }
}
