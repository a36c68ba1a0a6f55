package io.github.skrl4j.adam;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings that decide what a step computes, as one validated value: two optimizers with equal
 * settings, equal state and equal gradients take bit-identical steps. Everything else about an
 * optimizer (its name, listeners and how many threads share a step) lives beside it in {@link Adam}.
 *
 * <p>This record is the one list of Optax's options in the project: the checkpoint metadata derives
 * from its components, and the Spring Boot starter's properties, its endpoint and the Kotlin DSL are
 * tested against them (a test fails while an option has no property, mapping line, endpoint field or
 * DSL entry). Adding an option means adding a component, its check in the constructor, its default
 * in {@link #DEFAULTS}, its property, its mapping line, its DSL entry and its test.
 *
 * <p>One step is the Optax chain that skrl builds:
 * <pre>
 *   g  = clip_by_global_norm(gradNormClip)(g)            when gradNormClip &gt; 0
 *   u  = scale_by_adam(b1, b2, eps, epsRoot, nesterov)(g) scale_by_amsgrad when amsgrad
 *   u += weightDecay * param                              add_decayed_weights (adamw order)
 *   param -= lr * u                                       scale_by_learning_rate(lr or lrSchedule(count)),
 *                                                         or the lr given to the step when !scale
 * </pre>
 *
 * @param lr           the fixed learning rate, used when {@code scale} and no schedule is set; finite, {@code > 0}
 * @param lrSchedule   a learning rate evaluated at the count before each step, in place of {@code lr};
 *                     only with {@code scale}
 * @param gradNormClip maximum global gradient norm; {@code <= 0} disables clipping; not NaN
 * @param scale        true: the optimizer applies its own learning rate, {@code step(grad, model)};
 *                     false: every step is given its lr, {@code step(grad, model, lr)} (skrl's schedulers)
 * @param b1           decay rate of the first moment, in {@code [0, 1)}
 * @param b2           decay rate of the second moment, in {@code [0, 1)}
 * @param eps          added to the denominator outside the square root; finite, {@code >= 0}
 * @param epsRoot      added to the second moment inside the square root; finite, {@code >= 0}
 * @param weightDecay  decoupled weight decay (Optax's {@code adamw}); finite, {@code >= 0}
 * @param amsgrad      true for AMSGrad: the denominator uses the running maximum of the bias-corrected
 *                     second moment
 * @param nesterov     true for Nesterov momentum (NAdam)
 * @param nonFinite    what a step does with a NaN or infinite gradient value
 */
public record AdamSettings(
        double lr,
        @Nullable LearningRateSchedule lrSchedule,
        double gradNormClip,
        boolean scale,
        double b1,
        double b2,
        double eps,
        double epsRoot,
        double weightDecay,
        boolean amsgrad,
        boolean nesterov,
        NonFinitePolicy nonFinite) {

    /** skrl's and Optax's defaults: lr 1e-3, no clipping, scale, b1 0.9, b2 0.999, eps 1e-8, the rest off. */
    public static final AdamSettings DEFAULTS = new AdamSettings(1e-3, null, 0, true, 0.9, 0.999, 1e-8, 0, 0,
            false, false, NonFinitePolicy.ERROR);

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first setting out of its range
     */
    public AdamSettings {
        Objects.requireNonNull(nonFinite, "nonFinite");
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, was " + lr);
        }
        if (lrSchedule != null && !scale) {
            throw new IllegalArgumentException("a learning-rate schedule needs scale = true;"
                    + " with scale = false every step is given its lr");
        }
        if (Double.isNaN(gradNormClip)) {
            throw new IllegalArgumentException("gradNormClip must not be NaN (<= 0 disables clipping)");
        }
        requireDecay("b1", b1);
        requireDecay("b2", b2);
        requireFiniteNonNegative("eps", eps);
        requireFiniteNonNegative("epsRoot", epsRoot);
        requireFiniteNonNegative("weightDecay", weightDecay);
    }

    /** True when a positive {@link #gradNormClip()} turns clipping on. */
    public boolean clips() {
        return gradNormClip > 0;
    }

    /** True when the learning rate comes from {@link #lrSchedule()}. */
    public boolean hasSchedule() {
        return lrSchedule != null;
    }

    private static void requireDecay(String setting, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(setting + " must be in [0, 1), was " + value);
        }
    }

    private static void requireFiniteNonNegative(String setting, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(setting + " must be finite and >= 0, was " + value);
        }
    }
}
