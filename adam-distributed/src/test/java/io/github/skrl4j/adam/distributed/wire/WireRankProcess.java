package io.github.skrl4j.adam.distributed.wire;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Rank 1 of a two-rank world in a JVM of its own, started by {@link WireSeparateJvmTest}; or, with
 * role {@code stranger}, a process holding an untrusted certificate that tries to join as rank 0.
 * Talks to the test through stdin/stdout lines.
 */
public final class WireRankProcess {

    private WireRankProcess() {
    }

    /**
     * Arguments: role ({@code member}, {@code stranger} or {@code outsider}), key directory, world id
     * (hex), and the TLS engines' {@link TlsKind} (default {@code JDK}). The outsider speaks plaintext to the port it is given: a hello claiming rank 0, a frame
     * header announcing a gigabyte instead of a hello, a hello for another world; it prints what it got.
     */
    public static void main(String[] args) throws Exception {
        long worldId = Long.parseUnsignedLong(args[2], 16);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("outsider")) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(in.readLine().trim()));
            try (Rogue rogue = Rogue.plain(target)) {
                System.out.println("HELLO-AS-RANK-0 " + rogue.hello(worldId, 0, 1, 2, WireSeparateJvmTest.CHUNK));
            }
            try (Rogue rogue = Rogue.plain(target)) {
                rogue.frame(Protocol.FLOATS, 0, worldId, 1, 0, 1 << 30, new byte[0]);
                System.out.println("OVERSIZE-CLOSED " + rogue.closedByPeer());
            }
            try (Rogue rogue = Rogue.plain(target)) {
                System.out.println("OTHER-WORLD " + rogue.hello(worldId + 1, 0, 1, 2, WireSeparateJvmTest.CHUNK));
            }
            System.out.flush();
            return;
        }
        TestCertificates certificates = TestCertificates.load(Path.of(args[1]));
        TlsKind kind = args.length > 3 ? TlsKind.valueOf(args[3]) : TlsKind.JDK;
        if (args[0].equals("stranger")) {
            int port = Integer.parseInt(in.readLine().trim());
            try (WireEndpoint endpoint = WireEndpoint.open(WireOptions.builder()
                    .tlsEngines(certificates.stranger(kind)).maxChunkFloats(WireSeparateJvmTest.CHUNK).build())) {
                endpoint.formWorld(0, 2, worldId, List.of(endpoint.localAddress(),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port)), Duration.ofSeconds(5));
                System.out.println("JOINED");
            } catch (WireException e) {
                System.out.println("REFUSED " + e.reason());
            }
            return;
        }
        try (WireEndpoint endpoint = WireEndpoint.open(WireOptions.builder().tlsEngines(certificates.member(kind))
                .maxChunkFloats(WireSeparateJvmTest.CHUNK).build())) {
            System.out.println("PORT " + endpoint.localAddress().getPort());
            System.out.flush();
            int port = Integer.parseInt(in.readLine().trim());
            PeerMesh mesh = endpoint.formWorld(1, 2, worldId, List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), endpoint.localAddress()),
                    Duration.ofSeconds(20));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            float[] values = new float[WireSeparateJvmTest.VALUES];
            for (int c = 0; c * WireSeparateJvmTest.CHUNK < values.length; c++) {
                int at = c * WireSeparateJvmTest.CHUNK;
                mesh.receive(0, 1, c, values, at, Math.min(WireSeparateJvmTest.CHUNK, values.length - at), deadline);
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = values[i] * 2f + 1f;
            }
            for (int c = 0; c * WireSeparateJvmTest.CHUNK < values.length; c++) {
                int at = c * WireSeparateJvmTest.CHUNK;
                mesh.send(0, 1, 100 + c, values, at, Math.min(WireSeparateJvmTest.CHUNK, values.length - at),
                        deadline);
            }
            System.out.println("EXCHANGED");
            System.out.flush();
            try {
                mesh.take(0, 2, 0, System.nanoTime() + Duration.ofSeconds(30).toNanos());
                System.out.println("NOT FAILED");
            } catch (WireException e) {
                Instant now = Instant.now();
                System.out.println("FAILED " + e.reason() + " ranks=" + java.util.Arrays.toString(e.ranks()) + " at="
                        + ChronoUnit.MICROS.between(Instant.EPOCH, now) + " message=" + e.getMessage());
            }
            System.out.flush();
        }
    }
}
