package io.github.skrl4j.sample.faults;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes this replica's own training fail for good, as a bug or a guard would (an {@link IllegalStateException}
 * on the training thread, not a failure of the world): its run ends {@code FAILED}, it gives up, and the other
 * replicas stop waiting for it at once. The training's collective asks {@link #beforeOperation} before each
 * operation, so the failure comes at the next one; disarmed, that costs one volatile read.
 */
public final class TrainingFailureFault {

    private final AtomicBoolean armed = new AtomicBoolean();

    /** This replica's training fails at its next collective operation (once). */
    public void failTraining() {
        armed.set(true);
    }

    /** Whether the training will fail. */
    public boolean isArmed() {
        return armed.get();
    }

    /**
     * Called before every collective operation of this replica; fails the training at the first one after
     * {@link #failTraining}.
     *
     * @throws IllegalStateException once armed; the operation is then not started
     */
    public void beforeOperation(String operation) {
        if (armed.get() && armed.compareAndSet(true, false)) {
            throw new IllegalStateException("the training-failure fault failed this replica's training before its "
                    + operation + " (sample.faults)");
        }
    }
}
