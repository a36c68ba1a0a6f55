package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.WorldFormation;
import org.jspecify.annotations.Nullable;

/**
 * The replicas' world as the training loop needs it: a {@link Collective} whose operations run on the current
 * world (forming the first one when needed), which re-forms by itself when it broke ({@link #reform}), within a
 * restart budget. In the application it is the starter's {@code DistributedTraining} bean ({@code StarterWorld});
 * in tests, a {@link ReformingWorld} over {@code LocalCollectives.formations}.
 *
 * <p>{@link #rank()} may have to form the first world to know the rank (with ranks in join order);
 * {@link #configuredRank()}, {@link #worldSize()}, {@link #status()}, {@link #restarts()} and
 * {@link #lastFailure()} never wait.
 */
public interface ReformableWorld extends Collective {

    /**
     * The world broke (an operation failed with {@code cause}): waits, bounded, until a new world with every
     * replica has formed; the operations from now on run on it.
     *
     * @throws CollectiveException when the restart budget is used up, or the replicas did not all come back in
     *                             time: the world is then broken for good
     */
    void reform(Throwable cause);

    /** Where the world stands now. */
    ReformingWorld.Status status();

    /** Re-formations so far (the first formation is none). */
    int restarts();

    /** What broke the world last, or {@code null} if it never broke. */
    @Nullable String lastFailure();

    /** This replica's rank in every world it forms, or {@link WorldFormation#UNASSIGNED} when it follows join order. */
    int configuredRank();

    /**
     * A world formed already that never re-forms (any collective bean of the application's own): its first
     * failure breaks it for good.
     */
    static ReformableWorld fixed(Collective world) {
        return new FixedWorld(world);
    }
}
