package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The two passes of a step over one range of one tensor. Implementations compute exactly the
 * formulas of {@link StepCoefficients} (including its flush of subnormal moments to zero) and the
 * norm's tree arithmetic of {@link NormTree#sumOfSquaresCheckingFloor},
 * so that every kernel gives the same bits. One implementation is chosen at start-up by
 * {@link AdamKernels}.
 *
 * <p>Implementations are stateless and thread-safe: the parallel passes call them from several
 * threads at once on disjoint ranges, each thread with its own {@link NormScratch}.
 */
interface AdamKernel {

    /**
     * Sum of {@code g[i]^2} over {@code [from, to)}: float lanes folded into double, exact double
     * where floats would overflow or underflow (see {@link ScalarAdamKernel}). The result depends
     * only on the values and the range, never on timing, so that a chunked sum is reproducible.
     * Sets {@link NormScratch#gradientsAboveFloor} for the range.
     */
    double sumOfSquares(float[] g, int from, int to, NormScratch scratch);

    /**
     * The fused update over {@code [from, to)}: reads {@code grad}, updates {@code param}, {@code mu},
     * {@code nu} and, for AMSGrad, {@code nuMax} in place. Elements are independent, so any split of
     * a tensor into ranges gives the same result.
     *
     * @param gradientsAboveFloor true only when the norm pass found every gradient of the range above
     *                            the floor ({@link NormScratch#gradientsAboveFloor}); a kernel may
     *                            then leave out the flush where the coefficients allow it
     */
    void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                int from, int to, StepCoefficients c, boolean gradientsAboveFloor);

    /**
     * True when every value of {@code [from, to)} is +0.0 or -0.0 ({@link ZeroCheck#allZero}, which may
     * overwrite the scratch); the update pass asks it of a frozen tensor's first moments.
     */
    default boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        return ZeroCheck.allZero(a, from, to, scratch);
    }

    /** A short name for logs and benchmark reports. */
    String name();
}
