package io.github.skrl4j.adam.spring.actuate;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Follows an {@link OptimizerRegistry} and remembers how each registered optimizer's last step
 * ended: what the {@code optimizers} endpoint and health contributor report. A registry listener,
 * like the metrics binding: it adds a step listener to an optimizer when it is registered and
 * removes it when the optimizer is removed, replaced or closed.
 *
 * <p>{@link #bindTo(OptimizerRegistry)} once; optimizers already registered are followed at once.
 */
public final class StepOutcomes implements OptimizerRegistry.Listener {

    private final Map<Optimizer, StepOutcomeTracker> trackers = new ConcurrentHashMap<>();
    private volatile @Nullable OptimizerRegistry registry;

    /** Starts following {@code registry}; returns this. */
    public StepOutcomes bindTo(OptimizerRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        registry.addListener(this);
        return this;
    }

    @Override
    public void onRegistered(Optimizer optimizer) {
        trackers.computeIfAbsent(optimizer, o -> {
            StepOutcomeTracker tracker = new StepOutcomeTracker(o);
            o.addListener(tracker);
            return tracker;
        });
    }

    @Override
    public void onRemoved(Optimizer optimizer) {
        StepOutcomeTracker tracker = trackers.remove(optimizer);
        if (tracker != null) {
            optimizer.removeListener(tracker);
        }
    }

    /**
     * How the last step of {@code optimizer} ended since it was registered, or {@code null} if it is
     * not followed (not registered, or removed meanwhile).
     */
    public @Nullable StepOutcome of(Optimizer optimizer) {
        StepOutcomeTracker tracker = trackers.get(optimizer);
        return tracker == null ? null : tracker.outcome();
    }

    /**
     * How the last step of the optimizer registered under {@code name} ended, or {@code null} if no
     * optimizer has that name (or this is not bound to a registry).
     */
    public @Nullable StepOutcome of(String name) {
        OptimizerRegistry bound = registry;
        Optimizer optimizer = bound == null ? null : bound.find(name);
        return optimizer == null ? null : of(optimizer);
    }
}
