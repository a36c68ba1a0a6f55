package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.AdamSettings;
import org.jspecify.annotations.Nullable;

/**
 * Steps small tensors through the code an optimizer's step runs around the kernel: a {@link StepPasses}
 * with a tensor split across a {@link WorkerGroup} of two and small tensors beside it, the norm pass, the
 * step's coefficients from the optimizer's settings and the update pass, through the kernel the steps
 * will call. So that, before a first real step, C2 has compiled the passes' loops over tensors and
 * chunks, the calls into the kernel as a step makes them (an interface call that has seen only that
 * kernel), the worker's side and the coefficients: a fresh JVM's first steps otherwise ran these in
 * the interpreter and C1 and had them compiled, and recompiled after the vector kernel took over,
 * by the JIT on the cores the steps used (issue 24).
 *
 * <p>Allocates its arrays once, and the worker threads of its passes at their first steps;
 * {@link #close()} stops the threads.
 */
final class WarmUpSteps implements AutoCloseable {

    private static final int SMALL_TENSORS = 48;
    /**
     * Below the floor check's copy (2, 12) and layer-sized (640, 1,000), so the steps' calls of both shapes
     * are compiled. Six tensors of 768 ran slower after the warm-up (2026-12-05) whatever these sizes were: the
     * cause was the norm's double sum converting into registers the vector loops had left dirty, mended in
     * {@code ExactSquares} (docs/benchmarks.md, session 9), not this profile.
     */
    private static final int[] SMALL_SIZES = {2, 12, 640, 1_000};
    /**
     * A tensor split across the two parts, long enough that each part holds full norm chunks (read with a
     * line-aligning head, as a large tensor's are) and a short last chunk; a tensor of just over a norm
     * block; then {@value #SMALL_TENSORS} short ones, down to below a vector's width. The short ones are
     * many so that the passes' loops over tensors and chunks (and the loop over the chunks' sums) reach
     * C2's thresholds, which count calls and loop iterations together, within some thousand steps: a
     * 16M-parameter step makes a thousand iterations, so its own steps had C2 compile these loops, each
     * with the kernel calls it inlines, some tens of steps in (0.3-0.8 s of C2 on 2 busy cores).
     */
    private static final int[] SIZES = sizes();
    /** Split across the parts from this size on: the first tensor only. */
    private static final int PARALLEL_THRESHOLD = 2 * StepPasses.CHUNK;
    private static final int PARTS = 2;
    private static final int STEPS_PER_ROUND = 4;
    /**
     * Passes stepped once each, at rounds {@value #FIRST_FRESH_ROUND}, twice that, four times that, ...
     * (so that some come after C2's first compilations however fast the rounds run), with coefficients of their own,
     * as a new optimizer's first step: that step takes branches no later one takes (its worker group not
     * started, its first moments not all written by a step, its bias corrections' first call), and
     * compiled passes that had never seen them were thrown away at the first real step and compiled
     * again during the first steps. So C2's profile sees those branches some times; every other one
     * splits a tensor across two threads, the others run on the calling thread alone. Each is closed
     * after its step.
     */
    private static final int FRESH_PASSES = 8;
    private static final int FIRST_FRESH_ROUND = 16;
    /** The learning rate of the warm-up's steps: any finite value does; small, so the parameters barely move. */
    private static final double LEARNING_RATE = 1e-6;

    /** One set of tensors a {@link StepPasses} steps: parameters, gradients and moments. */
    private static final class Model {
        final float[][] params;
        final float[][] grads;
        final float[][] mu;
        final float[][] nu;
        final float @Nullable [][] nuMax;

        Model(float[][] params, float[][] grads, float[][] mu, float[][] nu, float @Nullable [][] nuMax) {
            this.params = params;
            this.grads = grads;
            this.mu = mu;
            this.nu = nu;
            this.nuMax = nuMax;
        }

        /** Tensors {@code first} and {@code second} of this model, sharing their arrays. */
        Model pick(int first, int second) {
            return new Model(new float[][] {params[first], params[second]}, new float[][] {grads[first], grads[second]},
                    new float[][] {mu[first], mu[second]}, new float[][] {nu[first], nu[second]},
                    nuMax == null ? null : new float[][] {nuMax[first], nuMax[second]});
        }
    }

    private final AdamSettings settings;
    private final Model model;
    private final StepPasses passes;
    private final StepCoefficients coefficients = new StepCoefficients();
    private final StepPasses[] fresh = new StepPasses[FRESH_PASSES];
    private final Model[] freshModels = new Model[FRESH_PASSES];
    private final StepCoefficients[] freshCoefficients = new StepCoefficients[FRESH_PASSES];
    private int freshUsed;
    private int rounds;
    private int nextFreshRound = FIRST_FRESH_ROUND;
    private long count;
    private double sink;

    /** Passes over the warm-up's tensors with {@code kernel}, stepped with {@code settings}' coefficients. */
    WarmUpSteps(AdamKernel kernel, AdamSettings settings) {
        this.settings = settings;
        int tensors = SIZES.length;
        float[][] params = new float[tensors][];
        float[][] grads = new float[tensors][];
        float[][] mu = new float[tensors][];
        float[][] nu = new float[tensors][];
        float[][] nuMax = settings.amsgrad() ? new float[tensors][] : null;
        for (int t = 0; t < tensors; t++) {
            int n = SIZES[t];
            params[t] = new float[n];
            grads[t] = new float[n];
            mu[t] = new float[n];
            nu[t] = new float[n];
            if (nuMax != null) {
                nuMax[t] = new float[n];
            }
            KernelWarmUp.fill(params[t], grads[t]);
        }
        this.model = new Model(params, grads, mu, nu, nuMax);
        this.passes = new StepPasses(this, "kernel-warm-up", SIZES, PARTS, PARALLEL_THRESHOLD, kernel);
        for (int f = 0; f < FRESH_PASSES; f++) {
            boolean parallel = f % 2 == 0;
            int first = parallel ? 0 : 3;
            freshModels[f] = model.pick(first, 2);
            fresh[f] = new StepPasses(this, "kernel-warm-up-" + f, new int[] {SIZES[first], SIZES[2]},
                    parallel ? PARTS : 1, PARALLEL_THRESHOLD, kernel);
            freshCoefficients[f] = new StepCoefficients();
        }
    }

    private static int[] sizes() {
        int[] sizes = new int[2 + SMALL_TENSORS];
        sizes[0] = 3 * StepPasses.CHUNK + 1_000;
        sizes[1] = NormBlock.NORM_BLOCK + 100;
        for (int t = 0; t < SMALL_TENSORS; t++) {
            sizes[2 + t] = SMALL_SIZES[t % SMALL_SIZES.length];
        }
        return sizes;
    }

    /** A round of steps (and now and then a fresh optimizer's first step). */
    void round() {
        for (int s = 0; s < STEPS_PER_ROUND; s++) {
            step(passes, coefficients, ++count, model);
        }
        rounds++;
        if (rounds == nextFreshRound && freshUsed < FRESH_PASSES) {
            nextFreshRound *= 2;
            int f = freshUsed++;
            step(fresh[f], freshCoefficients[f], 1, freshModels[f]);
            // and its end: a worker that stops leaves its wait by a branch no other run takes, which
            // would otherwise throw the compiled wait away when the warm-up stops its threads
            fresh[f].close();
        }
    }

    /** One step as an optimizer's: the norm pass, the coefficients, the update pass. */
    private void step(StepPasses p, StepCoefficients c, long newCount, Model m) {
        double norm = Math.sqrt(p.sumOfSquares(m.grads));
        sink += norm;
        // clipping as with a clip of 0.5 (the factor's value does not matter, only that it is finite)
        c.set(settings, newCount, norm > 0.5 ? 0.5 / norm : 1.0, LEARNING_RATE);
        p.update(m.params, m.grads, m.mu, m.nu, m.nuMax, c);
    }

    /** Keeps the norms' sum live, so that no compiler drops the norm pass. */
    double sink() {
        return sink;
    }

    @Override
    public void close() {
        passes.close();
        for (StepPasses f : fresh) {
            f.close();
        }
    }
}
