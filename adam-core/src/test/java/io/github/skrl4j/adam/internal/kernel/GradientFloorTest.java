package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The floor check: its product over any number of lanes, and the pooled check of short ranges
 * through the norm pass that pools them.
 */
class GradientFloorTest {

    /**
     * The floor check's product over any number of lanes (folded without padding where that is not a
     * power of two): at least 1 when every factor is, false as soon as one lane anywhere is zero or not
     * a number, whatever stands in the lanes after the {@code n} given.
     */
    @Test
    void productOfAnyNumberOfLanesIsAtLeastOneExactlyWhenNoLaneIsZeroOrNotANumber() {
        Random r = new Random(5);
        float[] factors = {1f, 2f, 1e30f, Float.POSITIVE_INFINITY, 4096f};
        float[] f = new float[NormBlock.NORM_BLOCK];
        for (int n = 1; n <= NormBlock.NORM_BLOCK; n += n < 70 ? 1 : 1 + r.nextInt(97)) {
            for (int k = 0; k < 6; k++) {
                int at = k == 0 ? 0 : k == 1 ? n - 1 : r.nextInt(n);
                for (float bad : new float[] {Float.NaN, 1f, 0f, -0f}) {
                    java.util.Arrays.fill(f, 0f); // lanes past n must not count
                    for (int j = 0; j < n; j++) {
                        f[j] = factors[r.nextInt(factors.length)];
                    }
                    f[at] = bad == 1f ? f[at] : bad;
                    assertThat(GradientFloor.productAtLeastOne(f, n)).as("n %d, %s at %d", n, bad, at).isEqualTo(bad == 1f);
                }
            }
        }
    }

    /**
     * The pooled floor check of short ranges read from an array's start (the pass's first range writes
     * the lanes, later ones multiply into them, longer ones add lanes): true when every gradient of
     * every range is above the floor, false when one gradient in any of them is at or below it or is
     * zero; the sums are those of the ranges' exact double sums.
     */
    @Test
    void pooledFloorCheckFindsAGradientAtOrBelowTheFloorInAnyRangeAndPosition() {
        Random r = new Random(11);
        int[][] passes = {{768, 768, 768}, {12, 640, 2, 1000}, {1000, 2, 300}, {5}, {40, 4000, 17}};
        float[] below = {0f, -0f, 0x1p-41f, -0x1p-41f, 0x1.6a09e6p-41f, Float.MIN_VALUE, 0x1p-60f};
        NormScratch scratch = new NormScratch();
        for (int[] lengths : passes) {
            float[][] g = new float[lengths.length][];
            for (int t = 0; t < lengths.length; t++) {
                g[t] = new float[lengths[t]];
                for (int i = 0; i < lengths[t]; i++) {
                    g[t][i] = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(60) - 40) * (r.nextBoolean() ? 1 : -1);
                }
            }
            assertThat(pooledPass(g, scratch)).as("all above, %s", java.util.Arrays.toString(lengths)).isTrue();
            for (int t = 0; t < lengths.length; t++) {
                for (int at : new int[] {0, lengths[t] / 2, lengths[t] - 1, r.nextInt(lengths[t])}) {
                    float kept = g[t][at];
                    g[t][at] = below[r.nextInt(below.length)];
                    assertThat(pooledPass(g, scratch)).as("%s at %d of range %d of %s", g[t][at], at, t,
                            java.util.Arrays.toString(lengths)).isFalse();
                    g[t][at] = kept;
                }
            }
        }
    }

    /** One pass's pooled checks of the ranges {@code g[t][0, length)}: what {@link NormScratch#finishPooling} says. */
    private static boolean pooledPass(float[][] g, NormScratch scratch) {
        scratch.startPooling();
        for (float[] range : g) {
            double sum = NormTree.sumOfSquaresCheckingFloor(range, 0, range.length, scratch);
            assertThat(scratch.floorPooled).isTrue();
            assertThat(Double.doubleToRawLongBits(sum))
                    .isEqualTo(Double.doubleToRawLongBits(ExactSquares.squaresInDouble(range, 0, range.length)));
        }
        return scratch.finishPooling();
    }
}
