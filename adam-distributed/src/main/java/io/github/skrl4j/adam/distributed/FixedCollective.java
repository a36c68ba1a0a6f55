package io.github.skrl4j.adam.distributed;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link ReformableCollective#fixed}: one formed world, whose first failure is final. */
final class FixedCollective extends ForwardingCollective implements ReformableCollective {

    private final Collective world;
    private volatile @Nullable String lastFailure;

    FixedCollective(Collective world) {
        this.world = Objects.requireNonNull(world, "world");
    }

    @Override
    public void reform(Throwable cause) {
        lastFailure = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        throw new CollectiveException(CollectiveException.Reason.BROKEN, "the world broke (" + cause.getMessage()
                + ") and this collective does not re-form", cause);
    }

    @Override
    public ReformingWorld.Status status() {
        return lastFailure == null ? ReformingWorld.Status.FORMED : ReformingWorld.Status.BROKEN;
    }

    @Override
    public int restarts() {
        return 0;
    }

    @Override
    public @Nullable String lastFailure() {
        return lastFailure;
    }

    @Override
    public int configuredRank() {
        return world.rank();
    }

    @Override
    protected Collective delegate() {
        return world;
    }

    @Override
    public String toString() {
        return "FixedCollective[" + world + "]";
    }
}
