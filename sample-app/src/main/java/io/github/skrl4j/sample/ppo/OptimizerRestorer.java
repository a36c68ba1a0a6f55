package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import java.nio.file.Path;

/**
 * Re-creates a named optimizer for a model from a saved state (its count and moments), under the settings
 * configured now: from a checkpoint file, or from a state held in memory (the one a re-formed world of replicas
 * continues from). In the Spring application: the starter's {@code OptimizerFactory.resume} for files, and the
 * same settings and registry for states, so that the current {@code skrl.optim.adam.instances.<name>.*} settings
 * and listener beans apply and metrics and the endpoint see the optimizer.
 */
public interface OptimizerRestorer {

    /** An optimizer named {@code name} for {@code model}, continuing from the optimizer checkpoint {@code file}. */
    Optimizer restore(String name, Model model, Path file);

    /** An optimizer named {@code name} for {@code model}, continuing from {@code state}. */
    Optimizer restore(String name, Model model, OptimizerState state);
}
