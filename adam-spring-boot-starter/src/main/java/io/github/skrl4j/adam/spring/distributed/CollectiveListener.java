package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;

/** Hears every operation of a {@link DistributedTraining}: what the meters are made of. */
public interface CollectiveListener {

    /**
     * An operation that moved tensor values completed.
     *
     * @param operation {@code all-reduce-mean}, {@code all-reduce-sum}, {@code broadcast} or {@code broadcast-state}
     * @param nanos     how long it took on this replica
     * @param bytes     bytes of tensor values it covered (4 per float)
     */
    default void onOperation(String operation, long nanos, long bytes) {
    }

    /** A divergence check completed. */
    default void onDivergenceCheck(DivergenceCheck check) {
    }

    /**
     * An operation failed ({@code form} when the first world did not form); the current world is broken until
     * it re-forms.
     */
    default void onFailure(String operation, CollectiveException failure) {
    }
}
