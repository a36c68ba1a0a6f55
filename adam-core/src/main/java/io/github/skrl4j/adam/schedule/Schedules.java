package io.github.skrl4j.adam.schedule;

import io.github.skrl4j.adam.LearningRateSchedule;
import org.jspecify.annotations.Nullable;

/**
 * Optax's learning-rate schedules ({@code optax.schedules}), with Optax's parameter names, meanings
 * and edge cases. Each factory checks its arguments once and returns an immutable
 * {@link LearningRateSchedule} with value equality and a readable {@code toString}.
 *
 * <p>Values are computed in double precision; Optax computes them in float32 under JAX's default
 * settings, so the two agree to float32 rounding. A count is the optimizer's step count before
 * the step (0 for the first step), as Optax passes it.
 */
public final class Schedules {

    private Schedules() {
    }

    /**
     * Optax's {@code constant_schedule(value)}: {@code value} at every count.
     *
     * @param value finite
     * @throws IllegalArgumentException naming {@code value} if it is NaN or infinite
     */
    public static LearningRateSchedule constant(double value) {
        requireFinite("value", value);
        return new Constant(value);
    }

    /**
     * Optax's {@code linear_schedule(init_value, end_value, transition_steps, transition_begin)}
     * (a {@code polynomial_schedule} of power 1): {@code initValue} before {@code transitionBegin},
     * then a straight line reaching {@code endValue} at {@code transitionBegin + transitionSteps},
     * and {@code endValue} after.
     *
     * @param initValue        finite
     * @param endValue         finite
     * @param transitionSteps  steps over which the value moves; {@code <= 0} holds {@code initValue}
     *                         for ever, as in Optax
     * @param transitionBegin  steps at {@code initValue} before the transition starts; {@code >= 0}
     *                         (Optax documents it as non-negative and only logs when it is not)
     * @throws IllegalArgumentException naming the first argument out of its range
     */
    public static LearningRateSchedule linear(double initValue, double endValue, long transitionSteps,
            long transitionBegin) {
        requireFinite("initValue", initValue);
        requireFinite("endValue", endValue);
        requireNonNegative("transitionBegin", transitionBegin);
        if (transitionSteps <= 0) {
            return new Constant(initValue);
        }
        return new Linear(initValue, endValue, transitionSteps, transitionBegin);
    }

    /**
     * Optax's {@code exponential_decay(init_value, transition_steps, decay_rate, transition_begin,
     * staircase, end_value)}: {@code initValue} until {@code transitionBegin}, then
     * {@code initValue * decayRate^((count - transitionBegin) / transitionSteps)}, the exponent
     * floored when {@code staircase}. A non-null {@code endValue} bounds the result at every count
     * (the initial steps included, as in Optax): from below when {@code decayRate < 1}, from above
     * otherwise.
     *
     * @param initValue       finite
     * @param transitionSteps {@code <= 0} gives the constant {@code initValue}, as in Optax
     * @param decayRate       finite and {@code >= 0}; 0 gives the constant {@code initValue}, as in
     *                        Optax (a negative rate has no real powers)
     * @param transitionBegin {@code >= 0}
     * @param staircase       decay in whole steps of {@code transitionSteps}
     * @param endValue        the bound, finite, or {@code null} for none
     * @throws IllegalArgumentException naming the first argument out of its range
     */
    public static LearningRateSchedule exponentialDecay(double initValue, long transitionSteps, double decayRate,
            long transitionBegin, boolean staircase, @Nullable Double endValue) {
        requireFinite("initValue", initValue);
        requireFinite("decayRate", decayRate);
        if (decayRate < 0) {
            throw new IllegalArgumentException("decayRate must be >= 0, was " + decayRate);
        }
        requireNonNegative("transitionBegin", transitionBegin);
        if (endValue != null) {
            requireFinite("endValue", endValue);
        }
        // Optax returns the bare constant here, before any end_value clipping
        if (transitionSteps <= 0 || decayRate == 0) {
            return new Constant(initValue);
        }
        return new ExponentialDecay(initValue, transitionSteps, decayRate, transitionBegin, staircase, endValue);
    }

    /**
     * Optax's {@code cosine_decay_schedule(init_value, decay_steps, alpha, exponent)}:
     * {@code initValue * ((1 - alpha) * (0.5 * (1 + cos(pi * min(count, decaySteps) / decaySteps)))^exponent + alpha)},
     * so {@code initValue} at count 0 and {@code initValue * alpha} from {@code decaySteps} on.
     *
     * @param initValue  finite
     * @param decaySteps {@code > 0}
     * @param alpha      the final multiplier, finite (Optax's default 0)
     * @param exponent   finite (Optax's default 1)
     * @throws IllegalArgumentException naming the first argument out of its range
     */
    public static LearningRateSchedule cosineDecay(double initValue, long decaySteps, double alpha, double exponent) {
        requireFinite("initValue", initValue);
        if (decaySteps <= 0) {
            throw new IllegalArgumentException("decaySteps must be > 0, was " + decaySteps);
        }
        requireFinite("alpha", alpha);
        requireFinite("exponent", exponent);
        return new CosineDecay(initValue, decaySteps, alpha, exponent);
    }

    /**
     * Optax's {@code warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps,
     * end_value, exponent)}: a linear warm-up from {@code initValue} to {@code peakValue} over
     * {@code warmupSteps}, then a cosine decay from {@code peakValue} to {@code endValue} over the
     * remaining {@code decaySteps - warmupSteps}. {@code decaySteps} is the total length and
     * <em>includes</em> the warm-up. As in Optax the cosine part's floor is
     * {@code alpha = endValue / peakValue} ({@code 0} when {@code peakValue == 0}).
     *
     * @param initValue   finite
     * @param peakValue   finite
     * @param warmupSteps {@code >= 0}; 0 starts with the cosine at {@code peakValue}
     * @param decaySteps  the whole schedule's length, {@code > warmupSteps}
     * @param endValue    finite (Optax's default 0)
     * @param exponent    finite (Optax's default 1)
     * @throws IllegalArgumentException naming the first argument out of its range
     */
    public static LearningRateSchedule warmupCosineDecay(double initValue, double peakValue, long warmupSteps,
            long decaySteps, double endValue, double exponent) {
        requireFinite("initValue", initValue);
        requireFinite("peakValue", peakValue);
        requireNonNegative("warmupSteps", warmupSteps);
        if (decaySteps <= warmupSteps) {
            throw new IllegalArgumentException("decaySteps must be > warmupSteps (" + warmupSteps
                    + "): it is the whole schedule's length and includes the warm-up, was " + decaySteps);
        }
        requireFinite("endValue", endValue);
        requireFinite("exponent", exponent);
        return new WarmupCosineDecay(initValue, peakValue, warmupSteps, decaySteps, endValue, exponent);
    }

    private static void requireFinite(String argument, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(argument + " must be finite, was " + value);
        }
    }

    private static void requireNonNegative(String argument, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(argument + " must be >= 0, was " + value);
        }
    }

    /** Optax's {@code polynomial_schedule} with power 1 at {@code count}, for {@code transitionSteps > 0}. */
    private static double linearAt(double initValue, double endValue, long transitionSteps, long transitionBegin,
            long count) {
        // clip(count - begin, 0, steps), computed so that no long overflows
        long progressed = count < transitionBegin ? 0 : Math.min(count - transitionBegin, transitionSteps);
        double frac = 1 - (double) progressed / transitionSteps;
        return (initValue - endValue) * frac + endValue;
    }

    /** Optax's {@code cosine_decay_schedule} at {@code count}, for {@code decaySteps > 0}. */
    private static double cosineDecayAt(double initValue, long decaySteps, double alpha, double exponent, long count) {
        double t = Math.min(count, decaySteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * t / decaySteps));
        double decayed = (1 - alpha) * Math.pow(cosine, exponent) + alpha;
        return initValue * decayed;
    }

    /** Optax's {@code constant_schedule}. */
    private record Constant(double value) implements LearningRateSchedule {
        @Override
        public double at(long count) {
            return value;
        }

        @Override
        public String toString() {
            return "constant(value=" + value + ")";
        }
    }

    /** Optax's {@code polynomial_schedule} with power 1, {@code transitionSteps > 0}. */
    private record Linear(double initValue, double endValue, long transitionSteps, long transitionBegin)
            implements LearningRateSchedule {
        @Override
        public double at(long count) {
            return linearAt(initValue, endValue, transitionSteps, transitionBegin, count);
        }

        @Override
        public String toString() {
            return "linear(initValue=" + initValue + ", endValue=" + endValue + ", transitionSteps="
                    + transitionSteps + ", transitionBegin=" + transitionBegin + ")";
        }
    }

    /** Optax's {@code exponential_decay}, {@code transitionSteps > 0} and {@code decayRate > 0}. */
    private record ExponentialDecay(double initValue, long transitionSteps, double decayRate, long transitionBegin,
            boolean staircase, @Nullable Double endValue) implements LearningRateSchedule {
        @Override
        public double at(long count) {
            double value;
            if (count <= transitionBegin) {
                value = initValue;
            } else {
                double p = (double) (count - transitionBegin) / transitionSteps;
                if (staircase) {
                    p = Math.floor(p);
                }
                value = initValue * Math.pow(decayRate, p);
            }
            if (endValue != null) {
                value = decayRate < 1.0 ? Math.max(value, endValue) : Math.min(value, endValue);
            }
            return value;
        }

        @Override
        public String toString() {
            return "exponentialDecay(initValue=" + initValue + ", transitionSteps=" + transitionSteps
                    + ", decayRate=" + decayRate + ", transitionBegin=" + transitionBegin + ", staircase="
                    + staircase + ", endValue=" + endValue + ")";
        }
    }

    /** Optax's {@code cosine_decay_schedule}, {@code decaySteps > 0}. */
    private record CosineDecay(double initValue, long decaySteps, double alpha, double exponent)
            implements LearningRateSchedule {
        @Override
        public double at(long count) {
            return cosineDecayAt(initValue, decaySteps, alpha, exponent, count);
        }

        @Override
        public String toString() {
            return "cosineDecay(initValue=" + initValue + ", decaySteps=" + decaySteps + ", alpha=" + alpha
                    + ", exponent=" + exponent + ")";
        }
    }

    /**
     * Optax's {@code warmup_cosine_decay_schedule}: {@code join_schedules} of a linear warm-up and a
     * cosine decay at boundary {@code warmupSteps}; the cosine sees {@code count - warmupSteps}.
     */
    private record WarmupCosineDecay(double initValue, double peakValue, long warmupSteps, long decaySteps,
            double endValue, double exponent) implements LearningRateSchedule {
        @Override
        public double at(long count) {
            if (count < warmupSteps) {
                // only reached with warmupSteps > 0, where Optax's linear_schedule is not constant
                return linearAt(initValue, peakValue, warmupSteps, 0, count);
            }
            double alpha = peakValue == 0.0 ? 0.0 : endValue / peakValue;
            return cosineDecayAt(peakValue, decaySteps - warmupSteps, alpha, exponent, count - warmupSteps);
        }

        @Override
        public String toString() {
            return "warmupCosineDecay(initValue=" + initValue + ", peakValue=" + peakValue + ", warmupSteps="
                    + warmupSteps + ", decaySteps=" + decaySteps + ", endValue=" + endValue + ", exponent="
                    + exponent + ")";
        }
    }
}
