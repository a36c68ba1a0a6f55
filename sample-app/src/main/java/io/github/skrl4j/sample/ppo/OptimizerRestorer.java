package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;

/**
 * Re-creates a named optimizer for a model with a saved state (count and moments), under the
 * settings configured now. In the Spring application: the starter's settings for {@code name},
 * registered so that metrics and the endpoint see it.
 */
@FunctionalInterface
public interface OptimizerRestorer {

    /** An optimizer named {@code name} for {@code model}, continuing from {@code state}. */
    Optimizer restore(String name, Model model, OptimizerState state);
}
