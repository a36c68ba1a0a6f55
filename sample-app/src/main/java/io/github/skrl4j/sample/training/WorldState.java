package io.github.skrl4j.sample.training;

/** Where a replica's world of data-parallel training is, as {@code /api/training} and the dashboard show it. */
public enum WorldState {
    /**
     * Not every replica is there yet: the replicas are joining, taking rank 0's networks and comparing their
     * start state. Not ready to train, nothing broken (the {@code training} health is OUT_OF_SERVICE).
     */
    FORMING,
    /** Every replica started from the same state and they train in lockstep. */
    TRAINING,
    /** The run ended without a failure (solved, out of budget, or stopped). */
    DONE,
    /**
     * An operation failed (a replica left, a timeout, a mismatch) or this replica's run failed: this world
     * cannot train on; restart every replica from rank 0's last checkpoint.
     */
    BROKEN
}
