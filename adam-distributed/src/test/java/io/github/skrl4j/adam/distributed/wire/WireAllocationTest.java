package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
import io.github.skrl4j.testsupport.TestThreads;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Steady state allocates nothing per operation in plaintext: not on the calling thread (send from the
 * reused frame buffer, receive with one bulk copy), not on the reader threads (pooled buffers), so a
 * training loop's exchanges leave the garbage collector alone. Counted with HotSpot's per-thread
 * allocation counters; the bound (a few KB over 8 MB of payload) leaves room for the counters' own
 * granularity, not for an allocation per frame.
 */
@AllocationCounting
@Timeout(120)
class WireAllocationTest {

    private static final int FLOATS = 1000;
    private static final int WARM_UP = 3000;
    private static final int MEASURED = 1000;

    @Test
    void sendingAndReceivingAllocateNothingPerFrameOnTheCallerOrTheReaders() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(FLOATS).build())) {
            PeerMesh zero = world.rank(0);
            PeerMesh one = world.rank(1);
            int total = WARM_UP + MEASURED;
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                float[] buffer = new float[FLOATS];
                long deadline = deadline(Duration.ofSeconds(60));
                for (int op = 1; op <= total; op++) {
                    one.receive(0, op, 0, buffer, 0, FLOATS, deadline);
                    one.send(0, op, 1, buffer, 0, FLOATS, deadline);
                }
            }, TestThreads.PER_TASK);
            float[] out = new float[FLOATS];
            float[] in = new float[FLOATS];
            Arrays.fill(out, 0.5f);
            long deadline = deadline(Duration.ofSeconds(60));
            long[] readers = readerThreadIds();
            long callerBefore = 0;
            long[] readersBefore = null;
            for (int op = 1; op <= total; op++) {
                if (op == WARM_UP + 1) {
                    callerBefore = threads.getCurrentThreadAllocatedBytes();
                    readersBefore = threads.getThreadAllocatedBytes(readers);
                }
                zero.send(1, op, 0, out, 0, FLOATS, deadline);
                zero.receive(1, op, 1, in, 0, FLOATS, deadline);
            }
            long caller = threads.getCurrentThreadAllocatedBytes() - callerBefore;
            long[] readersAfter = threads.getThreadAllocatedBytes(readers);
            echo.get(30, TimeUnit.SECONDS);
            assertThat(in).containsOnly(0.5f);
            long payloadBytes = (long) MEASURED * FLOATS * Float.BYTES * 2;
            assertThat(caller).as("bytes the calling thread allocated over %d round trips (%d payload bytes)",
                    MEASURED, payloadBytes).isLessThan(4096);
            for (int i = 0; i < readers.length; i++) {
                assertThat(readersAfter[i] - readersBefore[i]).as("bytes reader %d allocated", i).isLessThan(4096);
            }
        }
    }

    private static long[] readerThreadIds() {
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-wire-0-from-") || t.getName().startsWith("skrl4j-wire-1-from-"))
                .mapToLong(Thread::getId).toArray();
        assertThat(ids).hasSize(2);
        return ids;
    }
}
