package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

/**
 * One thread's working arrays for the norm pass ({@link NormTree#sumOfSquaresCheckingFloor}), made once
 * per part so that the pass allocates nothing, and what the last call found out about its range.
 */
final class NormScratch {

    /** A block of gradients, copied so that the tree's loops index one array at constant distances. */
    final float[] block = new float[NormTree.NORM_BLOCK];
    /** {@link NormTree#aboveFloor} of a short range's squares, multiplied down to 16 lanes. */
    final float[] floor = new float[NormTree.NORM_BLOCK];
    /** The call's eight double sums the lanes are folded into. */
    final double[] sums = new double[8];
    /**
     * Set by the portable kernel's {@code sumOfSquares}: true when every gradient of the range is
     * above the floor, so that the step's moments stay normal (see {@link ScalarAdamKernel}); false
     * when that is not known.
     */
    boolean gradientsAboveFloor;
    /**
     * Set by both kernels' {@code sumOfSquares}: true when every gradient of the range is +0.0 or
     * -0.0 (a frozen or unused part of a model), which lets the step leave the parameters alone where
     * the first moments are zero too (see {@link StepPasses}); false when that is not known.
     */
    boolean gradientsZero;

    void startCall() {
        Arrays.fill(sums, 0.0);
    }
}
