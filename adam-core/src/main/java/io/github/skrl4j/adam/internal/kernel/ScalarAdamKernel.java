package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The portable kernel: plain loops that C2 unrolls and vectorizes on any JDK 17+, written in the
 * shapes C2 can vectorize without flags.
 *
 * <p><b>Norm.</b> C2 (JDK 17) vectorizes neither a float-to-double conversion nor a floating-point
 * sum into one variable (Java fixes the order of the additions), and it only vectorizes loops whose
 * arrays are indexed alike (two float arrays at unrelated offsets might be the same array, and it
 * does not check that at run time). So the squares are summed in {@value #NORM_LANES} float lanes:
 * each row of {@value #NORM_LANES} gradients is copied to a scratch row ({@code System.arraycopy},
 * itself vectorized) and added element by element to a lane array indexed like it, and after every
 * {@value #NORM_ROWS} rows the lanes are halved in float to 16 and added to eight double sums in a
 * fixed order. Each of those 16 floats sums 256 squares, 16 in a row and then in a tree (a relative
 * error of about 1e-6 at most, typically 1e-8, before the double fold; XLA sums the whole norm in
 * float32). A range shorter than one block of rows ({@value #SMALLEST_LANE_RANGE}), where the lanes
 * would save little, is summed in double, so small models keep a norm exact to double rounding. Where float squares would overflow (gradients
 * above ~1.8e19) or lose precision to underflow (a sum below 2^-100), the range is summed again
 * exactly in double, so huge and tiny gradients keep their norm. The vector kernel uses this very
 * code, so both give the same bits.
 *
 * <p><b>Flush.</b> Moments are flushed (see {@link StepCoefficients}) with float arithmetic C2
 * vectorizes: {@code |x| * UNDERFLOW} is zero exactly for a zero or subnormal {@code x} and at least
 * 2^-149 otherwise, so {@code x * min(|x| * UNDERFLOW * 2^149, 1) + 0} is {@code x} or +0.0. In the
 * plain loop the flush of {@code nu} sits inside the update, whose square root and division leave
 * room for it; a larger loop body would exceed the size up to which C2 unrolls a loop, and a loop
 * C2 does not unroll is not vectorized either, so the other moments are flushed by a sweep over the
 * block while it is in L1 (or, in the two-loop settings, by the second loop).
 */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    /** Elements per update block: small enough that the flush sweeps find the block in L1. */
    private static final int BLOCK = 2048;

    /** Float lanes of the norm: one row, 1 KiB. */
    static final int NORM_LANES = 256;
    /** Rows summed in float before the lanes are folded into double. */
    static final int NORM_ROWS = 16;
    /** Shorter ranges are summed in double: a block of rows, where the lanes start to pay off. */
    static final int SMALLEST_LANE_RANGE = NORM_LANES * NORM_ROWS;
    /** Lanes left after the float halving of a block, each then added to one of eight double sums. */
    private static final int FOLDED_LANES = 16;
    /** Below this the float lanes may have lost part of the sum to underflow: sum again in double. */
    private static final double SMALLEST_FLOAT_SUM = 0x1p-100;

    /**
     * {@code 2^-24 * (1 + 2^-23)}: {@code |x|} times it rounds to zero for every subnormal (the
     * largest gives just under half the smallest subnormal) and to at least 2^-149 for every normal.
     */
    private static final float UNDERFLOW = 0x1.000002p-24f;

    private ScalarAdamKernel() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to, NormScratch scratch) {
        return squaresInLanes(g, from, to, scratch);
    }

    /** The norm's lane arithmetic (see the class comment); the vector kernel does the same lane for lane. */
    static double squaresInLanes(float[] g, int from, int to, NormScratch scratch) {
        if (to - from < SMALLEST_LANE_RANGE) {
            return squaresInDouble(g, from, to);
        }
        float[] row = scratch.row;
        float[] lanes = scratch.squares;
        scratch.startCall();
        for (int start = from; start < to; ) {
            int blockEnd = normBlockEnd(start, to);
            Arrays.fill(lanes, 0f);
            for (int r = start; r < blockEnd; r += NORM_LANES) {
                int n = Math.min(NORM_LANES, blockEnd - r);
                System.arraycopy(g, r, row, 0, n);
                for (int j = 0; j < n; j++) {
                    float x = row[j];
                    lanes[j] += x * x;
                }
            }
            foldLanes(scratch);
            start = blockEnd;
        }
        return finishSquares(scratch, g, from, to);
    }

    /** End of the norm block that starts at {@code start}: {@value #NORM_ROWS} rows of {@value #NORM_LANES}. */
    static int normBlockEnd(int start, int to) {
        return to - start > NORM_LANES * NORM_ROWS ? start + NORM_LANES * NORM_ROWS : to;
    }

    /**
     * Folds the block's lanes: halves them in float (lane j += lane j + half) down to
     * {@value #FOLDED_LANES}, then adds lane j to double sum j % 8. Every lane is folded, so the
     * block's unused lanes must be zero.
     */
    static void foldLanes(NormScratch scratch) {
        float[] lanes = scratch.squares;
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
        double[] sums = scratch.sums;
        for (int j = 0; j < FOLDED_LANES; j++) {
            sums[j & 7] += lanes[j];
        }
    }

    /** The call's sum from the eight double sums, or the exact double sum where the float lanes do not hold it. */
    static double finishSquares(NormScratch scratch, float[] g, int from, int to) {
        double[] s = scratch.sums;
        double sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        if (sum >= SMALLEST_FLOAT_SUM && sum <= Double.MAX_VALUE) {
            return sum;
        }
        // overflowed, underflowed, zero, or not a number: the exact sum decides
        return squaresInDouble(g, from, to);
    }

    /**
     * Sum of squares in double, element {@code from + k} in chain {@code k % 8} (the tail in chain 0),
     * the chains added in a fixed tree: short ranges, and where floats do not hold the sum.
     */
    static double squaresInDouble(float[] g, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = from;
        for (; i <= to - 8; i += 8) {
            double a = g[i];
            double b = g[i + 1];
            double c = g[i + 2];
            double d = g[i + 3];
            double e = g[i + 4];
            double f = g[i + 5];
            double h = g[i + 6];
            double k = g[i + 7];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
            s4 += e * e;
            s5 += f * f;
            s6 += h * h;
            s7 += k * k;
        }
        for (; i < to; i++) {
            double a = g[i];
            s0 += a * a;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c) {
        for (int start = from; start < to; start += BLOCK) {
            int end = Math.min(to, start + BLOCK);
            if (nuMax != null) {
                amsgradMoments(grad, mu, nu, nuMax, start, end, c);
                amsgradParameters(param, grad, mu, nuMax, start, end, c);
            } else if (c.plain) {
                updatePlain(param, grad, mu, nu, start, end, c);
            } else {
                generalMoments(grad, mu, nu, start, end, c);
                generalParameters(param, grad, mu, nu, start, end, c);
            }
            flush(mu, start, end);
        }
    }

    /** {@code x}, or +0.0 when its exponent bits are all zero (subnormal, -0.0), branch-free. */
    static float flushed(float x) {
        return x * Math.min(Math.abs(x) * UNDERFLOW * 0x1p127f * 0x1p22f, 1f) + 0f;
    }

    /**
     * {@link #flushed(float)} for {@code x >= +0.0}, two operations shorter (no sign to clear or
     * restore): second moments are never negative and never -0.0 ({@code (1 - b2) g^2} is +0.0 or
     * more, and +0.0 + -0.0 is +0.0), and neither is their running maximum.
     */
    static float flushedNonNegative(float x) {
        return x * Math.min(x * UNDERFLOW * 0x1p127f * 0x1p22f, 1f);
    }

    /** {@link #flushed(float)} over {@code [from, to)}: a sweep C2 vectorizes. */
    static void flush(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = flushed(a[i]);
        }
    }

    /** No AMSGrad, no Nesterov, epsRoot 0, weightDecay 0: the C anchor's arithmetic; flushes nu, not mu. */
    static void updatePlain(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
                            StepCoefficients c) {
        final float clip = c.clip;
        final float b1 = c.b1;
        final float oneMinusB1 = c.oneMinusB1;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        final float step = c.step;
        final float rbc2 = c.rbc2;
        final float eps = c.eps;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            float m = oneMinusB1 * g + b1 * mu[i];
            float v = oneMinusB2 * g * g + b2 * nu[i];
            mu[i] = m;
            nu[i] = flushedNonNegative(v);
            param[i] = param[i] - step * m / ((float) Math.sqrt(v) * rbc2 + eps);
        }
    }

    /** The moments of the general settings, stored as computed (the parameters read them next). */
    static void generalMoments(float[] grad, float[] mu, float[] nu, int from, int to, StepCoefficients c) {
        final float clip = c.clip;
        final float b1 = c.b1;
        final float oneMinusB1 = c.oneMinusB1;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            mu[i] = oneMinusB1 * g + b1 * mu[i];
            nu[i] = oneMinusB2 * g * g + b2 * nu[i];
        }
    }

    /** Any settings but AMSGrad (Nesterov, epsRoot and weight decay included), from the new moments; flushes nu. */
    static void generalParameters(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
                                  StepCoefficients c) {
        final float clip = c.clip;
        final float muScale = c.muScale;
        final float gradScale = c.gradScale;
        final float nuScale = c.nuScale;
        final float epsRoot = c.epsRoot;
        final float eps = c.eps;
        final float lr = c.lr;
        final float wd = c.weightDecay;
        for (int i = from; i < to; i++) {
            float v = nu[i];
            float mhat = muScale * mu[i] + gradScale * (grad[i] * clip);
            float u = mhat / ((float) Math.sqrt(nuScale * v + epsRoot) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
            nu[i] = flushedNonNegative(v);
        }
    }

    /** AMSGrad's moments: nu flushed, the running maximum stored as computed (the parameters read it next). */
    static void amsgradMoments(float[] grad, float[] mu, float[] nu, float[] nuMax, int from, int to,
                               StepCoefficients c) {
        final float clip = c.clip;
        final float b1 = c.b1;
        final float oneMinusB1 = c.oneMinusB1;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        final float nuScale = c.nuScale;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            mu[i] = oneMinusB1 * g + b1 * mu[i];
            float v = oneMinusB2 * g * g + b2 * nu[i];
            nu[i] = flushedNonNegative(v);
            nuMax[i] = Math.max(nuMax[i], nuScale * v);
        }
    }

    /** AMSGrad's parameter update from the new moments; flushes the running maximum. */
    static void amsgradParameters(float[] param, float[] grad, float[] mu, float[] nuMax, int from, int to,
                                  StepCoefficients c) {
        final float clip = c.clip;
        final float muScale = c.muScale;
        final float gradScale = c.gradScale;
        final float epsRoot = c.epsRoot;
        final float eps = c.eps;
        final float lr = c.lr;
        final float wd = c.weightDecay;
        for (int i = from; i < to; i++) {
            float vhat = nuMax[i];
            float mhat = muScale * mu[i] + gradScale * (grad[i] * clip);
            float u = mhat / ((float) Math.sqrt(vhat + epsRoot) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
            nuMax[i] = flushedNonNegative(vhat);
        }
    }
}
