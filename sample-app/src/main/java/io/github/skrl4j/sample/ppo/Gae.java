package io.github.skrl4j.sample.ppo;

/**
 * Generalized Advantage Estimation exactly as skrl's {@code compute_gae}: a backward sweep where an
 * episode's end (terminated or truncated) cuts the bootstrap, returns = advantages + values, then
 * advantages normalised by their mean and population standard deviation (+1e-8).
 */
public final class Gae {

    private Gae() {
    }

    /**
     * Fills the buffer's returns and advantages.
     *
     * @param buffer         a full rollout
     * @param lastValue      V of the observation after the last step (ignored if that step ended an episode)
     * @param discountFactor gamma
     * @param lambda         GAE's lambda
     */
    public static void compute(RolloutBuffer buffer, double lastValue, double discountFactor, double lambda) {
        int n = buffer.size();
        double advantage = 0;
        for (int i = n - 1; i >= 0; i--) {
            double nextValue = i < n - 1 ? buffer.values[i + 1] : lastValue;
            double notDone = buffer.terminated[i] || buffer.truncated[i] ? 0 : 1;
            advantage = buffer.rewards[i] - buffer.values[i]
                    + discountFactor * notDone * (nextValue + lambda * advantage);
            buffer.advantages[i] = (float) advantage;
            buffer.returns[i] = (float) (advantage + buffer.values[i]);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += buffer.advantages[i];
        }
        mean /= n;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            double d = buffer.advantages[i] - mean;
            variance += d * d;
        }
        double std = Math.sqrt(variance / n);
        for (int i = 0; i < n; i++) {
            buffer.advantages[i] = (float) ((buffer.advantages[i] - mean) / (std + 1e-8));
        }
    }
}
