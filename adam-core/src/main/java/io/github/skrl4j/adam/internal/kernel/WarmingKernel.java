package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The vector kernel behind a warm-up: until a background thread has run the vector kernel's loops
 * often enough for C2 to compile them (the Vector API runs boxed, a hundred times slower, before),
 * every call goes to the portable kernel, which computes the same bits. So the first steps of a
 * fresh JVM cost what the portable kernel's cost, instead of the seconds an interpreted vector loop
 * takes over a large model, and no step waits for the warm-up.
 *
 * <p>The warm-up thread (a daemon, started on the first call, which it lets go first: it waits
 * {@value #START_DELAY_MILLIS} ms) steps small arrays through every loop
 * of the vector kernel, in every shape a step's calls give it (see {@link Workload}), some 4,000
 * calls each (past C2's compile thresholds), and hands over once
 * its speed is steady and it allocates nothing (five rounds in a row within a quarter of the best
 * round, no bytes allocated where HotSpot can tell), or after {@value #MAX_WARM_UP_MILLIS} ms.
 */
final class WarmingKernel implements AdamKernel {

    /** Gives up comparing after this long and hands over anyway (a slow or very busy machine). */
    static final long MAX_WARM_UP_MILLIS = 20_000;
    /** The norm's arrays: just over one block, so that the tree runs, in registers and on a copy. */
    private static final int WARM_UP_ELEMENTS = 4_100;
    /**
     * The update's range: short, since C2 compiles a loop after some hundred calls however long they
     * are, and every element before that runs interpreted; not a multiple of the lanes, for the tail.
     */
    private static final int WARM_UP_UPDATE = 1_030;
    /** An update range of whole vectors of any width (a multiple of 64 lanes): a step's chunks, which have no tail. */
    private static final int WARM_UP_UPDATE_WHOLE = 1_024;
    /** Waits this long after the first call before warming up, so that the first step has the processors. */
    private static final long START_DELAY_MILLIS = 300;
    private static final int ROUND_CALLS = 20;
    /** Rounds before the comparison counts: some 4,000 calls of each loop, beyond C2's thresholds. */
    private static final int MIN_ROUNDS = 200;
    private static final int STEADY_ROUNDS_NEEDED = 5;

    private final AdamKernel vector;
    private volatile boolean warm;
    private volatile boolean started;

    WarmingKernel(AdamKernel vector) {
        this.vector = vector;
    }

    /** True once the calls go to the vector kernel. */
    boolean warm() {
        return warm;
    }

    /** Waits (for tests) until the calls go to the vector kernel; false if that did not happen in time. */
    boolean awaitWarm(long millis) throws InterruptedException {
        startWarmUp();
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!warm && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return warm;
    }

    private AdamKernel current() {
        if (warm) {
            return vector;
        }
        startWarmUp();
        return ScalarAdamKernel.INSTANCE;
    }

    private void startWarmUp() {
        if (started) {
            return;
        }
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        Thread t = new Thread(this::warmUp, "skrl4j-adam-kernel-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private void warmUp() {
        try {
            // a fresh JVM's first step (class loading, the portable loops' own compilation) goes first
            Thread.sleep(START_DELAY_MILLIS);
            long deadline = System.nanoTime() + MAX_WARM_UP_MILLIS * 1_000_000;
            Workload w = new Workload();
            AllocationMeter meter = AllocationMeter.forCurrentThread();
            int rounds = 0;
            int steadyInARow = 0;
            long best = Long.MAX_VALUE;
            // compiled code runs at a steady speed and (the Vector API intrinsified) allocates nothing;
            // interpreted and C1 code is far slower and boxes every vector. After enough calls for C2
            // (MIN_ROUNDS), hand over once a few rounds in a row are close to the best one and allocate nothing
            while (System.nanoTime() < deadline && steadyInARow < STEADY_ROUNDS_NEEDED) {
                long allocatedBefore = meter.allocatedBytes();
                long nanos = w.round(vector);
                boolean allocated = meter.allocatedBytes() != allocatedBefore;
                best = Math.min(best, nanos);
                rounds++;
                boolean steady = rounds >= MIN_ROUNDS && nanos <= best + best / 4 && !allocated;
                steadyInARow = steady ? steadyInARow + 1 : 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            warm = true;
        }
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
            {0, WARM_UP_UPDATE}, {0, WARM_UP_UPDATE_WHOLE}, {12, WARM_UP_UPDATE_WHOLE + 12}, {0, 12}, {3, 10}, {5, 5}};
        /** The norm's ranges: blocks and a tail, whole blocks, one short of a block, below the tree, empty. */
        private static final int[][] NORM_RANGES = {
            {0, WARM_UP_ELEMENTS}, {0, NormTree.NORM_BLOCK}, {12, WARM_UP_ELEMENTS}, {0, 100}, {0, 12}, {7, 7}};

        final float[] param = new float[WARM_UP_ELEMENTS];
        final float[] grad = new float[WARM_UP_ELEMENTS];
        final float[] zeros = new float[WARM_UP_ELEMENTS];
        final float[] mu = new float[WARM_UP_ELEMENTS];
        final float[] nu = new float[WARM_UP_ELEMENTS];
        final float[] nuMax = new float[WARM_UP_ELEMENTS];
        final NormScratch scratch = new NormScratch();
        final StepCoefficients plain = new StepCoefficients();
        final StepCoefficients general = new StepCoefficients();
        double sink;

        Workload() {
            for (int i = 0; i < WARM_UP_ELEMENTS; i++) {
                grad[i] = 1e-3f * ((i % 13) - 6.5f);
                param[i] = 0.01f * (i % 97);
            }
            plain.setForWarmUp(true);
            general.setForWarmUp(false);
        }

        /** Nanoseconds for a round of calls to every loop of {@code kernel}. */
        long round(AdamKernel kernel) {
            long start = System.nanoTime();
            for (int k = 0; k < ROUND_CALLS; k++) {
                for (int[] r : NORM_RANGES) {
                    sink += kernel.sumOfSquares(grad, r[0], r[1], scratch);
                }
                sink += kernel.sumOfSquares(zeros, 0, NormTree.NORM_BLOCK, scratch);
                sink += kernel.sumOfSquares(zeros, 0, WARM_UP_ELEMENTS, scratch);
                boolean aboveFloor = (k & 1) == 0;
                for (int[] r : UPDATE_RANGES) {
                    // the update pass's check of a frozen tensor's first moments, zero or not
                    sink += kernel.allZero(zeros, r[0], r[1], scratch) ? 1 : 0;
                    sink += kernel.allZero(grad, r[0], r[1], scratch) ? 1 : 0;
                    kernel.update(param, grad, mu, nu, null, r[0], r[1], plain, aboveFloor);
                    kernel.update(param, grad, mu, nu, null, r[0], r[1], general, aboveFloor);
                    kernel.update(param, grad, mu, nu, nuMax, r[0], r[1], general, aboveFloor);
                }
            }
            return System.nanoTime() - start;
        }
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
        return current().sumOfSquares(g, from, to, scratch);
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
        current().update(param, grad, mu, nu, nuMax, from, to, c, gradientsAboveFloor);
    }

    @Override
    public boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        return current().allZero(a, from, to, scratch);
    }

    @Override
    public String name() {
        return vector.name();
    }
}
