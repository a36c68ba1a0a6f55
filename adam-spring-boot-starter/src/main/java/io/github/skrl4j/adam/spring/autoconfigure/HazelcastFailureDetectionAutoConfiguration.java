package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.config.Config;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With data-parallel training on ({@code skrl.optim.adam.distributed.enabled=true}), a frozen replica stays a
 * member for {@code skrl.optim.adam.distributed.member-removal} (45 s by default), so that it rejoins its world at
 * once if it continues by then, and merges back within seconds if it continues later
 * ({@link HazelcastFailureDetectionDefaults}). Spring Boot applies the customizer to the Hazelcast
 * configuration it loads from a file ({@code spring.hazelcast.config}, {@code hazelcast.yaml}, ...); a {@link Config}
 * bean of the application's own is its to configure.
 */
@AutoConfiguration(before = HazelcastAutoConfiguration.class)
@ConditionalOnClass({Config.class, HazelcastConfigCustomizer.class})
@ConditionalOnBooleanProperty("skrl.optim.adam.distributed.enabled")
public final class HazelcastFailureDetectionAutoConfiguration {

    private static final String MEMBER_REMOVAL = "skrl.optim.adam.distributed.member-removal";

    /**
     * Hazelcast's failure detection for training: member-removal without a heartbeat, heartbeats every second,
     * merges every 5 s. Read from the environment (the properties bean may not exist yet: this runs before
     * Hazelcast's auto-configuration, whatever the order of the starter's).
     */
    @Bean
    @ConditionalOnMissingBean
    HazelcastFailureDetectionDefaults hazelcastFailureDetectionDefaults(Environment environment) {
        Duration bound = Binder.get(environment).bind(MEMBER_REMOVAL, Duration.class)
                .orElse(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT_DEFAULT);
        try {
            return new HazelcastFailureDetectionDefaults(bound);
        } catch (IllegalArgumentException e) {
            // reached only without the starter's properties validation, which names the same rule
            throw new IllegalStateException(MEMBER_REMOVAL + " must be at least 2s (longer than the 1 s heartbeat"
                    + " interval), was " + bound);
        }
    }
}
