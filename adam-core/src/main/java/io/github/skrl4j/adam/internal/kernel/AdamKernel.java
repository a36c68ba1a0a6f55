package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The two passes of a step over one range of one tensor. Implementations compute exactly the
 * formulas of {@link StepCoefficients} (including its flush of subnormal moments to zero); they may
 * round differently (reordered float operations), never compute something else. One implementation
 * is chosen at start-up by {@link AdamKernels}.
 *
 * <p>Implementations are stateless and thread-safe: the parallel passes call them from several
 * threads at once on disjoint ranges.
 */
interface AdamKernel {

    /**
     * Sum of {@code g[i]^2} over {@code [from, to)}, accumulated in double. The result depends only
     * on the values and the range, never on timing, so that a chunked sum is reproducible.
     */
    double sumOfSquares(float[] g, int from, int to);

    /**
     * The fused update over {@code [from, to)}: reads {@code grad}, updates {@code param}, {@code mu},
     * {@code nu} and, for AMSGrad, {@code nuMax} in place. Elements are independent, so any split of
     * a tensor into ranges gives the same result.
     */
    void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                int from, int to, StepCoefficients c);

    /** A short name for logs and benchmark reports. */
    String name();
}
