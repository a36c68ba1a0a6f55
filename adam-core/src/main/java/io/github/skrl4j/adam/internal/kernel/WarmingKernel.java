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
 * of the vector kernel, in every shape a step's calls give it (see {@link KernelWarmUp}), some 4,000
 * calls each (past C2's compile thresholds), and hands over once
 * its speed is steady and it allocates nothing (five rounds in a row within a quarter of the best
 * round, no bytes allocated where HotSpot can tell), or after {@value #MAX_WARM_UP_MILLIS} ms.
 */
final class WarmingKernel implements AdamKernel {

    /** Gives up comparing after this long and hands over anyway (a slow or very busy machine). */
    static final long MAX_WARM_UP_MILLIS = 20_000;
    /** Waits this long after the first call before warming up, so that the first step has the processors. */
    private static final long START_DELAY_MILLIS = 300;
    /** Rounds before the comparison counts: some 4,000 calls of each loop, beyond C2's thresholds. */
    private static final int MIN_ROUNDS = 200;

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
            KernelWarmUp.untilSteady(vector, KernelWarmUp.ALL_LOOPS, MIN_ROUNDS, MAX_WARM_UP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            warm = true;
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
