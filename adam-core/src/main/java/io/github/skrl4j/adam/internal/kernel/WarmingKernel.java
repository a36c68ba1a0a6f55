package io.github.skrl4j.adam.internal.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The vector kernel behind a warm-up: until the vector kernel's loops have run often enough for C2 to
 * compile them (the Vector API runs boxed, a hundred times slower, before), every call goes to the
 * portable kernel, which computes the same bits.
 *
 * <p>An optimizer's start that warms up ({@code WarmUp.AT_START}, or {@code AUTOMATIC} for a large model)
 * warms the norm and its update loop here, on its own thread, and hands them over before its first step
 * ({@link #warmHere}, from {@link KernelWarmUp#beforeFirstStep}), so that its steps run the compiled
 * vector kernel from the first. Only where that takes longer than its deadline does a warm-up thread
 * take over: a daemon, started on the first call that finds an announced loop cold, which lets that
 * call go first (it waits {@value #START_DELAY_MILLIS} ms), steps small arrays through the vector
 * kernel's norm and the loops announced, in every shape a step's calls give them (see
 * {@link KernelWarmUp}), and hands those over once steady (or after {@value #MAX_WARM_UP_MILLIS} ms)
 * while the steps run on the portable kernel. A loop no optimizer announced (its optimizers start
 * without a warm-up: a small model, for which seconds of warm-up never pay back) stays on the portable
 * kernel and starts no warm-up: on a 2-core machine every update loop of the Vector API is a few
 * hundred ms of C2, and a warm-up thread beside the steps of a small model costs more than the vector
 * kernel could save them. The kernels give the same bits, so any mix of them does.
 */
final class WarmingKernel implements AdamKernel {

    /** Gives up comparing after this long and hands over anyway (a slow or very busy machine). */
    static final long MAX_WARM_UP_MILLIS = 20_000;
    /** Waits this long after the first call before warming up, so that the first step has the processors. */
    private static final long START_DELAY_MILLIS = 300;

    private final AdamKernel vector;
    /** The update loops ({@link KernelWarmUp#PLAIN}, ... or'ed) that optimizers announced. */
    private volatile int requestedLoops;
    /** The update loops whose calls go to the vector kernel; written under this object's lock ({@link #handOver}). */
    private volatile int warmLoops;
    /** True once the norm's calls (and the all-zero checks) go to the vector kernel. */
    private volatile boolean normWarm;
    /** Held while an optimizer's start warms loops on its own thread ({@link #warmHere}). */
    private final Object warmingHere = new Object();
    /** True while a warm-up thread runs (or is about to). */
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean delayed;

    WarmingKernel(AdamKernel vector) {
        this.vector = vector;
    }

    /** True once the norm and every update loop announced so far go to the vector kernel. */
    boolean warm() {
        return normWarm && (requestedLoops & ~warmLoops) == 0;
    }

    /** The update loops whose calls go to the vector kernel. */
    int warmLoops() {
        return warmLoops;
    }

    /**
     * Where this update loop's calls go now: to the vector kernel once handed over; to the portable kernel
     * while an optimizer's start warms it or, past its deadline, the background warm-up does
     * ({@link AdamKernels.LoopKernel#WARMING}); to the portable kernel, without a warm-up, while no start has
     * announced it ({@link #warmHere}).
     */
    AdamKernels.LoopKernel loopKernel(int loop) {
        if ((warmLoops & loop) != 0) {
            return AdamKernels.LoopKernel.VECTOR;
        }
        // announced before it is handed over: read second, so a hand-over in between reads as still warming
        return (requestedLoops & loop) != 0 ? AdamKernels.LoopKernel.WARMING : AdamKernels.LoopKernel.PORTABLE;
    }

    /**
     * Announces these update loops and warms them, with the norm, on the calling thread (an optimizer's
     * start, {@link KernelWarmUp#beforeFirstStep}), then hands them over to the vector kernel; returns at
     * once when they are warm already. False when they were not warm within {@code maxMillis}: then they
     * stay on the portable kernel, and a warm-up thread (started by the first call that finds an announced
     * loop cold, or by {@link #awaitWarm}) goes on with them.
     */
    boolean warmHere(int loops, long maxMillis) {
        request(loops);
        // optimizers started at the same time warm one after another: the second finds the loops warm
        // instead of running the same rounds beside the first (not under this object's lock, which the
        // steps' calls take when they ask for a loop)
        synchronized (warmingHere) {
            int missing = loops & ~warmLoops;
            if (normWarm && missing == 0) {
                return true;
            }
            if (KernelWarmUp.untilSteady(vector, missing, KernelWarmUp.VECTOR_MIN_ROUNDS, maxMillis) <= 0) {
                return false;
            }
            handOver(missing);
            return true;
        }
    }

    /** From now on the norm and these update loops go to the vector kernel. */
    private synchronized void handOver(int loops) {
        warmLoops |= loops;
        normWarm = true;
    }

    /** Waits (for tests) until {@link #warm()}; false if that did not happen in time. */
    boolean awaitWarm(long millis) throws InterruptedException {
        ensureWarmUp();
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!warm() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return warm();
    }

    private AdamKernel norm() {
        if (normWarm) {
            return vector;
        }
        if (requestedLoops != 0) {
            // an optimizer's start announced a loop and missed its deadline: the warm-up goes on in the background
            ensureWarmUp();
        }
        return ScalarAdamKernel.INSTANCE;
    }

    private AdamKernel update(float @Nullable [] nuMax, StepCoefficients c) {
        int loop = KernelWarmUp.loopOf(nuMax, c);
        if ((warmLoops & loop) != 0) {
            return vector;
        }
        if ((requestedLoops & loop) != 0) {
            ensureWarmUp();
        }
        // not announced: its optimizers start without a warm-up, and their steps stay on the portable kernel
        return ScalarAdamKernel.INSTANCE;
    }

    private synchronized void request(int loops) {
        requestedLoops |= loops;
    }

    private void ensureWarmUp() {
        if (running.get() || warm() || !running.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::warmUp, "skrl4j-adam-kernel-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private void warmUp() {
        try {
            if (!delayed) {
                // a fresh JVM's first step (class loading, the portable loops' own compilation) goes first
                delayed = true;
                Thread.sleep(START_DELAY_MILLIS);
            }
            while (true) {
                int missing = requestedLoops & ~warmLoops;
                if (normWarm && missing == 0) {
                    running.set(false);
                    // a loop announced between the look and the reset found a warm-up running: look again
                    if ((requestedLoops & ~warmLoops) == 0 || !running.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                // only the loops announced: each update loop of the Vector API is seconds of C2 on a small machine
                KernelWarmUp.untilSteady(vector, missing, KernelWarmUp.VECTOR_MIN_ROUNDS, MAX_WARM_UP_MILLIS);
                handOver(missing);
            }
        } catch (InterruptedException e) {
            // stopped: the calls not handed over stay on the portable kernel (running stays set, so no new warm-up)
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
        return norm().sumOfSquares(g, from, to, scratch);
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
        update(nuMax, c).update(param, grad, mu, nu, nuMax, from, to, c, gradientsAboveFloor);
    }

    @Override
    public boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        return norm().allZero(a, from, to, scratch);
    }

    @Override
    public String name() {
        return vector.name();
    }
}
