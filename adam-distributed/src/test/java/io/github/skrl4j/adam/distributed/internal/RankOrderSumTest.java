package io.github.skrl4j.adam.distributed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A world of two's fused pass ({@link RankOrderSum#addTwoAndRound}) gives the bits of the documented
 * reduction (in double, rank 0's value plus rank 1's, divided by 2 for a mean, rounded once to float)
 * for every pair of floats: the float shortcuts it takes must never change a bit. NaN is compared as
 * NaN (Java leaves a NaN's payload to the hardware, for the double path as well).
 */
class RankOrderSumTest {

    /** Values where rounding, halving or overflow could go wrong, mixed with random bit patterns. */
    private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 3 * Float.MIN_VALUE,
        -5 * Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Math.nextUp(Float.MIN_NORMAL),
        Math.nextDown(Float.MIN_NORMAL), 0x1p-125f, Math.nextUp(0x1p-125f), Math.nextDown(0x1p-125f),
        Float.MAX_VALUE, -Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE), Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, Math.nextUp(1f), Math.nextDown(1f), 0x1p24f, 1e-30f, 1e30f,
        0.1f, 3f};

    private static float[] mixed(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = switch (random.nextInt(4)) {
                case 0 -> EDGES[random.nextInt(EDGES.length)];
                case 1 -> (float) random.nextDouble(-1, 1); // gradients' usual range
                case 2 -> Math.scalb((float) random.nextDouble(1, 2), random.nextInt(-150, 129)); // any exponent
                default -> Float.intBitsToFloat(random.nextInt()); // anything, subnormals and NaNs included
            };
        }
        return values;
    }

    private static void assertSameBits(float expected, float actual, float a, float b, String what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), () -> what + " of " + a + " and " + b + ": NaN expected, was " + actual);
        } else {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    () -> what + " of " + a + " and " + b + ": " + expected + " expected, was " + actual);
        }
    }

    @Test
    void sumAndMeanOfTwoHaveTheBitsOfTheDoublePathForEveryKindOfFloat() {
        SplittableRandom random = new SplittableRandom(21);
        int length = 1 << 16;
        for (int round = 0; round < 40; round++) { // enough calls for the JIT to compile the loops too
            float[] a = mixed(random, length);
            float[] b = mixed(random, length);
            float[] sum = new float[length + 3];
            float[] mean = new float[length + 3];
            RankOrderSum.addTwoAndRound(a, 0, b, 0, sum, 3, length, 0);
            RankOrderSum.addTwoAndRound(a, 0, b, 0, mean, 3, length, 2);
            for (int i = 0; i < length; i++) {
                double exact = (double) a[i] + b[i];
                assertSameBits((float) exact, sum[3 + i], a[i], b[i], "sum");
                assertSameBits((float) (exact / 2), mean[3 + i], a[i], b[i], "mean");
            }
        }
    }

    @Test
    void everyPairOfEdgeValuesAndOffsetsIsReducedLikeTheDoublePath() {
        int n = EDGES.length;
        float[] a = new float[n * n + 1];
        float[] b = new float[n * n + 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[1 + i * n + j] = EDGES[i];
                b[2 + i * n + j] = EDGES[j];
            }
        }
        for (int meanOver : new int[] {0, 2, 3}) {
            float[] out = new float[n * n];
            RankOrderSum.addTwoAndRound(a, 1, b, 2, out, 0, n * n, meanOver);
            for (int k = 0; k < n * n; k++) {
                double exact = (double) a[1 + k] + b[2 + k];
                float expected = (float) (meanOver == 0 ? exact : exact / meanOver);
                assertSameBits(expected, out[k], a[1 + k], b[2 + k], "reduction over " + meanOver);
            }
        }
    }
}
