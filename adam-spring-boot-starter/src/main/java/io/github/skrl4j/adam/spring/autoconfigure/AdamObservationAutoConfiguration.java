package io.github.skrl4j.adam.spring.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Observes {@code OptimizerFactory.resume} (the auto-configured factory's) as a Micrometer Observation
 * named {@code skrl.optim.adam.checkpoint}, when Micrometer's observation API is on the class path and
 * an {@link ObservationRegistry} bean exists (Spring Boot's actuator makes one). Ordered after Spring
 * Boot's observation auto-configuration so that its registry is seen.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class AdamObservationAutoConfiguration {

    /** Wraps every resume of the auto-configured factory in an observation. */
    @Bean
    @ConditionalOnMissingBean
    ResumeObserver optimizerResumeObserver(ObservationRegistry observationRegistry) {
        return new ObservationResumeObserver(observationRegistry);
    }
}
