package io.github.skrl4j.adam.spring.actuate;

import java.util.Map;

/**
 * What the {@code optimizers} endpoint and health show of a replica that trains data-parallel: its
 * rank, world size and last divergence check, and whether its world can still train. Implemented
 * by the starter's distributed training; the endpoint and health know only this view of it.
 */
public interface ReplicaWorld {

    /** Rank, world size and the last divergence check, as the endpoint's and health's details show them. */
    Map<String, Object> describe();

    /** False once a collective operation failed or the replicas diverged (until the world re-forms). */
    boolean healthy();

    /** Where a replica's world is, as the {@code optimizers} health judges it. */
    enum State {
        /** Not every rank has joined yet: the replica cannot train, but nothing is wrong (OUT_OF_SERVICE). */
        FORMING,
        /** Every rank is there and no operation has failed (UP). */
        FORMED,
        /**
         * The world broke and is forming again: the live replicas wait (within a restart budget) for the lost or
         * frozen one to be back; not ready to train, but not dead either (OUT_OF_SERVICE).
         */
        REFORMING,
        /** An operation failed or the replicas diverged, or the world broke for good: it cannot train on (DOWN). */
        BROKEN
    }

    /**
     * Where the world is. By default {@link State#FORMED} while {@link #healthy()}, else {@link State#BROKEN};
     * an implementation whose application is up before every rank has joined reports {@link State#FORMING}
     * until then, and one whose world re-forms after a failure {@link State#REFORMING} meanwhile.
     */
    default State state() {
        return healthy() ? State.FORMED : State.BROKEN;
    }
}
