package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import io.github.skrl4j.testsupport.TestThreads;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a frozen peer is seen: it keeps its connection open, so only its silence tells. Real sockets on
 * loopback; a hand-written peer plays the frozen one (it says hello and then nothing, as a process stopped
 * with SIGSTOP does).
 */
@Timeout(60)
class PeerSilenceTest {

    private static final Duration SILENCE = Duration.ofMillis(800);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WireOptions OPTIONS = WireOptions.builder().maxChunkFloats(1000).peerSilenceTimeout(SILENCE)
            .build();

    @Test
    void aPeerThatSendsNothingIsLostWithinTheSilenceBoundNamedAndItsConnectionClosed() throws Exception {
        try (WireEndpoint rankOne = WireEndpoint.open(OPTIONS); Socket socket = connectedTo(rankOne);
                Rogue frozen = new Rogue(socket); PeerMesh mesh = formOppositeAHandWrittenRankZero(rankOne, frozen)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> mesh.take(0, 1, 0, deadline(WAIT)))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.PEER_LOST);
                        assertThat(e.ranks()).containsExactly(0);
                        assertThat(e.getMessage()).contains("rank 1 lost rank 0: nothing arrived from it for 800 ms");
                    });
            long waited = System.nanoTime() - start;
            assertThat(waited).as("lost after the bound, not before")
                    .isGreaterThanOrEqualTo(SILENCE.toNanos() - TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(waited).as("and well before the caller's own deadline").isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(frozen.closedByPeer()).as("the frozen peer's connection is closed").isTrue();
        }
    }

    @Test
    void aRankSendsHeartbeatsOnAQuietConnection() throws Exception {
        try (WireEndpoint rankOne = WireEndpoint.open(OPTIONS); Socket socket = connectedTo(rankOne);
                Rogue peer = new Rogue(socket); PeerMesh mesh = formOppositeAHandWrittenRankZero(rankOne, peer)) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                byte[] header = in.readNBytes(Protocol.HEADER_BYTES);
                assertThat(header).hasSize(Protocol.HEADER_BYTES);
                ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(b.get(Protocol.KIND)).as("a heartbeat").isEqualTo(Protocol.HEARTBEAT);
                assertThat(b.getInt(Protocol.FROM_RANK)).isEqualTo(1);
                assertThat(b.getLong(Protocol.WORLD_ID)).isEqualTo(mesh.worldId());
                assertThat(b.getInt(Protocol.PAYLOAD_BYTES)).isZero();
            }
        }
    }

    private static Socket connectedTo(WireEndpoint endpoint) throws Exception {
        Socket socket = new Socket();
        socket.connect(endpoint.localAddress(), 5_000);
        return socket;
    }

    /** Rank 1 of a world of two on a real endpoint; rank 0 is {@code handWritten}, which says hello and then nothing. */
    private static PeerMesh formOppositeAHandWrittenRankZero(WireEndpoint rankOne, Rogue handWritten) throws Exception {
        long worldId = ThreadLocalRandom.current().nextLong();
        InetSocketAddress address = rankOne.localAddress();
        CompletableFuture<PeerMesh> forming = CompletableFuture.supplyAsync(() -> rankOne.formWorld(1, 2, worldId,
                List.of(address, address), Duration.ofSeconds(10)), TestThreads.PER_TASK);
        assertThat(handWritten.hello(worldId, 0, 1, 2, 1000)).as("accepted as rank 0").isZero();
        return forming.get(10, TimeUnit.SECONDS);
    }

    @Test
    void quietRanksStayAliveByTheirHeartbeats() throws Exception {
        try (TestWorld world = new TestWorld(3, WireOptions.builder().maxChunkFloats(1000).peerSilenceTimeout(SILENCE)
                .build())) {
            Thread.sleep(SILENCE.toMillis() * 3); // nothing but heartbeats for three bounds
            for (int r = 0; r < 3; r++) {
                assertThat(world.rank(r).failure()).as("rank %d", r).isNull();
            }
            world.rank(0).send(2, 1, 0, new float[] {1.5f, -2f}, 0, 2, deadline(WAIT));
            float[] got = new float[2];
            assertThat(world.rank(2).receive(0, 1, 0, got, 0, 2, deadline(WAIT))).isEqualTo(2);
            assertThat(got).containsExactly(1.5f, -2f);
        }
    }

    /**
     * When this rank's caller does not take a peer's frames, the reader stops reading (back-pressure) and
     * the peer's heartbeats wait unread: that silence is this rank's, and the peer is not lost for it.
     */
    @Test
    void aPeerWhoseFramesThisRankHasNotTakenIsNotSilent() throws Exception {
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(1000).maxBufferedFramesPerPeer(1)
                .peerSilenceTimeout(SILENCE).build())) {
            for (int chunk = 0; chunk < 3; chunk++) {
                world.rank(0).send(1, 1, chunk, new float[] {chunk}, 0, 1, deadline(WAIT));
            }
            Thread.sleep(SILENCE.toMillis() * 3); // rank 1's reader holds one frame and waits for a free buffer
            assertThat(world.rank(1).failure()).isNull();
            for (int chunk = 0; chunk < 3; chunk++) {
                float[] got = new float[1];
                world.rank(1).receive(0, 1, chunk, got, 0, 1, deadline(WAIT));
                assertThat(got[0]).isEqualTo(chunk);
            }
            Thread.sleep(SILENCE.toMillis() * 2); // and reading again, it hears rank 0's heartbeats
            assertThat(world.rank(1).failure()).isNull();
            assertThat(world.rank(0).failure()).isNull();
        }
    }

    @Test
    void aSilenceBoundTooShortToTellAFreezeFromAHiccupIsRefused() {
        assertThatThrownBy(() -> WireOptions.builder().peerSilenceTimeout(Duration.ofMillis(100)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 400 ms");
    }
}
