package io.github.skrl4j.sample.training;

/** Where a training run is. */
public enum TrainingStatus {
    /** Created, not started yet: the application is still starting. */
    IDLE,
    /** Collecting steps and updating. */
    RUNNING,
    /** The mean return over the last 100 episodes reached the threshold. */
    SOLVED,
    /** The environment-step budget ran out before solving. */
    BUDGET_EXHAUSTED,
    /** Training threw: the error is reported with the status. */
    FAILED,
    /** Stopped from outside, by the application shutting down. */
    STOPPED;

    /** True once the run is over, whichever way. */
    public boolean isFinal() {
        return this != IDLE && this != RUNNING;
    }
}
