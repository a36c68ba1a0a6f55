package io.github.skrl4j.sample.faults;

import io.github.skrl4j.adam.distributed.CollectiveException;

/**
 * Makes this replica's next collective operation fail as a failed send would ({@code TRANSPORT}), with every
 * replica alive: the world breaks, every replica goes back to its last consistent state, and the world re-forms
 * with the same members and trains on.
 */
public final class CollectiveFailureFault extends OperationFault {

    /** The next collective operation of this replica fails (once). */
    public void failNextOperation() {
        arm();
    }

    @Override
    RuntimeException failure(String operation) {
        return new CollectiveException(CollectiveException.Reason.TRANSPORT, "cannot send " + operation
                + ": the collective-failure fault failed this send (sample.faults)");
    }
}
