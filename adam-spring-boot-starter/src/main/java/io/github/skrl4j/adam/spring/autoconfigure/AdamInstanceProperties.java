package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.NonFinitePolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one named optimizer, {@code skrl.optim.adam.instances.<name>.*}. Every key left
 * unset ({@code null}) falls back to the top-level {@code skrl.optim.adam.*} value; the ranges are
 * the top-level ones.
 */
public class AdamInstanceProperties {

    /** Learning rate; falls back to skrl.optim.adam.lr. Must be finite and greater than 0. */
    @Positive
    @Finite
    private @Nullable Double lr;

    /**
     * Maximum global gradient norm, 0 disables clipping; falls back to
     * skrl.optim.adam.grad-norm-clip. Must be finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double gradNormClip;

    /** Whether the optimizer applies its own learning rate; falls back to skrl.optim.adam.scale. */
    private @Nullable Boolean scale;

    /** First-moment decay rate; falls back to skrl.optim.adam.b1. In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private @Nullable Double b1;

    /** Second-moment decay rate; falls back to skrl.optim.adam.b2. In [0, 1). */
    @DecimalMin("0")
    @DecimalMax(value = "1", inclusive = false)
    private @Nullable Double b2;

    /** Added outside the square root; falls back to skrl.optim.adam.eps. Finite and at least 0. */
    @PositiveOrZero
    @Finite
    private @Nullable Double eps;

    /** Added inside the square root; falls back to skrl.optim.adam.eps-root. Finite and at least 0. */
    @PositiveOrZero
    @Finite
    private @Nullable Double epsRoot;

    /** Decoupled weight decay; falls back to skrl.optim.adam.weight-decay. Finite and at least 0. */
    @PositiveOrZero
    @Finite
    private @Nullable Double weightDecay;

    /** Whether to use AMSGrad; falls back to skrl.optim.adam.amsgrad. */
    private @Nullable Boolean amsgrad;

    /** Whether to use Nesterov momentum; falls back to skrl.optim.adam.nesterov. */
    private @Nullable Boolean nesterov;

    /** "error" or "skip" for a non-finite gradient; falls back to skrl.optim.adam.non-finite. */
    private @Nullable NonFinitePolicy nonFinite;

    /** A learning-rate schedule replacing the fixed lr (needs scale=true). */
    @Valid
    private final ScheduleProperties schedule = new ScheduleProperties();

    /** Whether this optimizer's failing steps may turn the optimizers health DOWN; falls back to skrl.optim.adam.health.*. */
    @Valid
    private final Health health = new Health();

    /**
     * The top-level settings with every setting this instance sets, and its schedule.
     *
     * @throws IllegalArgumentException if the combination is invalid (a schedule with {@code scale = false})
     */
    AdamSettings applyTo(AdamSettings topLevel) {
        AdamSettings settings = SettingsBinding.overlay(topLevel, this);
        // a schedule's init-value defaults to this instance's lr, itself falling back to the top level
        LearningRateSchedule learningRate = schedule.toSchedule(settings.lr());
        if (learningRate == null) {
            return settings;
        }
        return Adam.builder().settings(settings).lr(learningRate).build().settings();
    }

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

    public ScheduleProperties getSchedule() {
        return schedule;
    }

    public Health getHealth() {
        return health;
    }

    public @Nullable NonFinitePolicy getNonFinite() {
        return nonFinite;
    }

    public void setNonFinite(@Nullable NonFinitePolicy nonFinite) {
        this.nonFinite = nonFinite;
    }

    /** The {@code skrl.optim.adam.instances.<name>.health.*} settings; unset keys fall back to the top level. */
    public static class Health {

        /**
         * Whether this optimizer may turn the optimizers health DOWN after failure-threshold skipped or
         * rejected steps in a row; falls back to skrl.optim.adam.health.allow-health-indicator-to-fail.
         */
        private @Nullable Boolean allowHealthIndicatorToFail;

        /**
         * Skipped or rejected steps in a row after which this optimizer, if allowed to fail, turns the
         * optimizers health DOWN; falls back to skrl.optim.adam.health.failure-threshold. At least 1.
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
