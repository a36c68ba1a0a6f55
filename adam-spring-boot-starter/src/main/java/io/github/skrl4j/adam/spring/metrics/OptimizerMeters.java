package io.github.skrl4j.adam.spring.metrics;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * The meters of one optimizer, registered once when the optimizer is registered and updated from
 * each {@link StepEvent}: a step only increments and records, it looks nothing up and allocates
 * nothing of its own.
 */
final class OptimizerMeters implements StepListener {

    private final Counter applied;
    private final Counter skipped;
    private final Counter rejected;
    private final Counter clipped;
    private final DistributionSummary gradientNorm;
    private final Gauge learningRate;

    OptimizerMeters(Optimizer optimizer, MeterRegistry registry) {
        Tags tags = Tags.of(AdamMetrics.TAG_NAME, optimizer.name());
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
        gradientNorm.record(event.gradientNorm());
        if (event.clipped()) {
            clipped.increment();
        }
    }

    @Override
    public void onRejected(String optimizerName, long count, RuntimeException error) {
        rejected.increment();
    }

    List<Meter> meters() {
        return List.of(applied, skipped, rejected, clipped, gradientNorm, learningRate);
    }
}
