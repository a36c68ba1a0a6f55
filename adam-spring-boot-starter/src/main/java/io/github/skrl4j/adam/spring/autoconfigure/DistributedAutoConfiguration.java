package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectiveOptions;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectives;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
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
        "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration",
        "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"})
@ConditionalOnClass({HazelcastCollectives.class, HazelcastInstance.class})
@ConditionalOnBooleanProperty(name = AdamProperties.PREFIX + ".distributed.enabled")
@ConditionalOnBean({HazelcastInstance.class, AdamProperties.class})
public final class DistributedAutoConfiguration {

    /** What the data plane refused, by reason: one set of counters for the application's life, for meters. */
    @Bean
    @ConditionalOnMissingBean
    WireCounters dataPlaneRefusals() {
        return new WireCounters();
    }

    /**
     * The collective, joined at start-up; closed (leaving the world) when the context closes. The data
     * plane listens at {@code data-plane.address}/{@code port}, with mutual TLS from the SSL bundle
     * {@code ssl.bundle} names; without one, a non-loopback address fails the start unless
     * {@code allow-insecure} is true.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Collective.class)
    DistributedTraining distributedTraining(HazelcastInstance hazelcastInstance, AdamProperties properties,
            WireCounters dataPlaneRefusals, ObjectProvider<SslBundles> sslBundles) {
        DistributedProperties d = properties.getDistributed();
        HazelcastCollectiveOptions options = HazelcastCollectiveOptions.of(d.getRun(), d.getWorldSize())
                .withJoinTimeout(d.getJoinTimeout()).withTimeout(d.getTimeout()).withChunkSize(d.getChunkSize())
                .withDataPlaneBind(new InetSocketAddress(d.getDataPlane().getAddress(), d.getDataPlane().getPort()))
                .withSslContext(sslContext(d.getSsl().getBundle(), sslBundles))
                .withAllowInsecure(d.isAllowInsecure()).withRefusals(dataPlaneRefusals);
        return new DistributedTraining(HazelcastCollectives.join(hazelcastInstance, options));
    }

    private static @Nullable SSLContext sslContext(@Nullable String bundle, ObjectProvider<SslBundles> sslBundles) {
        if (bundle == null || bundle.isBlank()) {
            return null;
        }
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new IllegalStateException(AdamProperties.PREFIX + ".distributed.ssl.bundle names '" + bundle
                    + "' but the application has no SSL bundles (spring.ssl.bundle.*)");
        }
        return bundles.getBundle(bundle).createSslContext();
    }
}
