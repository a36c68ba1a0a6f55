package io.github.skrl4j.sample.faults;

/**
 * Makes this replica's own training fail for good, as a bug or a guard would (an {@link IllegalStateException}
 * on the training thread, not a failure of the world): its run ends {@code FAILED}, it gives up, and the other
 * replicas stop waiting for it at once. The failure comes at its next collective operation.
 */
public final class TrainingFailureFault extends OperationFault {

    /** This replica's training fails at its next collective operation (once). */
    public void failTraining() {
        arm();
    }

    @Override
    RuntimeException failure(String operation) {
        return new IllegalStateException("the training-failure fault failed this replica's training before its "
                + operation + " (sample.faults)");
    }
}
