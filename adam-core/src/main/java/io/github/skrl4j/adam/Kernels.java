package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.kernel.AdamKernels;

/**
 * Which step kernel this JVM offers its optimizers, and which one an optimizer's steps run. adam-core
 * picks one per JVM on first use and logs it once at INFO: the {@code jdk.incubator.vector} kernel when
 * the JVM was started with {@code --add-modules jdk.incubator.vector} (and the processor has 256-bit
 * vectors or wider), otherwise the portable kernel. Both give bit-for-bit the same results; the vector
 * one is faster. The system property {@code skrl4j.adam.kernel} ({@code auto}, {@code scalar} or
 * {@code vector}) overrides the choice.
 *
 * <p>The vector kernel runs a step's update loop only once a warm-up compiled it ({@link WarmUp}): until
 * then, and for good in an optimizer whose start did not warm up while no other optimizer's start warmed
 * the same loop, the steps run the portable kernel. So {@link #active()} is what this JVM offers, and
 * {@link Optimizer#stepKernel()} what one optimizer's steps run.
 */
public final class Kernels {

    private Kernels() {
    }

    /**
     * The kernel of this JVM (choosing it, and logging the choice, if no optimizer did yet): the one an
     * optimizer's steps run once their update loop is warmed up. Not necessarily the one a given
     * optimizer's steps run now: with the vector kernel, an optimizer whose start did not warm up (the
     * default {@link WarmUp#AUTOMATIC} for a model under {@link WarmUp#AUTOMATIC_MIN_PARAMETERS}
     * parameters) steps on the portable kernel unless another optimizer's start warmed its loop;
     * {@link Optimizer#stepKernel()} says which kernel it runs.
     *
     * @return its name and whether it is the vector kernel
     */
    public static Kernel active() {
        return new Kernel(AdamKernels.activeName(), AdamKernels.activeIsVector());
    }

    /** The kernel, warming and warm-up of an optimizer with these settings ({@link Optimizer#stepKernel()}). */
    static StepKernel stepKernel(AdamSettings settings, boolean warmedUpAtStart) {
        AdamKernels.LoopKernel loop = AdamKernels.loopKernel(settings);
        Kernel kernel = loop == AdamKernels.LoopKernel.VECTOR ? active()
                : new Kernel(AdamKernels.portableName(), false);
        return new StepKernel(kernel, loop == AdamKernels.LoopKernel.WARMING, warmedUpAtStart);
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

    /**
     * The kernel an optimizer's steps run, as {@link Optimizer#stepKernel()} reports it at one moment.
     * The kernels give the same bits, so this tells how fast the steps run, never what they compute.
     *
     * <ul>
     *   <li>{@code kernel} vectorized: its steps run the vector kernel, and keep running it.</li>
     *   <li>{@code kernel} portable, {@code warming}: the vector kernel's update loop for its settings is
     *       being warmed up (its start's warm-up went past its deadline and goes on in the background,
     *       started by the first step, or another optimizer's start is warming the same loop); its steps
     *       move to the vector kernel when that ends, without notice.</li>
     *   <li>{@code kernel} portable, not {@code warming}: the JVM has no vector kernel ({@link Kernels#active()}
     *       is the portable one), or its start did not warm up ({@code warmedUpAtStart} false) and no
     *       other optimizer's start warmed its loop; it stays on the portable kernel, unless a later
     *       optimizer's start warms that loop.</li>
     * </ul>
     *
     * @param kernel          the kernel its update loop runs now: {@code scalar} (portable) or the vector kernel
     *                        of {@link Kernels#active()}; its global norm runs the vector kernel whenever this
     *                        is the vector one, and already once any start of the JVM warmed up a loop
     * @param warming         true while the vector kernel's loop for its settings is being warmed up, after
     *                        which its steps run the vector kernel; always false when {@code kernel} is vectorized
     * @param warmedUpAtStart whether its start warmed up: {@link WarmUp#atStart(long)} of its
     *                        {@link Adam#warmUp()} for its model's parameter count ({@link WarmUp#AUTOMATIC}
     *                        resolved: true from {@link WarmUp#AUTOMATIC_MIN_PARAMETERS} parameters on)
     */
    public record StepKernel(Kernel kernel, boolean warming, boolean warmedUpAtStart) {
    }
}
