package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

/**
 * One thread's working arrays for the norm pass's float lanes ({@link ScalarAdamKernel#sumOfSquares(float[],
 * int, int, NormScratch)}), made once per part so that the pass allocates nothing.
 */
final class NormScratch {

    /** A row of the gradient, copied so that the lane loop indexes all its arrays alike (see the kernel). */
    final float[] row = new float[ScalarAdamKernel.NORM_LANES];
    /** Per lane: the float sum of the current block's squares. */
    final float[] squares = new float[ScalarAdamKernel.NORM_LANES];
    /** The call's eight double sums the lanes are folded into. */
    final double[] sums = new double[8];

    void startCall() {
        Arrays.fill(sums, 0.0);
    }
}
