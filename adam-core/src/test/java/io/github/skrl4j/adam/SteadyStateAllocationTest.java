package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A step allocates nothing once warmed up, with and without a listener and on the parallel path. It
 * counts the stepping thread's allocated bytes (HotSpot's ThreadMXBean), it does not time anything.
 */
class SteadyStateAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest(name = "size {0}, listener {1}, parallelism {2}")
    @CsvSource({"4610, false, 1", "4610, true, 1", "200000, false, 2", "200000, true, 2"})
    void stepsAllocateNothingInSteadyState(int size, boolean withListener, int parallelism)
            throws InterruptedException {
        float[] w = new float[size];
        float[] gw = new float[size];
        Arrays.fill(gw, 0.01f);
        Tensors model = Tensors.of(Tensor.of("w", w, size), Tensor.of("b", new float[64], 64));
        Tensors grad = Tensors.of(Tensor.of("w", gw, size), Tensor.of("b", new float[64], 64));
        long[] heard = new long[1];
        String name = "alloc-" + size + "-" + withListener + "-" + parallelism;
        Adam.Builder settings = Adam.builder().name(name).gradNormClip(0.5).parallelism(parallelism)
                .parallelThreshold(65_536);
        if (withListener) {
            settings.listener(e -> heard[0] += e.count());
        }
        try (Optimizer opt = settings.build().init(model)) {
            assertAllocatesNothing(opt, model, grad, name, parallelism);
            assertThat(heard[0]).isEqualTo(withListener ? 6_000L * 6_001 / 2 : 0);
        }
    }

    private static void assertAllocatesNothing(Optimizer opt, Tensors model, Tensors grad, String name,
                                               int parallelism) throws InterruptedException {
        // the vector kernel takes over from the portable one once warm; that switch is not steady state
        assertThat(Kernels.awaitWarm(java.time.Duration.ofSeconds(60))).isTrue();
        for (int i = 0; i < 3_000; i++) {
            opt.step(grad, model);
        }
        long[] workers = workerThreadIds(name);
        assertThat(workers).hasSize(parallelism - 1);
        // the least of three windows: an allocation per step shows in each, while the JIT's occasional
        // recompilation (a deoptimized frame re-creates the objects it had optimized away) shows in one
        long allocated = Long.MAX_VALUE;
        long workersAllocated = Long.MAX_VALUE;
        for (int window = 0; window < 3; window++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long workersBefore = allocatedBy(workers);
            for (int i = 0; i < 1_000; i++) {
                opt.step(grad, model);
            }
            allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
            workersAllocated = Math.min(workersAllocated, allocatedBy(workers) - workersBefore);
        }

        // a single allocation per step would be >= 16,000 bytes; allow the MXBean calls' own few bytes
        assertThat(allocated).as("bytes allocated by 1,000 steps on the stepping thread").isLessThan(1_000);
        assertThat(workersAllocated).as("bytes allocated by 1,000 steps on the worker threads").isLessThan(1_000);
        assertThat(opt.count()).isEqualTo(6_000);
    }

    /** The ids of the worker threads of the optimizer named {@code name} ({@code skrl4j-adam-<name>-<part>}). */
    private static long[] workerThreadIds(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-adam-" + name + "-"))
                .mapToLong(Thread::getId)
                .toArray();
    }

    private static long allocatedBy(long[] threadIds) {
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threadIds)) {
            total += bytes;
        }
        return total;
    }
}
