package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.Valid;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code skrl.optim.adam.*} settings, as plain data: the optimizer settings of
 * {@link AdamInstanceProperties} at the top level are the defaults of every optimizer, and
 * {@code instances.<name>.*} (the same type) overrides them per named optimizer. Only the top level
 * has {@code instances}, {@code metrics} and {@code distributed}.
 *
 * <p>Unknown keys anywhere under {@code skrl.optim.adam} stop the start, so that a typo such as
 * {@code instances.policy.lrr} is not silently ignored. The values are checked right after binding by
 * {@code AdamPropertiesValidator}, which names each bad property as written (e.g.
 * {@code skrl.optim.adam.instances.policy.lr}) with the origin of its value, and mapped onto
 * {@code Adam} by {@code AdamPropertiesMapper}.
 */
@ConfigurationProperties(prefix = AdamProperties.PREFIX, ignoreUnknownFields = false)
public class AdamProperties extends AdamInstanceProperties {

    /** The property prefix. */
    public static final String PREFIX = "skrl.optim.adam";

    /**
     * Named optimizers, for example "policy" and "value": each key not set under
     * instances.&lt;name&gt; falls back to the top-level value.
     */
    private final Map<String, AdamInstanceProperties> instances = new LinkedHashMap<>();

    /** Micrometer meters. */
    private final Metrics metrics = new Metrics();

    /** Data-parallel training on the application's Hazelcast cluster (skrl.optim.adam.distributed.*). */
    @Valid
    @NestedConfigurationProperty
    private final DistributedProperties distributed = new DistributedProperties();

    public Map<String, AdamInstanceProperties> getInstances() {
        return instances;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public DistributedProperties getDistributed() {
        return distributed;
    }

    /** The {@code skrl.optim.adam.metrics.*} settings. */
    public static class Metrics {

        /**
         * Whether to publish the skrl.optim.adam.* meters when Micrometer and a MeterRegistry are
         * present.
         */
        private boolean enabled = true;

        /** The skrl.optim.adam.step.duration timer. */
        private final StepDuration stepDuration = new StepDuration();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public StepDuration getStepDuration() {
            return stepDuration;
        }
    }

    /** The {@code skrl.optim.adam.metrics.step-duration.*} settings. */
    public static class StepDuration {

        /**
         * Whether every optimizer the factory makes measures its steps' wall time (two clock reads per
         * step) and publishes it as the skrl.optim.adam.step.duration timer. Needs metrics.enabled.
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
