package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.WarmUp;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The settings of one optimizer, as plain data. The same type binds the top level
 * {@code skrl.optim.adam.*} (the defaults of every optimizer; {@link AdamProperties} adds what only
 * the top level has) and each {@code skrl.optim.adam.instances.<name>.*} (that optimizer's
 * overrides), as Resilience4j's instance properties do. A key left unset ({@code null}) falls back:
 * an instance's to the top-level value, a top-level one to skrl's and Optax's default
 * ({@code AdamSettings.DEFAULTS}), which the configuration metadata lists.
 *
 * <p>The auto-configuration checks these values ({@code AdamPropertiesValidator}) and maps them onto
 * {@code Adam.Builder} in one written-out place ({@code AdamPropertiesMapper}).
 */
public class AdamInstanceProperties {

    /**
     * Learning rate the optimizer applies when scale is true (skrl's "lr"). Must be finite and greater
     * than 0.
     */
    @Positive
    @Finite
    private @Nullable Double lr;

    /**
     * Maximum global L2 norm of the gradient (skrl's "grad_norm_clip"); a larger gradient is scaled
     * down to it. 0 disables clipping. Must be finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double gradNormClip;

    /**
     * Whether the optimizer applies its own learning rate (skrl's "scale"). When false every step is
     * given its learning rate: step(grad, model, lr).
     */
    private @Nullable Boolean scale;

    /** Exponential decay rate of the first moment (Optax's "b1"). In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private @Nullable Double b1;

    /** Exponential decay rate of the second moment (Optax's "b2"). In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private @Nullable Double b2;

    /**
     * Added to the denominator outside the square root, for numerical stability (Optax's "eps").
     * Must be finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double eps;

    /**
     * Added to the second moment inside the square root (Optax's "eps_root"). Must be finite and at
     * least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double epsRoot;

    /**
     * Decoupled weight decay, applied as in Optax's "adamw"; 0 disables it. Must be finite and at
     * least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double weightDecay;

    /** Whether to use AMSGrad: the running maximum of the second moment in the denominator. */
    private @Nullable Boolean amsgrad;

    /** Whether to use Nesterov momentum (NAdam). */
    private @Nullable Boolean nesterov;

    /**
     * What a step does with a gradient holding NaN or an infinity: "error" refuses the step with an
     * exception, "skip" skips it; either way nothing changes.
     */
    private @Nullable NonFinitePolicy nonFinite;

    /**
     * Threads sharing the work on a large tensor, the stepping thread included. At least 1. Default:
     * the number of available processors.
     */
    @Positive
    private @Nullable Integer parallelism;

    /**
     * Elements from which a tensor's update is split across parallelism threads; smaller tensors are
     * updated by the stepping thread alone. At least 1. Default 65536.
     */
    @Positive
    private @Nullable Integer parallelThreshold;

    /**
     * Whether the optimizer's start compiles the code its steps run before the first step: "automatic"
     * warms up for models of at least 4,194,304 parameters and not for smaller ones, "at-start" always,
     * "none" never (the steps compile as they run; with the vector kernel they run the portable kernel
     * unless another optimizer's start warmed the vector kernel). A warm-up costs some 1.5-3.5 s of CPU
     * time once per JVM, during the application's start; results are the same with any value.
     */
    private @Nullable WarmUp warmUp;

    /**
     * A learning-rate schedule replacing the fixed lr (needs scale=true). An instance without a
     * schedule type takes the top-level schedule as a whole, unless its scale is false.
     */
    @Valid
    @NestedConfigurationProperty
    private final ScheduleProperties schedule = new ScheduleProperties();

    /** Whether this optimizer's failing steps may turn the optimizers health DOWN. */
    @Valid
    private final Health health = new Health();

    public @Nullable Double getLr() {
        return lr;
    }

    public void setLr(@Nullable Double lr) {
        this.lr = lr;
    }

    public @Nullable Double getGradNormClip() {
        return gradNormClip;
    }

    public void setGradNormClip(@Nullable Double gradNormClip) {
        this.gradNormClip = gradNormClip;
    }

    public @Nullable Boolean getScale() {
        return scale;
    }

    public void setScale(@Nullable Boolean scale) {
        this.scale = scale;
    }

    public @Nullable Double getB1() {
        return b1;
    }

    public void setB1(@Nullable Double b1) {
        this.b1 = b1;
    }

    public @Nullable Double getB2() {
        return b2;
    }

    public void setB2(@Nullable Double b2) {
        this.b2 = b2;
    }

    public @Nullable Double getEps() {
        return eps;
    }

    public void setEps(@Nullable Double eps) {
        this.eps = eps;
    }

    public @Nullable Double getEpsRoot() {
        return epsRoot;
    }

    public void setEpsRoot(@Nullable Double epsRoot) {
        this.epsRoot = epsRoot;
    }

    public @Nullable Double getWeightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(@Nullable Double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public @Nullable Boolean getAmsgrad() {
        return amsgrad;
    }

    public void setAmsgrad(@Nullable Boolean amsgrad) {
        this.amsgrad = amsgrad;
    }

    public @Nullable Boolean getNesterov() {
        return nesterov;
    }

    public void setNesterov(@Nullable Boolean nesterov) {
        this.nesterov = nesterov;
    }

    public @Nullable NonFinitePolicy getNonFinite() {
        return nonFinite;
    }

    public void setNonFinite(@Nullable NonFinitePolicy nonFinite) {
        this.nonFinite = nonFinite;
    }

    public @Nullable Integer getParallelism() {
        return parallelism;
    }

    public void setParallelism(@Nullable Integer parallelism) {
        this.parallelism = parallelism;
    }

    public @Nullable WarmUp getWarmUp() {
        return warmUp;
    }

    public void setWarmUp(@Nullable WarmUp warmUp) {
        this.warmUp = warmUp;
    }

    public @Nullable Integer getParallelThreshold() {
        return parallelThreshold;
    }

    public void setParallelThreshold(@Nullable Integer parallelThreshold) {
        this.parallelThreshold = parallelThreshold;
    }

    public ScheduleProperties getSchedule() {
        return schedule;
    }

    public Health getHealth() {
        return health;
    }

    /**
     * The {@code health.*} settings of the top level (the defaults of every instance) or of
     * {@code instances.<name>.health.*}; unset keys fall back.
     */
    public static class Health {

        /**
         * Whether an optimizer may turn the optimizers health contributor DOWN, after failure-threshold
         * skipped or rejected steps in a row. When false (the default) failing steps are only reported
         * in the health details.
         */
        private @Nullable Boolean allowHealthIndicatorToFail;

        /**
         * Skipped or rejected steps in a row after which an optimizer allowed to fail turns the
         * optimizers health DOWN (until its next applied step). At least 1.
         */
        @Positive
        private @Nullable Integer failureThreshold;

        public @Nullable Boolean getAllowHealthIndicatorToFail() {
            return allowHealthIndicatorToFail;
        }

        public void setAllowHealthIndicatorToFail(@Nullable Boolean allowHealthIndicatorToFail) {
            this.allowHealthIndicatorToFail = allowHealthIndicatorToFail;
        }

        public @Nullable Integer getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(@Nullable Integer failureThreshold) {
            this.failureThreshold = failureThreshold;
        }
    }
}
