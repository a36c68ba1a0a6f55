package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/optimizers}: every registered optimizer with its settings and progress;
 * {@code /actuator/optimizers/{name}} for one (404 when none has that name). Read-only.
 */
@Endpoint(id = "optimizers")
public class OptimizersEndpoint {

    private final OptimizerRegistry registry;
    private final StepOutcomes outcomes;
    private final @Nullable ReplicaWorld distributed;

    public OptimizersEndpoint(OptimizerRegistry registry, StepOutcomes outcomes) {
        this(registry, outcomes, null);
    }

    public OptimizersEndpoint(OptimizerRegistry registry, StepOutcomes outcomes,
            @Nullable ReplicaWorld distributed) {
        this.registry = registry;
        this.outcomes = outcomes;
        this.distributed = distributed;
    }

    /** The step kernel this JVM offers and all registered optimizers (each with the kernel it runs), by name. */
    @ReadOperation
    public OptimizersDescriptor optimizers() {
        Map<String, OptimizerDescriptor> all = new LinkedHashMap<>();
        for (Optimizer optimizer : registry.optimizers()) {
            all.put(optimizer.name(), OptimizerDescriptor.of(optimizer, outcomes.of(optimizer)));
        }
        return new OptimizersDescriptor(Kernels.active(), all, distributed == null ? null : distributed.describe());
    }

    /** The optimizer named {@code name}, or {@code null} (a 404) if none is registered under it. */
    @ReadOperation
    public @Nullable OptimizerDescriptor optimizer(@Selector String name) {
        Optimizer optimizer = registry.find(name);
        return optimizer == null ? null : OptimizerDescriptor.of(optimizer, outcomes.of(optimizer));
    }

    /**
     * The response of {@code /actuator/optimizers}.
     *
     * @param availableKernel the step kernel this JVM offers ({@link Kernels#active()}): its name and whether
     *                        it is the {@code jdk.incubator.vector} one. An optimizer's steps run it once their
     *                        update loop is warmed up; which kernel each optimizer runs now is its own
     *                        {@code kernel} (the portable one, for instance, for a small model that started
     *                        without a warm-up, while this names the vector kernel)
     * @param optimizers      every registered optimizer, sorted by name
     * @param distributed     rank, world size and last divergence check of data-parallel training; null without
     */
    public record OptimizersDescriptor(Kernels.Kernel availableKernel, Map<String, OptimizerDescriptor> optimizers,
            @Nullable Map<String, Object> distributed) implements OperationResponseBody {
    }
}
