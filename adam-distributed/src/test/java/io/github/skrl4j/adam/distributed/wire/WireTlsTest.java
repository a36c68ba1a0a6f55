package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.testsupport.TestThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS: ranks holding a certificate the context trusts exchange values; a client with no
 * certificate or an untrusted one is refused in the TLS handshake (counted) and never gets an
 * answer to its hello, even when it knows the world id. Key pairs are made by keytool at test time.
 */
@Timeout(90)
class WireTlsTest {

    private static final int CHUNK = 1000;

    @TempDir
    static Path keys;
    private static TestCertificates certificates;

    @BeforeAll
    static void makeKeys() throws Exception {
        certificates = new TestCertificates(keys);
    }

    private static WireOptions tls(SSLContext context) {
        return WireOptions.builder().sslContext(context).maxChunkFloats(CHUNK).handshakeTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Test
    void membersExchangeValuesOverMutualTls() throws Exception {
        try (TestWorld world = new TestWorld(3, tls(certificates.member()))) {
            float[] sent = new float[CHUNK];
            for (int i = 0; i < CHUNK; i++) {
                sent[i] = (float) Math.sin(i);
            }
            float[] got = new float[CHUNK];
            world.rank(0).sendToEach(new int[] {1, 2}, 1, 0, sent, 0, CHUNK, deadline(Duration.ofSeconds(10)));
            for (int r = 1; r < 3; r++) {
                Arrays.fill(got, 0f);
                world.rank(r).receive(0, 1, 0, got, 0, CHUNK, deadline(Duration.ofSeconds(10)));
                assertThat(got).containsExactly(sent);
            }
            assertThat(world.endpoint(1).counters().refusedTotal()).isZero();
        }
    }

    @Test
    void aPeerWithoutATrustedCertificateIsRefusedCountedAndReceivesNothing() throws Exception {
        try (TestWorld world = new TestWorld(2, tls(certificates.member()))) {
            InetSocketAddress rankOne = world.endpoint(1).localAddress();
            int refusals = 0;
            for (SSLContext intruder : new SSLContext[] {certificates.anonymous(), certificates.stranger()}) {
                // it even knows the world id and claims a rank: it must not get as far as the hello's answer
                assertThatThrownBy(() -> {
                    try (Rogue rogue = new Rogue(tlsClient(intruder, rankOne))) {
                        rogue.hello(world.worldId, 0, 1, 2, CHUNK);
                    }
                }).isInstanceOf(IOException.class);
                refusals++;
                awaitCount(world.endpoint(1).counters(), Refusal.TLS_HANDSHAKE, refusals);
            }
            // nor does a member's certificate on the intruder's side help once the world stands (rank taken)
            try (Rogue rogue = new Rogue(tlsClient(certificates.member(), rankOne))) {
                assertThat(rogue.hello(world.worldId, 0, 1, 2, CHUNK)).isEqualTo(Protocol.refusalStatus(
                        Refusal.WRONG_RANK));
            }
            // the members never noticed
            float[] sent = {4f, 5f};
            float[] got = new float[2];
            world.rank(0).send(1, 1, 0, sent, 0, 2, deadline(Duration.ofSeconds(10)));
            world.rank(1).receive(0, 1, 0, got, 0, 2, deadline(Duration.ofSeconds(10)));
            assertThat(got).containsExactly(sent);
            assertThat(world.rank(1).failure()).isNull();
        }
    }

    @Test
    void aRankWithAnUntrustedCertificateCannotFormTheWorld() throws Exception {
        try (WireEndpoint member = WireEndpoint.open(tls(certificates.member()));
                WireEndpoint stranger = WireEndpoint.open(tls(certificates.stranger()))) {
            var addresses = Arrays.asList(stranger.localAddress(), member.localAddress());
            var forming = java.util.concurrent.CompletableFuture.supplyAsync(() -> member.formWorld(1, 2, 42L,
                    addresses, Duration.ofSeconds(3)), TestThreads.PER_TASK);
            assertThatThrownBy(() -> stranger.formWorld(0, 2, 42L, addresses, Duration.ofSeconds(3)))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.FORMATION);
                        assertThat(e.ranks()).containsExactly(1);
                    });
            assertThatThrownBy(() -> forming.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WireException.class)
                    .hasMessageContaining("rank 0");
            assertThat(member.counters().refused(Refusal.TLS_HANDSHAKE)).isGreaterThanOrEqualTo(1);
        }
    }

    private static Socket tlsClient(SSLContext context, InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void awaitCount(WireCounters counters, Refusal reason, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.refused(reason) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(counters.refused(reason)).isEqualTo(expected);
    }
}
