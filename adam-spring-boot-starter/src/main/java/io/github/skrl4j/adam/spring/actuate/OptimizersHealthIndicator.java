package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code optimizers} health: DOWN while any registered optimizer's last step was rejected or
 * skipped for a non-finite gradient, UP otherwise (again UP after that optimizer's next good
 * step). The details hold, per optimizer, its last step's status and count, and the reason when it
 * failed.
 */
public class OptimizersHealthIndicator implements HealthIndicator {

    private final OptimizerRegistry registry;
    private final StepOutcomes outcomes;

    /** Reports on the optimizers of {@code registry}, with their last steps as {@code outcomes} saw them. */
    public OptimizersHealthIndicator(OptimizerRegistry registry, StepOutcomes outcomes) {
        this.registry = registry;
        this.outcomes = outcomes;
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        for (Optimizer optimizer : registry.optimizers()) {
            StepOutcome outcome = outcomes.of(optimizer);
            if (outcome == null) {
                continue; // removed meanwhile
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("lastStep", outcome.status().name());
            detail.put("count", outcome.count());
            if (!outcome.healthy()) {
                builder.down();
                if (outcome.reason() != null) {
                    detail.put("reason", outcome.reason());
                }
            }
            builder.withDetail(optimizer.name(), detail);
        }
        return builder.build();
    }
}
