package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;

/**
 * Creates a named optimizer for a model. In the Spring application this is the starter's
 * {@code OptimizerFactory::create}; without Spring, any function from name and model to an
 * adam-core {@link Optimizer}.
 */
@FunctionalInterface
public interface OptimizerSource {

    /**
     * An optimizer for {@code model}, configured under {@code name} ({@code policy} or {@code value}).
     */
    Optimizer create(String name, Model model);
}
