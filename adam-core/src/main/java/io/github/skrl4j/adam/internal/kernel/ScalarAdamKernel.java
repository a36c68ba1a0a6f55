package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The portable kernel: plain loops that C2 unrolls and vectorizes on any JDK 17+, written in the
 * shapes C2 can vectorize without flags.
 *
 * <p><b>Norm.</b> {@link NormTree}: a fixed float tree over copied blocks, on which the pass also
 * checks every gradient against the floor that lets the update leave out the flush
 * ({@link GradientFloor}).
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
 * {@link GradientFloor#aboveFloor} of the copied squares, a product that is zero as soon as one gradient is at
 * most 2^-40.5 in magnitude; {@link StepCoefficients#gradientFloorSuffices}
 * checks that the step's clip factor and betas keep such gradients' terms above those bounds. Where
 * both hold, the update runs the loops without the flush, which give the same bits (the flush is the
 * identity on normal floats and +0.0).
 */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    /** Elements per update block: small enough that the flush sweeps find the block in L1. */
    private static final int BLOCK = 2048;

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
        return NormTree.sumOfSquaresCheckingFloor(g, from, to, scratch);
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c, boolean gradientsAboveFloor) {
        if (gradientsAboveFloor && c.gradientFloorSuffices) {
            // no moment can turn subnormal: the loops without the flush give the same bits
            if (nuMax != null) {
                if (c.amsgradInOneLoop) {
                    updateAmsgrad(param, grad, mu, nu, nuMax, from, to, c);
                } else {
                    amsgradMoments(grad, mu, nu, nuMax, from, to, c);
                    amsgradParameters(param, grad, mu, nuMax, from, to, c);
                }
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

    /**
     * The plain loop's second moments alone, flushed, for a range whose gradients and first moments
     * are zero (where the parameters and first moments stay as they are, see {@link StepPasses}): a
     * frozen part of a model, whose second moments decay for thousands of steps after the first
     * moments reached zero. The same expression as {@link #updatePlain}'s, so the same bits.
     */
    static void decaySecondMoments(float[] grad, float[] nu, int from, int to, StepCoefficients c) {
        final float clip = c.clip;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            nu[i] = flushedNonNegative(oneMinusB2 * g * g + b2 * nu[i]);
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

    /**
     * AMSGrad without Nesterov and with epsRoot 0 ({@link StepCoefficients#amsgradInOneLoop}): the
     * moments, the running maximum and the parameters in one loop, without the terms of
     * {@code gradScale} and {@code epsRoot}, which are zeros here and would leave every value as it
     * is (shown there). One pass over the five arrays instead of two (the second read the gradient,
     * the first moment and the maximum again), and the moments' arithmetic runs beside the square
     * root and the division instead of before them: the policy's AMSGrad step went from 1.49x to 1.13x
     * the plain step (docs/benchmarks.md, issue 24). With those two terms the loop has too many nodes
     * for C2 (JDK 17) to unroll, and so to vectorize; it then ran element by element, ten times slower
     * than the two loops, which AMSGrad with Nesterov or epsRoot keeps.
     */
    static void updateAmsgrad(float[] param, float[] grad, float[] mu, float[] nu, float[] nuMax, int from, int to,
                              StepCoefficients c) {
        final float clip = c.clip;
        final float b1 = c.b1;
        final float oneMinusB1 = c.oneMinusB1;
        final float b2 = c.b2;
        final float oneMinusB2 = c.oneMinusB2;
        final float nuScale = c.nuScale;
        final float muScale = c.muScale;
        final float eps = c.eps;
        final float lr = c.lr;
        final float wd = c.weightDecay;
        for (int i = from; i < to; i++) {
            float g = grad[i] * clip;
            float m = oneMinusB1 * g + b1 * mu[i];
            float v = oneMinusB2 * g * g + b2 * nu[i];
            float vhat = Math.max(nuMax[i], nuScale * v);
            mu[i] = m;
            nu[i] = v;
            nuMax[i] = vhat;
            float u = muScale * m / ((float) Math.sqrt(vhat) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
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
