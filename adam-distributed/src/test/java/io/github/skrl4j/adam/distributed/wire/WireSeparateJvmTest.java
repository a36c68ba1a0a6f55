package io.github.skrl4j.adam.distributed.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.TestThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two JVMs over mutual TLS on loopback, as replicas run: values cross bit for bit both ways, an abort
 * reaches the other process within a second; a process with an untrusted certificate is refused
 * and counted while the world goes on.
 */
@ChildJvm
@Timeout(120)
class WireSeparateJvmTest {

    static final int CHUNK = 4096;
    static final int VALUES = 10_000;

    @RegisterExtension
    static final TestCertificates certificates = TestCertificates.perTestClass();

    private static Process child(String role, long worldId) throws Exception {
        return child(role, worldId, TlsKind.JDK);
    }

    private static Process child(String role, long worldId, TlsKind kind) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WireRankProcess.class.getName());
        command.add(role);
        command.add(certificates.dir().toString());
        command.add(Long.toHexString(worldId));
        command.add(kind.name());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void valuesCrossTwoJvmsAndAnAbortReachesTheOtherWithinASecond(TlsKind kind) throws Exception {
        long worldId = ThreadLocalRandom.current().nextLong();
        Process process = child("member", worldId, kind);
        try (WireEndpoint endpoint = WireEndpoint.open(WireOptions.builder().tlsEngines(certificates.member(kind))
                .maxChunkFloats(CHUNK).build())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String port = expectLine(out, "PORT ").substring(5);
            in.write(endpoint.localAddress().getPort() + "\n");
            in.flush();
            PeerMesh mesh = endpoint.formWorld(0, 2, worldId, List.of(endpoint.localAddress(),
                    new InetSocketAddress("127.0.0.1", Integer.parseInt(port))), Duration.ofSeconds(30));
            float[] values = new float[VALUES];
            for (int i = 0; i < VALUES; i++) {
                values[i] = (float) ThreadLocalRandom.current().nextGaussian();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int c = 0; c * CHUNK < VALUES; c++) {
                mesh.send(1, 1, c, values, c * CHUNK, Math.min(CHUNK, VALUES - c * CHUNK), deadline);
            }
            float[] back = new float[VALUES];
            for (int c = 0; c * CHUNK < VALUES; c++) {
                mesh.receive(1, 1, 100 + c, back, c * CHUNK, Math.min(CHUNK, VALUES - c * CHUNK), deadline);
            }
            for (int i = 0; i < VALUES; i++) {
                assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i] * 2f + 1f));
            }
            expectLine(out, "EXCHANGED");
            Thread.sleep(300); // the child waits for operation 2 now
            long abortedAt = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            mesh.abort(2, "rank 0 gives up");
            String failed = expectLine(out, "FAILED ");
            assertThat(failed).contains("FAILED ABORTED ranks=[0]").contains("rank 0 aborted operation 2: rank 0 gives up");
            long seenAt = Long.parseLong(failed.replaceAll(".* at=(\\d+) .*", "$1"));
            assertThat(seenAt - abortedAt).isLessThan(TimeUnit.SECONDS.toMicros(1));
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(endpoint.counters().refusedTotal()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void aProcessWithAnUntrustedCertificateIsRefusedAndCountedWhileTheWorldGoesOn(TlsKind kind) throws Exception {
        long worldId = ThreadLocalRandom.current().nextLong();
        try (TestWorld world = new TestWorld(2, WireOptions.builder().tlsEngines(certificates.member(kind))
                .maxChunkFloats(CHUNK).build())) {
            Process process = child("stranger", world.worldId, kind);
            try {
                Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                in.write(world.endpoint(1).localAddress().getPort() + "\n");
                in.flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(expectLine(out, "REFUSED")).isEqualTo("REFUSED FORMATION");
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                process.destroyForcibly();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (world.endpoint(1).counters().refused(Refusal.TLS_HANDSHAKE) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(world.endpoint(1).counters().refused(Refusal.TLS_HANDSHAKE)).isGreaterThanOrEqualTo(1);
            float[] got = new float[1];
            world.rank(0).send(1, 1, 0, new float[] {worldId}, 0, 1, System.nanoTime() + 10_000_000_000L);
            world.rank(1).receive(0, 1, 0, got, 0, 1, System.nanoTime() + 10_000_000_000L);
            assertThat(got[0]).isEqualTo((float) worldId);
        }
    }

    /**
     * An outsider process, in plaintext and knowing the world id, once the world stands: its hello
     * claiming a rank is refused, a gigabyte announced instead of a hello is refused from the first 32
     * bytes, a hello for another world is refused; all counted, and the world's values are untouched.
     */
    @Test
    void anOutsiderProcessIsRefusedAndCountedAndTheWorldGoesOnUntouched() throws Exception {
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(CHUNK)
                .handshakeTimeout(Duration.ofMillis(500)).build())) {
            float[] sent = new float[CHUNK];
            for (int i = 0; i < CHUNK; i++) {
                sent[i] = i * 0.25f;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            world.rank(0).send(1, 1, 0, sent, 0, CHUNK, deadline); // waits at rank 1 while the outsider tries
            Process process = child("outsider", world.worldId);
            try {
                Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                in.write(world.endpoint(1).localAddress().getPort() + "\n");
                in.flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(expectLine(out, "HELLO-AS-RANK-0 ")).isEqualTo("HELLO-AS-RANK-0 "
                        + Protocol.refusalStatus(Refusal.WRONG_RANK));
                assertThat(expectLine(out, "OVERSIZE-CLOSED ")).isEqualTo("OVERSIZE-CLOSED true");
                assertThat(expectLine(out, "OTHER-WORLD ")).isEqualTo("OTHER-WORLD "
                        + Protocol.refusalStatus(Refusal.UNKNOWN_WORLD));
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                process.destroyForcibly();
            }
            WireCounters counters = world.endpoint(1).counters();
            assertThat(counters.refused(Refusal.WRONG_RANK)).isEqualTo(1);
            assertThat(counters.refused(Refusal.BAD_HELLO)).isEqualTo(1);
            assertThat(counters.refused(Refusal.UNKNOWN_WORLD)).isEqualTo(1);
            float[] got = new float[CHUNK];
            world.rank(1).receive(0, 1, 0, got, 0, CHUNK, deadline);
            assertThat(got).containsExactly(sent);
            assertThat(world.rank(0).failure()).isNull();
            assertThat(world.rank(1).failure()).isNull();
        }
    }

    /** The first line of the child's output starting with {@code prefix}, all of it in the failure message. */
    private static String expectLine(BufferedReader out, String prefix) throws Exception {
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                    seen.append(l).append('\n');
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        }, TestThreads.PER_TASK);
        String found = line.get(60, TimeUnit.SECONDS);
        assertThat(found).as("child output before \"%s\":%n%s", prefix, seen).isNotNull();
        return found;
    }
}
