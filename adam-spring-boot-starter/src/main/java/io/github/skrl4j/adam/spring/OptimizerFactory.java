package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;

/**
 * Makes named optimizers from configuration and registers each one in the {@link OptimizerRegistry},
 * so that metrics, the {@code optimizers} endpoint and the health contributor see it.
 *
 * <p>The auto-configured factory reads {@code skrl.optim.adam.*}; define a bean of this type to
 * replace it.
 */
public interface OptimizerFactory {

    /**
     * An optimizer with the top-level {@code skrl.optim.adam.*} settings, named
     * {@value Adam#DEFAULT_NAME}.
     *
     * @throws IllegalArgumentException if the model has no parameters
     */
    Optimizer create(Model model);

    /**
     * An optimizer with the settings of {@code skrl.optim.adam.instances.<name>.*}, every key not set
     * there falling back to the top-level value, named {@code name}.
     *
     * @throws IllegalArgumentException if no instance of that name is configured (the message lists
     *                                  the configured ones), or the model has no parameters
     */
    Optimizer create(String name, Model model);

    /**
     * The settings {@link #create(String, Model)} uses for {@code name}.
     *
     * @throws IllegalArgumentException if no instance of that name is configured
     */
    Adam config(String name);
}
