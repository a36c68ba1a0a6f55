package io.github.skrl4j.adam.internal.kernel;

import static io.github.skrl4j.adam.internal.kernel.NormBlock.FOLDED_LANES;
import static io.github.skrl4j.adam.internal.kernel.NormBlock.NORM_BLOCK;

import java.util.Arrays;

/**
 * Whether a range is all +0.0 or -0.0, as a frozen or unused part of a model is: asked by the norm
 * ({@link NormTree#finishSquares}) where the float squares summed to zero, which tiny gradients do
 * too, and by the update pass of a tensor's first moments (see {@link StepPasses}), where zero
 * gradients and zero moments let the step leave the parameters alone. The magnitudes are added
 * instead of compared one by one: they never cancel, a huge value makes the sum infinite and a NaN
 * makes it NaN, so the sum is zero exactly when every value is; and a sum folded at constant
 * distances in a block of the scratch is a loop C2 vectorizes, where a loop that stops at the first
 * nonzero value is not. The vector kernel has its own check (an OR of the bits in lanes).
 */
final class ZeroCheck {

    private ZeroCheck() {
    }

    /**
     * True when every value of {@code [from, to)} is +0.0 or -0.0: the sum of their magnitudes is zero
     * (magnitudes never cancel; a huge value makes it infinite, a NaN makes it NaN). Used on a
     * gradient whose float squares summed to zero, and on first moments (see {@link StepPasses}).
     * Overwrites the scratch's block and floor.
     */
    static boolean allZero(float[] a, int from, int to, NormScratch scratch) {
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            if (start == 0) {
                // the array's start is indexed like the scratch: read in place
                if (!blockMagnitudesZero(a, n, scratch.floor)) {
                    return false;
                }
            } else {
                System.arraycopy(a, start, scratch.block, 0, n);
                if (!blockMagnitudesZero(scratch.block, n, scratch.floor)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * True when the {@code n} values at the start of {@code b} are all zero: their magnitudes in
     * {@code f}, padded with zeros to a power of two, added at constant distances down to 16 lanes.
     */
    private static boolean blockMagnitudesZero(float[] b, int n, float[] f) {
        for (int j = 0; j < n; j++) {
            f[j] = Math.abs(b[j]);
        }
        int size = Math.max(FOLDED_LANES, Integer.highestOneBit(Math.max(1, 2 * n - 1)));
        Arrays.fill(f, n, size, 0f);
        switch (size) {
            case 4096:
                for (int j = 0; j < 2048; j++) {
                    f[j] += f[j + 2048];
                }
            case 2048:
                for (int j = 0; j < 1024; j++) {
                    f[j] += f[j + 1024];
                }
            case 1024:
                for (int j = 0; j < 512; j++) {
                    f[j] += f[j + 512];
                }
            case 512:
                for (int j = 0; j < 256; j++) {
                    f[j] += f[j + 256];
                }
            case 256:
                for (int j = 0; j < 128; j++) {
                    f[j] += f[j + 128];
                }
            case 128:
                for (int j = 0; j < 64; j++) {
                    f[j] += f[j + 64];
                }
            case 64:
                for (int j = 0; j < 32; j++) {
                    f[j] += f[j + 32];
                }
            case 32:
                for (int j = 0; j < 16; j++) {
                    f[j] += f[j + 16];
                }
            default:
                float sum = 0f;
                for (int j = 0; j < FOLDED_LANES; j++) {
                    sum += f[j];
                }
                return sum == 0f;
        }
    }
}
