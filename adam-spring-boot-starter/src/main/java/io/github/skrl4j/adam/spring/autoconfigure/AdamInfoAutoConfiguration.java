package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.actuate.AdamInfoContributor;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@code skrl4j} in {@code /actuator/info} (version, available kernel, configured instances) when Actuator is on
 * the class path. On by default, as Spring Boot's build and git contributors are;
 * {@code management.info.skrl4j.enabled=false} (or {@code management.info.defaults.enabled=false})
 * switches it off.
 */
@AutoConfiguration(after = AdamAutoConfiguration.class)
@ConditionalOnClass({Optimizer.class, InfoContributor.class, ConditionalOnEnabledInfoContributor.class})
@EnableConfigurationProperties(AdamProperties.class)
public final class AdamInfoAutoConfiguration {

    /** The contributor, under the id {@code skrl4j}. */
    @Bean
    @ConditionalOnMissingBean(name = "skrl4jInfoContributor")
    @ConditionalOnEnabledInfoContributor("skrl4j")
    AdamInfoContributor skrl4jInfoContributor(AdamProperties properties) {
        return new AdamInfoContributor(List.copyOf(properties.getInstances().keySet()));
    }
}
