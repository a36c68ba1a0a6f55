package io.github.skrl4j.adam;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One checkpoint save or load of an {@link Optimizer}, as {@link StepListener#onCheckpoint} hears it:
 * which file, at which count, how long it took and, for a save that failed, why. Immutable.
 */
public final class CheckpointEvent {

    /** What happened to the file. */
    public enum Operation {
        /** {@link Optimizer#save(Path)}. */
        SAVE,
        /** {@link Optimizer#loadWith(Path, Model, java.util.function.UnaryOperator)}. */
        LOAD
    }

    private final String optimizerName;
    private final Operation operation;
    private final Path file;
    private final long count;
    private final long durationNanos;
    private final @Nullable RuntimeException failure;

    /**
     * @param optimizerName the optimizer's {@link Adam#name()}
     * @param operation     save or load
     * @param file          the checkpoint file
     * @param count         the count saved or loaded
     * @param durationNanos wall time of the operation, {@code >= 0}
     * @param failure       the exception the operation throws, or {@code null} when it succeeded
     */
    public CheckpointEvent(String optimizerName, Operation operation, Path file, long count, long durationNanos,
            @Nullable RuntimeException failure) {
        this.optimizerName = Objects.requireNonNull(optimizerName, "optimizerName");
        this.operation = Objects.requireNonNull(operation, "operation");
        this.file = Objects.requireNonNull(file, "file");
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos must be >= 0, was " + durationNanos);
        }
        this.count = count;
        this.durationNanos = durationNanos;
        this.failure = failure;
    }

    /** The optimizer's {@link Adam#name()}. */
    public String optimizerName() {
        return optimizerName;
    }

    /** Save or load. */
    public Operation operation() {
        return operation;
    }

    /** The checkpoint file, as given to {@code save} or {@code load}. */
    public Path file() {
        return file;
    }

    /** The count written to the file (for a failed save: the count it was writing) or read from it. */
    public long count() {
        return count;
    }

    /**
     * Wall time in nanoseconds ({@link System#nanoTime()}): for a save, from the call (a wait for a
     * step in progress included) to the file renamed in place or the failure; for a load, reading,
     * checking and restoring the file. The listeners are not included.
     */
    public long durationNanos() {
        return durationNanos;
    }

    /** The exception the operation throws after the listeners heard it, or {@code null} if it succeeded. */
    public @Nullable RuntimeException failure() {
        return failure;
    }

    /** True when the operation succeeded. */
    public boolean succeeded() {
        return failure == null;
    }

    @Override
    public String toString() {
        return "CheckpointEvent[" + optimizerName + " " + operation + " " + file + " count=" + count
                + " durationNanos=" + durationNanos + (failure == null ? "" : " failure=" + failure) + "]";
    }
}
