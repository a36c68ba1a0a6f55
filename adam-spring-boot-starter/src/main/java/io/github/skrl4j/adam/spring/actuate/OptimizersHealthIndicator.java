package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code optimizers} health. The details hold, per registered optimizer, its last step's status,
 * its count, how many steps failed (were skipped or rejected) in a row, and the reason when the last
 * one failed.
 *
 * <p>Failing steps are reported, not fatal: the health stays UP unless an optimizer's
 * {@link OptimizerHealthPolicy} allows it to fail and its failures in a row reached the policy's
 * threshold; then it is DOWN until that optimizer's next applied step. Put it in a readiness group
 * (never liveness: restarting the process does not mend a gradient).
 *
 * <p>A replica that trains data-parallel adds its world ({@code distributed}: rank, world size, last
 * divergence check) and is DOWN once a collective operation failed or replicas diverged: that world
 * cannot train on until it is restarted from a checkpoint.
 */
public class OptimizersHealthIndicator implements HealthIndicator {

    private final OptimizerRegistry registry;
    private final StepOutcomes outcomes;
    private final Function<String, OptimizerHealthPolicy> policies;
    private final @Nullable ReplicaWorld distributed;

    /** Reports on the optimizers of {@code registry} and never turns DOWN. */
    public OptimizersHealthIndicator(OptimizerRegistry registry, StepOutcomes outcomes) {
        this(registry, outcomes, name -> OptimizerHealthPolicy.REPORT_ONLY, null);
    }

    /**
     * Reports on the optimizers of {@code registry}, with their last steps as {@code outcomes} saw
     * them, each judged by the policy {@code policies} gives for its name, and on the replica's world
     * if it trains data-parallel ({@code distributed} not null).
     */
    public OptimizersHealthIndicator(OptimizerRegistry registry, StepOutcomes outcomes,
            Function<String, OptimizerHealthPolicy> policies, @Nullable ReplicaWorld distributed) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.distributed = distributed;
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        for (Optimizer optimizer : registry.optimizers()) {
            StepOutcome outcome = outcomes.of(optimizer);
            if (outcome == null) {
                continue; // removed meanwhile
            }
            OptimizerHealthPolicy policy = policies.apply(optimizer.name());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("lastStep", outcome.status().name());
            detail.put("count", outcome.count());
            detail.put("consecutiveFailures", outcome.consecutiveFailures());
            if (policy.allowHealthIndicatorToFail()) {
                detail.put("failureThreshold", policy.failureThreshold());
            }
            if (outcome.reason() != null) {
                detail.put("reason", outcome.reason());
            }
            if (policy.isDown(outcome)) {
                builder.down();
            }
            builder.withDetail(optimizer.name(), detail);
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
