package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.TestThreads;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a forged hello or frame gets: refused, counted, and never delivered. A rogue that took a rank
 * of a forming world (possible without TLS for anyone who knows the world id) is cut off at its
 * first bad frame, which breaks that world cleanly; an outsider arriving after the world formed is
 * refused at the hello and the world goes on.
 */
@Timeout(60)
class WireRefusalTest {

    private static final int CHUNK = 1000;
    private static final long WORLD = 0x5eed_1234L;
    private static final WireOptions OPTIONS = WireOptions.builder().maxChunkFloats(CHUNK)
            .handshakeTimeout(Duration.ofMillis(500)).build();

    /** Rank 1 forms a world of two; the rogue connects as rank 0 with the right world id. */
    private record Forged(WireEndpoint endpoint, PeerMesh mesh, Rogue rogue) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            rogue.close();
            endpoint.close();
        }
    }

    private static Forged rogueAsRankZero() throws Exception {
        WireEndpoint endpoint = WireEndpoint.open(OPTIONS);
        CompletableFuture<PeerMesh> forming = CompletableFuture.supplyAsync(() -> endpoint.formWorld(1, 2, WORLD,
                Arrays.asList(new InetSocketAddress("127.0.0.1", 9), endpoint.localAddress()), Duration.ofSeconds(20)), TestThreads.PER_TASK);
        Rogue rogue = Rogue.plain(endpoint.localAddress());
        assertThat(rogue.hello(WORLD, 0, 1, 2, CHUNK)).isEqualTo(Protocol.ACCEPTED);
        return new Forged(endpoint, forming.get(20, TimeUnit.SECONDS), rogue);
    }

    private static CompletableFuture<WireException> waitingForRankZero(PeerMesh mesh) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                mesh.take(0, 1, 0, deadline(Duration.ofSeconds(30)));
                return null;
            } catch (WireException e) {
                return e;
            }
        }, TestThreads.PER_TASK);
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void aFrameLongerThanTheChunkIsRefusedFromItsHeaderWithoutReadingOrAllocatingIt() throws Exception {
        try (Forged forged = rogueAsRankZero()) {
            CompletableFuture<WireException> waiting = waitingForRankZero(forged.mesh());
            long directBefore = directMemoryUsed();
            // announces a gigabyte and sends none of it: the refusal cannot have waited for the payload
            forged.rogue().frame(Protocol.FLOATS, 0, WORLD, 1, 0, 1 << 30, new byte[0]);
            WireException e = waiting.get(5, TimeUnit.SECONDS);
            assertThat(e.reason()).isEqualTo(WireException.Reason.REFUSED);
            assertThat(e.ranks()).containsExactly(0);
            assertThat(e.getMessage()).contains("OVERSIZE");
            assertThat(forged.endpoint().counters().refused(Refusal.OVERSIZE)).isEqualTo(1);
            assertThat(forged.rogue().closedByPeer()).isTrue();
            // not even one chunk's buffer (4,000 bytes) was allocated for it, let alone the gigabyte
            assertThat(directMemoryUsed() - directBefore).isLessThan(CHUNK * Float.BYTES);
        }
    }

    @Test
    void framesForAnotherWorldOrClaimingAnotherRankAreRefusedAndNeverDelivered() throws Exception {
        record Case(long world, int fromRank, Refusal expected) {
        }
        for (Case c : List.of(new Case(WORLD + 1, 0, Refusal.UNKNOWN_WORLD), new Case(WORLD, 1, Refusal.WRONG_RANK))) {
            try (Forged forged = rogueAsRankZero()) {
                CompletableFuture<WireException> waiting = waitingForRankZero(forged.mesh());
                forged.rogue().frame(Protocol.FLOATS, c.fromRank(), c.world(), 1, 0, 8, new byte[8]);
                WireException e = waiting.get(5, TimeUnit.SECONDS);
                assertThat(e.reason()).as(c.toString()).isEqualTo(WireException.Reason.REFUSED);
                assertThat(e.getMessage()).contains(c.expected().name());
                assertThat(forged.endpoint().counters().refused(c.expected())).isEqualTo(1);
                assertThat(forged.endpoint().counters().refusedTotal()).isEqualTo(1);
                assertThat(forged.rogue().closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void aSecondFrameForTheSameChunkIsRefusedAsADuplicate() throws Exception {
        try (Forged forged = rogueAsRankZero()) {
            forged.rogue().frame(Protocol.FLOATS, 0, WORLD, 1, 0, 8, new byte[8]);
            forged.rogue().frame(Protocol.FLOATS, 0, WORLD, 1, 0, 8, new byte[8]);
            assertThat(forged.rogue().closedByPeer()).isTrue();
            assertThat(forged.endpoint().counters().refused(Refusal.DUPLICATE)).isEqualTo(1);
            assertThat(forged.mesh().failure()).isNotNull();
            assertThat(forged.mesh().failure().reason()).isEqualTo(WireException.Reason.REFUSED);
        }
    }

    @Test
    void aHelloForAWorldNotBeingFormedIsRefusedAndCounted() throws Exception {
        try (WireEndpoint endpoint = WireEndpoint.open(OPTIONS); Rogue rogue = Rogue.plain(endpoint.localAddress())) {
            assertThat(rogue.hello(WORLD, 0, 1, 2, CHUNK)).isEqualTo(Protocol.refusalStatus(Refusal.UNKNOWN_WORLD));
            assertThat(rogue.closedByPeer()).isTrue();
            assertThat(endpoint.counters().refused(Refusal.UNKNOWN_WORLD)).isEqualTo(1);
        }
    }

    /**
     * Idle connections that never say hello hold a handshake slot for the handshake timeout at most;
     * beyond the slots they are closed at once; a genuine rank arriving meanwhile retries and gets in.
     */
    @Test
    void idleConnectionsAreTimedOutOrTurnedAwayAndDoNotKeepTheWorldFromForming() throws Exception {
        WireOptions options = WireOptions.builder().maxChunkFloats(CHUNK).maxPendingHandshakes(2)
                .handshakeTimeout(Duration.ofMillis(400)).build();
        try (WireEndpoint zero = WireEndpoint.open(options); WireEndpoint one = WireEndpoint.open(options);
                Rogue idle1 = Rogue.plain(one.localAddress()); Rogue idle2 = Rogue.plain(one.localAddress());
                Rogue idle3 = Rogue.plain(one.localAddress())) {
            // the third found both slots taken: closed at once
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (one.counters().refused(Refusal.TOO_MANY_PENDING) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(one.counters().refused(Refusal.TOO_MANY_PENDING)).isEqualTo(1);
            List<InetSocketAddress> addresses = List.of(zero.localAddress(), one.localAddress());
            CompletableFuture<PeerMesh> forming = CompletableFuture.supplyAsync(() -> one.formWorld(1, 2, WORLD,
                    addresses, Duration.ofSeconds(20)), TestThreads.PER_TASK);
            PeerMesh mesh = zero.formWorld(0, 2, WORLD, addresses, Duration.ofSeconds(20));
            forming.get(20, TimeUnit.SECONDS);
            assertThat(idle1.closedByPeer()).isTrue();
            assertThat(idle2.closedByPeer()).isTrue();
            assertThat(one.counters().refused(Refusal.HANDSHAKE_TIMEOUT)).isEqualTo(2);
            assertThat(mesh.failure()).isNull();
        }
    }

    /** A client trickling its hello a byte at a time, each within the socket timeout, is cut off at the handshake timeout. */
    @Test
    void aHelloTrickledByteByByteIsCutOffAtTheHandshakeTimeout() throws Exception {
        try (WireEndpoint endpoint = WireEndpoint.open(OPTIONS);
                java.net.Socket socket = new java.net.Socket(endpoint.localAddress().getAddress(),
                        endpoint.localAddress().getPort())) {
            byte[] hello = Protocol.hello(WORLD, 0, 1, 2, CHUNK).array();
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < hello.length && !cut; i++) {
                try {
                    socket.getOutputStream().write(hello[i]);
                    socket.getOutputStream().flush();
                    Thread.sleep(200); // each byte well within the 500 ms socket timeout; all 32 would take 6.4 s
                } catch (java.io.IOException e) {
                    cut = true;
                }
                if (endpoint.counters().refused(Refusal.HANDSHAKE_TIMEOUT) == 1) {
                    cut = true;
                }
            }
            assertThat(cut).isTrue();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
            assertThat(endpoint.counters().refused(Refusal.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void anOutsiderIsRefusedAtTheHelloOnceTheWorldStandsAndTheWorldGoesOn() throws Exception {
        try (TestWorld world = new TestWorld(3, OPTIONS)) {
            InetSocketAddress rankTwo = world.endpoint(2).localAddress();
            // it knows the world id, even: a rank that is connected already, a rank that may not connect here,
            // another world size, garbage
            try (Rogue rogue = Rogue.plain(rankTwo)) {
                assertThat(rogue.hello(world.worldId, 0, 2, 3, CHUNK))
                        .isEqualTo(Protocol.refusalStatus(Refusal.WRONG_RANK));
            }
            try (Rogue rogue = Rogue.plain(rankTwo)) {
                assertThat(rogue.hello(world.worldId, 2, 2, 3, CHUNK))
                        .isEqualTo(Protocol.refusalStatus(Refusal.WRONG_RANK));
            }
            try (Rogue rogue = Rogue.plain(rankTwo)) {
                assertThat(rogue.hello(world.worldId, 0, 2, 4, CHUNK))
                        .isEqualTo(Protocol.refusalStatus(Refusal.SETTINGS_MISMATCH));
            }
            try (Rogue rogue = Rogue.plain(rankTwo)) {
                rogue.frame(Protocol.FLOATS, 0, world.worldId, 1, 0, 1 << 30, new byte[0]); // not a hello
                assertThat(rogue.closedByPeer()).isTrue();
            }
            WireCounters counters = world.endpoint(2).counters();
            assertThat(counters.refused(Refusal.WRONG_RANK)).isEqualTo(2);
            assertThat(counters.refused(Refusal.SETTINGS_MISMATCH)).isEqualTo(1);
            assertThat(counters.refused(Refusal.BAD_HELLO)).isEqualTo(1);
            // the genuine ranks never noticed
            float[] sent = {1f, 2f, 3f};
            float[] got = new float[3];
            world.rank(0).send(2, 1, 0, sent, 0, 3, deadline(Duration.ofSeconds(10)));
            world.rank(2).receive(0, 1, 0, got, 0, 3, deadline(Duration.ofSeconds(10)));
            assertThat(got).containsExactly(sent);
            for (PeerMesh mesh : world.meshes) {
                assertThat(mesh.failure()).isNull();
            }
        }
    }
}
