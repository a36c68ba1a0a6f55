package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.Optimizer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * One optimizer as the {@code optimizers} endpoint shows it. A value that does not apply or is not
 * known yet is {@code null}, and Actuator's JSON leaves {@code null} fields out: the key is then
 * absent. That is a number not known before the first step or not finite (a skipped step's norm;
 * {@code lastStep} says why), and a learning-rate setting the optimizer does not use
 * ({@code settings.learningRateSource} says which one it uses).
 *
 * @param name             the optimizer's name
 * @param settings         its settings
 * @param count            steps applied
 * @param lastGradientNorm global gradient norm before clipping of the last applied step
 * @param lastLearningRate learning rate of the last applied step: the fixed one, the schedule's, or
 *                         the one given to that step when {@code scale} is false
 * @param skippedSteps     steps skipped for a non-finite gradient
 * @param lastStep         how the last step call ended
 * @param kernel           the kernel this optimizer's steps run now ({@link Optimizer#stepKernel()}), which may be
 *                         the portable one while the JVM offers the vector one
 */
public record OptimizerDescriptor(String name, Settings settings, long count, @Nullable Double lastGradientNorm,
        @Nullable Double lastLearningRate, long skippedSteps, LastStep lastStep, StepKernel kernel)
        implements OperationResponseBody {

    static OptimizerDescriptor of(Optimizer optimizer, @Nullable StepOutcome outcome) {
        StepOutcome last = outcome != null ? outcome
                : new StepOutcome(StepOutcome.Status.NONE, optimizer.count(), 0, null);
        return new OptimizerDescriptor(optimizer.name(), Settings.of(optimizer.config()), optimizer.count(),
                finiteOrNull(optimizer.lastGradientNorm()), finiteOrNull(optimizer.lastLearningRate()),
                optimizer.skippedSteps(),
                new LastStep(last.status().name(), last.consecutiveFailures(), last.reason()),
                StepKernel.of(optimizer.stepKernel()));
    }

    private static @Nullable Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Where an optimizer's learning rate comes from. */
    public enum LearningRateSource {
        /** The fixed {@code settings.lr}. */
        FIXED,
        /** {@code settings.learningRateSchedule}, evaluated at each step's count. */
        SCHEDULE,
        /** Each step brings its own ({@code scale} is false): see {@code lastLearningRate}. */
        STEP
    }

    /**
     * The settings, as configured.
     *
     * @param learningRateSource   where the learning rate comes from
     * @param lr                   the fixed learning rate; {@code null} unless {@code learningRateSource}
     *                             is {@code FIXED}
     * @param learningRateSchedule the schedule, described; {@code null} unless {@code learningRateSource}
     *                             is {@code SCHEDULE}
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
     * @param parallelism          threads sharing the work on a large tensor, the stepping thread included
     * @param parallelThreshold    elements from which a tensor is split across the threads
     * @param measuresStepDuration whether each step's wall time is measured (the step.duration timer)
     * @param warmUp               AUTOMATIC, AT_START or NONE: whether the optimizer's start warmed up
     */
    public record Settings(LearningRateSource learningRateSource, @Nullable Double lr,
            @Nullable String learningRateSchedule, double gradNormClip, boolean scale, double b1, double b2,
            double eps, double epsRoot, double weightDecay, boolean amsgrad, boolean nesterov, String nonFinite,
            int parallelism, int parallelThreshold, boolean measuresStepDuration, String warmUp) {

        static Settings of(Adam a) {
            LearningRateSchedule schedule = a.learningRateSchedule();
            LearningRateSource source = !a.scale() ? LearningRateSource.STEP
                    : schedule != null ? LearningRateSource.SCHEDULE : LearningRateSource.FIXED;
            return new Settings(source, source == LearningRateSource.FIXED ? a.lr() : null,
                    source == LearningRateSource.SCHEDULE ? String.valueOf(schedule) : null, a.gradNormClip(),
                    a.scale(), a.b1(), a.b2(), a.eps(), a.epsRoot(), a.weightDecay(), a.amsgrad(), a.nesterov(),
                    a.nonFinitePolicy().name(), a.parallelism(), a.parallelThreshold(), a.measuresStepDuration(),
                    a.warmUp().name());
        }
    }

    /**
     * The kernel an optimizer's steps run now ({@link Optimizer#stepKernel()}). The JVM offers one kernel
     * (the endpoint's {@code availableKernel}); with the vector kernel, an optimizer's update loop runs it
     * only once a warm-up compiled that loop, its start's or another optimizer's with the same kind of loop.
     * The kernels give the same bits: this tells how fast the steps run, not what they compute.
     *
     * @param name            {@code scalar} (portable) or {@code vector-<bits>}
     * @param vectorized      true for the {@code jdk.incubator.vector} kernel
     * @param warming         true while the vector kernel's loop for its settings is being warmed up (its start's
     *                        warm-up past its deadline, or another optimizer's start): its steps move to the
     *                        vector kernel when that ends; false when {@code name} will stay as it is (unless a
     *                        later optimizer's start warms its loop)
     * @param warmedUpAtStart whether its start warmed up: {@code settings.warmUp} resolved for its model
     *                        ({@code AUTOMATIC} from 4,194,304 parameters on); without, it runs the portable
     *                        kernel unless another optimizer's start warmed its loop
     */
    public record StepKernel(String name, boolean vectorized, boolean warming, boolean warmedUpAtStart) {

        /** The report of {@link Optimizer#stepKernel()}, flattened for JSON (the sample's API shows it too). */
        public static StepKernel of(Kernels.StepKernel k) {
            return new StepKernel(k.kernel().name(), k.kernel().vectorized(), k.warming(), k.warmedUpAtStart());
        }
    }

    /**
     * How the last step call ended.
     *
     * @param status              NONE, APPLIED, SKIPPED or REJECTED
     * @param consecutiveFailures skipped or rejected step calls in a row; 0 after an applied step
     * @param reason              why it was skipped or rejected; {@code null} otherwise
     */
    public record LastStep(String status, long consecutiveFailures, @Nullable String reason) {
    }
}
