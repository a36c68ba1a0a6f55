package io.github.skrl4j.sample.ppo;

/**
 * What one PPO update measured, averaged over its mini-batch steps.
 *
 * @param update               1 for the agent's first update
 * @param policyLoss           mean policy loss (surrogate plus entropy term)
 * @param valueLoss            mean value loss
 * @param entropy              mean policy entropy
 * @param kl                   mean approximate KL divergence of the last epoch
 * @param policyLearningRate   the policy learning rate after the update's KL adaptation
 * @param valueLearningRate    the value optimizer's learning rate
 * @param policyGradientNorm   mean global gradient norm of the policy steps (before clipping)
 * @param valueGradientNorm    mean global gradient norm of the value steps (before clipping)
 */
public record UpdateStats(
        long update,
        double policyLoss,
        double valueLoss,
        double entropy,
        double kl,
        double policyLearningRate,
        double valueLearningRate,
        double policyGradientNorm,
        double valueGradientNorm) {
}
