package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.AdamSettings;

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
 *
 * <p>For the common settings ({@link #plain}: no AMSGrad, no Nesterov, epsRoot 0, weightDecay 0) the
 * kernels use the same formula with the bias corrections folded into two scalars, the arrangement
 * of PyTorch and of the C speed anchor (benchmarks/adam_ref.c):
 * <pre>
 *   p   -= step * mu / (sqrt(nu) * rbc2 + eps)           step = lr / (1 - b1^count), rbc2 = 1 / sqrt(1 - b2^count)
 * </pre>
 * which is {@code lr * muScale * mu / (sqrt(nuScale * nu) + eps)} rewritten: the same value, rounded
 * differently in float32 (within the conformance tolerances).
 *
 * <p>Flush to zero: a stored {@code mu}, {@code nu} or {@code nuMax} value below
 * {@link Float#MIN_NORMAL} in magnitude is stored as zero (the step's own parameter update still uses
 * the value before the flush). When a gradient stays zero the moments decay geometrically into
 * subnormal floats, and arithmetic on subnormals is slow on x86 (microcode assists; measured in
 * docs/benchmarks.md), for tens of thousands of steps at b2 = 0.999. XLA on CPU, and so JAX
 * and Optax there, runs with flush-to-zero and denormals-are-zero set, so the flushed moments are
 * what the Python side computes as well.
 */
public final class StepCoefficients {

    /** A float's bits without the sign. */
    static final int MAGNITUDE_BITS = 0x7fff_ffff;
    /**
     * Bits of {@link Float#MIN_NORMAL}: a value whose magnitude bits are below it has an all-zero
     * exponent (a subnormal or a zero), and both kernels store it as +0.0.
     */
    static final int MIN_NORMAL_BITS = Float.floatToRawIntBits(Float.MIN_NORMAL);

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
    /** {@code lr / (1 - b1^count)}: the fast loop's folded step size. */
    float step;
    /** {@code 1 / sqrt(1 - b2^count)}: the fast loop's folded second-moment correction. */
    float rbc2;
    /**
     * True when a gradient above the norm pass's floor ({@link GradientFloor#aboveFloor}) keeps
     * this step's new moments normal: clip factor at least 2^-7 and {@code 1 - b1}, {@code 1 - b2}
     * at least 2^-30, so that such a gradient's terms are at least 2^-78 and 2^-126.
     */
    boolean gradientFloorSuffices;
    /** True for the settings the fast loop covers: no AMSGrad, no Nesterov, epsRoot 0, weightDecay 0. */
    boolean plain;
    /**
     * True when AMSGrad's update runs in one loop, without Nesterov and with epsRoot 0 (weight decay
     * allowed): then {@code gradScale} is +0.0 and {@code epsRoot} a zero, and the loop leaves out
     * their terms, which gives the same bits. {@code mhat = muScale * mu + (+0.0) * g} is
     * {@code muScale * mu} for a finite {@code g} (a step's gradients are finite, its clip factor too):
     * the added zero changes a sum only when {@code muScale * mu} is -0.0 and the zero +0.0, but
     * {@code mu = (1 - b1) g + b1 mu'} (with {@code 1 - b1 > 0}) is -0.0 only when {@code (1 - b1) g}
     * is, so {@code g} carries the sign and the added zero is -0.0 too ({@code muScale >= 1} keeps a
     * nonzero {@code mu} from rounding to zero). And {@code vhat + epsRoot} is {@code vhat}, since
     * {@code vhat = max(nuMax, nuScale * nu)} is never -0.0: {@code nu = (1 - b2) g^2 + b2 nu'} is +0.0
     * or more (a restored second moment is not negative) and {@code Math.max(-0.0, +0.0)} is +0.0.
     * The portable kernel takes this loop only where it needs no flush; see {@link ScalarAdamKernel}.
     */
    boolean amsgradInOneLoop;
    /**
     * True when, in the plain loop, a zero gradient on a zero first moment leaves the parameter as it
     * is: {@code g = ±0 * clip} is a zero and {@code mu = (1 - b1) g + b1 * (+0)} is +0.0 for a
     * finite clip factor, {@code step * (+0)} is +0.0 for a finite step, and dividing it by
     * {@code sqrt(nu) * rbc2 + eps}, which is at least eps &gt; 0 (or infinite) for a finite rbc2,
     * gives +0.0, which subtracted from a parameter gives the parameter. See {@link StepPasses}.
     */
    boolean zeroFirstMomentKeepsParameters;

    private final BiasCorrection firstCorrection = new BiasCorrection();
    private final BiasCorrection secondCorrection = new BiasCorrection();

    /**
     * {@code 1 - b^count} in double, without the power once it is exactly 1: {@link Math#pow} is
     * semi-monotonic, so when {@code 1 - b^n} rounds to 1.0 it does for every larger count too (b^n
     * only gets smaller). The same value as the power every time, so restored optimizers stay
     * bit-identical; it saves two power calls per step once the correction is exactly 1 (after a few
     * hundred steps for b1 = 0.9, tens of thousands for b2 = 0.999).
     */
    private static final class BiasCorrection {
        private double base = Double.NaN;
        private long exactlyOneFrom = Long.MAX_VALUE;

        double at(double b, long count) {
            if (b != base) { // also true for the first call (NaN): a new base forgets what was learned
                base = b;
                exactlyOneFrom = Long.MAX_VALUE;
            } else if (count >= exactlyOneFrom) {
                return 1.0;
            }
            double correction = 1 - Math.pow(b, count);
            if (correction == 1.0 && b >= 0 && count < exactlyOneFrom) {
                exactlyOneFrom = count;
            }
            return correction;
        }
    }

    /**
     * Typical scalars (b1 0.9, b2 0.999, a late step) for the vector kernel's warm-up: the plain
     * settings, or Nesterov with weight decay and epsRoot for the general loops.
     */
    void setForWarmUp(boolean plainSettings) {
        clip = 0.5f;
        b1 = 0.9f;
        oneMinusB1 = 0.1f;
        b2 = 0.999f;
        oneMinusB2 = 0.001f;
        muScale = plainSettings ? 1f : 0.9f;
        gradScale = plainSettings ? 0f : 0.1f;
        nuScale = 1f;
        epsRoot = plainSettings ? 0f : 1e-12f;
        eps = 1e-8f;
        lr = 1e-6f;
        weightDecay = plainSettings ? 0f : 1e-4f;
        step = 1e-6f;
        rbc2 = 1f;
        plain = plainSettings;
        amsgradInOneLoop = plainSettings;
        gradientFloorSuffices = true;
        zeroFirstMomentKeepsParameters = zeroFirstMomentKeepsParameters();
    }

    /** Fills the scalars for the step that takes the count to {@code newCount}. */
    public void set(AdamSettings config, long newCount, double clipFactor, double learningRate) {
        double b1d = config.b1();
        double b2d = config.b2();
        double bc1 = firstCorrection.at(b1d, newCount);
        double bc2 = secondCorrection.at(b2d, newCount);
        clip = (float) clipFactor;
        b1 = (float) b1d;
        oneMinusB1 = (float) (1 - b1d);
        b2 = (float) b2d;
        oneMinusB2 = (float) (1 - b2d);
        if (config.nesterov()) {
            // Optax: b1 * mu / (1 - b1^(count+1)) + (1 - b1) * g / (1 - b1^count)
            muScale = (float) (b1d / firstCorrection.at(b1d, newCount + 1));
            gradScale = (float) ((1 - b1d) / bc1);
        } else {
            muScale = (float) (1 / bc1);
            gradScale = 0f;
        }
        nuScale = (float) (1 / bc2);
        epsRoot = (float) config.epsRoot();
        eps = (float) config.eps();
        lr = (float) learningRate;
        weightDecay = (float) config.weightDecay();
        step = (float) (learningRate / bc1);
        rbc2 = (float) (1 / Math.sqrt(bc2));
        gradientFloorSuffices = clip >= 0x1p-7f && oneMinusB1 >= 0x1p-30f && oneMinusB2 >= 0x1p-30f;
        plain = !config.amsgrad() && !config.nesterov() && config.epsRoot() == 0 && config.weightDecay() == 0;
        amsgradInOneLoop = config.amsgrad() && !config.nesterov() && config.epsRoot() == 0;
        zeroFirstMomentKeepsParameters = zeroFirstMomentKeepsParameters();
    }

    private boolean zeroFirstMomentKeepsParameters() {
        return plain && Float.isFinite(clip) && clip >= 0 && Float.isFinite(step) && step >= 0
                && eps > 0 && Float.isFinite(rbc2);
    }
}
