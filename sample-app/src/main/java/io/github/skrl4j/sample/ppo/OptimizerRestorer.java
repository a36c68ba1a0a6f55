package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import java.nio.file.Path;

/**
 * Re-creates a named optimizer for a model from a checkpoint file (its count and moments), under the
 * settings configured now. In the Spring application: the starter's
 * {@code OptimizerFactory.resume}, which applies the current {@code skrl.optim.adam.instances.<name>.*}
 * settings and listener beans and registers the optimizer so that metrics and the endpoint see it.
 */
@FunctionalInterface
public interface OptimizerRestorer {

    /** An optimizer named {@code name} for {@code model}, continuing from the optimizer checkpoint {@code file}. */
    Optimizer restore(String name, Model model, Path file);
}
