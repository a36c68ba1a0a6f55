package io.github.skrl4j.adam;

import org.jspecify.annotations.Nullable;

/**
 * The two passes of a step over one range of one tensor. Implementations compute exactly the
 * formulas of {@link StepCoefficients}; they may round differently (fused or reordered float
 * operations), never compute something else. One implementation is chosen at start-up.
 */
interface AdamKernel {

    /** Sum of {@code g[i]^2} over {@code [from, to)}, accumulated in double. */
    double sumOfSquares(float[] g, int from, int to);

    /**
     * The fused update over {@code [from, to)}: reads {@code grad}, updates {@code param}, {@code mu},
     * {@code nu} and, for AMSGrad, {@code nuMax} in place.
     */
    void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                int from, int to, StepCoefficients c);
}
