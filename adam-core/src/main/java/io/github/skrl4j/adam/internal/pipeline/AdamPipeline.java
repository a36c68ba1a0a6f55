package io.github.skrl4j.adam.internal.pipeline;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.internal.kernel.KernelWarmUp;
import io.github.skrl4j.adam.internal.kernel.StepCoefficients;
import io.github.skrl4j.adam.internal.kernel.StepPasses;
import java.util.Arrays;

/**
 * One step of skrl's Optax chain over all of an optimizer's tensors, stage by stage:
 * <pre>
 *   n        = globalNorm(g)                     sqrt(sum over every tensor of g_i^2), in double
 *   c        = clipFactor(n, gradNormClip)       clip_by_global_norm: gradNormClip / n when clipping applies, else 1
 *   applyScaledAdamUpdate(params, g, c, lr)      scale_by_adam, add_decayed_weights, scale_by_learning_rate
 *                                                and apply_updates, fused into one pass per tensor:
 *     g    = c * g
 *     mu   = (1 - b1) g + b1 mu,  nu = (1 - b2) g^2 + b2 nu
 *     mhat = mu / (1 - b1^count)   (Nesterov: b1 mu / (1 - b1^(count+1)) + (1 - b1) g / (1 - b1^count))
 *     vhat = nu / (1 - b2^count)   (AMSGrad: vhat = nuMax = max(nuMax, vhat))
 *     p   -= lr * (mhat / (sqrt(vhat + epsRoot) + eps) + weightDecay * p)
 * </pre>
 * The norm is summed in fixed chunks, so it, and with it every updated value, is bit for bit the
 * same for any parallelism. Neither stage allocates.
 */
public final class AdamPipeline implements AutoCloseable {

    private final AdamSettings settings;
    private final StepPasses passes;
    private final StepCoefficients coefficients = new StepCoefficients();

    /**
     * A pipeline for tensors of the given sizes.
     *
     * @param owner the object whose unreachability stops the worker threads, unless {@link #close()} did
     * @param name  names the worker threads
     * @param warmUpAtStart whether to warm the kernel and the step up before the first step
     *                      ({@link KernelWarmUp#beforeFirstStep}); without, the steps compile as they run
     */
    public AdamPipeline(AdamSettings settings, Object owner, String name, int[] sizes, int parallelism,
                        int parallelThreshold, boolean warmUpAtStart) {
        this.settings = settings;
        this.passes = new StepPasses(owner, name, sizes, parallelism, parallelThreshold);
        if (warmUpAtStart) {
            // before the first step: compiled on small arrays, not interpreted over whole tensors
            KernelWarmUp.beforeFirstStep(settings);
        } else {
            KernelWarmUp.withoutWarmUp(settings, name, Arrays.stream(sizes).asLongStream().sum());
        }
    }

    /** The global gradient norm {@code sqrt(sum g_i^2)} over every tensor; infinite or NaN for a non-finite gradient. */
    public double globalNorm(float[][] grads) {
        return Math.sqrt(passes.sumOfSquares(grads));
    }

    /** True when {@code clip_by_global_norm(maxNorm)} scales a gradient of this norm: {@code maxNorm > 0} and not {@code norm < maxNorm}. */
    public static boolean clips(double norm, double maxNorm) {
        return maxNorm > 0 && !(norm < maxNorm);
    }

    /** The factor {@code clip_by_global_norm(maxNorm)} multiplies the gradient by: {@code maxNorm / norm} or 1. */
    public static double clipFactor(double norm, double maxNorm) {
        return clips(norm, maxNorm) ? maxNorm / norm : 1.0;
    }

    /**
     * The scaled Adam update of the step that takes the count to {@code newCount}, applied in place
     * to the parameters and the moments.
     *
     * @param clipFactor   from {@link #clipFactor(double, double)}
     * @param learningRate the step's learning rate, finite and {@code >= 0}
     */
    public void applyScaledAdamUpdate(float[][] params, float[][] grads, AdamMoments moments, long newCount,
                                      double clipFactor, double learningRate) {
        coefficients.set(settings, newCount, clipFactor, learningRate);
        passes.update(params, grads, moments.mu(), moments.nu(), moments.nuMax(), coefficients);
    }

    /** Stops the worker threads now; later steps fail. */
    @Override
    public void close() {
        passes.close();
    }
}
