package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectiveOptions;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectives;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * A {@link DistributedTraining} collective on the application's {@link HazelcastInstance}, when
 * {@code adam-hazelcast} and Hazelcast are on the class path, a {@code HazelcastInstance} bean exists
 * (Spring Boot's, from {@code spring.hazelcast.config} or a {@code Config} bean) and
 * {@code skrl.optim.adam.distributed.enabled=true}. Creating the bean waits (up to
 * {@code join-timeout}) until the cluster has {@code world-size} members: the replicas start
 * together. Its meters come from {@link DistributedMetricsAutoConfiguration}.
 */
@AutoConfiguration(after = AdamAutoConfiguration.class, afterName = {
        "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration"})
@ConditionalOnClass({HazelcastCollectives.class, HazelcastInstance.class})
@ConditionalOnBooleanProperty(name = AdamProperties.PREFIX + ".distributed.enabled")
@ConditionalOnBean({HazelcastInstance.class, AdamProperties.class})
public final class DistributedAutoConfiguration {

    /** The collective, joined at start-up; closed (leaving the world) when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Collective.class)
    DistributedTraining distributedTraining(HazelcastInstance hazelcastInstance, AdamProperties properties) {
        DistributedProperties d = properties.getDistributed();
        HazelcastCollectiveOptions options = HazelcastCollectiveOptions.of(d.getRun(), d.getWorldSize())
                .withJoinTimeout(d.getJoinTimeout()).withTimeout(d.getTimeout()).withChunkSize(d.getChunkSize());
        return new DistributedTraining(HazelcastCollectives.join(hazelcastInstance, options));
    }
}
