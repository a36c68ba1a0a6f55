package io.github.skrl4j.adam.spring;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import java.nio.file.Path;

/**
 * Makes named optimizers from configuration and registers each one in the {@link OptimizerRegistry},
 * so that metrics, the {@code optimizers} endpoint and the health contributor see it. An optimizer
 * registered under the same name before is replaced and closed; closing the one returned takes it
 * out of the registry.
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
     * An optimizer named {@code name} that continues from a checkpoint written by
     * {@link Optimizer#save(Path)}: the count and the moments come from {@code file}, everything else
     * from now, as {@link #create(String, Model)} would make it (the current
     * {@code skrl.optim.adam.instances.<name>.*} settings, the application's listener beans). It is
     * registered and metered like a created one, replacing (and closing) an optimizer registered
     * under that name.
     *
     * <p>The current settings win over the saved ones; when they differ, one WARN log line lists each
     * difference. What cannot carry over is refused, and nothing is registered then.
     *
     * @throws IllegalArgumentException if no instance of that name is configured
     * @throws CheckpointException      naming the file, if it is missing, unreadable or corrupt, does not
     *                                  fit the model's parameters (names, shapes), or was saved with AMSGrad
     *                                  on while it is configured off, or the other way round (its running
     *                                  maximum of the second moment cannot be made up or dropped)
     */
    Optimizer resume(String name, Model model, Path file);

    /**
     * The settings {@link #create(String, Model)} uses for {@code name}.
     *
     * @throws IllegalArgumentException if no instance of that name is configured
     */
    Adam config(String name);
}
