package io.github.skrl4j.adam;

/**
 * The per-step scalars of the fused update, computed once per step in double and rounded to float
 * for the kernel. Reused across steps so that stepping allocates nothing.
 *
 * <p>With them one element's update is Optax's chain written out:
 * <pre>
 *   g    = grad * clip                                   clip_by_global_norm
 *   mu   = oneMinusB1 * g + b1 * mu                      scale_by_adam: moments
 *   nu   = oneMinusB2 * g * g + b2 * nu
 *   mhat = muScale * mu + gradScale * g                  bias correction (gradScale != 0: Nesterov)
 *   vhat = nuScale * nu              (AMSGrad: nuMax = vhat = max(nuMax, vhat))
 *   u    = mhat / (sqrt(vhat + epsRoot) + eps)
 *   p   -= lr * (u + weightDecay * p)                    add_decayed_weights, scale_by_learning_rate
 * </pre>
 */
final class StepCoefficients {

    float clip;
    float b1;
    float oneMinusB1;
    float b2;
    float oneMinusB2;
    float muScale;
    float gradScale;
    float nuScale;
    float epsRoot;
    float eps;
    float lr;
    float weightDecay;

    /** Fills the scalars for the step that takes the count to {@code newCount}. */
    void set(Adam config, long newCount, double clipFactor, double learningRate) {
        double b1d = config.b1();
        double b2d = config.b2();
        double bc1 = 1 - Math.pow(b1d, newCount);
        clip = (float) clipFactor;
        b1 = (float) b1d;
        oneMinusB1 = (float) (1 - b1d);
        b2 = (float) b2d;
        oneMinusB2 = (float) (1 - b2d);
        if (config.nesterov()) {
            // Optax: b1 * mu / (1 - b1^(count+1)) + (1 - b1) * g / (1 - b1^count)
            muScale = (float) (b1d / (1 - Math.pow(b1d, newCount + 1)));
            gradScale = (float) ((1 - b1d) / bc1);
        } else {
            muScale = (float) (1 / bc1);
            gradScale = 0f;
        }
        nuScale = (float) (1 / (1 - Math.pow(b2d, newCount)));
        epsRoot = (float) config.epsRoot();
        eps = (float) config.eps();
        lr = (float) learningRate;
        weightDecay = (float) config.weightDecay();
    }
}
