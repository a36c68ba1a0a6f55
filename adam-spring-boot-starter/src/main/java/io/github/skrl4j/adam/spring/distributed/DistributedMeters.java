package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The {@code skrl.optim.adam.distributed.*} meters of a {@link DistributedTraining}. */
public final class DistributedMeters implements CollectiveListener {

    /** Timer of collective operations, tagged {@value #TAG_OPERATION}. */
    public static final String OPERATION_TIME = "skrl.optim.adam.distributed.operation";
    /** Counter of bytes of tensor values the operations covered, tagged {@value #TAG_OPERATION}. */
    public static final String OPERATION_BYTES = "skrl.optim.adam.distributed.operation.bytes";
    /** Counter of failed operations, tagged {@value #TAG_OPERATION} and {@code reason}. */
    public static final String OPERATION_FAILURES = "skrl.optim.adam.distributed.operation.failures";
    /** Gauge of the world size. */
    public static final String WORLD_SIZE = "skrl.optim.adam.distributed.world.size";
    /** Gauge of this replica's rank. */
    public static final String RANK = "skrl.optim.adam.distributed.rank";
    /** Function counter of the world's re-formations so far (the first formation is none). */
    public static final String RESTARTS = "skrl.optim.adam.distributed.world.restarts";
    /**
     * Gauge per {@value #TAG_STATUS} ({@code forming}, {@code formed}, {@code reforming}, {@code broken},
     * {@code closed}): 1 for where the world stands now, 0 for the others.
     */
    public static final String WORLD_STATUS = "skrl.optim.adam.distributed.world.status";
    /** Counter of divergence checks, tagged {@value #TAG_OUTCOME} ({@code consistent} or {@code diverged}). */
    public static final String DIVERGENCE_CHECKS = "skrl.optim.adam.distributed.divergence.checks";
    /** The tag naming the operation. */
    public static final String TAG_OPERATION = "operation";
    /** The tag of a world status. */
    public static final String TAG_STATUS = "status";
    /** The tag of a divergence check's outcome. */
    public static final String TAG_OUTCOME = "outcome";

    private final MeterRegistry registry;

    private DistributedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauges and listens to {@code training}. */
    public static DistributedMeters bind(DistributedTraining training, MeterRegistry registry) {
        DistributedMeters meters = new DistributedMeters(registry);
        Gauge.builder(WORLD_SIZE, training, DistributedTraining::worldSize).register(registry);
        // never waits for a formation: NaN until the rank is known
        Gauge.builder(RANK, training, DistributedTraining::knownRank).register(registry);
        FunctionCounter.builder(RESTARTS, training, DistributedTraining::restarts).register(registry);
        for (ReformingWorld.Status status : ReformingWorld.Status.values()) {
            Gauge.builder(WORLD_STATUS, training, t -> t.status() == status ? 1 : 0)
                    .tag(TAG_STATUS, status.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        training.addListener(meters);
        return meters;
    }

    @Override
    public void onOperation(String operation, long nanos, long bytes) {
        Timer.builder(OPERATION_TIME).tag(TAG_OPERATION, operation).register(registry).record(nanos,
                TimeUnit.NANOSECONDS);
        Counter.builder(OPERATION_BYTES).baseUnit("bytes").tag(TAG_OPERATION, operation).register(registry)
                .increment(bytes);
    }

    @Override
    public void onDivergenceCheck(DivergenceCheck check) {
        Counter.builder(DIVERGENCE_CHECKS).tag(TAG_OUTCOME, check.consistent() ? "consistent" : "diverged")
                .register(registry).increment();
    }

    @Override
    public void onFailure(String operation, CollectiveException failure) {
        Counter.builder(OPERATION_FAILURES).tag(TAG_OPERATION, operation)
                .tag("reason", failure.reason().name().toLowerCase(Locale.ROOT)).register(registry)
                .increment();
    }
}
