package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.Optimizer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * One optimizer as the {@code optimizers} endpoint shows it. Numbers that are not known yet (before
 * the first step) or not finite (a skipped step's norm) are {@code null}, so the JSON holds only
 * numbers and nulls; {@code lastStep} says why.
 *
 * @param name             the optimizer's name
 * @param settings         its settings
 * @param count            steps applied
 * @param lastGradientNorm global gradient norm before clipping of the last applied step
 * @param lastLearningRate learning rate of the last applied step
 * @param skippedSteps     steps skipped for a non-finite gradient
 * @param lastStep         how the last step call ended
 */
public record OptimizerDescriptor(String name, Settings settings, long count, @Nullable Double lastGradientNorm,
        @Nullable Double lastLearningRate, long skippedSteps, LastStep lastStep) implements OperationResponseBody {

    static OptimizerDescriptor of(Optimizer optimizer, @Nullable StepOutcome outcome) {
        StepOutcome last = outcome != null ? outcome
                : new StepOutcome(StepOutcome.Status.NONE, optimizer.count(), 0, null);
        return new OptimizerDescriptor(optimizer.name(), Settings.of(optimizer.config()), optimizer.count(),
                finiteOrNull(optimizer.lastGradientNorm()), finiteOrNull(optimizer.lastLearningRate()),
                optimizer.skippedSteps(), new LastStep(last.status().name(), last.reason()));
    }

    private static @Nullable Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /**
     * The settings, as configured.
     *
     * @param lr                   the fixed learning rate (unused when a schedule is set or scale is false)
     * @param learningRateSchedule the schedule replacing {@code lr}, described; {@code null} when none
     * @param gradNormClip         maximum global gradient norm; 0 = no clipping
     * @param scale                whether the optimizer applies its own learning rate
     * @param b1                   first-moment decay
     * @param b2                   second-moment decay
     * @param eps                  added outside the square root
     * @param epsRoot              added inside the square root
     * @param weightDecay          decoupled weight decay
     * @param amsgrad              AMSGrad on or off
     * @param nesterov             Nesterov momentum on or off
     * @param nonFinite            ERROR or SKIP
     */
    public record Settings(double lr, @Nullable String learningRateSchedule, double gradNormClip, boolean scale,
            double b1, double b2, double eps, double epsRoot, double weightDecay, boolean amsgrad, boolean nesterov,
            String nonFinite) {

        static Settings of(Adam a) {
            LearningRateSchedule schedule = a.learningRateSchedule();
            return new Settings(a.lr(), schedule == null ? null : schedule.toString(), a.gradNormClip(), a.scale(),
                    a.b1(), a.b2(), a.eps(), a.epsRoot(), a.weightDecay(), a.amsgrad(), a.nesterov(),
                    a.nonFinitePolicy().name());
        }
    }

    /**
     * How the last step call ended.
     *
     * @param status NONE, APPLIED, SKIPPED or REJECTED
     * @param reason why it was skipped or rejected; {@code null} otherwise
     */
    public record LastStep(String status, @Nullable String reason) {
    }
}
