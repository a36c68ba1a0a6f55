package io.github.skrl4j.adam.internal.kernel;

import static io.github.skrl4j.adam.internal.kernel.NormBlock.FOLDED_LANES;
import static io.github.skrl4j.adam.internal.kernel.NormBlock.NORM_BLOCK;

import java.util.Arrays;

/**
 * The portable kernel's floor check: whether every gradient of a range is above 2^-40.5 in
 * magnitude, which lets its update leave out the flush of subnormal moments (see
 * {@link ScalarAdamKernel}; {@link StepCoefficients#gradientFloorSuffices} checks that the step's
 * clip factor and betas keep such gradients' moments normal). The flush is a long instruction
 * sequence in C2's vector code, while the check costs three multiplications per gradient (the
 * square, the scale, the product) on the copy the norm pass makes anyway ({@link NormTree}); so the
 * norm pass runs it. It multiplies {@link #aboveFloor} of the squares, a product that is zero as soon
 * as one gradient is at most 2^-40.5 in magnitude (NaN when one is not a number) and at least 1
 * otherwise, never subnormal.
 *
 * <p>The product is folded down to 16 lanes, each level a loop written out at a literal distance,
 * because C2 vectorizes only loops over constant distances. Short ranges read from an array's start
 * multiply into one pool of lanes per pass ({@link NormScratch#pooledFloor}), folded once when the
 * pass ends instead of once per range (issue 24).
 */
final class GradientFloor {

    /** Scales the square of a gradient at the floor, 2^-40, to 1. */
    private static final float FLOOR_SCALE = 0x1p80f;
    /** Adding and taking away 2^23 rounds a float below 0.5 (and 0.5 itself) to zero, and keeps 1 and more at 1 or more. */
    private static final float ROUNDING_BIAS = 0x1p23f;

    private GradientFloor() {
    }

    /**
     * Zero when {@code square <= 2^-81} (a gradient of at most 2^-40.5 in magnitude), at least 1
     * otherwise (infinite for huge squares, NaN for NaN): the products of these are zero or NaN
     * exactly when some gradient is that small (or not a number), and never subnormal.
     */
    static float aboveFloor(float square) {
        return (square * FLOOR_SCALE + ROUNDING_BIAS) - ROUNDING_BIAS;
    }

    /** {@link #allAboveFloor} for a few gradients: their product, in one chain. */
    static boolean fewAboveFloor(float[] g, int from, int to) {
        float p = 1f;
        for (int i = from; i < to; i++) {
            float x = g[i];
            p *= aboveFloor(x * x);
        }
        return p >= 1f;
    }

    /** True when every gradient of a range shorter than {@value NormBlock#NORM_BLOCK} passes {@link #aboveFloor}. */
    static boolean allAboveFloor(float[] g, int from, int to, NormScratch scratch) {
        int n = to - from;
        if (from == 0) {
            return blockAboveFloor(g, n, scratch.floor);
        }
        System.arraycopy(g, from, scratch.block, 0, n);
        return blockAboveFloor(scratch.block, n, scratch.floor);
    }

    /**
     * True when the {@code n} gradients at the start of {@code b} (a copy, or a gradient from its
     * first element) pass {@link #aboveFloor}: their product, folded at constant distances down to 16
     * lanes, is at least 1.
     */
    static boolean blockAboveFloor(float[] b, int n, float[] f) {
        if (n == NORM_BLOCK) {
            // a full block in two halves multiplied lane by lane: half the scratch and half the folding
            for (int j = 0; j < NORM_BLOCK / 2; j++) {
                float x = b[j];
                f[j] = aboveFloor(x * x);
            }
            for (int j = 0; j < NORM_BLOCK / 2; j++) {
                float y = b[j + NORM_BLOCK / 2];
                f[j] *= aboveFloor(y * y);
            }
            return productAtLeastOne(f, NORM_BLOCK / 2);
        }
        for (int j = 0; j < n; j++) {
            float x = b[j];
            f[j] = aboveFloor(x * x);
        }
        return productAtLeastOne(f, n);
    }

    /**
     * Multiplies {@link #aboveFloor} of the squares of {@code g[0, n)} into the pool's lanes
     * ({@link NormScratch#pooledFloor}; the pass's first range writes them, and lanes no range used
     * before start at 1): indexed alike, so C2 vectorizes it without a copy.
     */
    static void poolFloor(float[] g, int n, NormScratch scratch) {
        float[] f = scratch.pooledFloor;
        if (scratch.pooledLanes == 0) {
            // the pass's first pooled range: its factors are the lanes, without filling them with ones first
            for (int j = 0; j < n; j++) {
                float x = g[j];
                f[j] = aboveFloor(x * x);
            }
            scratch.pooledLanes = n;
            return;
        }
        if (n > scratch.pooledLanes) {
            Arrays.fill(f, scratch.pooledLanes, n, 1f);
            scratch.pooledLanes = n;
        }
        for (int j = 0; j < n; j++) {
            float x = g[j];
            f[j] *= aboveFloor(x * x);
        }
    }

    /**
     * True when the product of {@code f[0, n)} (each zero, at least 1, or not a number) is at least 1:
     * folded at constant distances down to 16 lanes (padded with ones below 16).
     */
    static boolean productAtLeastOne(float[] f, int n) {
        int size = Math.max(FOLDED_LANES, Integer.highestOneBit(Math.max(1, 2 * n - 1)));
        if (n <= FOLDED_LANES) {
            Arrays.fill(f, n, FOLDED_LANES, 1f);
        } else if (n < size) {
            // not a power of two: the lanes from half the size on are multiplied into the first ones, the
            // others keep their factors (instead of padding with ones to the size and multiplying by them)
            foldPartialLevel(f, n, size);
            size /= 2;
        }
        switch (size) {
            case 4096:
                for (int j = 0; j < 2048; j++) {
                    f[j] *= f[j + 2048];
                }
            case 2048:
                for (int j = 0; j < 1024; j++) {
                    f[j] *= f[j + 1024];
                }
            case 1024:
                for (int j = 0; j < 512; j++) {
                    f[j] *= f[j + 512];
                }
            case 512:
                for (int j = 0; j < 256; j++) {
                    f[j] *= f[j + 256];
                }
            case 256:
                for (int j = 0; j < 128; j++) {
                    f[j] *= f[j + 128];
                }
            case 128:
                for (int j = 0; j < 64; j++) {
                    f[j] *= f[j + 64];
                }
            case 64:
                for (int j = 0; j < 32; j++) {
                    f[j] *= f[j + 32];
                }
            case 32:
                for (int j = 0; j < 16; j++) {
                    f[j] *= f[j + 16];
                }
            default:
                float p = 1f;
                for (int j = 0; j < FOLDED_LANES; j++) {
                    p *= f[j];
                }
                return p >= 1f;
        }
    }

    /**
     * The first level of {@link #productAtLeastOne}'s fold for {@code size / 2 < n < size}: lane
     * {@code j} times lane {@code j + size / 2} for {@code j < n - size / 2}, each loop at a literal distance.
     */
    private static void foldPartialLevel(float[] f, int n, int size) {
        switch (size) {
            case 4096:
                for (int j = 0; j < n - 2048; j++) {
                    f[j] *= f[j + 2048];
                }
                break;
            case 2048:
                for (int j = 0; j < n - 1024; j++) {
                    f[j] *= f[j + 1024];
                }
                break;
            case 1024:
                for (int j = 0; j < n - 512; j++) {
                    f[j] *= f[j + 512];
                }
                break;
            case 512:
                for (int j = 0; j < n - 256; j++) {
                    f[j] *= f[j + 256];
                }
                break;
            case 256:
                for (int j = 0; j < n - 128; j++) {
                    f[j] *= f[j + 128];
                }
                break;
            case 128:
                for (int j = 0; j < n - 64; j++) {
                    f[j] *= f[j + 64];
                }
                break;
            case 64:
                for (int j = 0; j < n - 32; j++) {
                    f[j] *= f[j + 32];
                }
                break;
            default:
                for (int j = 0; j < n - 16; j++) {
                    f[j] *= f[j + 16];
                }
                break;
        }
    }
}
