package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.AdamSettings;
import org.jspecify.annotations.Nullable;

/**
 * Runs a kernel's loops on small arrays until C2 has compiled them: the vector kernel's warm-up
 * thread ({@link WarmingKernel}), and an optimizer's start for the portable kernel, once per JVM
 * and update loop ({@link #beforeFirstStep(AdamSettings)}).
 *
 * <p>Compiled code runs at a steady speed and (the Vector API intrinsified) allocates nothing;
 * interpreted and C1 code is far slower and boxes every vector. After enough calls for C2
 * ({@code minRounds}), the warm-up ends once {@value #STEADY_ROUNDS_NEEDED} rounds in a row are
 * within a quarter of the best round and allocate nothing (where HotSpot can tell), or at its
 * deadline.
 */
public final class KernelWarmUp {

    /** The norm's arrays: just over one block, so that the tree runs, in registers and on a copy. */
    private static final int ELEMENTS = 4_100;
    /**
     * The update's range: short, since C2 compiles a loop after some hundred calls however long they
     * are, and every element before that runs interpreted; not a multiple of the lanes, for the tail.
     */
    private static final int UPDATE = 1_030;
    /** An update range of whole vectors of any width (a multiple of 64 lanes): a step's chunks, which have no tail. */
    private static final int UPDATE_WHOLE = 1_024;
    private static final int ROUND_CALLS = 20;
    private static final int STEADY_ROUNDS_NEEDED = 5;

    /**
     * Rounds of the portable kernel before its speed counts: some 2,000 calls of each loop, past C2's
     * invocation threshold (the portable loops compile without the Vector API's methods, so sooner).
     */
    static final int PORTABLE_MIN_ROUNDS = 100;
    /** The portable warm-up ends by then at the latest (a slow, busy or interpreting JVM); C2 finishes in the background. */
    static final long PORTABLE_MAX_MILLIS = 1_000;

    /** The plain update loop (no AMSGrad, no Nesterov, epsRoot 0, weight decay 0; {@link StepCoefficients#plain}). */
    static final int PLAIN = 1;
    /** The general update loop (Nesterov, weight decay or epsRoot, without AMSGrad). */
    static final int GENERAL = 2;
    /** The AMSGrad update loop without Nesterov and with epsRoot 0 ({@link StepCoefficients#amsgradInOneLoop}). */
    static final int AMSGRAD = 4;
    /** The AMSGrad update loops with Nesterov or epsRoot. */
    static final int AMSGRAD_GENERAL = 8;
    /** Every update loop. */
    static final int ALL_LOOPS = PLAIN | GENERAL | AMSGRAD | AMSGRAD_GENERAL;

    /** The portable update loops warmed in this JVM ({@link #PLAIN}, ... or'ed); the norm's with the first. */
    private static volatile int portableWarmLoops;

    private KernelWarmUp() {
    }

    /**
     * An optimizer's start, before its first step: warms the portable kernel's loops for these
     * settings ({@link #warmPortableOnce(int)}) and announces their update loop to this JVM's vector
     * kernel, if it has one, whose warm-up (in the background, from the first step on) then compiles
     * that loop and no other.
     */
    public static void beforeFirstStep(AdamSettings settings) {
        int loop = loopsOf(settings);
        warmPortableOnce(loop);
        AdamKernel kernel = AdamKernels.defaultKernel();
        if (kernel instanceof WarmingKernel) {
            ((WarmingKernel) kernel).announce(loop);
        }
    }

    /**
     * Warms the portable kernel's norm and the given update loops, on the calling thread,
     * once per JVM and loop (later calls return at once): an optimizer's start calls it, so that its
     * first steps run compiled loops instead of interpreting, and then compiling on stack, loops over
     * millions of elements (a fresh JVM's first 16M-parameter step took 30 times a later one, and
     * compiled most loops twice, on stack and normally). The vector kernel's steps also run on the
     * portable kernel until its own warm-up hands over. Allocates only its small arrays, once.
     */
    static void warmPortableOnce(int loops) {
        if ((portableWarmLoops & loops) == loops) {
            return;
        }
        synchronized (KernelWarmUp.class) {
            int missing = loops & ~portableWarmLoops;
            if (missing != 0) {
                untilSteady(ScalarAdamKernel.INSTANCE, missing, PORTABLE_MIN_ROUNDS, PORTABLE_MAX_MILLIS);
                portableWarmLoops |= missing;
            }
        }
    }

    /** The portable update loops warmed so far in this JVM. */
    static int portableWarmLoops() {
        return portableWarmLoops;
    }

    /** The update loop a step with these settings runs ({@link StepCoefficients}'s choice). */
    static int loopsOf(AdamSettings settings) {
        if (settings.amsgrad()) {
            return !settings.nesterov() && settings.epsRoot() == 0 ? AMSGRAD : AMSGRAD_GENERAL;
        }
        boolean plain = !settings.nesterov() && settings.epsRoot() == 0 && settings.weightDecay() == 0;
        return plain ? PLAIN : GENERAL;
    }

    /** The update loop of a kernel call with these arguments ({@link #loopsOf} for the settings behind them). */
    static int loopOf(float @Nullable [] nuMax, StepCoefficients c) {
        if (nuMax != null) {
            return c.amsgradInOneLoop ? AMSGRAD : AMSGRAD_GENERAL;
        }
        return c.plain ? PLAIN : GENERAL;
    }

    /**
     * Calls the norm's loops and the given update loops of {@code kernel} in rounds until, after {@code minRounds}, its speed is
     * steady and it allocates nothing, or {@code maxMillis} passed.
     *
     * @return the rounds run
     */
    static int untilSteady(AdamKernel kernel, int loops, int minRounds, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        Workload w = new Workload(loops);
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        int rounds = 0;
        int steadyInARow = 0;
        long best = Long.MAX_VALUE;
        while (System.nanoTime() < deadline && steadyInARow < STEADY_ROUNDS_NEEDED) {
            long allocatedBefore = meter.allocatedBytes();
            long nanos = w.round(kernel);
            boolean allocated = meter.allocatedBytes() != allocatedBefore;
            best = Math.min(best, nanos);
            rounds++;
            boolean steady = rounds >= minRounds && nanos <= best + best / 4 && !allocated;
            steadyInARow = steady ? steadyInARow + 1 : 0;
        }
        return rounds;
    }

    /** The current thread's allocated bytes where HotSpot reports them; a constant elsewhere. */
    private interface AllocationMeter {
        long allocatedBytes();

        static AllocationMeter forCurrentThread() {
            try {
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                if (threads instanceof com.sun.management.ThreadMXBean) {
                    com.sun.management.ThreadMXBean hotspot = (com.sun.management.ThreadMXBean) threads;
                    if (hotspot.isThreadAllocatedMemorySupported() && hotspot.isThreadAllocatedMemoryEnabled()) {
                        long id = Thread.currentThread().getId();
                        return () -> hotspot.getThreadAllocatedBytes(id);
                    }
                }
            } catch (LinkageError | RuntimeException e) {
                // no java.management in this runtime image: speed alone decides
            }
            return () -> 0L;
        }
    }


    /**
     * Arrays and coefficients that take every loop of a kernel (plain, general, AMSGrad, both norms,
     * the all-zero check of first moments) in every shape a step's calls give them: ranges shorter than a vector (a step's line-aligning
     * head), whole vectors without a tail (a step's chunks), vectors and a tail, empty ranges; norms
     * below the tree, of whole blocks, of blocks and a tail, of zeros. C2 compiles only the paths its
     * profile has seen and leaves a trap on the others: a shape the warm-up never gave would, on the
     * first real step, throw the compiled loop away and run it boxed (hundreds of MB of vectors on
     * the training thread) until C2 compiled it again.
     */
    private static final class Workload {
        /** The update's ranges: multiples of every vector width with and without a tail, shorter than a vector, empty. */
        private static final int[][] UPDATE_RANGES = {
            {0, UPDATE}, {0, UPDATE_WHOLE}, {12, UPDATE_WHOLE + 12}, {0, 12}, {3, 10}, {5, 5}};
        /** The norm's ranges: blocks and a tail, whole blocks, one short of a block, below the tree, empty. */
        private static final int[][] NORM_RANGES = {
            {0, ELEMENTS}, {0, NormTree.NORM_BLOCK}, {12, ELEMENTS}, {0, 100}, {0, 12}, {7, 7}};

        final float[] param = new float[ELEMENTS];
        final float[] grad = new float[ELEMENTS];
        final float[] zeros = new float[ELEMENTS];
        final float[] mu = new float[ELEMENTS];
        final float[] nu = new float[ELEMENTS];
        final float[] nuMax = new float[ELEMENTS];
        final NormScratch scratch = new NormScratch();
        final StepCoefficients plain = new StepCoefficients();
        final StepCoefficients general = new StepCoefficients();
        /** The update loops to call: {@link #PLAIN}, {@link #GENERAL}, {@link #AMSGRAD}, {@link #AMSGRAD_GENERAL} or'ed. */
        final int loops;
        double sink;

        Workload(int loops) {
            this.loops = loops;
            for (int i = 0; i < ELEMENTS; i++) {
                grad[i] = 1e-3f * ((i % 13) - 6.5f);
                param[i] = 0.01f * (i % 97);
            }
            plain.setForWarmUp(true);
            general.setForWarmUp(false);
        }

        /** Nanoseconds for a round of calls to the norm's loops and the chosen update loops of {@code kernel}. */
        long round(AdamKernel kernel) {
            long start = System.nanoTime();
            for (int k = 0; k < ROUND_CALLS; k++) {
                for (int[] r : NORM_RANGES) {
                    sink += kernel.sumOfSquares(grad, r[0], r[1], scratch);
                }
                sink += kernel.sumOfSquares(zeros, 0, NormTree.NORM_BLOCK, scratch);
                sink += kernel.sumOfSquares(zeros, 0, ELEMENTS, scratch);
                // the gradients are above the floor (as a learning model's mostly are): the portable
                // update's loops without the flush. A profile that has also seen the flushing loops (one
                // call in two, or in eight) made C2 compile the plain loop 8-15% slower (a cache-resident
                // probe, 2026-12-05); a step below the floor recompiles it once (no allocation: portable
                // code allocates nothing, and the vector kernel has no floor path)
                boolean aboveFloor = true;
                for (int[] r : UPDATE_RANGES) {
                    // the update pass's check of a frozen tensor's first moments, zero or not
                    sink += kernel.allZero(zeros, r[0], r[1], scratch) ? 1 : 0;
                    sink += kernel.allZero(grad, r[0], r[1], scratch) ? 1 : 0;
                    if ((loops & PLAIN) != 0) {
                        kernel.update(param, grad, mu, nu, null, r[0], r[1], plain, aboveFloor);
                    }
                    if ((loops & GENERAL) != 0) {
                        kernel.update(param, grad, mu, nu, null, r[0], r[1], general, aboveFloor);
                    }
                    if ((loops & AMSGRAD) != 0) {
                        kernel.update(param, grad, mu, nu, nuMax, r[0], r[1], plain, aboveFloor);
                    }
                    if ((loops & AMSGRAD_GENERAL) != 0) {
                        kernel.update(param, grad, mu, nu, nuMax, r[0], r[1], general, aboveFloor);
                    }
                }
            }
            return System.nanoTime() - start;
        }
    }
}
