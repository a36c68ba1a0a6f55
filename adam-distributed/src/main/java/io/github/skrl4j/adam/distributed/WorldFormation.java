package io.github.skrl4j.adam.distributed;

import java.time.Duration;

/**
 * Forms worlds of a cluster's replicas, one after another: the first when training starts, and a new
 * one each time the last broke (a replica was lost or frozen, an operation failed), once the cluster
 * has all its replicas again. A cluster module implements it ({@code adam-hazelcast}); a
 * {@link ReformingWorld} drives it within a {@link RestartPolicy}.
 *
 * <p>Ranks given by configuration ({@link #configuredRank()}) are the same in every world this
 * replica forms, so that whatever follows from a rank (a seed, the checkpoint writer) follows the
 * replica across restarts.
 */
public interface WorldFormation extends AutoCloseable {

    /** {@link #configuredRank()} of a replica whose rank follows the order in which it joined. */
    int UNASSIGNED = -1;

    /** Number of replicas every world has. */
    int worldSize();

    /**
     * This replica's rank in every world it forms, in {@code [0, worldSize)}; {@link #UNASSIGNED} when
     * ranks follow join order and are known only once a world has formed.
     */
    int configuredRank();

    /**
     * Forms a new world with every replica, waiting until the cluster has all of them, at most
     * {@code timeout}. Close the previous world before forming the next.
     *
     * @throws CollectiveException   {@code TIMEOUT} if the world is not whole in time,
     *                               {@code INTERRUPTED}, {@code TRANSPORT} if the data plane fails
     * @throws IllegalStateException if the configuration can form no world (more replicas than the
     *                               world, two replicas configured with one rank, an insecure bind)
     */
    Collective form(Duration timeout);

    /**
     * This replica gives up for good (its own run failed: it will not come back): tells the other replicas
     * that it gave up and why, so that their formations, in progress or later, fail at once with
     * {@link CollectiveException.Reason#GAVE_UP} naming this replica and {@code reason} instead of waiting
     * for it; then closes as {@link #close()} does. A replica that leaves to come back (a restart) closes
     * instead, and is waited for. This default only closes: the others then wait for it as for a restart.
     *
     * @param reason why, for the others' errors (a cluster module may shorten it)
     */
    default void giveUp(String reason) {
        close();
    }

    /** Releases what the formations hold (the data plane's listening socket); forms no more worlds. */
    @Override
    void close();
}
