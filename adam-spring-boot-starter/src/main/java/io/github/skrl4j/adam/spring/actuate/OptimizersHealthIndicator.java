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
 * <p>A replica that trains data-parallel adds its world ({@code distributed}: its {@code state}, rank, world
 * size, last divergence check, and with the starter's distributed training its status, restarts and last
 * failure) and is DOWN once a collective operation failed or replicas diverged and the world has not re-formed,
 * or the world broke for good. A world that is still forming ({@link ReplicaWorld.State#FORMING}: not every rank
 * has joined) or re-forming after a failure ({@link ReplicaWorld.State#REFORMING}: the live replicas wait for the
 * others, within the restart budget) is OUT_OF_SERVICE, not DOWN: the replica is not ready to train, but nothing
 * is broken for good, so a readiness probe holds traffic back without a restart.
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
        boolean down = false;
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
            down |= policy.isDown(outcome);
            builder.withDetail(optimizer.name(), detail);
        }
        ReplicaWorld.State world = null;
        if (distributed != null) {
            world = distributed.state();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", world.name());
            detail.putAll(distributed.describe());
            builder.withDetail("distributed", detail);
            down |= world == ReplicaWorld.State.BROKEN;
        }
        if (down) {
            builder.down();
        } else if (world == ReplicaWorld.State.FORMING || world == ReplicaWorld.State.REFORMING) {
            builder.outOfService();
        }
        return builder.build();
    }
}
