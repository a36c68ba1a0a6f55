package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

/**
 * One thread's working arrays for the norm pass ({@link NormTree#sumOfSquaresCheckingFloor}), made once
 * per part so that the pass allocates nothing, and what the last call found out about its range.
 */
final class NormScratch {

    /** A block of gradients, copied so that the tree's loops index one array at constant distances. */
    final float[] block = new float[NormBlock.NORM_BLOCK];
    /** {@link GradientFloor#aboveFloor} of a short range's squares, multiplied down to 16 lanes. */
    final float[] floor = new float[NormBlock.NORM_BLOCK];
    /**
     * The pooled floor check of one norm pass (issue 24): {@link GradientFloor#aboveFloor} of the squares
     * of every short range read from its array's start, multiplied lane by lane (lane {@code j} takes
     * element {@code j} of each such range), and folded once when the pass ends instead of once per range.
     */
    final float[] pooledFloor = new float[NormBlock.NORM_BLOCK];
    /** Lanes of {@link #pooledFloor} in use, or -1 when the calls do not pool ({@link #startPooling}). */
    int pooledLanes = -1;
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
    /**
     * Set by the portable kernel's {@code sumOfSquares} while pooling: true when the range's floor
     * check went into {@link #pooledFloor} ({@link #gradientsAboveFloor} then holds only if
     * {@link #finishPooling} says so); false otherwise, and never set by the vector kernel.
     */
    boolean floorPooled;

    /** From now on, short ranges from an array's start pool their floor check. */
    void startPooling() {
        pooledLanes = 0;
    }

    /** Ends the pooling: true when every gradient pooled since {@link #startPooling} is above the floor. */
    boolean finishPooling() {
        int lanes = pooledLanes;
        pooledLanes = -1;
        return lanes <= 0 || GradientFloor.productAtLeastOne(pooledFloor, lanes);
    }

    void startCall() {
        Arrays.fill(sums, 0.0);
    }
}
