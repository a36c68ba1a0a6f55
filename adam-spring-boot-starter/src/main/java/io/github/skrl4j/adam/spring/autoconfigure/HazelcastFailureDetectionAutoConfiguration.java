package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.config.Config;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * With data-parallel training on ({@code skrl.optim.adam.distributed.enabled=true}), a frozen replica is removed
 * from the cluster within about {@link HazelcastFailureDetectionDefaults#MAX_NO_HEARTBEAT_DEFAULT} instead of
 * Hazelcast's 60 s ({@link HazelcastFailureDetectionDefaults}). Spring Boot applies the customizer to the Hazelcast
 * configuration it loads from a file ({@code spring.hazelcast.config}, {@code hazelcast.yaml}, ...); a {@link Config}
 * bean of the application's own is its to configure.
 */
@AutoConfiguration(before = HazelcastAutoConfiguration.class)
@ConditionalOnClass({Config.class, HazelcastConfigCustomizer.class})
@ConditionalOnBooleanProperty("skrl.optim.adam.distributed.enabled")
public final class HazelcastFailureDetectionAutoConfiguration {

    /** Hazelcast's failure detection bounded for training: 10 s without a heartbeat, heartbeats every second. */
    @Bean
    @ConditionalOnMissingBean
    HazelcastFailureDetectionDefaults hazelcastFailureDetectionDefaults() {
        return new HazelcastFailureDetectionDefaults();
    }
}
