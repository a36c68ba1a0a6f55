package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines;
import io.github.skrl4j.adam.distributed.wire.TlsEngines;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane's mutual TLS through {@link HazelcastCollectiveOptions}: three members, one on the JDK's
 * engine ({@code withSslContext}) and two on BoringSSL's ({@code withTlsEngines}), train bit-identically to
 * one process; and the two TLS options replace each other.
 */
@HazelcastCluster
@Timeout(120)
class HazelcastTlsTest {

    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    static Path keys;
    private static List<HazelcastInstance> members;
    private static ExecutorService threads;
    private static KeyManagerFactory keyManagers;
    private static TrustManagerFactory trustManagers;

    @BeforeAll
    static void start() throws Exception {
        Path file = keys.resolve("replica.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "replica", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=skrl4j-hazelcast-test", "-storetype", "PKCS12", "-keystore",
                file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).redirectOutput(keys.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("replica", store.getCertificate("replica"));
        trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        members = LoopbackCluster.start(3);
        threads = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (members != null) {
            members.forEach(m -> m.getLifecycleService().terminate());
        }
    }

    private static SSLContext sslContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    @Test
    void membersOnTheJdksAndBoringSslsEnginesTrainBitIdenticallyToOneProcess() throws Exception {
        int steps = 10;
        // listening on the wildcard address: only TLS lets the data plane off loopback without allow-insecure
        HazelcastCollectiveOptions base = HazelcastCollectiveOptions.of("tls", 3).withJoinTimeout(Duration.ofSeconds(30))
                .withTimeout(Duration.ofSeconds(20)).withChunkSize(100).withDataPlaneBind(new InetSocketAddress(0));
        List<HazelcastCollectiveOptions> options = List.of(base.withSslContext(sslContext()),
                base.withTlsEngines(OpenSslTlsEngines.of(keyManagers, trustManagers)),
                base.withTlsEngines(OpenSslTlsEngines.of(keyManagers, trustManagers)));
        List<Future<Training.Replica>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            futures.add(threads.submit(() -> {
                try (Collective collective = HazelcastCollectives.join(members.get(index), options.get(index))) {
                    return Training.replica(collective, steps);
                }
            }));
        }
        Training.Replica single = Training.singleProcess(3, steps);
        OptimizerState expected = single.optimizer().state();
        for (Future<Training.Replica> f : futures) {
            Training.Replica replica = f.get(60, TimeUnit.SECONDS);
            assertThat(replica.params().contentEquals(single.params())).isTrue();
            assertThat(replica.optimizer().state().mu().contentEquals(expected.mu())).isTrue();
            assertThat(replica.optimizer().state().nu().contentEquals(expected.nu())).isTrue();
        }
    }

    @Test
    void anSslContextAndTlsEnginesReplaceEachOther() throws Exception {
        SSLContext context = sslContext();
        TlsEngines boring = OpenSslTlsEngines.of(keyManagers, trustManagers);
        HazelcastCollectiveOptions jdk = HazelcastCollectiveOptions.of("options", 2).withSslContext(context);
        assertThat(jdk.sslContext()).isSameAs(context);
        assertThat(jdk.tlsEngines()).isEqualTo(TlsEngines.jdk(context));
        assertThat(jdk.wireOptions().tls()).isTrue();
        assertThat(jdk.wireOptions().tlsEngines()).isEqualTo(TlsEngines.jdk(context));

        HazelcastCollectiveOptions onBoringSsl = jdk.withTlsEngines(boring);
        assertThat(onBoringSsl.sslContext()).isNull();
        assertThat(onBoringSsl.tlsEngines()).isSameAs(boring);
        assertThat(onBoringSsl.wireOptions().tlsEngines()).isSameAs(boring);
        assertThat(onBoringSsl.withSslContext(context).tlsEngines()).isEqualTo(TlsEngines.jdk(context));
        assertThat(onBoringSsl.withTlsEngines(null).wireOptions().tls()).isFalse();

    }
}
