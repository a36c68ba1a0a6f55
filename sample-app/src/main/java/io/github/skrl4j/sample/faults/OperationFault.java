package io.github.skrl4j.sample.faults;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A drill's switch that fails one collective operation of this replica: armed by its endpoint, it fails the
 * first operation the training's collective starts afterwards ({@link #beforeOperation}), once, with the
 * exception its kind of fault stands for; disarmed, asking costs one volatile read.
 */
public abstract sealed class OperationFault permits CollectiveFailureFault, TrainingFailureFault {

    private final AtomicBoolean armed = new AtomicBoolean();

    /** The next collective operation of this replica fails (once). */
    final void arm() {
        armed.set(true);
    }

    /** Whether the next operation will fail. */
    public final boolean isArmed() {
        return armed.get();
    }

    /**
     * Called before every collective operation of this replica; fails the first one after it was armed.
     *
     * @throws RuntimeException the fault's {@link #failure}, once armed; the operation is then not started
     */
    public final void beforeOperation(String operation) {
        if (armed.get() && armed.compareAndSet(true, false)) {
            throw failure(operation);
        }
    }

    /** What the armed fault throws before {@code operation}. */
    abstract RuntimeException failure(String operation);
}
