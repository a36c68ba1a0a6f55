package io.github.skrl4j.adam.internal.kernel;

import static io.github.skrl4j.adam.internal.kernel.NormBlock.FOLDED_LANES;
import static io.github.skrl4j.adam.internal.kernel.NormBlock.NORM_BLOCK;
import static io.github.skrl4j.adam.internal.kernel.NormBlock.NORM_LANES;

import java.util.Arrays;

/**
 * The norm's tree, shared by both kernels, and the portable kernel's norm pass around it.
 *
 * <p><b>Norm.</b> C2 (JDK 17) vectorizes neither a float-to-double conversion nor a floating-point
 * sum into one variable (Java fixes the order of the additions), and it only vectorizes a loop whose
 * arrays are indexed alike or at constant distances (two float arrays at unrelated offsets might be
 * the same array). So a range is cut into blocks of {@value NormBlock#NORM_BLOCK} gradients; each
 * block is copied ({@code System.arraycopy}, itself vectorized) into a scratch block padded with
 * zeros to a power-of-two number of rows of {@value NormBlock#NORM_LANES}, and the rows are squared
 * and added pairwise in a fixed tree (row k with row k + rows/2, and so on), each level a loop over
 * constant distances, down to one row of {@value NormBlock#NORM_LANES} float lanes. The lanes are
 * halved in float to 16 and added to eight double sums in a fixed order. Each of those 16 floats sums
 * 256 squares in a tree (a relative error of about 1e-6 at most, typically 1e-8, before the double
 * fold; XLA sums the whole norm in float32). A range shorter than one block, where the tree would
 * save little, is summed in double ({@link ExactSquares}), so small models keep a norm exact to
 * double rounding. Where float squares would overflow (gradients above ~1.8e19) or lose precision to
 * underflow (a sum below 2^-100), the range is summed again exactly in double, so huge and tiny
 * gradients keep their norm. The vector kernel computes the same tree in registers, so both give the
 * same bits.
 *
 * <p><b>Pass.</b> The portable kernel's pass ({@link #sumOfSquaresCheckingFloor}) also checks every
 * gradient against the floor, on the copy it makes anyway ({@link GradientFloor}), and where the
 * float squares sum to zero it asks whether the range is all zero ({@link ZeroCheck}). Those checks
 * and the exact double sums stand in classes of their own, each shaped for C2 on its own terms; the
 * pass calls them, and none of them calls the tree.
 */
final class NormTree {

    /** Shorter ranges are summed in double: one block, where the tree starts to pay off. */
    static final int SMALLEST_TREE_RANGE = NORM_BLOCK;
    /** Shorter ranges are checked against the floor element by element, without the copy. */
    static final int SMALLEST_FLOOR_CHECK = 32;
    /** Below this the float lanes may have lost part of the sum to underflow: sum again in double. */
    private static final double SMALLEST_FLOAT_SUM = 0x1p-100;

    private NormTree() {
    }

    /**
     * The portable kernel's norm of {@code [from, to)}: the tree, or exact double for short ranges;
     * sets {@link NormScratch#gradientsAboveFloor}.
     */
    static double sumOfSquaresCheckingFloor(float[] g, int from, int to, NormScratch scratch) {
        if (from == to) {
            scratch.gradientsAboveFloor = true;
            scratch.gradientsZero = true;
            scratch.floorPooled = false;
            return 0;
        }
        if (to - from < SMALLEST_TREE_RANGE) {
            // short ranges too: a chunk of a large tensor starts with one (up to its first cache line)
            if (from == 0 && scratch.pooledLanes >= 0) {
                // indexed like the pool's lanes: into the pool, folded once for the whole pass
                GradientFloor.poolFloor(g, to, scratch);
                scratch.floorPooled = true;
                scratch.gradientsAboveFloor = true;
            } else {
                scratch.floorPooled = false;
                scratch.gradientsAboveFloor = to - from < SMALLEST_FLOOR_CHECK
                        ? GradientFloor.fewAboveFloor(g, from, to) : GradientFloor.allAboveFloor(g, from, to, scratch);
            }
            return squaresInDoubleNotingZero(g, from, to, scratch);
        }
        scratch.floorPooled = false;
        scratch.startCall();
        boolean aboveFloor = true;
        float[] b = scratch.block;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            if (start == 0 && n == NORM_BLOCK) {
                // a full block at the array's start is indexed like the scratch already: no copy
                aboveFloor = aboveFloor && GradientFloor.blockAboveFloor(g, n, scratch.floor);
                squareRows(g, b, 16);
                foldLanes(b, scratch.sums);
            } else {
                System.arraycopy(g, start, b, 0, n);
                // before the tree overwrites the copy; a range already found below stays below
                aboveFloor = aboveFloor && GradientFloor.blockAboveFloor(b, n, scratch.floor);
                squareAndFold(b, n, scratch);
            }
        }
        scratch.gradientsAboveFloor = aboveFloor;
        return finishSquares(scratch, g, from, to);
    }

    /** Adds the tree sums of the blocks of {@code [from, to)} to the call's double sums. */
    static void addBlocks(float[] g, int from, int to, NormScratch scratch) {
        float[] b = scratch.block;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            System.arraycopy(g, start, b, 0, n);
            squareAndFold(b, n, scratch);
        }
    }

    /** The tree of a block of {@code n} gradients copied to {@code b}, folded into the call's double sums. */
    private static void squareAndFold(float[] b, int n, NormScratch scratch) {
        int rows = Integer.highestOneBit((n + NORM_LANES - 1) / NORM_LANES * 2 - 1);
        Arrays.fill(b, n, rows * NORM_LANES, 0f);
        squareRows(b, b, rows);
        foldLanes(b, scratch.sums);
    }

    /**
     * Squares a power-of-two number of rows of {@code src} (the scratch block itself, or a gradient
     * from its first element) and adds them in the tree in {@code b}, leaving the sums in row 0.
     */
    private static void squareRows(float[] src, float[] b, int rows) {
        // every loop at a literal distance, written out: C2 vectorizes a loop over constant distances
        // only, and a distance passed to a helper is constant only where C2 happens to inline it
        switch (rows) {
            case 16:
                for (int j = 0; j < 2048; j++) {
                    float x = src[j];
                    float y = src[j + 2048];
                    b[j] = x * x + y * y;
                }
                break;
            case 8:
                for (int j = 0; j < 1024; j++) {
                    float x = src[j];
                    float y = src[j + 1024];
                    b[j] = x * x + y * y;
                }
                break;
            case 4:
                for (int j = 0; j < 512; j++) {
                    float x = src[j];
                    float y = src[j + 512];
                    b[j] = x * x + y * y;
                }
                break;
            case 2:
                for (int j = 0; j < 256; j++) {
                    float x = src[j];
                    float y = src[j + 256];
                    b[j] = x * x + y * y;
                }
                break;
            default:
                for (int j = 0; j < NORM_LANES; j++) {
                    float x = src[j];
                    b[j] = x * x;
                }
        }
        // falls through: the remaining levels of the tree
        switch (rows) {
            case 16:
                for (int j = 0; j < 1024; j++) {
                    b[j] += b[j + 1024];
                }
            case 8:
                for (int j = 0; j < 512; j++) {
                    b[j] += b[j + 512];
                }
            case 4:
                for (int j = 0; j < 256; j++) {
                    b[j] += b[j + 256];
                }
            default:
                break;
        }
    }

    /**
     * Folds the block's row of lanes: halves it in float (lane j += lane j + half) down to
     * {@value NormBlock#FOLDED_LANES}, then adds lane j to double sum j % 8.
     */
    static void foldLanes(float[] lanes, double[] sums) {
        for (int j = 0; j < 128; j++) {
            lanes[j] += lanes[j + 128];
        }
        for (int j = 0; j < 64; j++) {
            lanes[j] += lanes[j + 64];
        }
        for (int j = 0; j < 32; j++) {
            lanes[j] += lanes[j + 32];
        }
        for (int j = 0; j < 16; j++) {
            lanes[j] += lanes[j + 16];
        }
        for (int j = 0; j < FOLDED_LANES; j++) {
            sums[j & 7] += lanes[j];
        }
    }

    /**
     * {@link ExactSquares#squaresInDouble}, noting in {@link NormScratch#gradientsZero} whether the range is all
     * zero: a nonzero float's square is nonzero in double, so the exact sum is zero exactly then.
     */
    static double squaresInDoubleNotingZero(float[] g, int from, int to, NormScratch scratch) {
        double sum = ExactSquares.squaresInDouble(g, from, to);
        scratch.gradientsZero = sum == 0;
        return sum;
    }

    /**
     * The call's sum from the eight double sums, or the exact double sum where the float lanes do not
     * hold it; notes whether the range is all zero ({@link NormScratch#gradientsZero}).
     */
    static double finishSquares(NormScratch scratch, float[] g, int from, int to) {
        double sum = laneSum(scratch);
        scratch.gradientsZero = false;
        if (lanesHold(sum)) {
            return sum;
        }
        if (sum == 0 && ZeroCheck.allZero(g, from, to, scratch)) {
            // a gradient that is all zero (a frozen or unused part of a model): exactly zero, found
            // by a vectorized pass instead of the double loop
            scratch.gradientsZero = true;
            return 0;
        }
        // overflowed, underflowed, or not a number: the exact sum decides
        return ExactSquares.squaresInDouble(g, from, to);
    }

    /** The call's eight double sums added in their fixed tree. */
    static double laneSum(NormScratch scratch) {
        double[] s = scratch.sums;
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }

    /**
     * True when the float lanes held the call's sum ({@link #laneSum}); otherwise it is zero (all
     * zero gradients, or squares that underflowed) or overflowed or not a number, and a zero sum
     * stands only where every gradient is zero, any other the exact double sum decides.
     */
    static boolean lanesHold(double sum) {
        return sum >= SMALLEST_FLOAT_SUM && sum <= Double.MAX_VALUE;
    }
}
