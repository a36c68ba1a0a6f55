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

    /** False once a collective operation failed or the replicas diverged. */
    boolean healthy();
}
