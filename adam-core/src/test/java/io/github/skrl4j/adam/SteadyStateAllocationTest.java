package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.AllocationCounting;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A step allocates nothing once warmed up, with and without a listener and on the parallel path. It
 * counts the stepping thread's allocated bytes (HotSpot's ThreadMXBean), it does not time anything.
 * The optimizers warm up at their start ({@link WarmUp#AT_START}), so that with the vector module
 * their steps run the vector kernel, small models too (under the default they run the portable one).
 */
@AllocationCounting
class SteadyStateAllocationTest {

    /**
     * How long windows are tried: C2's queue decides when steady state begins, and under a loaded machine (a
     * build beside this one) five windows of a small step passed in a few milliseconds, before it compiled.
     */
    private static final long MAX_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    private static final int MIN_WINDOWS = 5;
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
        Adam.Builder settings = Adam.builder().warmUp(WarmUp.AT_START).name(name).gradNormClip(0.5).parallelism(parallelism)
                .parallelThreshold(65_536);
        if (withListener) {
            settings.listener(e -> heard[0] += e.count());
        }
        try (Optimizer opt = settings.build().init(model)) {
            assertAllocatesNothing(opt, model, grad, name, parallelism);
            long steps = opt.count();
            assertThat(heard[0]).isEqualTo(withListener ? steps * (steps + 1) / 2 : 0);
        }
    }

    @ParameterizedTest(name = "size {0}, measured, a listener reading the duration, parallelism {1}")
    @CsvSource({"4610, 1", "200000, 2"})
    void measuredStepsAllocateNothingInSteadyState(int size, int parallelism) throws InterruptedException {
        Tensors model = Tensors.of(Tensor.of("w", new float[size], size), Tensor.of("b", new float[64], 64));
        float[] gw = new float[size];
        Arrays.fill(gw, 0.01f);
        Tensors grad = Tensors.of(Tensor.of("w", gw, size), Tensor.of("b", new float[64], 64));
        long[] measured = new long[1];
        String name = "alloc-measured-" + size + "-" + parallelism;
        try (Optimizer opt = Adam.builder().warmUp(WarmUp.AT_START).name(name).gradNormClip(0.5).parallelism(parallelism)
                .parallelThreshold(65_536).measureStepDuration(true)
                .listener(e -> measured[0] += e.durationNanos() >= 0 ? 1 : 0).build().init(model)) {
            assertAllocatesNothing(opt, model, grad, name, parallelism);
            assertThat(measured[0]).isEqualTo(opt.count());
        }
    }

    @ParameterizedTest(name = "size {0}, AMSGrad, Nesterov {1}, parallelism {2}")
    @CsvSource({"4610, false, 1", "4610, true, 1", "200000, false, 2"})
    void amsgradStepsAllocateNothingInSteadyState(int size, boolean nesterov, int parallelism)
            throws InterruptedException {
        // AMSGrad in one loop (no Nesterov, epsRoot 0) and in its two loops (Nesterov), weight decay in both
        Tensors model = Tensors.of(Tensor.of("w", new float[size], size), Tensor.of("b", new float[66], 66));
        float[] gw = new float[size];
        Arrays.fill(gw, 0.01f);
        float[] gb = new float[66];
        Arrays.fill(gb, -0.02f);
        Tensors grad = Tensors.of(Tensor.of("w", gw, size), Tensor.of("b", gb, 66));
        String name = "alloc-amsgrad-" + size + "-" + nesterov + "-" + parallelism;
        try (Optimizer opt = Adam.builder().warmUp(WarmUp.AT_START).name(name).gradNormClip(0.5).amsgrad(true).nesterov(nesterov)
                .weightDecay(1e-4).parallelism(parallelism).parallelThreshold(65_536).build().init(model)) {
            assertAllocatesNothing(opt, model, grad, name, parallelism);
        }
    }

    @ParameterizedTest(name = "size {0}, frozen, parallelism {1}")
    @CsvSource({"4610, 1", "200000, 2"})
    void frozenTensorStepsAllocateNothingInSteadyState(int size, int parallelism) throws InterruptedException {
        // a frozen tensor (all-zero gradient: the passes' zero checks and second-moment decay) beside a learning one
        Tensors model = Tensors.of(Tensor.of("w", new float[size], size), Tensor.of("b", new float[64], 64));
        float[] gb = new float[64];
        Arrays.fill(gb, 0.01f);
        Tensors grad = Tensors.of(Tensor.of("w", new float[size], size), Tensor.of("b", gb, 64));
        String name = "alloc-frozen-" + size + "-" + parallelism;
        try (Optimizer opt = Adam.builder().warmUp(WarmUp.AT_START).name(name).gradNormClip(0.5).parallelism(parallelism)
                .parallelThreshold(65_536).build().init(model)) {
            assertAllocatesNothing(opt, model, grad, name, parallelism);
        }
    }

    private static void assertAllocatesNothing(Optimizer opt, Tensors model, Tensors grad, String name,
                                               int parallelism) throws InterruptedException {
        // the vector kernel takes over from the portable one once warm; that switch is not steady state
        assertThat(Kernels.awaitWarm(Duration.ofSeconds(60))).isTrue();
        for (int i = 0; i < 3_000; i++) {
            opt.step(grad, model);
        }
        long[] workers = workerThreadIds(name);
        assertThat(workers).hasSize(parallelism - 1);
        // Steady state is reached once the JIT has compiled the step: on a loaded machine a window can
        // still catch a late compilation or deoptimization, which allocates a few objects once. An
        // allocation per step shows in every window (>= 16,000 bytes), so the first quiet window is
        // the answer, and a step that allocates never finds one.
        List<String> windows = new ArrayList<>();
        long giveUp = System.nanoTime() + MAX_WINDOW_NANOS;
        for (int window = 0; window < MIN_WINDOWS || System.nanoTime() - giveUp < 0; window++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long workersBefore = allocatedBy(workers);
            for (int i = 0; i < 1_000; i++) {
                opt.step(grad, model);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            long workersAllocated = allocatedBy(workers) - workersBefore;
            if (windows.size() < 10) {
                windows.add(allocated + " B stepping, " + workersAllocated + " B workers");
            }
            // allow the MXBean calls' own few bytes
            if (allocated < 1_000 && workersAllocated < 1_000) {
                assertThat(opt.count()).isEqualTo(4_000 + 1_000L * window);
                return;
            }
        }
        throw new AssertionError("every window of 1,000 steps allocated, for at least 30 s; the first: " + windows);
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
