package io.github.skrl4j.adam.internal.kernel;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The portable kernel: plain loops that C2 unrolls and vectorizes on any JDK 17+, written in the
 * shapes C2 can vectorize without flags.
 *
 * <p><b>Norm.</b> C2 (JDK 17) vectorizes neither a float-to-double conversion nor a floating-point
 * sum into one variable (Java fixes the order of the additions), and it only vectorizes a loop whose
 * arrays are indexed alike or at constant distances (two float arrays at unrelated offsets might be
 * the same array). So a range is cut into blocks of {@value #NORM_BLOCK} gradients; each block is
 * copied ({@code System.arraycopy}, itself vectorized) into a scratch block padded with zeros to a
 * power-of-two number of rows of {@value #NORM_LANES}, and the rows are squared and added pairwise
 * in a fixed tree (row k with row k + rows/2, and so on), each level a loop over constant
 * distances, down to one row of {@value #NORM_LANES} float lanes. The lanes are halved in float to 16
 * and added to eight double sums in a fixed order. Each of those 16 floats sums 256 squares in a
 * tree (a relative error of about 1e-6 at most, typically 1e-8, before the double fold; XLA sums the
 * whole norm in float32). A range shorter than one block, where the tree would save little, is
 * summed in double, so small models keep a norm exact to double rounding. Where float squares would
 * overflow (gradients above ~1.8e19) or lose precision to underflow (a sum below 2^-100), the range
 * is summed again exactly in double, so huge and tiny gradients keep their norm. The vector kernel
 * computes the same tree in registers, so both give the same bits.
 *
 * <p><b>Flush.</b> Moments are flushed (see {@link StepCoefficients}) with float arithmetic C2
 * vectorizes: {@code |x| * UNDERFLOW} is zero exactly for a zero or subnormal {@code x} and at least
 * 2^-149 otherwise, so {@code x * min(|x| * UNDERFLOW * 2^149, 1) + 0} is {@code x} or +0.0. That
 * {@code min} is a long instruction sequence in C2's vector code, and a loop holding it runs small
 * tensors element by element; so the flush only runs where a moment can turn subnormal. A new moment
 * is {@code (1 - b1) g + b1 mu} or {@code (1 - b2) g^2 + b2 nu}: when the first term is at least
 * 2^-102 (first moment) or 2^-126 (second moment, whose terms are never negative) the result is a
 * normal float or +0.0 whatever the old moment, because two floats of at least 2^-103 are multiples
 * of 2^-126. The norm pass proves that for a range on the copy it makes anyway: it multiplies
 * {@link #aboveFloor} of the copied squares, a product that is zero as soon as one gradient is at
 * most 2^-40.5 in magnitude; {@link StepCoefficients#gradientFloorSuffices}
 * checks that the step's clip factor and betas keep such gradients' terms above those bounds. Where
 * both hold, the update runs the loops without the flush, which give the same bits (the flush is the
 * identity on normal floats and +0.0).
 */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    /** Elements per update block: small enough that the flush sweeps find the block in L1. */
    private static final int BLOCK = 2048;

    /** Float lanes of the norm: one row, 1 KiB. */
    static final int NORM_LANES = 256;
    /** Gradients per norm block: 16 rows, added in a tree of four levels. */
    static final int NORM_BLOCK = 4096;
    /** Shorter ranges are summed in double: one block, where the tree starts to pay off. */
    static final int SMALLEST_TREE_RANGE = NORM_BLOCK;
    /** Shorter ranges are checked against the floor element by element, without the copy. */
    static final int SMALLEST_FLOOR_CHECK = 32;
    /** Lanes left after the float halving of a block, each then added to one of eight double sums. */
    private static final int FOLDED_LANES = 16;
    /** Below this the float lanes may have lost part of the sum to underflow: sum again in double. */
    private static final double SMALLEST_FLOAT_SUM = 0x1p-100;

    /** Scales the square of a gradient at the floor, 2^-40, to 1. */
    private static final float FLOOR_SCALE = 0x1p80f;
    /** Adding and taking away 2^23 rounds a float below 0.5 (and 0.5 itself) to zero, and keeps 1 and more at 1 or more. */
    private static final float ROUNDING_BIAS = 0x1p23f;

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
        if (from == to) {
            scratch.gradientsAboveFloor = true;
            return 0;
        }
        if (to - from < SMALLEST_TREE_RANGE) {
            // short ranges too: a chunk of a large tensor starts with one (up to its first cache line)
            scratch.gradientsAboveFloor = to - from < SMALLEST_FLOOR_CHECK
                    ? fewAboveFloor(g, from, to) : allAboveFloor(g, from, to, scratch);
            return squaresInDouble(g, from, to);
        }
        scratch.startCall();
        boolean aboveFloor = true;
        float[] b = scratch.block;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            if (start == 0 && n == NORM_BLOCK) {
                // a full block at the array's start is indexed like the scratch already: no copy
                aboveFloor = aboveFloor && blockAboveFloor(g, n, scratch.floor);
                squareRows(g, b, 16);
                foldLanes(b, scratch.sums);
            } else {
                System.arraycopy(g, start, b, 0, n);
                // before the tree overwrites the copy; a range already found below stays below
                aboveFloor = aboveFloor && blockAboveFloor(b, n, scratch.floor);
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

    /** {@link #allAboveFloor} for a few gradients: their product, in one chain. */
    private static boolean fewAboveFloor(float[] g, int from, int to) {
        float p = 1f;
        for (int i = from; i < to; i++) {
            float x = g[i];
            p *= aboveFloor(x * x);
        }
        return p >= 1f;
    }

    /** True when every gradient of a range shorter than {@value #NORM_BLOCK} passes {@link #aboveFloor}. */
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
    private static boolean blockAboveFloor(float[] b, int n, float[] f) {
        int size;
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
            size = NORM_BLOCK / 2;
        } else {
            for (int j = 0; j < n; j++) {
                float x = b[j];
                f[j] = aboveFloor(x * x);
            }
            size = Math.max(FOLDED_LANES, Integer.highestOneBit(Math.max(1, 2 * n - 1)));
            Arrays.fill(f, n, size, 1f);
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
     * Zero when {@code square <= 2^-81} (a gradient of at most 2^-40.5 in magnitude), at least 1
     * otherwise (infinite for huge squares, NaN for NaN): the products of these are zero or NaN
     * exactly when some gradient is that small (or not a number), and never subnormal.
     */
    static float aboveFloor(float square) {
        return (square * FLOOR_SCALE + ROUNDING_BIAS) - ROUNDING_BIAS;
    }

    /**
     * Folds the block's row of lanes: halves it in float (lane j += lane j + half) down to
     * {@value #FOLDED_LANES}, then adds lane j to double sum j % 8.
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

    /** The call's sum from the eight double sums, or the exact double sum where the float lanes do not hold it. */
    static double finishSquares(NormScratch scratch, float[] g, int from, int to) {
        double[] s = scratch.sums;
        double sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        if (sum >= SMALLEST_FLOAT_SUM && sum <= Double.MAX_VALUE) {
            return sum;
        }
        if (sum == 0 && allZero(g, from, to, scratch)) {
            // a gradient that is all zero (a frozen or unused part of a model): exactly zero, found
            // by a vectorized pass instead of the double loop
            return 0;
        }
        // overflowed, underflowed, or not a number: the exact sum decides
        return squaresInDouble(g, from, to);
    }

    /** True when every gradient of {@code [from, to)} is +0.0 or -0.0: the sum of their magnitudes is zero. */
    static boolean allZero(float[] g, int from, int to, NormScratch scratch) {
        float[] b = scratch.block;
        float[] f = scratch.floor;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int n = Math.min(NORM_BLOCK, to - start);
            System.arraycopy(g, start, b, 0, n);
            for (int j = 0; j < n; j++) {
                f[j] = Math.abs(b[j]);
            }
            Arrays.fill(f, n, NORM_BLOCK, 0f);
            // magnitudes never cancel: the sum is zero exactly when all are (infinite or NaN when huge or NaN)
            for (int j = 0; j < 2048; j++) {
                f[j] += f[j + 2048];
            }
            for (int j = 0; j < 1024; j++) {
                f[j] += f[j + 1024];
            }
            for (int j = 0; j < 512; j++) {
                f[j] += f[j + 512];
            }
            for (int j = 0; j < 256; j++) {
                f[j] += f[j + 256];
            }
            float sum = 0f;
            for (int j = 0; j < NORM_LANES; j++) {
                sum += f[j];
            }
            if (sum != 0f) {
                return false;
            }
        }
        return true;
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
                       int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
        if (gradientsAboveFloor && c.gradientFloorSuffices) {
            // no moment can turn subnormal: the loops without the flush give the same bits
            if (nuMax != null) {
                amsgradMoments(grad, mu, nu, nuMax, from, to, c);
                amsgradParameters(param, grad, mu, nuMax, from, to, c);
            } else if (c.plain) {
                updatePlain(param, grad, mu, nu, from, to, c);
            } else {
                updateGeneral(param, grad, mu, nu, from, to, c);
            }
            return;
        }
        for (int start = from; start < to; start += BLOCK) {
            int end = Math.min(to, start + BLOCK);
            if (nuMax != null) {
                amsgradMomentsFlushingNu(grad, mu, nu, nuMax, start, end, c);
                amsgradParametersFlushingMaximum(param, grad, mu, nuMax, start, end, c);
            } else if (c.plain) {
                updatePlainFlushingNu(param, grad, mu, nu, start, end, c);
            } else {
                generalMoments(grad, mu, nu, start, end, c);
                generalParametersFlushingNu(param, grad, mu, nu, start, end, c);
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

    /** No AMSGrad, no Nesterov, epsRoot 0, weightDecay 0: the C anchor's loop. */
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
            nu[i] = v;
            param[i] = param[i] - step * m / ((float) Math.sqrt(v) * rbc2 + eps);
        }
    }

    /** {@link #updatePlain} that flushes nu (mu is left to a sweep). */
    static void updatePlainFlushingNu(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
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

    /** Any settings but AMSGrad (Nesterov, epsRoot and weight decay included): moments and parameters in one loop. */
    static void updateGeneral(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
                              StepCoefficients c) {
        final float clip = c.clip;
        final float b1 = c.b1;
        final float oneMinusB1 = c.oneMinusB1;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        final float muScale = c.muScale;
        final float gradScale = c.gradScale;
        final float nuScale = c.nuScale;
        final float epsRoot = c.epsRoot;
        final float eps = c.eps;
        final float lr = c.lr;
        final float wd = c.weightDecay;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            float m = oneMinusB1 * g + b1 * mu[i];
            float v = oneMinusB2 * g * g + b2 * nu[i];
            mu[i] = m;
            nu[i] = v;
            float mhat = muScale * m + gradScale * g;
            float u = mhat / ((float) Math.sqrt(nuScale * v + epsRoot) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
        }
    }

    /** The parameters of {@link #updateGeneral} from the new moments (of {@link #generalMoments}); flushes nu. */
    static void generalParametersFlushingNu(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
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

    /** AMSGrad's moments; the running maximum is stored as computed (the parameters read it next). */
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
            nu[i] = v;
            nuMax[i] = Math.max(nuMax[i], nuScale * v);
        }
    }

    /** {@link #amsgradMoments} that flushes nu. */
    static void amsgradMomentsFlushingNu(float[] grad, float[] mu, float[] nu, float[] nuMax, int from, int to,
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

    /** AMSGrad's parameter update from the new moments. */
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
            float mhat = muScale * mu[i] + gradScale * (grad[i] * clip);
            float u = mhat / ((float) Math.sqrt(nuMax[i] + epsRoot) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
        }
    }

    /** {@link #amsgradParameters} that flushes the running maximum. */
    static void amsgradParametersFlushingMaximum(float[] param, float[] grad, float[] mu, float[] nuMax, int from, int to,
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
