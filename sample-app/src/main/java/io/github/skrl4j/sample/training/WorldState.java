package io.github.skrl4j.sample.training;

/** Where a replica's world of data-parallel training is, as {@code /api/training} and the dashboard show it. */
public enum WorldState {
    /**
     * Not every replica is there yet: the replicas are joining, agreeing on the state to start from and comparing
     * it. Not ready to train, nothing broken (the {@code training} health is OUT_OF_SERVICE).
     */
    FORMING,
    /** Every replica started from the same state and they train in lockstep. */
    TRAINING,
    /**
     * The world broke (a replica left or froze, an operation failed, the replicas diverged): this replica went
     * back to its last consistent state and waits, within the restart budget, for every replica to be back;
     * then the world resumes from one state. Not ready, nothing lost (the {@code training} health is
     * OUT_OF_SERVICE, the run stays RUNNING).
     */
    REFORMING,
    /** The run ended without a failure (solved, out of budget, or stopped). */
    DONE,
    /**
     * The world broke for good (the restart budget was used up, the replicas did not come back in time, their
     * states mismatched) or this replica's run failed: the run is FAILED; restart every replica.
     */
    BROKEN
}
