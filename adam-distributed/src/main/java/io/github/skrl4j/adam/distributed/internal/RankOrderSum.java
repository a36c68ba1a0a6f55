package io.github.skrl4j.adam.distributed.internal;

/**
 * The one reduction order every rank uses, so that every rank's result has the same bits: in double,
 * rank 0's value, then rank 1's added, and so on, rounded once to float; a mean is divided by the
 * number of ranks before the rounding. The passes may be fused (two parts started in one pass, the last
 * added in the pass that rounds), and a world of two adds in float where that gives the same bits
 * ({@link #addTwoAndRound}); the result is that of these operations in this order.
 */
final class RankOrderSum {

    private RankOrderSum() {
    }

    /** Rank 0's values start the sum ({@code first}), every later rank's are added. */
    static void accumulate(double[] acc, float[] source, int offset, int length, boolean first) {
        if (first) {
            for (int i = 0; i < length; i++) {
                acc[i] = source[offset + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                acc[i] += source[offset + i];
            }
        }
    }

    /** Ranks 0 and 1 start the sum in one pass. */
    static void startWithTwo(double[] acc, float[] first, int firstAt, float[] second, int secondAt, int length) {
        for (int i = 0; i < length; i++) {
            acc[i] = (double) first[firstAt + i] + second[secondAt + i];
        }
    }

    /**
     * The sum, rounded once to float, into {@code out[start, start + length)}; divided by {@code meanOver}
     * first unless it is 0 (a sum).
     */
    static void round(double[] acc, float[] out, int start, int length, int meanOver) {
        if (isPowerOfTwo(meanOver)) {
            double reciprocal = 1.0 / meanOver;
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) (acc[i] * reciprocal);
            }
        } else if (meanOver != 0) {
            double n = meanOver;
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) (acc[i] / n);
            }
        } else {
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) acc[i];
            }
        }
    }

    /**
     * A world of two: both parts added and rounded in one pass; as {@link #round} for {@code meanOver}.
     *
     * <p>The sum and the mean of two are computed in float where that gives the same bits as the double
     * path, which on JDK 17 runs a scalar loop whose float-double conversions C2 may chain into one long
     * dependency (measured 11 to 52 ms for the 8M values a rank sums per all-reduce of 16M floats,
     * depending on the compilation, against 4-10 ms here; docs/distributed.md, session 10). Why the bits
     * are the same: a double holds more than 2 * 24 + 1 significant bits, so rounding the exact sum of two
     * floats to double and then to float gives the float nearest the exact sum (double rounding is
     * innocuous for one addition), which is what a float addition returns. For the mean, halving a float
     * is exact unless the float is within a factor two of the subnormal range (checked per value:
     * {@code h + h == x}, false also for NaN); with both halves exact, {@code a/2 + b/2} rounded once is the
     * exact mean rounded once, as the double path gives; any other pair takes the double path. A NaN's
     * payload is the hardware's on either path (Java does not specify it).
     */
    static void addTwoAndRound(float[] a, int aAt, float[] b, int bAt, float[] out, int start, int length,
            int meanOver) {
        if (meanOver == 0) {
            for (int i = 0; i < length; i++) {
                out[start + i] = a[aAt + i] + b[bAt + i];
            }
        } else if (meanOver == 2) {
            for (int i = 0; i < length; i++) {
                float x = a[aAt + i];
                float y = b[bAt + i];
                float halfX = x * 0.5f;
                float halfY = y * 0.5f;
                float mean = halfX + halfY;
                if (halfX + halfX != x || halfY + halfY != y) {
                    mean = (float) (((double) x + y) / 2);
                }
                out[start + i] = mean;
            }
        } else {
            double n = meanOver;
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) (((double) a[aAt + i] + b[bAt + i]) / n);
            }
        }
    }

    /** The last rank's part added in the pass that rounds; as {@link #round} for {@code meanOver}. */
    static void addLastAndRound(double[] acc, float[] last, int lastAt, float[] out, int start, int length,
            int meanOver) {
        if (isPowerOfTwo(meanOver)) {
            double reciprocal = 1.0 / meanOver;
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) ((acc[i] + last[lastAt + i]) * reciprocal);
            }
        } else if (meanOver != 0) {
            double n = meanOver;
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) ((acc[i] + last[lastAt + i]) / n);
            }
        } else {
            for (int i = 0; i < length; i++) {
                out[start + i] = (float) (acc[i] + last[lastAt + i]);
            }
        }
    }

    /**
     * Whether a mean over {@code meanOver} ranks may multiply by the reciprocal instead of dividing: for a
     * power of two the reciprocal is exact and so is the product (a sum of floats is far from double's
     * subnormal range), the same bits as the division at a fraction of its cost (a world of four's mean of
     * 16M floats: ~3 ms of CPU per rank and all-reduce, docs/distributed.md, session 10):
     * 2, 4, 8, ... ranks; 0 is a sum.
     */
    private static boolean isPowerOfTwo(int meanOver) {
        return meanOver > 1 && Integer.bitCount(meanOver) == 1;
    }
}
