package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.StepOutcome;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code optimizers} health: DOWN while any registered optimizer's last step was rejected or
 * skipped for a non-finite gradient, UP otherwise (again UP after that optimizer's next good
 * step). The details hold, per optimizer, its last step's status and count, and the reason when it
 * failed. A replica that trains data-parallel adds its world ({@code distributed}: rank, world size,
 * last divergence check) and is DOWN once a collective operation failed or replicas diverged.
 */
public class OptimizersHealthIndicator implements HealthIndicator {

    private final OptimizerRegistry registry;
    private final @Nullable DistributedTraining distributed;

    /** Reports on the optimizers of {@code registry}. */
    public OptimizersHealthIndicator(OptimizerRegistry registry) {
        this(registry, null);
    }

    /** Reports on the optimizers of {@code registry} and on the replica's world, if it trains data-parallel. */
    public OptimizersHealthIndicator(OptimizerRegistry registry, @Nullable DistributedTraining distributed) {
        this.registry = registry;
        this.distributed = distributed;
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        for (String name : registry.names()) {
            StepOutcome outcome = registry.lastStep(name);
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
            builder.withDetail(name, detail);
        }
        if (distributed != null) {
            builder.withDetail("distributed", distributed.describe());
            if (!distributed.healthy()) {
                builder.down();
            }
        }
        return builder.build();
    }
}
