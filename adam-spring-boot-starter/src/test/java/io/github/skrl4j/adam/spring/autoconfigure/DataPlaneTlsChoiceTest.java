package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines;
import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Which TLS engines the SSL bundle's data plane runs on: BoringSSL's when netty-tcnative is on the class
 * path (it is, in these tests), else the JDK's with one warning that names the dependency to add; an
 * application's own {@link TlsEngines} bean wins. On real Hazelcast members on loopback.
 */
@HazelcastCluster
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class DataPlaneTlsChoiceTest {

    private static final String WARNING = "runs on the JDK's SSLEngine";

    @TempDir
    static Path keys;
    private static Path keystore;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, HazelcastAutoConfiguration.class,
                    SslAutoConfiguration.class, DistributedAutoConfiguration.class));

    @BeforeAll
    static void makeKeys() throws Exception {
        keystore = keys.resolve("replica.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "replica", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=skrl4j-starter-test", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit", "-keypass", "changeit"))
                .redirectErrorStream(true).redirectOutput(keys.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
    }

    /** A single-member cluster on a free loopback port, the data plane off loopback with the bundle's TLS. */
    private ApplicationContextRunner replicaWithBundle(String name) throws Exception {
        int[] ports = LoopbackCluster.freePorts(1);
        return runner.withBean(Config.class, () -> {
            Config config = LoopbackCluster.config(name + "-" + UUID.randomUUID(), ports, 0);
            config.setProperty("hazelcast.logging.type", "none");
            return config;
        }).withPropertyValues("skrl.optim.adam.distributed.enabled=true",
                "skrl.optim.adam.distributed.data-plane.address=0.0.0.0",
                "skrl.optim.adam.distributed.ssl.bundle=replicas",
                "spring.ssl.bundle.jks.replicas.keystore.location=file:" + keystore,
                "spring.ssl.bundle.jks.replicas.keystore.password=changeit",
                "spring.ssl.bundle.jks.replicas.keystore.type=PKCS12",
                "spring.ssl.bundle.jks.replicas.truststore.location=file:" + keystore,
                "spring.ssl.bundle.jks.replicas.truststore.password=changeit",
                "spring.ssl.bundle.jks.replicas.truststore.type=PKCS12");
    }

    @Test
    void withNettyTcnativeTheBundlesTlsRunsOnBoringSslWithoutAWarning(CapturedOutput output) throws Exception {
        replicaWithBundle("native").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TlsEngines.class)).isInstanceOf(OpenSslTlsEngines.class);
            assertThat(context.getBean(TlsEngines.class).directBuffers()).isTrue();
            Tensors grad = Tensors.of(Tensor.of("w", new float[] {4, 5}, 2));
            context.getBean(Collective.class).allReduceMean(grad);
            assertThat(grad.get(0).data()).containsExactly(4, 5);
        });
        assertThat(output.getAll()).doesNotContain(WARNING);
    }

    @Test
    void withoutNettysOpenSslTheBundlesTlsRunsOnTheJdkAndOneWarningNamesTheDependency(CapturedOutput output)
            throws Exception {
        replicaWithBundle("jdk").withClassLoader(new FilteredClassLoader("io.netty.handler.ssl")).run(context -> {
            assertThat(context).hasNotFailed();
            TlsEngines engines = context.getBean(TlsEngines.class);
            assertThat(engines).isNotInstanceOf(OpenSslTlsEngines.class);
            assertThat(engines.description()).startsWith("the JDK's SSLEngine");
            assertThat(engines.directBuffers()).isFalse();
            Tensors grad = Tensors.of(Tensor.of("w", new float[] {4, 5}, 2));
            context.getBean(Collective.class).allReduceMean(grad);
            assertThat(grad.get(0).data()).containsExactly(4, 5);
        });
        String all = output.getAll();
        assertThat(all.split(java.util.regex.Pattern.quote(WARNING), -1)).as("one warning").hasSize(2);
        assertThat(all).contains("io.netty:netty-tcnative-boringssl-static", DataPlaneTls.OPENSSL_CLASS);
    }

    @Test
    void anApplicationsOwnEnginesReplaceTheBundles(CapturedOutput output) throws Exception {
        TlsEngines own = TlsEngines.jdk(javax.net.ssl.SSLContext.getDefault());
        replicaWithBundle("own").withBean(TlsEngines.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TlsEngines.class)).isSameAs(own);
        });
        assertThat(output.getAll()).doesNotContain(WARNING);
    }
}
