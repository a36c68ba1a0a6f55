package io.github.skrl4j.adam.distributed.wire;

import static io.github.skrl4j.adam.distributed.wire.TestWorld.deadline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.TestThreads;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a steady exchange allocates: rank 0 of a world of two sends a frame of {@code floats} values and
 * receives it back from rank 1 (which echoes on a thread of its own), {@code warmUp} times and then
 * {@code measured} times, counting with HotSpot's per-thread counters what its calling thread and both
 * connections' reader threads allocated during the measured round trips.
 *
 * @param caller  bytes rank 0's calling thread allocated
 * @param readers bytes each reader thread allocated
 */
record EchoAllocations(long caller, long[] readers) {

    static EchoAllocations measure(TestWorld world, int floats, int warmUp, int measured, float value)
            throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        PeerMesh zero = world.rank(0);
        PeerMesh one = world.rank(1);
        int total = warmUp + measured;
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            float[] buffer = new float[floats];
            long deadline = deadline(Duration.ofSeconds(90));
            for (int op = 1; op <= total; op++) {
                one.receive(0, op, 0, buffer, 0, floats, deadline);
                one.send(0, op, 1, buffer, 0, floats, deadline);
            }
        }, TestThreads.PER_TASK);
        float[] out = new float[floats];
        float[] in = new float[floats];
        Arrays.fill(out, value);
        long deadline = deadline(Duration.ofSeconds(90));
        long[] readers = readerThreadIds();
        long callerBefore = 0;
        long[] readersBefore = null;
        for (int op = 1; op <= total; op++) {
            if (op == warmUp + 1) {
                callerBefore = threads.getCurrentThreadAllocatedBytes();
                readersBefore = threads.getThreadAllocatedBytes(readers);
            }
            zero.send(1, op, 0, out, 0, floats, deadline);
            zero.receive(1, op, 1, in, 0, floats, deadline);
        }
        long caller = threads.getCurrentThreadAllocatedBytes() - callerBefore;
        long[] readersAfter = threads.getThreadAllocatedBytes(readers);
        echo.get(60, TimeUnit.SECONDS);
        assertThat(in).as("every value came back").containsOnly(value);
        long[] allocated = new long[readers.length];
        for (int i = 0; i < readers.length; i++) {
            allocated[i] = readersAfter[i] - readersBefore[i];
        }
        return new EchoAllocations(caller, allocated);
    }

    private static long[] readerThreadIds() {
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-wire-0-from-") || t.getName().startsWith("skrl4j-wire-1-from-"))
                .mapToLong(Thread::getId).toArray();
        assertThat(ids).hasSize(2);
        return ids;
    }
}
