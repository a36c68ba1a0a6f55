package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Each resume as a Micrometer {@link Observation} named {@value AdamMetrics#CHECKPOINT}: with
 * Micrometer's meter handler a timer (and a long-task timer while it runs), with tracing a span.
 * Low-cardinality keys {@value AdamMetrics#TAG_NAME}, {@value AdamMetrics#TAG_OPERATION}
 * ({@value AdamMetrics#OPERATION_LOAD}) and {@value AdamMetrics#TAG_OUTCOME}; the file and the count
 * loaded are high-cardinality (span tags, never meter tags).
 */
final class ObservationResumeObserver implements ResumeObserver {

    /** The high-cardinality key holding the checkpoint file. */
    static final String KEY_FILE = "file";
    /** The high-cardinality key holding the count resumed at. */
    static final String KEY_COUNT = "count";

    private final ObservationRegistry registry;

    ObservationResumeObserver(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Optimizer observe(String name, Path file, Supplier<Optimizer> resume) {
        Observation observation = Observation.createNotStarted(AdamMetrics.CHECKPOINT, registry)
                .contextualName("resume " + name)
                .lowCardinalityKeyValue(AdamMetrics.TAG_NAME, name)
                .lowCardinalityKeyValue(AdamMetrics.TAG_OPERATION, AdamMetrics.OPERATION_LOAD)
                .highCardinalityKeyValue(KEY_FILE, file.toString())
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            Optimizer resumed = resume.get();
            observation.lowCardinalityKeyValue(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_SUCCESS)
                    .highCardinalityKeyValue(KEY_COUNT, Long.toString(resumed.count()));
            return resumed;
        } catch (RuntimeException e) {
            observation.lowCardinalityKeyValue(AdamMetrics.TAG_OUTCOME, AdamMetrics.OUTCOME_FAILURE).error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }
}
