package io.github.skrl4j.adam;

import org.jspecify.annotations.Nullable;

/** The portable kernel: plain loops that C2 unrolls and vectorizes. */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    private ScalarAdamKernel() {
    }

    @Override
    public double sumOfSquares(float[] g, int from, int to) {
        // four independent accumulators: a single one would serialize on the add latency
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            double a = g[i];
            double b = g[i + 1];
            double c = g[i + 2];
            double d = g[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < to; i++) {
            double a = g[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void update(float[] param, float[] grad, float[] mu, float[] nu, float @Nullable [] nuMax,
                       int from, int to, StepCoefficients c) {
        if (nuMax == null) {
            updateAdam(param, grad, mu, nu, from, to, c);
        } else {
            updateAmsgrad(param, grad, mu, nu, nuMax, from, to, c);
        }
    }

    private static void updateAdam(float[] param, float[] grad, float[] mu, float[] nu, int from, int to,
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

    private static void updateAmsgrad(float[] param, float[] grad, float[] mu, float[] nu, float[] nuMax,
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
