package io.github.skrl4j.adam.kotlin.readme.javacode;

// README snippet begin: java checkpoints
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import java.nio.file.Path;

record Checkpoint(Tensors params, Optimizer optimizer) {
    void save(Path dir) {
        optimizer.save(dir.resolve("policy-optimizer.safetensors"));   // settings, count, mu, nu (, nu_max)
        params.save(dir.resolve("policy.safetensors"));
    }

    static Checkpoint load(Path dir) {                                 // after a restart
        Tensors params = Tensors.load(dir.resolve("policy.safetensors"));
        return new Checkpoint(params, Optimizer.load(dir.resolve("policy-optimizer.safetensors"), params));
    }
}
// README snippet end
