package io.github.skrl4j.adam.schedule;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * skrl's KL-adaptive learning rate ({@code skrl.resources.schedulers.jax.KLAdaptiveLR}): after each
 * update, the measured KL divergence between the old and the new policy moves the learning rate.
 * With {@code threshold}, {@code klFactor}, {@code lrFactor}, {@code minLr} and {@code maxLr}:
 * <pre>
 * if kl &gt; threshold * klFactor:   lr = max(lr / lrFactor, minLr)
 * elif kl &lt; threshold / klFactor: lr = min(lr * lrFactor, maxLr)
 * else:                           lr unchanged
 * </pre>
 * Both comparisons are strict, as in skrl. Use it with {@code scale = false}: the optimizer's
 * {@code step(grad, model, lr)} takes the lr this rule gives.
 *
 * <p>Immutable and thread-safe; {@link #tracker(double)} holds a current lr for one training loop.
 */
public final class KLAdaptiveLR {

    /** skrl's default {@code kl_threshold}. */
    public static final double DEFAULT_KL_THRESHOLD = 0.008;
    /** skrl's default {@code min_lr}. */
    public static final double DEFAULT_MIN_LR = 1e-6;
    /** skrl's default {@code max_lr}. */
    public static final double DEFAULT_MAX_LR = 1e-2;
    /** skrl's default {@code kl_factor}. */
    public static final double DEFAULT_KL_FACTOR = 2;
    /** skrl's default {@code lr_factor}. */
    public static final double DEFAULT_LR_FACTOR = 1.5;

    private static final KLAdaptiveLR DEFAULTS = builder().build();

    private final double klThreshold;
    private final double minLr;
    private final double maxLr;
    private final double klFactor;
    private final double lrFactor;

    private KLAdaptiveLR(Builder b) {
        this.klThreshold = b.klThreshold;
        this.minLr = b.minLr;
        this.maxLr = b.maxLr;
        this.klFactor = b.klFactor;
        this.lrFactor = b.lrFactor;
    }

    /** skrl's defaults: kl_threshold 0.008, min_lr 1e-6, max_lr 1e-2, kl_factor 2, lr_factor 1.5. */
    public static KLAdaptiveLR defaults() {
        return DEFAULTS;
    }

    /** A builder holding skrl's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The learning rate after an update that measured {@code kl}. A NaN {@code kl} satisfies neither
     * comparison and leaves the lr unchanged, as in skrl.
     *
     * @param currentLr the lr used so far, finite and {@code >= 0}
     * @param kl        the measured KL divergence
     * @throws IllegalArgumentException if {@code currentLr} is negative, NaN or infinite
     */
    public double next(double currentLr, double kl) {
        requireLr("currentLr", currentLr);
        if (kl > klThreshold * klFactor) {
            return Math.max(currentLr / lrFactor, minLr);
        }
        if (kl < klThreshold / klFactor) {
            return Math.min(currentLr * lrFactor, maxLr);
        }
        return currentLr;
    }

    /**
     * A holder of the current lr that this rule moves, starting at {@code initialLr}: one per
     * training loop.
     *
     * @param initialLr finite and {@code >= 0}
     */
    public Tracker tracker(double initialLr) {
        requireLr("initialLr", initialLr);
        return new Tracker(this, initialLr);
    }

    private static void requireLr(String argument, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(argument + " must be finite and >= 0, was " + lr);
        }
    }

    /** skrl's {@code kl_threshold}. */
    public double klThreshold() {
        return klThreshold;
    }

    /** skrl's {@code min_lr}: the lowest lr a decrease gives. */
    public double minLr() {
        return minLr;
    }

    /** skrl's {@code max_lr}: the highest lr an increase gives. */
    public double maxLr() {
        return maxLr;
    }

    /** skrl's {@code kl_factor}: the band around the threshold in which the lr stays. */
    public double klFactor() {
        return klFactor;
    }

    /** skrl's {@code lr_factor}: what the lr is divided or multiplied by. */
    public double lrFactor() {
        return lrFactor;
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KLAdaptiveLR)) {
            return false;
        }
        KLAdaptiveLR k = (KLAdaptiveLR) o;
        return Double.compare(klThreshold, k.klThreshold) == 0 && Double.compare(minLr, k.minLr) == 0
                && Double.compare(maxLr, k.maxLr) == 0 && Double.compare(klFactor, k.klFactor) == 0
                && Double.compare(lrFactor, k.lrFactor) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(klThreshold, minLr, maxLr, klFactor, lrFactor);
    }

    @Override
    public String toString() {
        return "KLAdaptiveLR[klThreshold=" + klThreshold + ", minLr=" + minLr + ", maxLr=" + maxLr
                + ", klFactor=" + klFactor + ", lrFactor=" + lrFactor + "]";
    }

    /**
     * The current lr of one training loop, moved by {@link #update(double)}. Not thread-safe: a
     * training loop is one thread.
     */
    public static final class Tracker {

        private final KLAdaptiveLR rule;
        private double lr;

        private Tracker(KLAdaptiveLR rule, double lr) {
            this.rule = rule;
            this.lr = lr;
        }

        /** Moves the lr by the measured {@code kl} (see {@link KLAdaptiveLR#next}) and returns it. */
        public double update(double kl) {
            lr = rule.next(lr, kl);
            return lr;
        }

        /** The current lr: the one to give the next {@code step(grad, model, lr)}. */
        public double lr() {
            return lr;
        }

        /** The rule that moves the lr. */
        public KLAdaptiveLR rule() {
            return rule;
        }

        @Override
        public String toString() {
            return "KLAdaptiveLR.Tracker[lr=" + lr + ", " + rule + "]";
        }
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {

        private double klThreshold = DEFAULT_KL_THRESHOLD;
        private double minLr = DEFAULT_MIN_LR;
        private double maxLr = DEFAULT_MAX_LR;
        private double klFactor = DEFAULT_KL_FACTOR;
        private double lrFactor = DEFAULT_LR_FACTOR;

        private Builder() {
        }

        private Builder(KLAdaptiveLR k) {
            klThreshold = k.klThreshold;
            minLr = k.minLr;
            maxLr = k.maxLr;
            klFactor = k.klFactor;
            lrFactor = k.lrFactor;
        }

        /** See {@link KLAdaptiveLR#klThreshold()}; finite and {@code >= 0}. */
        public Builder klThreshold(double klThreshold) {
            this.klThreshold = klThreshold;
            return this;
        }

        /** See {@link KLAdaptiveLR#minLr()}; finite, {@code >= 0} and {@code <= maxLr}. */
        public Builder minLr(double minLr) {
            this.minLr = minLr;
            return this;
        }

        /** See {@link KLAdaptiveLR#maxLr()}; finite, {@code > 0} and {@code >= minLr}. */
        public Builder maxLr(double maxLr) {
            this.maxLr = maxLr;
            return this;
        }

        /** See {@link KLAdaptiveLR#klFactor()}; finite and {@code >= 1}. */
        public Builder klFactor(double klFactor) {
            this.klFactor = klFactor;
            return this;
        }

        /** See {@link KLAdaptiveLR#lrFactor()}; finite and {@code >= 1}. */
        public Builder lrFactor(double lrFactor) {
            this.lrFactor = lrFactor;
            return this;
        }

        /**
         * The rule.
         *
         * @throws IllegalArgumentException naming the first setting out of its range
         */
        public KLAdaptiveLR build() {
            requireAtLeast("klThreshold", klThreshold, 0);
            requireAtLeast("minLr", minLr, 0);
            if (!(maxLr > 0) || Double.isInfinite(maxLr)) {
                throw new IllegalArgumentException("maxLr must be finite and > 0, was " + maxLr);
            }
            if (minLr > maxLr) {
                throw new IllegalArgumentException("minLr (" + minLr + ") must be <= maxLr (" + maxLr + ")");
            }
            // below 1 the rule inverts: a too-large KL would raise the lr, and the two bands would overlap
            requireAtLeast("klFactor", klFactor, 1);
            requireAtLeast("lrFactor", lrFactor, 1);
            return new KLAdaptiveLR(this);
        }

        private static void requireAtLeast(String setting, double value, int min) {
            if (!(value >= min) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(setting + " must be finite and >= " + min + ", was " + value);
            }
        }
    }
}
