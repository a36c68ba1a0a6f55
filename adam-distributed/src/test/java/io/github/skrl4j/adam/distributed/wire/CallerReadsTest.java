package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.testsupport.TestThreads;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read side's hand-over ({@link PeerInbox.ReadSide}): a caller that waits for a small frame reads its
 * peer's socket itself once the reader thread stepped aside, and whatever it reads meanwhile (frames of
 * other operations, heartbeats, an abort, a refused frame, a connection that ends or stalls half-way) is
 * handled as the reader thread would handle it; the read side goes back to the reader thread when the
 * caller leaves it, before a large frame and when the mesh fails. Real sockets on loopback: two ranks, or
 * a hand-written rank 0 ({@link Rogue}) opposite a real rank 1.
 */
@Timeout(60)
class CallerReadsTest {

    private static final int CHUNK = 20_000;
    private static final long WORLD = 0x7ead_5e1fL;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WireOptions OPTIONS = WireOptions.builder().maxChunkFloats(CHUNK)
            .handshakeTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final TestCertificates certificates = TestCertificates.perTestClass();

    /** Rank 1 of a world of two, opposite a hand-written rank 0. */
    private record Opposite(WireEndpoint endpoint, PeerMesh mesh, Rogue rogue) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            rogue.close();
            endpoint.close();
        }

        /** Sends floats as rank 0's frame for (operation, chunk). */
        void floats(long operation, int chunk, float... values) throws Exception {
            ByteBuffer payload = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            payload.asFloatBuffer().put(values);
            rogue.frame(Protocol.FLOATS, 0, WORLD, operation, chunk, payload.capacity(), payload.array());
        }

        /**
         * Rank 1 receives one frame while the reader thread reads it (the caller waits first, so the reader
         * steps aside afterwards): from then on the read side is free for the caller.
         */
        void handOverToTheCaller() throws Exception {
            CompletableFuture<float[]> first = receiving(mesh, 0, 1, 1, WAIT);
            awaitReadSide(mesh, 0, PeerInbox.ReadSide.READER);
            Thread.sleep(50); // the caller waits before the frame comes, and asks the reader to step aside
            floats(1, 0, 42f);
            assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(42f);
            awaitReadSide(mesh, 0, PeerInbox.ReadSide.FREE);
        }

        /** After {@link #handOverToTheCaller}: rank 1 waits for operation 2's one float, reading the socket itself. */
        CompletableFuture<float[]> aCallerReadingOperationTwo() throws Exception {
            handOverToTheCaller();
            CompletableFuture<float[]> waiting = receiving(mesh, 0, 2, 1, WAIT);
            awaitReadSide(mesh, 0, PeerInbox.ReadSide.CALLER);
            return waiting;
        }
    }

    private static Opposite oppositeARogueRankZero(WireOptions options) throws Exception {
        WireEndpoint endpoint = WireEndpoint.open(options);
        CompletableFuture<PeerMesh> forming = CompletableFuture.supplyAsync(() -> endpoint.formWorld(1, 2, WORLD,
                Arrays.asList(new InetSocketAddress("127.0.0.1", 9), endpoint.localAddress()), Duration.ofSeconds(20)),
                TestThreads.PER_TASK);
        Rogue rogue = Rogue.plain(endpoint.localAddress());
        assertThat(rogue.hello(WORLD, 0, 1, 2, options.maxChunkFloats())).isEqualTo(Protocol.ACCEPTED);
        PeerMesh mesh = forming.get(20, TimeUnit.SECONDS);
        mesh.readSides().holdFree(Duration.ofSeconds(30)); // the hand-over stays put however slow the machine
        return new Opposite(endpoint, mesh, rogue);
    }

    private static CompletableFuture<float[]> receiving(PeerMesh mesh, int from, long operation, int length,
            Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            float[] got = new float[length];
            mesh.receive(from, operation, 0, got, 0, length, deadline(timeout));
            return got;
        }, TestThreads.PER_TASK);
    }

    private static void awaitReadSide(PeerMesh mesh, int peer, PeerInbox.ReadSide expected) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (mesh.readSide(peer) != expected && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(mesh.readSide(peer)).isEqualTo(expected);
    }

    private static WireException failureOf(CompletableFuture<?> waiting) throws Exception {
        try {
            waiting.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WireException.class);
            return (WireException) e.getCause();
        }
        throw new AssertionError("the wait did not fail");
    }

    @Test
    void aCallerReadsFramesOfOtherOperationsAndFilesThemForLater() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            o.handOverToTheCaller();
            CompletableFuture<float[]> second = receiving(o.mesh(), 0, 2, 2, WAIT);
            awaitReadSide(o.mesh(), 0, PeerInbox.ReadSide.CALLER); // the caller reads the socket itself
            o.floats(3, 0, 3f, -3f); // a later operation's frame first: filed, not delivered to operation 2
            o.floats(2, 0, 2f, Float.NaN);
            assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly(2f, Float.NaN);
            float[] third = new float[2];
            o.mesh().receive(0, 3, 0, third, 0, 2, deadline(WAIT));
            assertThat(third).containsExactly(3f, -3f);
            assertThat(o.mesh().failure()).isNull();
        }
    }

    @Test
    void aPeerThatClosesHalfWayThroughAFrameTheCallerReadsIsLostAtOnce() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            o.handOverToTheCaller();
            long start = System.nanoTime();
            CompletableFuture<float[]> waiting = receiving(o.mesh(), 0, 2, 1000, WAIT);
            awaitReadSide(o.mesh(), 0, PeerInbox.ReadSide.CALLER);
            o.rogue().frame(Protocol.FLOATS, 0, WORLD, 2, 0, 4000, new byte[100]); // a tenth of the frame
            o.rogue().close();
            WireException e = failureOf(waiting);
            assertThat(e.reason()).isEqualTo(WireException.Reason.PEER_LOST);
            assertThat(e.ranks()).containsExactly(0);
            assertThat(System.nanoTime() - start).as("at once, not at the 20 s deadline")
                    .isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aFrameThatStallsHalfWayFailsTheCallerAtItsDeadlineAndDropsTheConnection() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            o.handOverToTheCaller();
            long start = System.nanoTime();
            CompletableFuture<float[]> waiting = receiving(o.mesh(), 0, 2, 1000, Duration.ofMillis(800));
            awaitReadSide(o.mesh(), 0, PeerInbox.ReadSide.CALLER);
            o.rogue().frame(Protocol.FLOATS, 0, WORLD, 2, 0, 4000, new byte[100]); // and the rest never comes
            WireException e = failureOf(waiting);
            long waited = System.nanoTime() - start;
            assertThat(e.reason()).isEqualTo(WireException.Reason.TIMEOUT);
            assertThat(e.ranks()).containsExactly(0);
            assertThat(waited).as("at the caller's deadline, not the 10 s silence bound")
                    .isBetween(TimeUnit.MILLISECONDS.toNanos(700), TimeUnit.SECONDS.toNanos(3));
            assertThat(o.rogue().closedByPeer()).as("a stream cut mid-frame cannot go on").isTrue();
        }
    }

    @Test
    void anAbortTheCallerReadsFailsItsWaitWithTheReason() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            CompletableFuture<float[]> waiting = o.aCallerReadingOperationTwo();
            byte[] reason = "TIMEOUT".getBytes(StandardCharsets.UTF_8);
            o.rogue().frame(Protocol.ABORT, 0, WORLD, 2, 0, reason.length, reason);
            WireException e = failureOf(waiting);
            assertThat(e.reason()).isEqualTo(WireException.Reason.ABORTED);
            assertThat(e.getMessage()).contains("rank 0 aborted operation 2: TIMEOUT");
        }
    }

    @Test
    void aForgedFrameTheCallerReadsIsRefusedCountedAndNeverDelivered() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            CompletableFuture<float[]> waiting = o.aCallerReadingOperationTwo();
            byte[] payload = new byte[4];
            o.rogue().frame(Protocol.FLOATS, 0, WORLD + 1, 2, 0, 4, payload); // another world's
            WireException e = failureOf(waiting);
            assertThat(e.reason()).isEqualTo(WireException.Reason.REFUSED);
            assertThat(e.getMessage()).contains("UNKNOWN_WORLD");
            assertThat(o.endpoint().counters().refused(Refusal.UNKNOWN_WORLD)).isEqualTo(1);
            assertThat(o.rogue().closedByPeer()).isTrue();
        }
    }

    @Test
    void aCloseFromAnotherThreadEndsACallerThatReads() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            CompletableFuture<float[]> waiting = o.aCallerReadingOperationTwo();
            long start = System.nanoTime();
            o.mesh().close();
            assertThat(failureOf(waiting).reason()).isEqualTo(WireException.Reason.CLOSED);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
    }

    @Test
    void aReadSideLeftUnreadGoesBackToTheReaderThreadWhichReadsOn() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            o.handOverToTheCaller();
            o.mesh().readSides().holdFree(Duration.ofMillis(100)); // as in production
            awaitReadSide(o.mesh(), 0, PeerInbox.ReadSide.READER); // the watchdog, after a period unread
            byte[] reason = "MISMATCH".getBytes(StandardCharsets.UTF_8);
            o.rogue().frame(Protocol.ABORT, 0, WORLD, 5, 0, reason.length, reason);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (o.mesh().failure() == null && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            assertThat(o.mesh().failure()).as("read by the reader thread, no caller waiting").isNotNull();
            assertThat(o.mesh().failure().reason()).isEqualTo(WireException.Reason.ABORTED);
        }
    }

    @Test
    void aLargeFrameIsLeftToTheReaderThreads() throws Exception {
        try (TestWorld world = new TestWorld(2, OPTIONS)) {
            world.rank(0).readSides().holdFree(Duration.ofSeconds(30));
            exchange(world, 1, 10); // small: the callers read their sockets after the first
            assertThat(world.rank(0).readSides().framesReadByCaller()).isPositive();
            assertThat(world.rank(0).readSide(1)).isEqualTo(PeerInbox.ReadSide.FREE);
            float[] large = new float[CHUNK]; // 80,000 bytes: more than a caller reads itself
            Arrays.fill(large, 1.5f);
            world.rank(0).send(1, 100, 0, large, 0, CHUNK, deadline(WAIT));
            assertThat(world.rank(0).readSide(1)).isEqualTo(PeerInbox.ReadSide.READER);
            float[] got = new float[CHUNK];
            world.rank(1).receive(0, 100, 0, got, 0, CHUNK, deadline(WAIT));
            assertThat(got).containsOnly(1.5f);
            exchange(world, 101, 10); // and small ones again after it
        }
    }

    @Test
    void anInterruptedCallerFailsWithInterrupted() throws Exception {
        try (Opposite o = oppositeARogueRankZero(OPTIONS)) {
            o.handOverToTheCaller();
            CompletableFuture<Thread> caller = new CompletableFuture<>();
            CompletableFuture<float[]> waiting = CompletableFuture.supplyAsync(() -> {
                caller.complete(Thread.currentThread());
                float[] got = new float[1];
                o.mesh().receive(0, 2, 0, got, 0, 1, deadline(WAIT));
                return got;
            }, TestThreads.PER_TASK);
            Thread thread = caller.get(5, TimeUnit.SECONDS);
            awaitReadSide(o.mesh(), 0, PeerInbox.ReadSide.CALLER);
            thread.interrupt();
            assertThat(failureOf(waiting).reason()).isEqualTo(WireException.Reason.INTERRUPTED);
        }
    }

    /**
     * Over each TLS engine the reader threads read every frame (a caller reading itself measured no faster
     * over TLS and allocated more, {@link Link#readByCaller()}), and many small rounds arrive bit for bit.
     */
    @ParameterizedTest
    @EnumSource(TlsKind.class)
    void tlsFramesAreReadByTheReaderThreadsBitForBit(TlsKind kind) throws Exception {
        WireOptions tls = WireOptions.builder().tlsEngines(certificates.member(kind)).maxChunkFloats(CHUNK)
                .handshakeTimeout(Duration.ofSeconds(5)).build();
        try (TestWorld world = new TestWorld(2, tls)) {
            exchange(world, 1, 100);
            assertThat(world.rank(0).readSides().framesReadByCaller()).isZero();
            assertThat(world.rank(1).readSides().framesReadByCaller()).isZero();
            assertThat(world.rank(0).readSide(1)).isEqualTo(PeerInbox.ReadSide.READER);
        }
    }

    /** Plaintext: after the first round the callers read their sockets themselves, every bit as sent. */
    @Test
    void plaintextFramesAreReadByTheWaitingCallersBitForBit() throws Exception {
        try (TestWorld world = new TestWorld(2, OPTIONS)) {
            exchange(world, 1, 200);
            assertThat(world.rank(0).readSides().framesReadByCaller()).as("read by rank 0's caller itself").isGreaterThan(100);
            assertThat(world.rank(1).readSides().framesReadByCaller()).as("read by rank 1's caller itself").isGreaterThan(100);
        }
    }

    /** Heartbeats (every 100 ms at a 400 ms silence bound) arrive between and during the rounds a caller reads. */
    @Test
    void heartbeatsBetweenFramesTheCallerReadsKeepThePeerAlive() throws Exception {
        WireOptions quick = WireOptions.builder().maxChunkFloats(CHUNK).peerSilenceTimeout(Duration.ofMillis(400))
                .build();
        try (TestWorld world = new TestWorld(2, quick)) {
            for (int i = 0; i < 8; i++) {
                exchange(world, 1 + i * 10L, 10);
                Thread.sleep(150); // quiet: a heartbeat each way, read by whoever holds the read side
            }
            assertThat(world.rank(0).failure()).isNull();
            assertThat(world.rank(1).failure()).isNull();
        }
    }

    /** Distinct bits per operation, index and rank; finite floats (a NaN's bits need not survive a float variable). */
    private static int bits(long operation, int index, int rank) {
        return (int) (operation * 31 + index * 7L + rank * 1_000_003L) & 0x3fff_ffff;
    }

    /**
     * {@code rounds} operations from {@code firstOperation}: both ranks send 4,610 distinct floats and receive
     * the other's, which must arrive bit for bit.
     */
    private static void exchange(TestWorld world, long firstOperation, int rounds) throws Exception {
        CompletableFuture<?>[] ranks = new CompletableFuture<?>[2];
        for (int r = 0; r < 2; r++) {
            int rank = r;
            ranks[r] = CompletableFuture.runAsync(() -> {
                PeerMesh mesh = world.rank(rank);
                float[] sent = new float[4_610];
                float[] got = new float[4_610];
                for (int round = 0; round < rounds; round++) {
                    long op = firstOperation + round;
                    for (int i = 0; i < sent.length; i++) {
                        sent[i] = Float.intBitsToFloat(bits(op, i, rank));
                    }
                    mesh.sendToEach(new int[] {1 - rank}, op, 0, sent, 0, sent.length, deadline(WAIT));
                    mesh.receive(1 - rank, op, 0, got, 0, got.length, deadline(WAIT));
                    for (int i = 0; i < got.length; i++) {
                        int expected = bits(op, i, 1 - rank);
                        if (Float.floatToRawIntBits(got[i]) != expected) {
                            throw new AssertionError("operation " + op + ", float " + i + ": bits "
                                    + Float.floatToRawIntBits(got[i]) + " instead of " + expected);
                        }
                    }
                }
            }, TestThreads.PER_TASK);
        }
        CompletableFuture.allOf(ranks).get(30, TimeUnit.SECONDS);
    }
}
