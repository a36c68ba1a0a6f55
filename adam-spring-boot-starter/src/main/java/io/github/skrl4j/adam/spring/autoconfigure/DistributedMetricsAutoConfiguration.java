package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.spring.distributed.DataPlaneMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code skrl.optim.adam.distributed.*} meters of the {@link DistributedTraining} bean, when
 * Micrometer and adam-distributed are on the class path, a {@link MeterRegistry} bean exists and
 * {@code skrl.optim.adam.metrics.enabled} is not false. A class of its own (not a member of
 * {@link DistributedAutoConfiguration}) so that its bean condition sees that configuration's bean.
 */
@AutoConfiguration(after = DistributedAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, Collective.class})
@ConditionalOnBean({MeterRegistry.class, DistributedTraining.class})
@ConditionalOnBooleanProperty(name = AdamProperties.PREFIX + ".metrics.enabled", matchIfMissing = true)
public final class DistributedMetricsAutoConfiguration {

    /** Binds the meters to the application's registry. */
    @Bean
    @ConditionalOnMissingBean
    DistributedMeters distributedMeters(DistributedTraining training, MeterRegistry registry) {
        return DistributedMeters.bind(training, registry);
    }

    /** The data plane's refusals by reason ({@link DataPlaneMeters#REFUSED}). */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(WireCounters.class)
    DataPlaneMeters dataPlaneMeters(WireCounters dataPlaneRefusals, MeterRegistry registry) {
        return DataPlaneMeters.bind(dataPlaneRefusals, registry);
    }
}
