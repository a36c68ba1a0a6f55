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
import org.springframework.validation.annotation.Validated;

/**
 * How the sample trains: {@code sample.training.*}. The optimizers are configured apart, under
 * {@code skrl.optim.adam.instances.policy} and {@code ...value}.
 */
@Validated
@ConfigurationProperties("sample.training")
public class TrainingProperties {

    /** Seed of everything random in a run: network initialisation, episode starts, actions, mini-batches. */
    private long seed = 42;

    /** Environment-step budget of a run; when it is spent before solving, the run ends as BUDGET_EXHAUSTED. */
    @Positive
    private long maxEnvironmentSteps = 500_000;

    /** Mean return over the last 100 episodes that counts as solved (Gymnasium's CartPole-v1 threshold). */
    @DecimalMin("1")
    @DecimalMax("500")
    private double solvedThreshold = 475;

    /**
     * Batch mode: when the run ends, exit the application; exit code 0 when solved, 2 when the budget ran
     * out, 1 when training failed.
     */
    private boolean exitWhenDone = false;

    /** Folder that checkpoints are written to. */
    private Path checkpointDir = Path.of("target", "checkpoints");

    /** Write a checkpoint every this many updates (and always at the end of a run); 0 writes only at the end. */
    @Min(0)
    private int checkpointInterval = 10;

    /**
     * A checkpoint to continue from: a checkpoint folder, or a checkpoint-dir, whose latest checkpoint
     * is taken. Unset starts a fresh run.
     */
    private @Nullable Path resumeFrom;

    /** KL-adaptive learning rate of the policy (skrl's KLAdaptiveLR). */
    @Valid
    private final KlAdaptive klAdaptive = new KlAdaptive();

    /** PPO hyperparameters, as skrl names them. */
    @Valid
    private final Ppo ppo = new Ppo();

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public long getMaxEnvironmentSteps() {
        return maxEnvironmentSteps;
    }

    public void setMaxEnvironmentSteps(long maxEnvironmentSteps) {
        this.maxEnvironmentSteps = maxEnvironmentSteps;
    }

    public double getSolvedThreshold() {
        return solvedThreshold;
    }

    public void setSolvedThreshold(double solvedThreshold) {
        this.solvedThreshold = solvedThreshold;
    }

    public boolean isExitWhenDone() {
        return exitWhenDone;
    }

    public void setExitWhenDone(boolean exitWhenDone) {
        this.exitWhenDone = exitWhenDone;
    }

    public Path getCheckpointDir() {
        return checkpointDir;
    }

    public void setCheckpointDir(Path checkpointDir) {
        this.checkpointDir = checkpointDir;
    }

    public int getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(int checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    public @Nullable Path getResumeFrom() {
        return resumeFrom;
    }

    public void setResumeFrom(@Nullable Path resumeFrom) {
        this.resumeFrom = resumeFrom;
    }

    public KlAdaptive getKlAdaptive() {
        return klAdaptive;
    }

    public Ppo getPpo() {
        return ppo;
    }

    /** skrl's KLAdaptiveLR settings for the policy's learning rate (the start value is the policy optimizer's lr). */
    public static class KlAdaptive {

        /** Target KL divergence per epoch. */
        @Positive
        private double klThreshold = 0.008;

        /** Lowest learning rate. */
        @Positive
        private double minLr = 1e-6;

        /** Highest learning rate. */
        @Positive
        private double maxLr = 1e-2;

        /** The rate moves when the KL is beyond threshold times, or below threshold divided by, this factor. */
        @DecimalMin(value = "1", inclusive = false)
        private double klFactor = 2;

        /** Factor the rate is multiplied or divided by. */
        @DecimalMin(value = "1", inclusive = false)
        private double lrFactor = 1.5;

        @AssertTrue(message = "min-lr must not exceed max-lr")
        boolean isRangeOrdered() {
            return minLr <= maxLr;
        }

        public double getKlThreshold() {
            return klThreshold;
        }

        public void setKlThreshold(double klThreshold) {
            this.klThreshold = klThreshold;
        }

        public double getMinLr() {
            return minLr;
        }

        public void setMinLr(double minLr) {
            this.minLr = minLr;
        }

        public double getMaxLr() {
            return maxLr;
        }

        public void setMaxLr(double maxLr) {
            this.maxLr = maxLr;
        }

        public double getKlFactor() {
            return klFactor;
        }

        public void setKlFactor(double klFactor) {
            this.klFactor = klFactor;
        }

        public double getLrFactor() {
            return lrFactor;
        }

        public void setLrFactor(double lrFactor) {
            this.lrFactor = lrFactor;
        }
    }

    /** PPO hyperparameters ({@link PpoSettings}); defaults solve CartPole-v1 in about 55,000 steps. */
    public static class Ppo {

        /** Environment steps collected before each update. */
        @Min(2)
        private int rollouts = 1024;

        /** Passes over the collected steps per update. */
        @Min(1)
        private int learningEpochs = 10;

        /** Mini-batches per pass; must divide rollouts. */
        @Min(1)
        private int miniBatches = 16;

        /** Discount factor gamma. */
        @DecimalMin("0")
        @DecimalMax("1")
        private double discountFactor = 0.99;

        /** GAE lambda. */
        @DecimalMin("0")
        @DecimalMax("1")
        private double lambda = 0.95;

        /** Clip range of the probability ratio. */
        @DecimalMin(value = "0", inclusive = false)
        @DecimalMax(value = "1", inclusive = false)
        private double ratioClip = 0.2;

        /** Clip range of the value prediction, used when clip-predicted-values is on. */
        @Positive
        private double valueClip = 0.2;

        /** Clip the value prediction around the value recorded at collection time. */
        private boolean clipPredictedValues = false;

        /** Weight of the entropy bonus; 0 turns it off. */
        @DecimalMin("0")
        private double entropyLossScale = 0.0;

        /** Weight of the value loss. */
        @Positive
        private double valueLossScale = 0.5;

        /** Bootstrap the value at time-limit truncations instead of treating them as failures. */
        private boolean timeLimitBootstrap = true;

        @AssertTrue(message = "mini-batches must divide rollouts")
        boolean isMiniBatchesDividingRollouts() {
            return miniBatches >= 1 && rollouts % miniBatches == 0;
        }

        /** These settings as the PPO agent takes them. */
        public PpoSettings toSettings() {
            return new PpoSettings(rollouts, learningEpochs, miniBatches, discountFactor, lambda, ratioClip, valueClip,
                    clipPredictedValues, entropyLossScale, valueLossScale, timeLimitBootstrap);
        }

        public int getRollouts() {
            return rollouts;
        }

        public void setRollouts(int rollouts) {
            this.rollouts = rollouts;
        }

        public int getLearningEpochs() {
            return learningEpochs;
        }

        public void setLearningEpochs(int learningEpochs) {
            this.learningEpochs = learningEpochs;
        }

        public int getMiniBatches() {
            return miniBatches;
        }

        public void setMiniBatches(int miniBatches) {
            this.miniBatches = miniBatches;
        }

        public double getDiscountFactor() {
            return discountFactor;
        }

        public void setDiscountFactor(double discountFactor) {
            this.discountFactor = discountFactor;
        }

        public double getLambda() {
            return lambda;
        }

        public void setLambda(double lambda) {
            this.lambda = lambda;
        }

        public double getRatioClip() {
            return ratioClip;
        }

        public void setRatioClip(double ratioClip) {
            this.ratioClip = ratioClip;
        }

        public double getValueClip() {
            return valueClip;
        }

        public void setValueClip(double valueClip) {
            this.valueClip = valueClip;
        }

        public boolean isClipPredictedValues() {
            return clipPredictedValues;
        }

        public void setClipPredictedValues(boolean clipPredictedValues) {
            this.clipPredictedValues = clipPredictedValues;
        }

        public double getEntropyLossScale() {
            return entropyLossScale;
        }

        public void setEntropyLossScale(double entropyLossScale) {
            this.entropyLossScale = entropyLossScale;
        }

        public double getValueLossScale() {
            return valueLossScale;
        }

        public void setValueLossScale(double valueLossScale) {
            this.valueLossScale = valueLossScale;
        }

        public boolean isTimeLimitBootstrap() {
            return timeLimitBootstrap;
        }

        public void setTimeLimitBootstrap(boolean timeLimitBootstrap) {
            this.timeLimitBootstrap = timeLimitBootstrap;
        }
    }
}
