package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectiveOptions;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectives;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import io.github.skrl4j.adam.spring.distributed.FirstWorldFormation;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link DistributedTraining} collective on the application's {@link HazelcastInstance}, when
 * {@code adam-hazelcast} and Hazelcast are on the class path, a {@code HazelcastInstance} bean exists
 * (Spring Boot's, from {@code spring.hazelcast.config} or a {@code Config} bean) and
 * {@code skrl.optim.adam.distributed.enabled=true}. The first world forms off the start path
 * ({@link FirstWorldFormation}: the context starts, health reports the world forming, the first
 * collective operation waits up to {@code join-timeout}); a broken world re-forms within
 * {@code restart.*}. Its meters come from {@link DistributedMetricsAutoConfiguration}.
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
     * The data plane's mutual TLS from the SSL bundle {@code ssl.bundle} names: on BoringSSL's native
     * engine when netty-tcnative is on the class path and usable, else on the JDK's with one warning naming
     * the dependency to add. An application's own {@link TlsEngines} bean replaces it. A blank
     * {@code ssl.bundle} means plaintext, as an unset one does (no engines: a null bean).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = AdamProperties.PREFIX + ".distributed.ssl", name = "bundle")
    @Nullable TlsEngines dataPlaneTlsEngines(AdamProperties properties, ObjectProvider<SslBundles> sslBundles,
            ResourceLoader resourceLoader) {
        String bundle = properties.getDistributed().getSsl().getBundle();
        if (bundle == null || bundle.isBlank()) {
            return null;
        }
        return DataPlaneTls.engines(bundle, sslBundles.getIfAvailable(), resourceLoader.getClassLoader());
    }

    /**
     * The collective: a world that re-forms within {@code restart.*} ({@link HazelcastCollectives#formation},
     * with this replica's {@code rank} if configured), formed first by {@link #firstWorldFormation}; closed
     * (leaving the world, releasing the data plane) when the context closes. The data plane listens at
     * {@code data-plane.address}/{@code port} from the start, with mutual TLS on the
     * {@link #dataPlaneTlsEngines} (from the SSL bundle {@code ssl.bundle} names); without them, a
     * non-loopback address fails the start unless {@code allow-insecure} is true.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Collective.class)
    DistributedTraining distributedTraining(HazelcastInstance hazelcastInstance, AdamProperties properties,
            WireCounters dataPlaneRefusals, ObjectProvider<TlsEngines> dataPlaneTlsEngines) {
        DistributedProperties d = properties.getDistributed();
        HazelcastCollectiveOptions options = collectiveOptions(d, dataPlaneTlsEngines.getIfAvailable(),
                dataPlaneRefusals);
        DistributedProperties.Restart restart = d.getRestart();
        RestartPolicy policy = new RestartPolicy(restart.getMaxRestarts(), restart.getWindow(), restart.getTimeout());
        // binds the data plane now, so an insecure bind stops the start; the worlds form later
        WorldFormation formation = HazelcastCollectives.formation(hazelcastInstance, options);
        return new DistributedTraining(new ReformingWorld(formation, policy, d.getJoinTimeout()));
    }

    /** The collective's options from the properties: one place maps each property to its option. */
    static HazelcastCollectiveOptions collectiveOptions(DistributedProperties d, @Nullable TlsEngines tlsEngines,
            WireCounters refusals) {
        InetSocketAddress bind = new InetSocketAddress(d.getDataPlane().getAddress(), d.getDataPlane().getPort());
        return HazelcastCollectiveOptions.of(d.getRun(), d.getWorldSize())
                .withJoinTimeout(d.getJoinTimeout()).withTimeout(d.getTimeout()).withChunkSize(d.getChunkSize())
                .withDataPlaneBind(bind).withTlsEngines(tlsEngines)
                .withAllowInsecure(d.isAllowInsecure()).withRefusals(refusals)
                .withRank(d.getRank() == null ? WorldFormation.UNASSIGNED : d.getRank())
                .withFailureDetection(d.getFailureDetection());
    }

    /** Forms the first world on a thread of its own once the context starts. */
    @Bean
    @ConditionalOnBean(DistributedTraining.class)
    FirstWorldFormation firstWorldFormation(DistributedTraining distributedTraining) {
        return new FirstWorldFormation(distributedTraining);
    }
}
