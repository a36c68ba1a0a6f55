package io.github.skrl4j.sample.ppo;

/**
 * Moves the policy's learning rate after each learning epoch from the KL divergence measured in
 * it, as skrl's PPO does with its {@code KLAdaptiveLR} scheduler. The adam-core
 * {@code KLAdaptiveLR} fits as a method reference: {@code KLAdaptiveLR.defaults()::next}.
 */
@FunctionalInterface
public interface LearningRateAdapter {

    /**
     * The learning rate for the next epoch.
     *
     * @param currentLr the learning rate used in the epoch just finished
     * @param kl        the mean approximate KL divergence over that epoch's mini-batches
     */
    double next(double currentLr, double kl);

    /** Keeps the learning rate as it is. */
    static LearningRateAdapter constant() {
        return (lr, kl) -> lr;
    }
}
