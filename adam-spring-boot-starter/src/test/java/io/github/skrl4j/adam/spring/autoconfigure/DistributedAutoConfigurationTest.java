package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.wire.WireEndpoint;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectives;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import io.github.skrl4j.adam.spring.actuate.OptimizersHealthIndicator;
import io.github.skrl4j.adam.spring.distributed.DataPlaneMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedMeters;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import io.github.skrl4j.adam.spring.distributed.FirstWorldFormation;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.TestThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.annotation.UserConfigurations;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each condition of {@link DistributedAutoConfiguration}, on real Hazelcast members on loopback. */
@HazelcastCluster
@Timeout(120)
class DistributedAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, HazelcastAutoConfiguration.class,
                    DistributedAutoConfiguration.class, DistributedMetricsAutoConfiguration.class,
                    AdamEndpointAutoConfiguration.class,
                    AdamHealthAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=optimizers",
                    "skrl.optim.adam.distributed.join-timeout=30s", "skrl.optim.adam.distributed.timeout=20s");

    /** A single-member cluster on a free loopback port. */
    private static ApplicationContextRunner withCluster(ApplicationContextRunner runner, String name, int[] ports,
            int index) {
        return runner.withBean(Config.class, () -> {
            Config config = LoopbackCluster.config(name, ports, index);
            // these members log nowhere: this module's tests have no logback-test.xml to quiet them
            config.setProperty("hazelcast.logging.type", "none");
            return config;
        });
    }

    private static void awaitMember(String instanceName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (com.hazelcast.core.Hazelcast.getHazelcastInstanceByName(instanceName) == null) {
            assertThat(System.nanoTime()).as("the first member starts in time").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Tensors gradient(float... values) {
        return Tensors.of(Tensor.of("w", values, values.length));
    }

    @Test
    void bothAutoConfigurationsAreListedInTheImportsFile() {
        java.util.List<String> candidates = new java.util.ArrayList<>();
        org.springframework.boot.context.annotation.ImportCandidates.load(
                org.springframework.boot.autoconfigure.AutoConfiguration.class, getClass().getClassLoader())
                .forEach(candidates::add);
        assertThat(candidates).contains(DistributedAutoConfiguration.class.getName(),
                DistributedMetricsAutoConfiguration.class.getName());
    }

    @Test
    void offUnlessEnabled() throws IOException {
        withCluster(runner, "off-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Collective.class);
        });
    }

    @Test
    void offWithoutAHazelcastInstance() {
        runner.withPropertyValues("skrl.optim.adam.distributed.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Collective.class);
        });
    }

    @Test
    void offWithoutAdamHazelcastOnTheClassPath() throws IOException {
        withCluster(runner, "no-module-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withClassLoader(new FilteredClassLoader(HazelcastCollectives.class))
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Collective.class);
                });
    }

    @Test
    void aWorldOfOneWithMetersEndpointAndHealth() throws IOException {
        withCluster(runner, "one-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    DistributedTraining training = context.getBean(DistributedTraining.class);
                    assertThat(context.getBean(Collective.class)).isSameAs(training);
                    assertThat(training.rank()).isZero();
                    assertThat(training.worldSize()).isEqualTo(1);

                    Tensors grad = gradient(1, 2, 3);
                    training.allReduceMean(grad);
                    assertThat(grad.get(0).data()).containsExactly(1, 2, 3);
                    assertThat(training.checkDivergence(grad).consistent()).isTrue();

                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get(DistributedMeters.WORLD_SIZE).gauge().value()).isEqualTo(1);
                    assertThat(meters.get(DistributedMeters.OPERATION_TIME).tag("operation", "all-reduce-mean")
                            .timer().count()).isEqualTo(1);
                    assertThat(meters.get(DistributedMeters.OPERATION_BYTES).tag("operation", "all-reduce-mean")
                            .counter().count()).isEqualTo(12);
                    assertThat(meters.get(DistributedMeters.DIVERGENCE_CHECKS).tag("outcome", "consistent")
                            .counter().count()).isEqualTo(1);

                    Map<String, Object> world = context.getBean(OptimizersEndpoint.class).optimizers().distributed();
                    assertThat(world).containsEntry("rank", 0).containsEntry("worldSize", 1);
                    assertThat(world).extractingByKey("lastDivergenceCheck").asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("consistent", true);
                    Health health = context.getBean(OptimizersHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsKey("distributed");
                });
    }

    @Test
    void theContextStartsWhileTheWorldFormsAndHealthSaysItIsForming() throws IOException {
        withCluster(runner, "forming-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.world-size=2", "skrl.optim.adam.distributed.join-timeout=60s",
                        "skrl.optim.adam.distributed.restart.max-restarts=5")
                .run(context -> {
                    // the second replica never comes: the start does not wait for it
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(FirstWorldFormation.class).isRunning()).isTrue();
                    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                            .contains(FirstWorldFormation.THREAD_NAME);
                    DistributedTraining training = context.getBean(DistributedTraining.class);
                    assertThat(training.status()).isEqualTo(ReformingWorld.Status.FORMING);
                    assertThat(training.worldSize()).isEqualTo(2);
                    Health health = context.getBean(OptimizersHealthIndicator.class).health();
                    assertThat(health.getStatus()).as("not ready, not dead").isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(health.getDetails().get("distributed")).asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("state", "FORMING")
                            .containsEntry("status", "FORMING").containsEntry("restarts", 0)
                            .containsEntry("maxRestarts", 5);
                    Map<String, Object> world = context.getBean(OptimizersEndpoint.class).optimizers().distributed();
                    assertThat(world).containsEntry("status", "FORMING").containsEntry("worldSize", 2);
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get(DistributedMeters.WORLD_STATUS).tag("status", "forming").gauge().value())
                            .isEqualTo(1);
                    assertThat(meters.get(DistributedMeters.RANK).gauge().value()).as("unknown until formed").isNaN();
                });
    }

    @Test
    void noMetersWhenMetricsAreDisabled() throws IOException {
        withCluster(runner, "nometrics-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true", "skrl.optim.adam.metrics.enabled=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(DistributedTraining.class);
                    assertThat(context).doesNotHaveBean(DistributedMeters.class);
                });
    }

    @Test
    void anApplicationsOwnCollectiveWins() throws IOException {
        withCluster(runner, "own-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withConfiguration(UserConfigurations.of(OwnCollective.class))
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true").run(context -> {
                    assertThat(context).hasSingleBean(Collective.class);
                    assertThat(context).doesNotHaveBean(DistributedTraining.class);
                    assertThat(context).doesNotHaveBean(FirstWorldFormation.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCollective {
        @Bean
        Collective collective() {
            return io.github.skrl4j.adam.distributed.LocalCollectives.create(1).get(0);
        }
    }

    @Test
    void twoReplicasReduceTogetherAndAReplicaThatLeavesTurnsTheOthersHealthDown() throws Exception {
        String name = "two-" + UUID.randomUUID();
        int[] ports = LoopbackCluster.freePorts(2);
        ApplicationContextRunner replica = runner.withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                "skrl.optim.adam.distributed.world-size=2", "skrl.optim.adam.distributed.run=starter-test");
        CompletableFuture<Void> firstReduced = new CompletableFuture<>();
        // each start waits until the world has both members; the second member starts once the first is up, so
        // that the two never form two clusters of one (which Hazelcast would merge only minutes later)
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> awaitMember(name + "-0"), TestThreads.PER_TASK)
                .thenRun(() -> withCluster(replica, name, ports, 1).run(context -> {
                    assertThat(context).hasNotFailed();
                    Tensors grad = gradient(3, 5);
                    context.getBean(Collective.class).allReduceMean(grad);
                    assertThat(grad.get(0).data()).containsExactly(2, 4);
                    firstReduced.get(60, TimeUnit.SECONDS);
                }));
        withCluster(replica, name, ports, 0).run(first -> {
            assertThat(first).hasNotFailed();
            DistributedTraining training = first.getBean(DistributedTraining.class);
            Tensors grad = gradient(1, 3);
            training.allReduceMean(grad);
            assertThat(grad.get(0).data()).containsExactly(2, 4);
            firstReduced.complete(null);
            second.get(60, TimeUnit.SECONDS);

            // the second replica's context closed: it left the world
            Tensors next = gradient(1, 1);
            assertThatThrownBy(() -> training.allReduceMean(next)).isInstanceOfSatisfying(CollectiveException.class,
                    e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MEMBER_LEFT));
            assertThat(next.get(0).data()).containsExactly(1, 1);
            Health health = first.getBean(OptimizersHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("distributed")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("worldSize", 2).extractingByKey("failure").asString().contains("MEMBER_LEFT");
        });
    }


    @Test
    void plaintextOffLoopbackFailsTheStartNamingBothProperties() throws IOException {
        withCluster(runner, "insecure-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.data-plane.address=0.0.0.0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("skrl.optim.adam.distributed.ssl.bundle")
                            .hasMessageContaining("skrl.optim.adam.distributed.allow-insecure=true");
                });
    }

    @Test
    void allowInsecureStartsOffLoopbackAndWarnsOnce() throws IOException {
        // the data plane logs through System.Logger, which is java.util.logging here (SLF4J's bridge in an application)
        java.util.logging.Logger wire = java.util.logging.Logger.getLogger(WireEndpoint.class.getName());
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        wire.addHandler(handler);
        try {
            withCluster(runner, "allowed-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                    .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                            "skrl.optim.adam.distributed.data-plane.address=0.0.0.0",
                            "skrl.optim.adam.distributed.allow-insecure=true")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        Tensors grad = gradient(1, 2);
                        context.getBean(Collective.class).allReduceSum(grad);
                        assertThat(grad.get(0).data()).containsExactly(1, 2);
                    });
        } finally {
            wire.removeHandler(handler);
        }
        assertThat(warnings).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("without TLS (skrl.optim.adam.distributed.allow-insecure=true)"));
    }

    @Test
    void refusedConnectionsAreMeteredByReason() throws Exception {
        int dataPlanePort = LoopbackCluster.freePorts(1)[0];
        withCluster(runner, "refusals-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.data-plane.port=" + dataPlanePort)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get(DataPlaneMeters.REFUSED).tag("reason", "bad_hello").functionCounter()
                            .count()).isZero();
                    // a stranger's 32 bytes that are not this protocol's hello
                    try (java.net.Socket stranger = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                            dataPlanePort)) {
                        stranger.getOutputStream().write(new byte[32]);
                        stranger.getOutputStream().flush();
                        stranger.setSoTimeout(10_000);
                        // the data plane closes the connection (after a refusal answer, if any)
                        while (stranger.getInputStream().read() != -1) {
                            // drain
                        }
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (meters.get(DataPlaneMeters.REFUSED).tag("reason", "bad_hello").functionCounter()
                            .count() < 1 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(meters.get(DataPlaneMeters.REFUSED).tag("reason", "bad_hello").functionCounter()
                            .count()).isEqualTo(1);
                    assertThat(meters.get(DataPlaneMeters.REFUSED).tag("reason", "oversize").functionCounter()
                            .count()).isZero();
                });
    }

    @Test
    void anSslBundleMakesTheDataPlaneMutualTlsWhichMayListenOffLoopback(@TempDir Path keys) throws Exception {
        Path keystore = keys.resolve("replica.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "replica", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=skrl4j-starter-test", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit", "-keypass", "changeit"))
                .redirectErrorStream(true).redirectOutput(keys.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        withCluster(runner, "tls-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.data-plane.address=0.0.0.0",
                        "skrl.optim.adam.distributed.ssl.bundle=replicas",
                        "spring.ssl.bundle.jks.replicas.keystore.location=file:" + keystore,
                        "spring.ssl.bundle.jks.replicas.keystore.password=changeit",
                        "spring.ssl.bundle.jks.replicas.keystore.type=PKCS12",
                        "spring.ssl.bundle.jks.replicas.truststore.location=file:" + keystore,
                        "spring.ssl.bundle.jks.replicas.truststore.password=changeit",
                        "spring.ssl.bundle.jks.replicas.truststore.type=PKCS12")
                .run(context -> {
                    // no allow-insecure: only TLS lets it listen off loopback
                    assertThat(context).hasNotFailed();
                    Tensors grad = gradient(4, 5);
                    context.getBean(Collective.class).allReduceMean(grad);
                    assertThat(grad.get(0).data()).containsExactly(4, 5);
                });
        withCluster(runner, "no-bundle-" + UUID.randomUUID(), LoopbackCluster.freePorts(1), 0)
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
                .withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                        "skrl.optim.adam.distributed.ssl.bundle=missing")
                .run(context -> assertThat(context).hasFailed());
    }
}
