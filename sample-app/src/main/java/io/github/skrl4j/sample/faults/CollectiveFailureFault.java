package io.github.skrl4j.sample.faults;

import io.github.skrl4j.adam.distributed.CollectiveException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes this replica's next collective operation fail as a failed send would ({@code TRANSPORT}), with every
 * replica alive: the world breaks, every replica goes back to its last consistent state, and the world re-forms
 * with the same members and trains on. The training's collective asks {@link #beforeOperation} before each
 * operation; disarmed, that costs one volatile read.
 */
public final class CollectiveFailureFault {

    private final AtomicBoolean armed = new AtomicBoolean();

    /** The next collective operation of this replica fails (once). */
    public void failNextOperation() {
        armed.set(true);
    }

    /** Whether the next operation will fail. */
    public boolean isArmed() {
        return armed.get();
    }

    /**
     * Called before every collective operation of this replica; fails the first one after
     * {@link #failNextOperation}.
     *
     * @throws CollectiveException {@code TRANSPORT}, once armed; the operation is then not started
     */
    public void beforeOperation(String operation) {
        if (armed.get() && armed.compareAndSet(true, false)) {
            throw new CollectiveException(CollectiveException.Reason.TRANSPORT, "cannot send " + operation
                    + ": the collective-failure fault failed this send (sample.faults)");
        }
    }
}
