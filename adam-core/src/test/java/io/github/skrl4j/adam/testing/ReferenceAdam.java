package io.github.skrl4j.adam.testing;

import io.github.skrl4j.adam.Adam;
import java.util.Arrays;

/**
 * The readable reference: skrl's JAX Adam as the Optax chain it is, one small named transformation
 * per step of the pipeline, in double precision. The fast kernel fuses these into one pass; tests
 * hold it to this.
 *
 * <pre>
 *   optax.chain(clip_by_global_norm(clip), scale_by_adam(b1, b2, eps, eps_root, nesterov) | scale_by_amsgrad,
 *               add_decayed_weights(weight_decay), scale_by_learning_rate(lr))
 * </pre>
 *
 * <p>Public for the kernel's own tests (package internal.kernel).
 */
public final class ReferenceAdam {

    final double lr;
    final double clip;
    final boolean scale;
    final double b1;
    final double b2;
    final double eps;
    final double epsRoot;
    final double weightDecay;
    final boolean amsgrad;
    final boolean nesterov;

    long count;
    public final double[][] params;
    final double[][] mu;
    public final double[][] nu;
    final double[][] nuMax;
    double lastNorm;

    /** Steps taken. */
    public long count() {
        return count;
    }

    /** Global norm of the last step's gradient, before clipping. */
    public double lastNorm() {
        return lastNorm;
    }

    /** First moments, by tensor. */
    public double[][] mu() {
        return mu;
    }

    /** AMSGrad's running maximum, by tensor (unused without AMSGrad). */
    public double[][] nuMax() {
        return nuMax;
    }

    public ReferenceAdam(Adam config, float[][] initialParams) {
        lr = config.lr();
        clip = config.gradNormClip();
        scale = config.scale();
        b1 = config.b1();
        b2 = config.b2();
        eps = config.eps();
        epsRoot = config.epsRoot();
        weightDecay = config.weightDecay();
        amsgrad = config.amsgrad();
        nesterov = config.nesterov();
        int n = initialParams.length;
        params = new double[n][];
        mu = new double[n][];
        nu = new double[n][];
        nuMax = new double[n][];
        for (int t = 0; t < n; t++) {
            params[t] = toDouble(initialParams[t]);
            mu[t] = new double[initialParams[t].length];
            nu[t] = new double[initialParams[t].length];
            nuMax[t] = new double[initialParams[t].length];
        }
    }

    /** One step; {@code stepLr} is used when {@code scale} is false. */
    public void step(float[][] grads, double stepLr) {
        double[][] updates = new double[grads.length][];
        for (int t = 0; t < grads.length; t++) {
            updates[t] = toDouble(grads[t]);
        }
        lastNorm = globalNorm(updates);
        updates = clipByGlobalNorm(updates, clip);
        updates = amsgrad ? scaleByAmsgrad(updates) : scaleByAdam(updates);
        updates = addDecayedWeights(updates, weightDecay);
        updates = scaleByLearningRate(updates, scale ? lr : stepLr);
        applyUpdates(updates);
    }

    static double globalNorm(double[][] tree) {
        double sum = 0;
        for (double[] leaf : tree) {
            for (double x : leaf) {
                sum += x * x;
            }
        }
        return Math.sqrt(sum);
    }

    /** optax.clip_by_global_norm: scale every leaf by max/norm unless norm < max; max <= 0 is skrl's "off". */
    static double[][] clipByGlobalNorm(double[][] updates, double maxNorm) {
        if (!(maxNorm > 0)) {
            return updates;
        }
        double norm = globalNorm(updates);
        if (norm < maxNorm) {
            return updates;
        }
        return map(updates, x -> x / norm * maxNorm);
    }

    /** optax.scale_by_adam, including its Nesterov variant. */
    double[][] scaleByAdam(double[][] g) {
        updateMoments(g);
        double[][] out = new double[g.length][];
        for (int t = 0; t < g.length; t++) {
            out[t] = new double[g[t].length];
            for (int i = 0; i < g[t].length; i++) {
                double vhat = nu[t][i] / (1 - Math.pow(b2, count));
                out[t][i] = mhat(mu[t][i], g[t][i]) / (Math.sqrt(vhat + epsRoot) + eps);
            }
        }
        return out;
    }

    /** optax.scale_by_amsgrad: the running maximum of the bias-corrected second moment. */
    double[][] scaleByAmsgrad(double[][] g) {
        updateMoments(g);
        double[][] out = new double[g.length][];
        for (int t = 0; t < g.length; t++) {
            out[t] = new double[g[t].length];
            for (int i = 0; i < g[t].length; i++) {
                double vhat = nu[t][i] / (1 - Math.pow(b2, count));
                nuMax[t][i] = Math.max(nuMax[t][i], vhat);
                out[t][i] = mhat(mu[t][i], g[t][i]) / (Math.sqrt(nuMax[t][i] + epsRoot) + eps);
            }
        }
        return out;
    }

    private void updateMoments(double[][] g) {
        count++;
        for (int t = 0; t < g.length; t++) {
            for (int i = 0; i < g[t].length; i++) {
                mu[t][i] = (1 - b1) * g[t][i] + b1 * mu[t][i];
                nu[t][i] = (1 - b2) * g[t][i] * g[t][i] + b2 * nu[t][i];
            }
        }
    }

    private double mhat(double m, double g) {
        if (nesterov) {
            return b1 * m / (1 - Math.pow(b1, count + 1)) + (1 - b1) * g / (1 - Math.pow(b1, count));
        }
        return m / (1 - Math.pow(b1, count));
    }

    /** optax.add_decayed_weights. */
    double[][] addDecayedWeights(double[][] updates, double decay) {
        double[][] out = new double[updates.length][];
        for (int t = 0; t < updates.length; t++) {
            out[t] = new double[updates[t].length];
            for (int i = 0; i < updates[t].length; i++) {
                out[t][i] = updates[t][i] + decay * params[t][i];
            }
        }
        return out;
    }

    /** optax.scale_by_learning_rate: descent, so the sign flips. */
    static double[][] scaleByLearningRate(double[][] updates, double lr) {
        return map(updates, x -> -lr * x);
    }

    /** optax.apply_updates. */
    void applyUpdates(double[][] updates) {
        for (int t = 0; t < updates.length; t++) {
            for (int i = 0; i < updates[t].length; i++) {
                params[t][i] += updates[t][i];
            }
        }
    }

    private static double[][] map(double[][] tree, java.util.function.DoubleUnaryOperator f) {
        double[][] out = new double[tree.length][];
        for (int t = 0; t < tree.length; t++) {
            out[t] = Arrays.stream(tree[t]).map(f).toArray();
        }
        return out;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
