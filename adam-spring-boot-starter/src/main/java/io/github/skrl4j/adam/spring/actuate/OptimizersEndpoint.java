package io.github.skrl4j.adam.spring.actuate;

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

    /** Reports on the optimizers of {@code registry}, with their last steps as {@code outcomes} saw them. */
    public OptimizersEndpoint(OptimizerRegistry registry, StepOutcomes outcomes) {
        this.registry = registry;
        this.outcomes = outcomes;
    }

    /** All registered optimizers, by name. */
    @ReadOperation
    public OptimizersDescriptor optimizers() {
        Map<String, OptimizerDescriptor> all = new LinkedHashMap<>();
        for (Optimizer optimizer : registry.optimizers()) {
            all.put(optimizer.name(), OptimizerDescriptor.of(optimizer, outcomes.of(optimizer)));
        }
        return new OptimizersDescriptor(all);
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
     * @param optimizers every registered optimizer, sorted by name
     */
    public record OptimizersDescriptor(Map<String, OptimizerDescriptor> optimizers) implements OperationResponseBody {
    }
}
