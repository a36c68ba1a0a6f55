package io.github.skrl4j.sample.env;

/**
 * What one environment step returns, in Gymnasium's terms.
 *
 * @param observation the next observation
 * @param reward      the reward for this step
 * @param terminated  the episode ended in a terminal state (the pole fell or the cart left the track)
 * @param truncated   the episode was cut off by the time limit without terminating
 */
public record StepResult(float[] observation, float reward, boolean terminated, boolean truncated) {

    /** True when the episode is over, either way. */
    public boolean done() {
        return terminated || truncated;
    }
}
