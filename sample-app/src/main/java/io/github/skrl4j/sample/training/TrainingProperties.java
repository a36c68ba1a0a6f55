package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.ppo.PpoSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the sample trains: {@code sample.training.*}, bound once through the constructor and validated at
 * start (a bad value stops the start naming the property). The optimizers are configured apart, under
 * {@code skrl.optim.adam.instances.policy} and {@code ...value}.
 *
 * @param seed                Seed of everything random in a run: network initialisation, episode starts,
 *                            actions, mini-batches
 * @param maxEnvironmentSteps Environment-step budget of a run; when it is spent before solving, the run
 *                            ends as BUDGET_EXHAUSTED
 * @param solvedThreshold     Mean return over the last 100 episodes that counts as solved (Gymnasium's
 *                            CartPole-v1 threshold)
 * @param exitWhenDone        Batch mode: when the run ends, exit the application; exit code 0 when
 *                            solved, 2 when the budget ran out, 1 when training failed
 * @param checkpointDir       Folder that checkpoints are written to
 * @param checkpointInterval  Write a checkpoint every this many updates (and always at the end of a
 *                            run); 0 writes only at the end
 * @param resumeFrom          A checkpoint to continue from: a checkpoint folder, or a checkpoint-dir,
 *                            whose latest checkpoint is taken; unset starts a fresh run
 * @param allowWorldSizeChange Continue a checkpoint in a world of another number of replicas than the one
 *                            that wrote it (the step budget, seeds and gradient averaging were that world's);
 *                            off, such a resume stops the start naming both sizes
 * @param klAdaptive          KL-adaptive learning rate of the policy (skrl's KLAdaptiveLR)
 * @param ppo                 PPO hyperparameters, as skrl names them
 */
@Validated
@ConfigurationProperties("sample.training")
public record TrainingProperties(
        @DefaultValue("42") long seed,
        @DefaultValue("500000") @Positive long maxEnvironmentSteps,
        @DefaultValue("475") @DecimalMin("1") @DecimalMax("500") double solvedThreshold,
        @DefaultValue("false") boolean exitWhenDone,
        @DefaultValue("target/checkpoints") Path checkpointDir,
        @DefaultValue("10") @Min(0) int checkpointInterval,
        @Nullable Path resumeFrom,
        @DefaultValue("false") boolean allowWorldSizeChange,
        @DefaultValue @Valid KlAdaptive klAdaptive,
        @DefaultValue @Valid Ppo ppo) {

    /**
     * skrl's KLAdaptiveLR settings for the policy's learning rate (the start value is the policy
     * optimizer's lr).
     *
     * @param klThreshold Target KL divergence per epoch
     * @param minLr       Lowest learning rate
     * @param maxLr       Highest learning rate
     * @param klFactor    The rate moves when the KL is beyond threshold times, or below threshold
     *                    divided by, this factor
     * @param lrFactor    Factor the rate is multiplied or divided by
     */
    public record KlAdaptive(
            @DefaultValue("0.008") @Positive double klThreshold,
            @DefaultValue("1e-6") @Positive double minLr,
            @DefaultValue("1e-2") @Positive double maxLr,
            @DefaultValue("2") @DecimalMin(value = "1", inclusive = false) double klFactor,
            @DefaultValue("1.5") @DecimalMin(value = "1", inclusive = false) double lrFactor) {

        @AssertTrue(message = "min-lr must not exceed max-lr")
        boolean isRangeOrdered() {
            return minLr <= maxLr;
        }
    }

    /**
     * PPO hyperparameters ({@link PpoSettings}); defaults solve CartPole-v1 in about 55,000 steps.
     *
     * @param rollouts            Environment steps collected before each update
     * @param learningEpochs      Passes over the collected steps per update
     * @param miniBatches         Mini-batches per pass; must divide rollouts
     * @param discountFactor      Discount factor gamma
     * @param lambda              GAE lambda
     * @param ratioClip           Clip range of the probability ratio
     * @param valueClip           Clip range of the value prediction, used when clip-predicted-values is on
     * @param clipPredictedValues Clip the value prediction around the value recorded at collection time
     * @param entropyLossScale    Weight of the entropy bonus; 0 turns it off
     * @param valueLossScale      Weight of the value loss
     * @param timeLimitBootstrap  Bootstrap the value at time-limit truncations instead of treating them as
     *                            failures
     */
    public record Ppo(
            @DefaultValue("1024") @Min(2) int rollouts,
            @DefaultValue("10") @Min(1) int learningEpochs,
            @DefaultValue("16") @Min(1) int miniBatches,
            @DefaultValue("0.99") @DecimalMin("0") @DecimalMax("1") double discountFactor,
            @DefaultValue("0.95") @DecimalMin("0") @DecimalMax("1") double lambda,
            @DefaultValue("0.2") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
            double ratioClip,
            @DefaultValue("0.2") @Positive double valueClip,
            @DefaultValue("false") boolean clipPredictedValues,
            @DefaultValue("0.0") @DecimalMin("0") double entropyLossScale,
            @DefaultValue("0.5") @Positive double valueLossScale,
            @DefaultValue("true") boolean timeLimitBootstrap) {

        @AssertTrue(message = "mini-batches must divide rollouts")
        boolean isMiniBatchesDividingRollouts() {
            return miniBatches >= 1 && rollouts % miniBatches == 0;
        }

        /** These settings as the PPO agent takes them. */
        public PpoSettings toSettings() {
            return new PpoSettings(rollouts, learningEpochs, miniBatches, discountFactor, lambda, ratioClip, valueClip,
                    clipPredictedValues, entropyLossScale, valueLossScale, timeLimitBootstrap);
        }
    }
}
