package io.github.skrl4j.sample.ppo;

/**
 * PPO's hyperparameters, named and meant as in skrl's {@code PPO_DEFAULT_CONFIG}. The learning
 * rates and gradient clipping are not here: they belong to the two optimizers ({@code policy} and
 * {@code value}), as in skrl's JAX PPO, where {@code grad_norm_clip} goes to the Adam settings.
 *
 * @param rollouts            environment steps collected before each update (skrl {@code rollouts})
 * @param learningEpochs      passes over the collected steps per update
 * @param miniBatches         mini-batches per pass; must divide {@code rollouts}
 * @param discountFactor      gamma
 * @param lambda              GAE's lambda
 * @param ratioClip           clip range of the probability ratio in the surrogate objective
 * @param valueClip           clip range of the predicted values when {@code clipPredictedValues}
 * @param clipPredictedValues clip the value prediction around the value recorded at collection time
 * @param entropyLossScale    weight of the entropy bonus (0 turns it off)
 * @param valueLossScale      weight of the value loss
 * @param timeLimitBootstrap  on truncation, add {@code discountFactor * V(s)} to the reward, as skrl's
 *                            {@code time_limit_bootstrap} does, so time limits are not mistaken for failure
 */
public record PpoSettings(
        int rollouts,
        int learningEpochs,
        int miniBatches,
        double discountFactor,
        double lambda,
        double ratioClip,
        double valueClip,
        boolean clipPredictedValues,
        double entropyLossScale,
        double valueLossScale,
        boolean timeLimitBootstrap) {

    /** Checks every setting, naming the first bad one. */
    public PpoSettings {
        require(rollouts >= 2, "rollouts", "must be >= 2", rollouts);
        require(learningEpochs >= 1, "learningEpochs", "must be >= 1", learningEpochs);
        require(miniBatches >= 1 && miniBatches <= rollouts, "miniBatches", "must be in [1, rollouts]", miniBatches);
        require(rollouts % miniBatches == 0, "miniBatches", "must divide rollouts (" + rollouts + ")", miniBatches);
        require(discountFactor >= 0 && discountFactor <= 1, "discountFactor", "must be in [0, 1]", discountFactor);
        require(lambda >= 0 && lambda <= 1, "lambda", "must be in [0, 1]", lambda);
        require(ratioClip > 0 && ratioClip < 1, "ratioClip", "must be in (0, 1)", ratioClip);
        require(valueClip > 0 && Double.isFinite(valueClip), "valueClip", "must be finite and > 0", valueClip);
        require(entropyLossScale >= 0 && Double.isFinite(entropyLossScale), "entropyLossScale",
                "must be finite and >= 0", entropyLossScale);
        require(valueLossScale > 0 && Double.isFinite(valueLossScale), "valueLossScale",
                "must be finite and > 0", valueLossScale);
    }

    private static void require(boolean ok, String name, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("PPO setting " + name + " " + rule + ", was " + value);
        }
    }

    /** The mini-batch size: {@code rollouts / miniBatches}. */
    public int miniBatchSize() {
        return rollouts / miniBatches;
    }

    /**
     * Settings that solve CartPole-v1 reliably: 1024-step rollouts, 10 epochs of 16 mini-batches
     * of 64, skrl's clip ranges, no entropy bonus, and time-limit bootstrapping.
     */
    public static PpoSettings cartPole() {
        return new PpoSettings(1024, 10, 16, 0.99, 0.95, 0.2, 0.2, false, 0.0, 0.5, true);
    }
}
