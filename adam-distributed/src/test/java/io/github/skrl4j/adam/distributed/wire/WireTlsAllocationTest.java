package io.github.skrl4j.adam.distributed.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    static final TestCertificates certificates = TestCertificates.perTestClass();

    @Test
    void nativeTlsAllocatesAtMostAHundredthOfAByteOfGarbagePerPayloadByteOnTheCallerAndTheReaders() throws Exception {
        TlsEngines engines = certificates.member(TlsKind.OPENSSL);
        try (TestWorld world = new TestWorld(2, WireOptions.builder().tlsEngines(engines).maxChunkFloats(FLOATS)
                .build())) {
            EchoAllocations allocated = EchoAllocations.measure(world, FLOATS, WARM_UP, MEASURED, 0.25f);
            // the caller sends and receives MEASURED frames; each reader receives MEASURED frames
            long callerPayload = (long) MEASURED * FLOATS * Float.BYTES * 2;
            long readerPayload = (long) MEASURED * FLOATS * Float.BYTES;
            assertThat((double) allocated.caller() / callerPayload).as("bytes the calling thread allocated per payload "
                    + "byte (%d bytes over %d payload bytes)", allocated.caller(), callerPayload)
                    .isLessThanOrEqualTo(BYTES_PER_PAYLOAD_BYTE);
            for (int i = 0; i < allocated.readers().length; i++) {
                long bytes = allocated.readers()[i];
                assertThat((double) bytes / readerPayload).as("bytes reader %d allocated per payload byte (%d bytes)",
                        i, bytes).isLessThanOrEqualTo(BYTES_PER_PAYLOAD_BYTE);
            }
        }
    }
}
