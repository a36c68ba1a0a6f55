package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.kernel.AdamKernels;

/**
 * Which step kernel this JVM runs. adam-core picks one per JVM on first use and logs it once at
 * INFO: the {@code jdk.incubator.vector} kernel when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and the processor has 256-bit vectors or wider),
 * otherwise the portable kernel. Both give bit-for-bit the same results; the vector one is faster.
 * The system property {@code skrl4j.adam.kernel} ({@code auto}, {@code scalar} or {@code vector})
 * overrides the choice.
 */
public final class Kernels {

    private Kernels() {
    }

    /**
     * The kernel of this JVM (choosing it, and logging the choice, if no optimizer did yet).
     *
     * @return its name and whether it is the vector kernel
     */
    public static Kernel active() {
        return new Kernel(AdamKernels.activeName(), AdamKernels.activeIsVector());
    }

    /**
     * Waits until the active kernel runs at full speed for the optimizers made so far that warm up at
     * their start ({@link WarmUp}). Such a start compiles the vector kernel's norm and the update loop
     * its settings use and hands them over before the first step; where that missed its deadline (a
     * slow or busy machine), a background warm-up goes on while the steps run on the portable kernel
     * (the same results), and a service that wants its first timed steps at full speed, or a test that
     * counts allocations, can wait for it. The loops of optimizers that started without a warm-up stay
     * on the portable kernel and are not waited for; with none announced, this warms the vector
     * kernel's norm. Returns at once for the portable kernel.
     *
     * @param timeout how long to wait at most
     * @return true when the active kernel is warm
     * @throws InterruptedException when interrupted while waiting
     */
    public static boolean awaitWarm(java.time.Duration timeout) throws InterruptedException {
        return AdamKernels.awaitWarm(timeout.toMillis());
    }

    /**
     * A step kernel.
     *
     * @param name       {@code scalar} for the portable kernel, {@code vector-<bits>} for the vector kernel
     * @param vectorized true for the {@code jdk.incubator.vector} kernel
     */
    public record Kernel(String name, boolean vectorized) {
    }
}
