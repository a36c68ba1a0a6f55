package io.github.skrl4j.adam.spring.autoconfigure;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/**
 * A learning-rate schedule, as plain data: {@code skrl.optim.adam.schedule.*} (the default of every
 * optimizer) or {@code skrl.optim.adam.instances.<name>.schedule.*}, mapped onto Optax's schedules in
 * {@code io.github.skrl4j.adam.schedule.Schedules} by {@code AdamPropertiesMapper}. Unset
 * {@code type}: no schedule at this level. An instance without a schedule type takes the top-level
 * schedule as a whole (its keys are not mixed with the top-level ones), unless the instance's
 * {@code scale} is false; with neither, the optimizer uses its fixed {@code lr}.
 */
public class ScheduleProperties {

    /** The kinds of schedule, named as in Optax. */
    public enum Type {
        /** Optax's constant_schedule(init-value). */
        CONSTANT,
        /** Optax's linear_schedule(init-value, end-value, transition-steps, transition-begin). */
        LINEAR,
        /**
         * Optax's exponential_decay(init-value, transition-steps, decay-rate, transition-begin, staircase,
         * end-value).
         */
        EXPONENTIAL_DECAY,
        /** Optax's cosine_decay_schedule(init-value, decay-steps, alpha, exponent). */
        COSINE_DECAY,
        /**
         * Optax's warmup_cosine_decay_schedule(init-value, peak-value, warmup-steps, decay-steps, end-value,
         * exponent).
         */
        WARMUP_COSINE_DECAY
    }

    /**
     * The schedule replacing the fixed lr: constant, linear, exponential-decay, cosine-decay or
     * warmup-cosine-decay. Needs scale=true. Unset: the fixed lr (or, for an instance, the top-level
     * schedule).
     */
    private @Nullable Type type;

    /** The value at step 0 (Optax's "init_value"). Defaults to the optimizer's lr. Finite and at least 0. */
    @PositiveOrZero
    @Finite
    private @Nullable Double initValue;

    /**
     * The final value: required for linear; optional bound for exponential-decay; for
     * warmup-cosine-decay, defaults to 0. Finite and at least 0.
     */
    @PositiveOrZero
    @Finite
    private @Nullable Double endValue;

    /**
     * linear, exponential-decay: the number of steps over which the value changes (Optax's
     * "transition_steps"); 0 keeps init-value.
     */
    @PositiveOrZero
    private @Nullable Long transitionSteps;

    /** linear, exponential-decay: steps at init-value before the transition begins. Defaults to 0. */
    @PositiveOrZero
    private @Nullable Long transitionBegin;

    /** exponential-decay: the factor applied every transition-steps steps (Optax's "decay_rate"). */
    @Positive
    @Finite
    private @Nullable Double decayRate;

    /** exponential-decay: decay in whole steps of transition-steps. Defaults to false. */
    private @Nullable Boolean staircase;

    /**
     * cosine-decay: steps to decay over; warmup-cosine-decay: the whole schedule's length, warm-up
     * included, greater than warmup-steps (Optax's "decay_steps").
     */
    @Positive
    private @Nullable Long decaySteps;

    /** cosine-decay: the final multiplier of init-value (Optax's "alpha"). Defaults to 0. Finite. */
    @Finite
    private @Nullable Double alpha;

    /** cosine-decay, warmup-cosine-decay: the cosine's exponent. Defaults to 1. Finite. */
    @Finite
    private @Nullable Double exponent;

    /** warmup-cosine-decay: the value reached at the end of the warm-up. Finite and at least 0. */
    @PositiveOrZero
    @Finite
    private @Nullable Double peakValue;

    /** warmup-cosine-decay: steps of linear warm-up from init-value to peak-value. */
    @PositiveOrZero
    private @Nullable Long warmupSteps;

    public @Nullable Type getType() {
        return type;
    }

    public void setType(@Nullable Type type) {
        this.type = type;
    }

    public @Nullable Double getInitValue() {
        return initValue;
    }

    public void setInitValue(@Nullable Double initValue) {
        this.initValue = initValue;
    }

    public @Nullable Double getEndValue() {
        return endValue;
    }

    public void setEndValue(@Nullable Double endValue) {
        this.endValue = endValue;
    }

    public @Nullable Long getTransitionSteps() {
        return transitionSteps;
    }

    public void setTransitionSteps(@Nullable Long transitionSteps) {
        this.transitionSteps = transitionSteps;
    }

    public @Nullable Long getTransitionBegin() {
        return transitionBegin;
    }

    public void setTransitionBegin(@Nullable Long transitionBegin) {
        this.transitionBegin = transitionBegin;
    }

    public @Nullable Double getDecayRate() {
        return decayRate;
    }

    public void setDecayRate(@Nullable Double decayRate) {
        this.decayRate = decayRate;
    }

    public @Nullable Boolean getStaircase() {
        return staircase;
    }

    public void setStaircase(@Nullable Boolean staircase) {
        this.staircase = staircase;
    }

    public @Nullable Long getDecaySteps() {
        return decaySteps;
    }

    public void setDecaySteps(@Nullable Long decaySteps) {
        this.decaySteps = decaySteps;
    }

    public @Nullable Double getAlpha() {
        return alpha;
    }

    public void setAlpha(@Nullable Double alpha) {
        this.alpha = alpha;
    }

    public @Nullable Double getExponent() {
        return exponent;
    }

    public void setExponent(@Nullable Double exponent) {
        this.exponent = exponent;
    }

    public @Nullable Double getPeakValue() {
        return peakValue;
    }

    public void setPeakValue(@Nullable Double peakValue) {
        this.peakValue = peakValue;
    }

    public @Nullable Long getWarmupSteps() {
        return warmupSteps;
    }

    public void setWarmupSteps(@Nullable Long warmupSteps) {
        this.warmupSteps = warmupSteps;
    }
}
