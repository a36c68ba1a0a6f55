package io.github.skrl4j.adam.distributed.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
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
        try (TestWorld world = new TestWorld(2, WireOptions.builder().maxChunkFloats(FLOATS).build())) {
            EchoAllocations allocated = EchoAllocations.measure(world, FLOATS, WARM_UP, MEASURED, 0.5f);
            long payloadBytes = (long) MEASURED * FLOATS * Float.BYTES * 2;
            assertThat(allocated.caller()).as("bytes the calling thread allocated over %d round trips (%d payload "
                    + "bytes)", MEASURED, payloadBytes).isLessThan(4096);
            for (int i = 0; i < allocated.readers().length; i++) {
                assertThat(allocated.readers()[i]).as("bytes reader %d allocated", i).isLessThan(4096);
            }
        }
    }
}
