package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact double sum of short ranges: its two forms, fused and separate, give the same bits. */
class ExactSquaresTest {

    /** Floats of every magnitude a gradient can have, and the special values. */
    private static float[] anyFloats(Random r, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0 -> g[i] = Float.intBitsToFloat(r.nextInt()); // any bit pattern: NaN, infinite, subnormal
                case 1 -> g[i] = (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE * r.nextFloat();
                case 2 -> g[i] = (r.nextBoolean() ? 1 : -1) * Float.MIN_VALUE * (1 + r.nextInt(1 << 23));
                case 3 -> g[i] = r.nextBoolean() ? 0f : -0f;
                default -> g[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(256) - 128);
            }
        }
        return g;
    }

    @Test
    void fusedDoubleSumGivesTheBitsOfTheSeparateOne() {
        Random r = new Random(24);
        for (int round = 0; round < 20_000; round++) {
            int n = r.nextInt(70);
            float[] g = anyFloats(r, n + 5);
            // finite values only in most rounds, so that the sums are numbers and their bits tell
            if (round % 4 != 0) {
                for (int i = 0; i < g.length; i++) {
                    if (!Float.isFinite(g[i])) {
                        g[i] = 1e30f;
                    }
                }
            }
            int from = r.nextInt(5);
            double fused = ExactSquares.squaresInDoubleFused(g, from, from + n);
            double separate = ExactSquares.squaresInDoubleSeparate(g, from, from + n);
            if (Double.isNaN(separate)) {
                assertThat(fused).isNaN();
            } else {
                assertThat(Double.doubleToRawLongBits(fused)).as("n %d from %d: %s vs %s", n, from, fused, separate)
                        .isEqualTo(Double.doubleToRawLongBits(separate));
            }
        }
    }

    /**
     * Long ranges too (the fused loop carries each octet's converted values into the next iteration):
     * every length from 0 to 40 and lengths around multiples of eight up to a norm block, at several
     * offsets, against the separate sum bit for bit.
     */
    @Test
    void fusedDoubleSumOfLongRangesGivesTheBitsOfTheSeparateOne() {
        Random r = new Random(9);
        float[] g = anyFloats(r, NormBlock.NORM_BLOCK + 16);
        for (int i = 0; i < g.length; i++) {
            if (!Float.isFinite(g[i])) {
                g[i] = -3e25f;
            }
        }
        int[] lengths = new int[41 + 3 * 40];
        for (int n = 0; n <= 40; n++) {
            lengths[n] = n;
        }
        for (int k = 0; k < 40; k++) {
            int around = 8 * (6 + r.nextInt(NormBlock.NORM_BLOCK / 8 - 6));
            lengths[41 + 3 * k] = around - 1;
            lengths[42 + 3 * k] = around;
            lengths[43 + 3 * k] = around + 1;
        }
        for (int n : lengths) {
            for (int from = 0; from < 9; from += 4) {
                double fused = ExactSquares.squaresInDoubleFused(g, from, from + n);
                double separate = ExactSquares.squaresInDoubleSeparate(g, from, from + n);
                assertThat(Double.doubleToRawLongBits(fused)).as("n %d from %d: %s vs %s", n, from, fused, separate)
                        .isEqualTo(Double.doubleToRawLongBits(separate));
            }
        }
    }
}
