package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The portable kernel: plain loops that C2 unrolls and vectorizes on any JDK 17+.
 *
 * <p>The flush of subnormal moments (see {@link StepCoefficients}) is a separate read-mostly sweep
 * over each block right after its update, while the block is still in L1: a conditional store inside
 * the update loop would keep C2 (JDK 17 to 25) from vectorizing it, which costs ten times more than
 * the sweep.
 */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    /** Elements per update block: small enough that the flush sweep finds the block in L1. */
    private static final int BLOCK = 2048;

    private ScalarAdamKernel() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to) {
        // eight independent accumulators: one would serialize on the add latency (Java may not
        // reassociate double additions, so C2 keeps each chain in order)
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
                updateAmsgrad(param, grad, mu, nu, nuMax, start, end, c);
                flushSubnormals(nuMax, start, end);
            } else if (c.plain) {
                updatePlain(param, grad, mu, nu, start, end, c);
            } else {
                updateGeneral(param, grad, mu, nu, start, end, c);
            }
            flushSubnormals(mu, start, end);
            flushSubnormals(nu, start, end);
        }
    }

    /**
     * Sets the values of {@code [from, to)} whose exponent bits are all zero (subnormals, and -0.0,
     * which only a restored state can hold) to +0.0, as the vector kernel does; a branch that is
     * almost never taken, and no store for the +0.0 elements.
     */
    static void flushSubnormals(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            int bits = Float.floatToRawIntBits(a[i]);
            if ((bits & StepCoefficients.MAGNITUDE_BITS) < StepCoefficients.MIN_NORMAL_BITS && bits != 0) {
                a[i] = 0f;
            }
        }
    }

    /** No AMSGrad, no Nesterov, epsRoot 0, weightDecay 0: the C anchor's arithmetic. */
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

    /** Any settings but AMSGrad: Nesterov, epsRoot and weight decay included. */
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

    static void updateAmsgrad(float[] param, float[] grad, float[] mu, float[] nu, float[] nuMax,
                              int from, int to, StepCoefficients c) {
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
            float vhat = Math.max(nuMax[i], nuScale * v);
            nuMax[i] = vhat;
            float mhat = muScale * m + gradScale * g;
            float u = mhat / ((float) Math.sqrt(vhat + epsRoot) + eps);
            float p = param[i];
            param[i] = p - lr * (u + wd * p);
        }
    }
}
