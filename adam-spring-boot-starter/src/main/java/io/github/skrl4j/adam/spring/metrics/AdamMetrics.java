package io.github.skrl4j.adam.spring.metrics;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Binds every optimizer of an {@link OptimizerRegistry} to a {@link MeterRegistry}: meters are
 * registered when an optimizer is registered and removed from the meter registry when it is removed,
 * replaced or closed, all tagged {@value #TAG_NAME} with the optimizer's name.
 *
 * <p>{@link #bindTo(OptimizerRegistry)} once; optimizers already registered are bound at once.
 */
public final class AdamMetrics implements OptimizerRegistry.Listener {

    /**
     * Counter of step calls by {@value #TAG_OUTCOME}: {@value #OUTCOME_APPLIED}, {@value #OUTCOME_SKIPPED}
     * (a non-finite gradient under non-finite=skip) or {@value #OUTCOME_REJECTED} (refused with an
     * exception, nothing changed).
     */
    public static final String STEPS = "skrl.optim.adam.steps";
    /** Distribution summary of the global gradient norm before clipping. */
    public static final String GRADIENT_NORM = "skrl.optim.adam.gradient.norm";
    /** Counter of steps whose gradient clipping scaled down. */
    public static final String GRADIENT_CLIPPED = "skrl.optim.adam.gradient.clipped";
    /** Gauge of the last applied learning rate. */
    public static final String LEARNING_RATE = "skrl.optim.adam.learning.rate";
    /**
     * Timer of the wall time of every applied step, for an optimizer that
     * {@linkplain io.github.skrl4j.adam.Adam#measuresStepDuration() measures it}
     * ({@code skrl.optim.adam.metrics.step-duration.enabled}).
     */
    public static final String STEP_DURATION = "skrl.optim.adam.step.duration";
    /**
     * Timer of checkpoint saves and loads, tags {@value #TAG_NAME}, {@value #TAG_OPERATION},
     * {@value #TAG_OUTCOME} and {@value #TAG_ERROR}: saves from their {@link io.github.skrl4j.adam.CheckpointEvent},
     * {@code OptimizerFactory.resume} as a Micrometer Observation of the same name.
     */
    public static final String CHECKPOINT = "skrl.optim.adam.checkpoint";
    /** The tag holding the optimizer's name. */
    public static final String TAG_NAME = "name";
    /**
     * The tag of {@value #STEPS} saying how a step call ended, and of {@value #CHECKPOINT} saying
     * {@value #OUTCOME_SUCCESS} or {@value #OUTCOME_FAILURE}.
     */
    public static final String TAG_OUTCOME = "outcome";
    /** The tag of {@value #CHECKPOINT} saying {@value #OPERATION_SAVE} or {@value #OPERATION_LOAD}. */
    public static final String TAG_OPERATION = "operation";
    /**
     * The tag of {@value #CHECKPOINT} naming the exception's simple class name, or {@code none}: the
     * key Micrometer's {@code DefaultMeterObservationHandler} adds, so saves and observed loads share
     * one set of tag keys.
     */
    public static final String TAG_ERROR = "error";
    /** {@value #TAG_OPERATION} of a save. */
    public static final String OPERATION_SAVE = "save";
    /** {@value #TAG_OPERATION} of a load (the factory's resume). */
    public static final String OPERATION_LOAD = "load";
    /** {@value #TAG_OUTCOME} of a checkpoint operation that succeeded. */
    public static final String OUTCOME_SUCCESS = "success";
    /** {@value #TAG_OUTCOME} of a checkpoint operation that threw. */
    public static final String OUTCOME_FAILURE = "failure";
    /** {@value #TAG_OUTCOME} of a step that was applied. */
    public static final String OUTCOME_APPLIED = "applied";
    /** {@value #TAG_OUTCOME} of a step skipped for a non-finite gradient. */
    public static final String OUTCOME_SKIPPED = "skipped";
    /** {@value #TAG_OUTCOME} of a step refused with an exception. */
    public static final String OUTCOME_REJECTED = "rejected";

    private final MeterRegistry meterRegistry;
    private final Map<Optimizer, OptimizerMeters> bound = new IdentityHashMap<>();

    /** Meters go to {@code meterRegistry}. */
    public AdamMetrics(MeterRegistry meterRegistry) {
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
    }

    /** Starts following {@code registry}; returns this. */
    public AdamMetrics bindTo(OptimizerRegistry registry) {
        registry.addListener(this);
        return this;
    }

    @Override
    public synchronized void onRegistered(Optimizer optimizer) {
        if (bound.containsKey(optimizer)) {
            return;
        }
        OptimizerMeters meters = new OptimizerMeters(optimizer, meterRegistry);
        bound.put(optimizer, meters);
        optimizer.addListener(meters);
    }

    @Override
    public synchronized void onRemoved(Optimizer optimizer) {
        OptimizerMeters meters = bound.remove(optimizer);
        if (meters == null) {
            return;
        }
        optimizer.removeListener(meters);
        for (Meter meter : meters.meters()) {
            meterRegistry.remove(meter);
        }
    }
}
