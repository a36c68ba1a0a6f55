package io.github.skrl4j.adam.distributed;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Collective} whose world re-forms: its operations run on the current world (forming the first
 * one when needed), and after one of them failed the training loop restores its last consistent state
 * and calls {@link #reform}, which waits, bounded, until a new world with every replica stands. A
 * {@link ReformingWorld}'s {@link ReformingWorld#collective() collective()} is one; so is the Spring
 * Boot starter's {@code DistributedTraining} bean; {@link #fixed} makes any formed collective one whose
 * first failure is final.
 *
 * <p>{@link #rank()} may have to form the first world to know the rank (with ranks in join order);
 * {@link #configuredRank()}, {@link #worldSize()}, {@link #status()}, {@link #restarts()} and
 * {@link #lastFailure()} never wait.
 */
public interface ReformableCollective extends Collective {

    /**
     * The world broke (an operation failed with {@code cause}): waits, bounded, until a new world with
     * every replica has formed; operations from now on run on it.
     *
     * @throws CollectiveException when the restart budget is used up, or the replicas did not all come
     *                             back in time: the world is then broken for good
     */
    void reform(Throwable cause);

    /**
     * This replica's own run failed for good ({@code cause}: a bug, a guard, a bad state; not a failure of
     * the world): leaves the world and tells the other replicas, whose re-formation then fails at once
     * naming this replica and {@code cause} instead of waiting for it. Call it only when this replica will
     * not come back; one that stops to be restarted (a rolling restart) just closes, and is waited for.
     * This default only closes (the others then wait for it as for a restart); {@link ReformingWorld}'s
     * collective tells them.
     */
    default void giveUp(Throwable cause) {
        close();
    }

    /** Where the world stands now. */
    ReformingWorld.Status status();

    /** Re-formations so far (the first formation is none). */
    int restarts();

    /** What broke the world last, or {@code null} if it never broke. */
    @Nullable String lastFailure();

    /** This replica's rank in every world it forms, or {@link WorldFormation#UNASSIGNED} with ranks in join order. */
    int configuredRank();

    /** A formed collective that never re-forms: its first failure breaks it for good ({@link #reform} throws). */
    static ReformableCollective fixed(Collective world) {
        return new FixedCollective(world);
    }
}
