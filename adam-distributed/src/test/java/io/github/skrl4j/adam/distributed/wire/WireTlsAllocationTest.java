package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
import io.github.skrl4j.testsupport.TestThreads;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steady-state mutual TLS on the native engines (BoringSSL) allocates at most 0.01 bytes per payload
 * byte on the calling thread and on each reader thread: the link encrypts from and decrypts into
 * buffers it owns or the caller's, and BoringSSL keeps its cipher state across records. (The JDK's engine
 * cannot meet this: its AES-GCM re-creates its state for every 16 KiB record, about 0.07 bytes per byte
 * each way on JDK 17; see docs/distributed.md.) Counted with HotSpot's per-thread allocation counters.
 */
@AllocationCounting
@Timeout(120)
class WireTlsAllocationTest {

    private static final int FLOATS = 1 << 16; // 256 KiB frames: 16 TLS records each
    private static final int WARM_UP = 300;
    private static final int MEASURED = 200;
    private static final double BYTES_PER_PAYLOAD_BYTE = 0.01;

    @TempDir
    static Path keys;

    @Test
    void nativeTlsAllocatesAtMostAHundredthOfAByteOfGarbagePerPayloadByteOnTheCallerAndTheReaders() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        TlsEngines engines = new TestCertificates(keys).member(TlsKind.OPENSSL);
        try (TestWorld world = new TestWorld(2, WireOptions.builder().tlsEngines(engines).maxChunkFloats(FLOATS)
                .build())) {
            PeerMesh zero = world.rank(0);
            PeerMesh one = world.rank(1);
            int total = WARM_UP + MEASURED;
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                float[] buffer = new float[FLOATS];
                long deadline = deadline(Duration.ofSeconds(90));
                for (int op = 1; op <= total; op++) {
                    one.receive(0, op, 0, buffer, 0, FLOATS, deadline);
                    one.send(0, op, 1, buffer, 0, FLOATS, deadline);
                }
            }, TestThreads.PER_TASK);
            float[] out = new float[FLOATS];
            float[] in = new float[FLOATS];
            Arrays.fill(out, 0.25f);
            long deadline = deadline(Duration.ofSeconds(90));
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
            echo.get(60, TimeUnit.SECONDS);
            assertThat(in).containsOnly(0.25f);
            // the caller sends and receives MEASURED frames; each reader receives MEASURED frames
            long callerPayload = (long) MEASURED * FLOATS * Float.BYTES * 2;
            long readerPayload = (long) MEASURED * FLOATS * Float.BYTES;
            assertThat((double) caller / callerPayload).as("bytes the calling thread allocated per payload byte (%d "
                    + "bytes over %d payload bytes)", caller, callerPayload).isLessThanOrEqualTo(BYTES_PER_PAYLOAD_BYTE);
            for (int i = 0; i < readers.length; i++) {
                long allocated = readersAfter[i] - readersBefore[i];
                assertThat((double) allocated / readerPayload).as("bytes reader %d allocated per payload byte (%d "
                        + "bytes)", i, allocated).isLessThanOrEqualTo(BYTES_PER_PAYLOAD_BYTE);
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
