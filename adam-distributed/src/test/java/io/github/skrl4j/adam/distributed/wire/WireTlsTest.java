package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.testsupport.TestThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutual TLS, on each engine source ({@link TlsKind}: the JDK's, BoringSSL's): ranks holding a
 * certificate the context trusts exchange values; a client with no certificate or an untrusted one is
 * refused in the TLS handshake (counted) and never gets an answer to its hello, even when it knows the
 * world id; every engine carries the same bits, and ranks on different engines form one world. Key
 * pairs are made by keytool at test time.
 */
@Timeout(90)
class WireTlsTest {

    private static final int CHUNK = 1000;

    @RegisterExtension
    static final TestCertificates certificates = TestCertificates.perTestClass();

    private static WireOptions tls(TlsEngines engines) {
        return WireOptions.builder().tlsEngines(engines).maxChunkFloats(CHUNK).handshakeTimeout(Duration.ofSeconds(5))
                .build();
    }

    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void membersExchangeValuesOverMutualTls(TlsKind kind) throws Exception {
        try (TestWorld world = new TestWorld(3, tls(certificates.member(kind)))) {
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

    /** Heartbeats travel encrypted like any frame, from their own thread: quiet TLS ranks stay alive and exchange. */
    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void quietRanksStayAliveByTheirHeartbeatsOverTls(TlsKind kind) throws Exception {
        Duration silence = Duration.ofMillis(800);
        WireOptions options = WireOptions.builder().tlsEngines(certificates.member(kind)).maxChunkFloats(CHUNK)
                .peerSilenceTimeout(silence).build();
        try (TestWorld world = new TestWorld(2, options)) {
            Thread.sleep(silence.toMillis() * 3);
            assertThat(world.rank(0).failure()).isNull();
            assertThat(world.rank(1).failure()).isNull();
            world.rank(1).send(0, 1, 0, new float[] {2.5f}, 0, 1, deadline(Duration.ofSeconds(10)));
            float[] got = new float[1];
            world.rank(0).receive(1, 1, 0, got, 0, 1, deadline(Duration.ofSeconds(10)));
            assertThat(got[0]).isEqualTo(2.5f);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void aPeerWithoutATrustedCertificateIsRefusedCountedAndReceivesNothing(TlsKind kind) throws Exception {
        try (TestWorld world = new TestWorld(2, tls(certificates.member(kind)))) {
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

    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void aRankWithAnUntrustedCertificateCannotFormTheWorld(TlsKind kind) throws Exception {
        try (WireEndpoint member = WireEndpoint.open(tls(certificates.member(kind)));
                WireEndpoint stranger = WireEndpoint.open(tls(certificates.stranger(kind)))) {
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

    /**
     * A plaintext client (a hello instead of a TLS handshake) is refused, counted once, and never answered.
     * How soon depends on the engine: the JDK's rejects the first bytes as a malformed record at once
     * ({@code TLS_HANDSHAKE}); Netty's record parser reads this protocol's hello (its fifth byte, the version,
     * is 2) as the header of an SSLv2 record and waits for the rest, so the handshake timeout ends it
     * ({@code HANDSHAKE_TIMEOUT}). Either way nothing of the hello is read as a hello.
     */
    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void aPlaintextHelloToATlsEndpointIsRefusedAndCounted(TlsKind kind) throws Exception {
        WireOptions options = WireOptions.builder().tlsEngines(certificates.member(kind)).maxChunkFloats(CHUNK)
                .handshakeTimeout(Duration.ofSeconds(2)).build();
        try (WireEndpoint endpoint = WireEndpoint.open(options);
                Rogue rogue = Rogue.plain(endpoint.localAddress())) {
            assertThatThrownBy(() -> rogue.hello(42L, 0, 1, 2, CHUNK)).isInstanceOf(IOException.class);
            awaitCount(endpoint.counters()::refusedTotal, 1);
            assertThat(endpoint.counters().refused(Refusal.TLS_HANDSHAKE)
                    + endpoint.counters().refused(Refusal.HANDSHAKE_TIMEOUT)).as("a TLS failure or a timeout")
                    .isEqualTo(1);
            if (kind == TlsKind.JDK) {
                assertThat(endpoint.counters().refused(Refusal.TLS_HANDSHAKE)).isEqualTo(1);
            }
        }
    }

    /**
     * A client that opens a TLS handshake and trickles it a byte at a time (the start of a ClientHello,
     * each byte well within any per-read timeout) holds its handshake slot no longer than the handshake
     * timeout: the connection is cut and counted as a handshake timeout, whichever engine serves it.
     */
    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void aTlsHandshakeTrickledByteByByteIsCutOffAtTheHandshakeTimeout(TlsKind kind) throws Exception {
        WireOptions options = WireOptions.builder().tlsEngines(certificates.member(kind)).maxChunkFloats(CHUNK)
                .handshakeTimeout(Duration.ofMillis(500)).build();
        try (WireEndpoint endpoint = WireEndpoint.open(options);
                Socket socket = new Socket(endpoint.localAddress().getAddress(), endpoint.localAddress().getPort())) {
            // a handshake record announcing 512 bytes, of which 50 arrive, one per 100 ms
            byte[] trickle = new byte[50];
            byte[] header = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
            System.arraycopy(header, 0, trickle, 0, header.length);
            boolean cut = false;
            for (int i = 0; i < trickle.length && !cut; i++) {
                try {
                    socket.getOutputStream().write(trickle[i]);
                    socket.getOutputStream().flush();
                    Thread.sleep(100);
                } catch (IOException e) {
                    cut = true;
                }
                cut |= endpoint.counters().refused(Refusal.HANDSHAKE_TIMEOUT) == 1;
            }
            assertThat(cut).as("cut off before all %d bytes were trickled", trickle.length).isTrue();
            awaitCount(endpoint.counters(), Refusal.HANDSHAKE_TIMEOUT, 1);
            assertThat(endpoint.counters().refused(Refusal.TLS_HANDSHAKE)).isZero();
        }
    }

    /**
     * Every float's bits arrive as sent (NaN payloads, signed zeros, subnormals, infinities), in frames of
     * every size from one float to a full chunk, whichever engines the two ends use: a world whose ranks
     * run different engines forms and agrees bit for bit.
     */
    @ParameterizedTest
    @CsvSource({"JDK, JDK", "OPENSSL, OPENSSL", "JDK, OPENSSL", "OPENSSL, JDK"})
    void everyEngineCarriesTheSameBits(TlsKind zero, TlsKind one) throws Exception {
        int chunk = 20_000; // more than one TLS record per frame
        WireOptions.Builder options = WireOptions.builder().maxChunkFloats(chunk).handshakeTimeout(Duration.ofSeconds(5));
        try (TestWorld world = new TestWorld(List.of(options.tlsEngines(certificates.member(zero)).build(),
                options.tlsEngines(certificates.member(one)).build()))) {
            Random random = new Random(21);
            float[] sent = new float[chunk];
            float[] got = new float[chunk];
            int[] lengths = {1, 7, 4093, 4096, 4097, chunk - 1, chunk};
            for (int op = 0; op < lengths.length; op++) {
                int n = lengths[op];
                for (int i = 0; i < n; i++) {
                    sent[i] = Float.intBitsToFloat(random.nextInt()); // every bit pattern, NaN payloads included
                }
                sent[0] = -0f;
                if (n > 3) {
                    sent[1] = Float.MIN_VALUE;
                    sent[2] = Float.NEGATIVE_INFINITY;
                    sent[3] = Float.intBitsToFloat(0x7fc0_1234);
                }
                long deadline = deadline(Duration.ofSeconds(10));
                world.rank(op % 2).send(1 - op % 2, op, 0, sent, 0, n, deadline);
                Arrays.fill(got, 1f);
                assertThat(world.rank(1 - op % 2).receive(op % 2, op, 0, got, 0, chunk, deadline)).isEqualTo(n);
                for (int i = 0; i < n; i++) {
                    assertThat(Float.floatToRawIntBits(got[i])).as("float %d of %d", i, n)
                            .isEqualTo(Float.floatToRawIntBits(sent[i]));
                }
            }
        }
    }

    /** An SSL context is the JDK's engines of it; the builder's two TLS options replace each other. */
    @org.junit.jupiter.api.Test
    void anSslContextMeansTheJdksEnginesAndTheTwoTlsOptionsReplaceEachOther() throws Exception {
        SSLContext context = certificates.member();
        TlsEngines boring = certificates.member(TlsKind.OPENSSL);
        WireOptions jdk = WireOptions.builder().sslContext(context).build();
        assertThat(jdk.tls()).isTrue();
        assertThat(jdk.tlsEngines()).isEqualTo(TlsEngines.jdk(context));
        assertThat(jdk.heapBuffers()).isTrue();
        WireOptions onBoringSsl = WireOptions.builder().sslContext(context).tlsEngines(boring).build();
        assertThat(onBoringSsl.sslContext()).isNull();
        assertThat(onBoringSsl.tlsEngines()).isSameAs(boring);
        assertThat(onBoringSsl.heapBuffers()).isFalse();
        assertThat(WireOptions.builder().tlsEngines(boring).sslContext(null).build().tls()).isFalse();
    }

    private static Socket tlsClient(SSLContext context, InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void awaitCount(WireCounters counters, Refusal reason, long expected) throws InterruptedException {
        awaitCount(() -> counters.refused(reason), expected);
    }

    /** Waits up to 10 s for {@code count} to reach {@code expected}, then asserts it is exactly that. */
    private static void awaitCount(LongSupplier count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(count.getAsLong()).isEqualTo(expected);
    }
}
