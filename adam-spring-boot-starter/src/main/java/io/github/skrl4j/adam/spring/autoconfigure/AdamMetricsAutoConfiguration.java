package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code skrl.optim.adam.*} meters, when Micrometer is on the class path, a
 * {@link MeterRegistry} bean exists and {@code skrl.optim.adam.metrics.enabled} is not false.
 * Ordered after Spring Boot's meter-registry auto-configurations so that their registry is seen.
 */
@AutoConfiguration(after = AdamAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, OptimizerRegistry.class})
@ConditionalOnBooleanProperty(name = AdamProperties.PREFIX + ".metrics.enabled", matchIfMissing = true)
public final class AdamMetricsAutoConfiguration {

    /** Binds every registered optimizer's meters to the application's meter registry. */
    @Bean
    @ConditionalOnMissingBean
    AdamMetrics adamMetrics(MeterRegistry meterRegistry, OptimizerRegistry optimizerRegistry) {
        return new AdamMetrics(meterRegistry).bindTo(optimizerRegistry);
    }
}
