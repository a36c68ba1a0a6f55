package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.testsupport.TestThreads;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exchanges, waits and failures over real loopback sockets, each rank on its own thread. */
@Timeout(60)
class PeerMeshTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WireOptions SMALL_CHUNKS = WireOptions.builder().maxChunkFloats(1000).build();

    private static float[] values(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        v[0] = Float.NaN; // a value whose bits must survive too
        v[n - 1] = -0.0f;
        return v;
    }

    /** Both ranks send three chunks (one full, one partial, one single value) at once and receive the other's. */
    @Test
    void twoRanksExchangeChunksBothWaysBitForBit() throws Exception {
        try (TestWorld world = new TestWorld(2, SMALL_CHUNKS)) {
            float[][] sent = {values(2001, 0), values(2001, 1)};
            float[][] got = new float[2][2001];
            CompletableFuture<?>[] ranks = new CompletableFuture<?>[2];
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks[r] = CompletableFuture.runAsync(() -> {
                    PeerMesh mesh = world.rank(rank);
                    int peer = 1 - rank;
                    long deadline = deadline(WAIT);
                    for (int c = 0; c < 3; c++) {
                        mesh.send(peer, 7, c, sent[rank], c * 1000, Math.min(1000, 2001 - c * 1000), deadline);
                    }
                    for (int c = 2; c >= 0; c--) { // out of order: frames are matched by (operation, chunk)
                        int n = mesh.receive(peer, 7, c, got[rank], c * 1000, Math.min(1000, 2001 - c * 1000), deadline);
                        assertThat(n).isEqualTo(Math.min(1000, 2001 - c * 1000));
                    }
                }, TestThreads.PER_TASK);
            }
            CompletableFuture.allOf(ranks).get(30, TimeUnit.SECONDS);
            for (int r = 0; r < 2; r++) {
                assertThat(floatBits(got[r])).containsExactly(floatBits(sent[1 - r]));
            }
        }
    }

    /** Three ranks: each sends its own vector to each other rank, rank 0 one result to both with sendToEach, and longs. */
    @Test
    void threeRanksExchangeVectorsResultsAndLongs() throws Exception {
        try (TestWorld world = new TestWorld(3, SMALL_CHUNKS)) {
            float[][] own = {values(500, 10), values(500, 11), values(500, 12)};
            float[] result = values(1000, 13);
            float[][][] got = new float[3][3][500];
            float[][] gotResult = new float[3][1000];
            long[][] gotLongs = new long[3][3];
            CompletableFuture<?>[] ranks = new CompletableFuture<?>[3];
            for (int r = 0; r < 3; r++) {
                int rank = r;
                ranks[r] = CompletableFuture.runAsync(() -> {
                    PeerMesh mesh = world.rank(rank);
                    long deadline = deadline(WAIT);
                    for (int op = 1; op <= 3; op++) { // three operations in a row, reusing the buffers
                        for (int peer = 0; peer < 3; peer++) {
                            if (peer != rank) {
                                mesh.send(peer, op, 0, own[rank], 0, 500, deadline);
                                mesh.sendLongs(peer, op, 1, new long[] {rank, op, Long.MIN_VALUE + rank}, 0, 3,
                                        deadline);
                            }
                        }
                        if (rank == 0) {
                            mesh.sendToEach(new int[] {1, 2}, op, 2, result, 0, 1000, deadline);
                        }
                        for (int peer = 0; peer < 3; peer++) {
                            if (peer != rank) {
                                mesh.receive(peer, op, 0, got[rank][peer], 0, 500, deadline);
                                assertThat(mesh.receiveLongs(peer, op, 1, gotLongs[rank], 0, 3, deadline))
                                        .isEqualTo(3);
                                assertThat(gotLongs[rank]).containsExactly(peer, op, Long.MIN_VALUE + peer);
                            }
                        }
                        if (rank != 0) {
                            Received frame = mesh.take(0, op, 2, deadline); // read in place, then release
                            assertThat(frame.fromRank()).isZero();
                            assertThat(frame.length()).isEqualTo(1000);
                            frame.floats().get(gotResult[rank]);
                            mesh.release(frame);
                        }
                    }
                }, TestThreads.PER_TASK);
            }
            CompletableFuture.allOf(ranks).get(30, TimeUnit.SECONDS);
            for (int r = 0; r < 3; r++) {
                for (int peer = 0; peer < 3; peer++) {
                    if (peer != r) {
                        assertThat(floatBits(got[r][peer])).containsExactly(floatBits(own[peer]));
                    }
                }
            }
            assertThat(floatBits(gotResult[1])).containsExactly(floatBits(result));
            assertThat(floatBits(gotResult[2])).containsExactly(floatBits(result));
            assertThat(world.endpoint(0).counters().refusedTotal()).isZero();
        }
    }

    @Test
    void aChunkLongerThanTheCallerExpectsIsAMismatch() throws Exception {
        try (TestWorld world = new TestWorld(2, SMALL_CHUNKS)) {
            world.rank(0).send(1, 1, 0, values(10, 1), 0, 10, deadline(WAIT));
            float[] dst = new float[5];
            assertThatThrownBy(() -> world.rank(1).receive(0, 1, 0, dst, 0, 5, deadline(WAIT)))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.MISMATCH);
                        assertThat(e.ranks()).containsExactly(0);
                    });
            assertThat(dst).containsOnly(0f);
        }
    }

    @Test
    void aTimeoutNamesEveryRankThatDidNotSend() throws Exception {
        try (TestWorld world = new TestWorld(3, SMALL_CHUNKS)) {
            world.rank(1).send(0, 4, 0, values(3, 1), 0, 3, deadline(WAIT));
            long start = System.nanoTime();
            assertThatThrownBy(() -> world.rank(0).await(new int[] {1, 2}, 4, 0, deadline(Duration.ofMillis(300))))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.TIMEOUT);
                        assertThat(e.ranks()).containsExactly(2);
                        assertThat(e.getMessage()).contains("from rank 2").doesNotContain("rank 1");
                    });
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            // the failure is final for this mesh: the next wait fails with it at once
            assertThatThrownBy(() -> world.rank(0).take(1, 4, 0, deadline(WAIT)))
                    .isInstanceOfSatisfying(WireException.class,
                            e -> assertThat(e.reason()).isEqualTo(WireException.Reason.TIMEOUT));
        }
        try (TestWorld world = new TestWorld(3, SMALL_CHUNKS)) {
            assertThatThrownBy(() -> world.rank(2).await(new int[] {0, 1}, 1, 0, deadline(Duration.ofMillis(200))))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.ranks()).containsExactly(0, 1);
                        assertThat(e.getMessage()).contains("from ranks 0, 1");
                    });
        }
    }

    /** Rank 0 aborts; ranks 1 and 2, waiting with a 30 s deadline, fail within a second naming rank 0 and why. */
    @Test
    void anAbortReachesEveryPeerWithinASecond() throws Exception {
        try (TestWorld world = new TestWorld(3, SMALL_CHUNKS)) {
            CompletableFuture<WireException> one = waitFailure(world.rank(1), 0);
            CompletableFuture<WireException> two = waitFailure(world.rank(2), 0);
            Thread.sleep(200); // both are waiting
            long start = System.nanoTime();
            world.rank(0).abort(9, "gradient of rank 0 is not finite");
            WireException e1 = one.get(1, TimeUnit.SECONDS);
            WireException e2 = two.get(1, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
            for (WireException e : new WireException[] {e1, e2}) {
                assertThat(e.reason()).isEqualTo(WireException.Reason.ABORTED);
                assertThat(e.ranks()).containsExactly(0);
                assertThat(e.getMessage()).contains("rank 0 aborted operation 9: gradient of rank 0 is not finite");
            }
            assertThat(world.rank(0).failure()).isNotNull();
        }
    }

    private static CompletableFuture<WireException> waitFailure(PeerMesh mesh, int fromRank) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                mesh.take(fromRank, 9, 0, deadline(Duration.ofSeconds(30)));
                return null;
            } catch (WireException e) {
                return e;
            }
        }, TestThreads.PER_TASK);
    }

    @Test
    void aRankThatLeavesFailsLaterWaitsForItAndALostOneFailsThemAtOnce() throws Exception {
        try (TestWorld world = new TestWorld(3, SMALL_CHUNKS)) {
            world.rank(2).leave(5);
            assertThatThrownBy(() -> world.rank(0).take(2, 6, 0, deadline(WAIT)))
                    .isInstanceOfSatisfying(WireException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireException.Reason.MEMBER_LEFT);
                        assertThat(e.ranks()).containsExactly(2);
                    });
        }
        try (TestWorld world = new TestWorld(2, SMALL_CHUNKS)) {
            CompletableFuture<WireException> waiting = waitFailure(world.rank(0), 1);
            Thread.sleep(100);
            world.endpoint(1).close(); // the process of rank 1 goes away without a goodbye
            WireException e = waiting.get(1, TimeUnit.SECONDS);
            assertThat(e.reason()).isEqualTo(WireException.Reason.PEER_LOST);
            assertThat(e.ranks()).containsExactly(1);
        }
    }

    @Test
    void plaintextOffLoopbackIsRefusedUnlessAllowedNamingBothProperties() {
        InetSocketAddress anyInterface = new InetSocketAddress("0.0.0.0", 0);
        assertThatThrownBy(() -> WireEndpoint.open(WireOptions.builder().bindAddress(anyInterface).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("skrl.optim.adam.distributed.ssl.bundle")
                .hasMessageContaining("skrl.optim.adam.distributed.allow-insecure");
        // the same rule decides to go ahead (with a warning) when allowed, and says nothing with TLS or on loopback
        assertThat(WireEndpoint.requireSecureBind(anyInterface, false, true)).isTrue();
        assertThat(WireEndpoint.requireSecureBind(anyInterface, true, false)).isFalse();
        assertThat(WireEndpoint.requireSecureBind(new InetSocketAddress("127.0.0.1", 0), false, false)).isFalse();
    }

    @Test
    void sendingMoreThanAChunkIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (TestWorld world = new TestWorld(2, SMALL_CHUNKS)) {
            assertThatThrownBy(() -> world.rank(0).send(1, 1, 0, new float[1001], 0, 1001, deadline(WAIT)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk size 1000");
            // nothing broke: the world still exchanges
            world.rank(0).send(1, 1, 0, values(4, 3), 0, 4, deadline(WAIT));
            assertThat(world.rank(1).receive(0, 1, 0, new float[4], 0, 4, deadline(WAIT))).isEqualTo(4);
        }
    }

    /**
     * A peer that stops taking frames (its buffers full, then its socket's) cannot hang a sender: the
     * write passes its deadline and fails with TIMEOUT naming that peer.
     */
    @Test
    void aSendToAPeerThatStopsReadingFailsAtItsDeadlineNamingThePeer() throws Exception {
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(1 << 18)
                .maxBufferedFramesPerPeer(1).build())) {
            float[] chunk = new float[1 << 18];
            long deadline = deadline(Duration.ofMillis(500));
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                for (int c = 0; c < 1024; c++) { // 1 GiB: far more than rank 1's buffer and both sockets' hold
                    world.rank(0).send(1, 1, c, chunk, 0, chunk.length, deadline);
                }
            }).isInstanceOfSatisfying(WireException.class, e -> {
                assertThat(e.reason()).isEqualTo(WireException.Reason.TIMEOUT);
                assertThat(e.ranks()).containsExactly(1);
                assertThat(e.getMessage()).contains("rank 1 did not take rank 0's data");
            });
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }
}
