package io.github.skrl4j.adam.spring.metrics;

import io.github.skrl4j.adam.CheckpointEvent;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one optimizer, registered once when the optimizer is registered and updated from
 * each {@link StepEvent}: a step only increments and records, it looks nothing up and allocates
 * nothing of its own. A save is timed from its {@link CheckpointEvent}; a failed save's timer, tagged
 * with the exception's class, is looked up when it happens.
 */
final class OptimizerMeters implements StepListener {

    private final Counter applied;
    private final Counter skipped;
    private final Counter rejected;
    private final Counter clipped;
    private final DistributionSummary gradientNorm;
    private final Gauge learningRate;
    private final @Nullable Timer stepDuration;
    private final MeterRegistry registry;
    private final Tags tags;
    // saves' timers, registered on the first save of each outcome (saves are rare, any thread may save)
    private final CopyOnWriteArrayList<Meter> checkpointTimers = new CopyOnWriteArrayList<>();

    OptimizerMeters(Optimizer optimizer, MeterRegistry registry) {
        this.registry = registry;
        this.tags = Tags.of(AdamMetrics.TAG_NAME, optimizer.name());
        applied = steps(registry, tags, AdamMetrics.OUTCOME_APPLIED);
        skipped = steps(registry, tags, AdamMetrics.OUTCOME_SKIPPED);
        rejected = steps(registry, tags, AdamMetrics.OUTCOME_REJECTED);
        clipped = Counter.builder(AdamMetrics.GRADIENT_CLIPPED)
                .description("Steps whose gradient global-norm clipping scaled down")
                .tags(tags)
                .register(registry);
        gradientNorm = DistributionSummary.builder(AdamMetrics.GRADIENT_NORM)
                .description("Global L2 norm of the gradient before clipping, of every applied step")
                .tags(tags)
                .register(registry);
        learningRate = Gauge.builder(AdamMetrics.LEARNING_RATE, optimizer, Optimizer::lastLearningRate)
                .description("Learning rate of the last applied step (NaN before the first)")
                .tags(tags)
                .register(registry);
        stepDuration = !optimizer.config().measuresStepDuration() ? null : Timer.builder(AdamMetrics.STEP_DURATION)
                .description("Wall time of every applied step, from entering step to the end of its writes"
                        + " (the listeners not included)")
                .tags(tags)
                .register(registry);
    }

    private static Counter steps(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(AdamMetrics.STEPS)
                .description("Optimizer step calls, by outcome: applied, skipped (non-finite gradient) or rejected")
                .tags(tags)
                .tag(AdamMetrics.TAG_OUTCOME, outcome)
                .register(registry);
    }

    @Override
    public void onStep(StepEvent event) {
        if (event.skipped()) {
            // a non-finite norm would poison the summary's total and max: count it, record nothing
            skipped.increment();
            return;
        }
        applied.increment();
        if (stepDuration != null) {
            stepDuration.record(event.durationNanos(), TimeUnit.NANOSECONDS);
        }
        gradientNorm.record(event.gradientNorm());
        if (event.clipped()) {
            clipped.increment();
        }
    }

    @Override
    public void onRejected(String optimizerName, long count, RuntimeException error) {
        rejected.increment();
    }

    /**
     * Times a save. A load reaches only the listeners given to the optimizer it made, before it is
     * registered here, so loads are timed by the factory's observed {@code resume} instead.
     */
    @Override
    public void onCheckpoint(CheckpointEvent event) {
        if (event.operation() != CheckpointEvent.Operation.SAVE) {
            return;
        }
        RuntimeException failure = event.failure();
        Timer timer = Timer.builder(AdamMetrics.CHECKPOINT)
                .description("Checkpoint saves and loads of an optimizer")
                .tags(tags)
                .tag(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_SAVE)
                .tag(AdamMetrics.TAG_OUTCOME, failure == null ? AdamMetrics.OUTCOME_SUCCESS : AdamMetrics.OUTCOME_FAILURE)
                .tag(AdamMetrics.TAG_ERROR, failure == null ? "none" : failure.getClass().getSimpleName())
                .register(registry);
        checkpointTimers.addIfAbsent(timer);
        timer.record(event.durationNanos(), TimeUnit.NANOSECONDS);
    }

    List<Meter> meters() {
        List<Meter> meters = new ArrayList<>(List.of(applied, skipped, rejected, clipped, gradientNorm, learningRate));
        if (stepDuration != null) {
            meters.add(stepDuration);
        }
        meters.addAll(checkpointTimers);
        return meters;
    }
}
