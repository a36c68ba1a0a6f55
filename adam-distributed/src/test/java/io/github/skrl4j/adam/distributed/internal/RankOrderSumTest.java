package io.github.skrl4j.adam.distributed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A world of two's fused pass ({@link RankOrderSum#addTwoAndRound}) gives the bits of the documented
 * reduction (in double, rank 0's value plus rank 1's, divided by 2 for a mean, rounded once to float)
 * for every pair of floats: the float shortcuts it takes must never change a bit. So do the passes of
 * worlds of three and four, fused as the owner of a chunk fuses them and one at a time as the one-hop
 * path sums. NaN is compared as NaN (Java leaves a NaN's payload to the hardware, for the double path
 * as well).
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

    /** The documented reduction, one value at a time: in double, ranks 0..N-1 in order, divided, rounded once. */
    private static float reference(float[][] ranks, int[] at, int k, int meanOver) {
        double sum = ranks[0][at[0] + k];
        for (int r = 1; r < ranks.length; r++) {
            sum += ranks[r][at[r] + k];
        }
        return (float) (meanOver == 0 ? sum : sum / meanOver);
    }

    /** As {@code AllReducer.reduceOwnedChunk} sums a chunk in a world of three or more. */
    private static void fusedAsOwner(float[][] ranks, int[] at, float[] out, int start, int length, int meanOver) {
        int n = ranks.length;
        double[] acc = new double[length];
        RankOrderSum.startWithTwo(acc, ranks[0], at[0], ranks[1], at[1], length);
        for (int r = 2; r < n - 1; r++) {
            RankOrderSum.accumulate(acc, ranks[r], at[r], length, false);
        }
        RankOrderSum.addLastAndRound(acc, ranks[n - 1], at[n - 1], out, start, length, meanOver);
    }

    /** As {@code AllReducer.allReduceInOneHop} sums: one rank at a time, then the rounding pass. */
    private static void oneAtATime(float[][] ranks, int[] at, float[] out, int start, int length, int meanOver) {
        double[] acc = new double[length];
        for (int r = 0; r < ranks.length; r++) {
            RankOrderSum.accumulate(acc, ranks[r], at[r], length, r == 0);
        }
        RankOrderSum.round(acc, out, start, length, meanOver);
    }

    private static void assertBothPathsGiveTheReference(float[][] ranks, int[] at, int length, String what) {
        int n = ranks.length;
        for (int meanOver : new int[] {0, n}) {
            float[] fused = new float[length + 5];
            float[] single = new float[length + 5];
            fusedAsOwner(ranks, at, fused, 5, length, meanOver);
            oneAtATime(ranks, at, single, 5, length, meanOver);
            for (int k = 0; k < length; k++) {
                float expected = reference(ranks, at, k, meanOver);
                int index = k;
                int over = meanOver;
                Supplier<String> of = () -> what + " " + (over == 0 ? "sum" : "mean") + " over " + n + " ranks of "
                        + valuesAt(ranks, at, index);
                assertSameBits(expected, fused[5 + k], () -> of.get() + ", fused");
                assertSameBits(expected, single[5 + k], () -> of.get() + ", one at a time");
            }
        }
    }

    private static String valuesAt(float[][] ranks, int[] at, int k) {
        float[] values = new float[ranks.length];
        for (int r = 0; r < ranks.length; r++) {
            values[r] = ranks[r][at[r] + k];
        }
        return Arrays.toString(values);
    }

    private static void assertSameBits(float expected, float actual, Supplier<String> what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), () -> what.get() + ": NaN expected, was " + actual);
        } else {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    () -> what.get() + ": " + expected + " expected, was " + actual);
        }
    }

    @Test
    void worldsOfThreeAndFourSumAndMeanLikeTheReferenceForEveryKindOfFloat() {
        SplittableRandom random = new SplittableRandom(3);
        int length = 1 << 14;
        for (int round = 0; round < 30; round++) { // enough calls for the JIT to compile the passes too
            for (int n : new int[] {3, 4}) {
                float[][] ranks = new float[n][];
                int[] at = new int[n];
                for (int r = 0; r < n; r++) {
                    at[r] = r; // each part at its own offset, as a rank's own part is read in place
                    ranks[r] = new float[r + length];
                    System.arraycopy(mixed(random, length), 0, ranks[r], r, length);
                }
                assertBothPathsGiveTheReference(ranks, at, length, "random");
            }
        }
    }

    @Test
    void everyTripleOfEdgeValuesAndEveryQuadrupleOfSomeIsReducedLikeTheReference() {
        int e = EDGES.length;
        float[][] three = new float[3][e * e * e];
        for (int i = 0; i < e * e * e; i++) {
            three[0][i] = EDGES[i / (e * e)];
            three[1][i] = EDGES[(i / e) % e];
            three[2][i] = EDGES[i % e];
        }
        assertBothPathsGiveTheReference(three, new int[3], e * e * e, "edges");
        // four ranks: every quadruple of the values where rounding, halving or overflow could go wrong
        float[] few = {0f, -0f, Float.MIN_VALUE, -3 * Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, 1f, Math.nextUp(1f), 0x1p24f, 0x1p-24f, 0.1f};
        int f = few.length;
        float[][] four = new float[4][f * f * f * f];
        for (int i = 0; i < f * f * f * f; i++) {
            four[0][i] = few[i / (f * f * f)];
            four[1][i] = few[(i / (f * f)) % f];
            four[2][i] = few[(i / f) % f];
            four[3][i] = few[i % f];
        }
        assertBothPathsGiveTheReference(four, new int[4], f * f * f * f, "edges");
    }
}
