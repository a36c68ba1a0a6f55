package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.AdamSettings;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * Compiles, on small arrays and before an optimizer's first step, the code its steps run: the
 * kernel's loops (the norm and the update loop of its settings, in every shape a step's calls give
 * them) and the step around them ({@link WarmUpSteps}: the passes over chunks and ranges, the worker
 * group, the coefficients), once per JVM and update loop ({@link #beforeFirstStep(AdamSettings)}).
 * The vector kernel's background warm-up ({@link WarmingKernel}) runs the same kernel rounds.
 *
 * <p>Compiled code runs at a steady speed and (the Vector API intrinsified) allocates nothing;
 * interpreted and C1 code is far slower and boxes every vector. After enough calls for C2
 * ({@code minRounds}), a warm-up ends once the fastest of the last {@value #STEADY_ROUNDS_NEEDED}
 * rounds is within a quarter of the fastest so far, none of them allocated (where HotSpot can tell)
 * and no compilation finished for a while ({@link CompilerActivity}: a compilation still under way
 * would take the first steps' processors, and on 2 cores a step waits for its slower thread) or, the
 * JIT busy with other code, {@value #QUIET_WAIT_MILLIS} ms after the rounds became steady; or at its
 * deadline.
 */
public final class KernelWarmUp {

    private static final Logger LOG = System.getLogger(KernelWarmUp.class.getName());

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
     * Once the rounds are steady, the JIT's quiet is waited for this long at most. C2 compiled a kernel
     * loop in 0.03-0.4 s on 2 busy cores, so a compilation of the warm-up's code still under way ends
     * within it; compilations that go on beyond it are other code's: the JIT's activity is JVM-wide, and
     * during a Spring application's start, which compiles for seconds, the warm-up otherwise ran on
     * until its deadline (2-4 s; docs/benchmarks.md) with its loops long compiled.
     */
    static final long QUIET_WAIT_MILLIS = 500;

    /**
     * Rounds of the portable kernel before its speed counts: some 2,000 calls of each loop, past C2's
     * invocation threshold (the portable loops compile without the Vector API's methods, so sooner).
     */
    static final int PORTABLE_MIN_ROUNDS = 100;
    /**
     * The portable kernel's loops are warm by then at the latest (a slow, busy or interpreting JVM);
     * C2 finishes in the background.
     */
    static final long PORTABLE_MAX_MILLIS = 1_500;
    /**
     * Rounds of the vector kernel before its speed counts: some 4,000 calls of each loop, beyond C2's
     * thresholds for the Vector API's methods.
     */
    static final int VECTOR_MIN_ROUNDS = 200;
    /**
     * The vector kernel's loops are warmed on the optimizer's start for this long at most; where that
     * is not enough (a slow or very busy machine), its steps start on the portable kernel (warmed then)
     * and the vector kernel's warm-up goes on in the background ({@link WarmingKernel}).
     */
    static final long VECTOR_MAX_MILLIS = 4_000;
    /**
     * Rounds of {@link WarmUpSteps} before their speed counts: 2,000 steps, whose loops over tensors
     * and chunks pass C2's thresholds (scaled up while C2 has a queue) on the way.
     */
    static final int STEPS_MIN_ROUNDS = 500;
    /** The step's code around the kernel is warm by then at the latest. */
    static final long STEPS_MAX_MILLIS = 1_000;

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
    /** Whether {@link #withoutWarmUp} said, in this JVM, that an optimizer's steps run the portable kernel. */
    private static volatile boolean portableNoted;
    /** The update loops whose steps ({@link WarmUpSteps}) were warmed in this JVM, on the kernel of this JVM. */
    private static volatile int stepWarmLoops;

    private KernelWarmUp() {
    }

    /**
     * An optimizer's start that warms up ({@code WarmUp.AT_START}, or {@code AUTOMATIC} for a large
     * model), before its first step: warms, on the calling thread, the kernel its steps
     * will call for these settings and then the step around it ({@link WarmUpSteps}), so that the
     * first step runs compiled code and nothing is left for the JIT to compile on the steps' processors.
     *
     * <p>With the vector kernel, its loops are warmed here ({@link WarmingKernel#warmHere}) and handed
     * over before the first step, so the steps never run the portable kernel and no step waits for a
     * compilation: issue 24 measured the other way, the steps on the portable kernel while a
     * background thread compiled the vector loops, at 1.9x the time of 200 C steps on 2 cores
     * (against 1.4x for the portable kernel alone) for some 0.4 s less at the start. Only where the
     * vector kernel is not warm within {@value #VECTOR_MAX_MILLIS} ms do the steps start on the
     * portable kernel, warmed here, and the vector kernel takes over from the background.
     */
    public static void beforeFirstStep(AdamSettings settings) {
        int loop = loopsOf(settings);
        AdamKernel kernel = AdamKernels.defaultKernel();
        if (!(kernel instanceof WarmingKernel) || !((WarmingKernel) kernel).warmHere(loop, VECTOR_MAX_MILLIS)) {
            warmPortableOnce(loop);
        }
        warmStepsOnce(kernel, loop, settings);
    }

    /**
     * An optimizer's start without a warm-up ({@code WarmUp.NONE}, or {@code AUTOMATIC} for a small model):
     * where the vector kernel is active but the update loop of these settings was not warmed by another
     * optimizer's start, its steps run the portable kernel (the same bits), which a user who added the
     * incubator module did not ask for; says so once per JVM, at INFO, with what to set instead.
     */
    public static void withoutWarmUp(AdamSettings settings, String optimizer, long parameters) {
        if (!portableNoted && notePortableSteps(AdamKernels.defaultKernel(), settings, optimizer, parameters, LOG)) {
            portableNoted = true;
        }
    }

    /** Logs that the optimizer's steps run the portable kernel, if they do; returns whether it logged. */
    static boolean notePortableSteps(AdamKernel kernel, AdamSettings settings, String optimizer, long parameters,
                                     Logger log) {
        if (!(kernel instanceof WarmingKernel) || (((WarmingKernel) kernel).warmLoops() & loopsOf(settings)) != 0) {
            return false;
        }
        log.log(Level.INFO, "skrl4j Adam: optimizer " + optimizer + " (" + parameters + " parameters) starts"
                + " without a warm-up, so its steps run the portable kernel, not " + kernel.name() + ", as do those of"
                + " other optimizers started without one while no start has warmed their loop (the same results; a warm-up costs about 2 CPU-seconds once and pays for a small model only over millions"
                + " of steps). For the vector kernel from its first step: Adam.Builder.warmUp(WarmUp.AT_START), or"
                + " skrl.optim.adam.warm-up=at-start with the Spring Boot starter");
        return true;
    }

    /**
     * Warms the portable kernel's norm and the given update loops, on the calling thread,
     * once per JVM and loop (later calls return at once): an optimizer's start calls it, so that its
     * first steps run compiled loops instead of interpreting, and then compiling on stack, loops over
     * millions of elements (a fresh JVM's first 16M-parameter step took 30 times a later one, and
     * compiled most loops twice, on stack and normally). Allocates only its small arrays, once.
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

    /**
     * Steps {@link WarmUpSteps} with {@code kernel} (the one the optimizer's steps call) and these
     * settings until steady, once per JVM and update loop; allocates its small arrays and a worker
     * thread, which it stops before it returns.
     */
    private static void warmStepsOnce(AdamKernel kernel, int loop, AdamSettings settings) {
        if ((stepWarmLoops & loop) == loop) {
            return;
        }
        synchronized (KernelWarmUp.class) {
            if ((stepWarmLoops & loop) == 0) {
                try (WarmUpSteps steps = new WarmUpSteps(kernel, settings)) {
                    // not by speed: a round's time is mostly the hand-offs to the worker thread, which on a
                    // busy machine waits for a processor in most rounds; the JIT's quiet tells instead
                    untilSteady("steps, loop " + loop, steps::round, STEPS_MIN_ROUNDS, STEPS_MAX_MILLIS, false);
                }
                stepWarmLoops |= loop;
            }
        }
    }

    /** The portable update loops warmed so far in this JVM. */
    static int portableWarmLoops() {
        return portableWarmLoops;
    }

    /** The update loops whose steps were warmed so far in this JVM. */
    static int stepWarmLoops() {
        return stepWarmLoops;
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
     * steady, it allocates nothing and the JIT is quiet, or {@code maxMillis} passed.
     *
     * @return the rounds run, negated when the deadline came first
     */
    static int untilSteady(AdamKernel kernel, int loops, int minRounds, long maxMillis) {
        Workload w = new Workload(loops);
        return untilSteady(kernel.name() + " kernel, loops " + loops, () -> w.round(kernel), minRounds, maxMillis,
                true);
    }

    /**
     * Fills a warm-up's parameters and gradients: gradients above the floor, as a learning model's mostly
     * are (see {@link Workload#round}), and parameters of a few sizes; the same for the kernel's rounds
     * and for {@link WarmUpSteps}.
     */
    static void fill(float[] params, float[] grads) {
        for (int i = 0; i < grads.length; i++) {
            grads[i] = 1e-3f * ((i % 13) - 6.5f);
            params[i] = 0.01f * (i % 97);
        }
    }

    /** One round of a warm-up's calls. */
    interface Round {
        /** Runs the round. */
        void run();
    }

    /**
     * Runs {@code round} until, after {@code minRounds}, the last {@value #STEADY_ROUNDS_NEEDED} rounds
     * allocated nothing, the fastest of them took at most a quarter more of the calling thread's CPU
     * time than the fastest round so far (when {@code bySpeed}; the fastest, since on a busy machine
     * any round may lose its caches or wait in a spin) and the JIT is quiet, or the rounds have been
     * steady for {@value #QUIET_WAIT_MILLIS} ms (the JIT compiling other code: an application's start);
     * or until {@code maxMillis} passed. When the deadline comes, rounds that were steady otherwise
     * count as warm.
     *
     * @return the rounds run, negated when the deadline came before the rounds were steady
     */
    static int untilSteady(String what, Round round, int minRounds, long maxMillis, boolean bySpeed) {
        return untilSteady(what, round, minRounds, maxMillis, bySpeed, CompilerActivity.start());
    }

    /** {@link #untilSteady(String, Round, int, long, boolean)} with the JIT's activity told by {@code jit}. */
    static int untilSteady(String what, Round round, int minRounds, long maxMillis, boolean bySpeed,
                           CompilerActivity jit) {
        long start = System.nanoTime();
        long deadline = start + maxMillis * 1_000_000;
        ThreadMeter meter = ThreadMeter.forCurrentThread();
        long cpuStart = meter.cpuNanos();
        int steadySince = 0;
        long steadySinceNanos = 0;
        long[] recent = new long[STEADY_ROUNDS_NEEDED];
        int rounds = 0;
        int sinceAllocation = 0;
        long best = Long.MAX_VALUE;
        while (true) {
            long allocatedBefore = meter.allocatedBytes();
            long cpuBefore = meter.cpuNanos();
            round.run();
            long nanos = meter.cpuNanos() - cpuBefore;
            sinceAllocation = meter.allocatedBytes() != allocatedBefore ? 0 : sinceAllocation + 1;
            boolean jitQuiet = jit.quiet();
            best = Math.min(best, nanos);
            recent[rounds % recent.length] = nanos;
            rounds++;
            long recentBest = Long.MAX_VALUE;
            for (long r : recent) {
                recentBest = Math.min(recentBest, r);
            }
            boolean steady = rounds >= Math.max(minRounds, recent.length) && sinceAllocation >= recent.length
                    && (!bySpeed || recentBest <= best + best / 4);
            long now = System.nanoTime();
            if (!steady) {
                steadySince = 0;
            } else if (steadySince == 0) {
                steadySince = rounds;
                steadySinceNanos = now;
            }
            if (steady && jitQuiet) {
                logEnd(what, "steady and the JIT quiet", rounds, steadySince, start, meter.cpuNanos() - cpuStart);
                return rounds;
            }
            if (steady && now - steadySinceNanos >= QUIET_WAIT_MILLIS * 1_000_000) {
                logEnd(what, "steady, the JIT busy with other code", rounds, steadySince, start,
                        meter.cpuNanos() - cpuStart);
                return rounds;
            }
            if (now >= deadline) {
                logEnd(what, steady ? "deadline, steady but the JIT busy" : "deadline, not steady", rounds,
                        steadySince, start, meter.cpuNanos() - cpuStart);
                return steady ? rounds : -rounds;
            }
        }
    }

    /** At DEBUG: how a warm-up on this thread ended, its wall and CPU time (to tell what an application's start pays). */
    private static void logEnd(String what, String how, int rounds, int steadySince, long startNanos, long cpuNanos) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, String.format(java.util.Locale.ROOT,
                    "skrl4j Adam warm-up (%s) on %s: %.0f ms, %.0f ms CPU, %d rounds, steady from round %d; ended: %s",
                    what, Thread.currentThread().getName(), (System.nanoTime() - startNanos) / 1e6, cpuNanos / 1e6,
                    rounds, steadySince, how));
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
            {0, ELEMENTS}, {0, NormBlock.NORM_BLOCK}, {12, ELEMENTS}, {0, 100}, {0, 12}, {7, 7}};

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
            fill(param, grad);
            plain.setForWarmUp(true);
            general.setForWarmUp(false);
        }

        /** A round of calls to the norm's loops and the chosen update loops of {@code kernel}. */
        void round(AdamKernel kernel) {
            for (int k = 0; k < ROUND_CALLS; k++) {
                for (int[] r : NORM_RANGES) {
                    sink += kernel.sumOfSquares(grad, r[0], r[1], scratch);
                }
                sink += kernel.sumOfSquares(zeros, 0, NormBlock.NORM_BLOCK, scratch);
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
        }
    }
}
