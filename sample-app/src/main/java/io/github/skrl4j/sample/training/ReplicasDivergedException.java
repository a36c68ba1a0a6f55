package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.distributed.DivergenceCheck;

/**
 * The replicas' parameters differ after an update: the world is no longer in lockstep. Like a failed collective
 * operation, it breaks the world, which re-forms from the last state every replica was shown to hold.
 */
final class ReplicasDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ReplicasDivergedException(DivergenceCheck check) {
        super("replicas diverged: " + check);
    }
}
