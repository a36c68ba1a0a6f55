package io.github.skrl4j.adam.spring.actuate;

/**
 * Whether failing steps may turn an optimizer's health DOWN, and after how many in a row. By default
 * ({@link #REPORT_ONLY}) they never do: the {@code optimizers} health contributor reports them in its
 * details and stays UP, so that one bad batch does not fail a probe.
 *
 * @param allowHealthIndicatorToFail whether this optimizer may turn the {@code optimizers} health DOWN
 * @param failureThreshold           skipped or rejected steps in a row from which it is DOWN (while
 *                                   allowed to fail); at least 1
 */
public record OptimizerHealthPolicy(boolean allowHealthIndicatorToFail, int failureThreshold) {

    /** Reports failing steps, never turns DOWN. */
    public static final OptimizerHealthPolicy REPORT_ONLY = new OptimizerHealthPolicy(false, 1);

    /** @throws IllegalArgumentException if {@code failureThreshold < 1} */
    public OptimizerHealthPolicy {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be >= 1, was " + failureThreshold);
        }
    }

    /** True when {@code outcome} makes the optimizer DOWN under this policy. */
    public boolean isDown(StepOutcome outcome) {
        return allowHealthIndicatorToFail && outcome.consecutiveFailures() >= failureThreshold;
    }
}
