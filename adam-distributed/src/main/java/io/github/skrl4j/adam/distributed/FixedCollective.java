package io.github.skrl4j.adam.distributed;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link ReformableCollective#fixed}: one formed world, whose first failure is final. */
final class FixedCollective implements ReformableCollective {

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
    public int rank() {
        return world.rank();
    }

    @Override
    public int worldSize() {
        return world.worldSize();
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        world.broadcast(tensors, root);
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        return world.broadcast(state, root);
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        return world.broadcast(values, root);
    }

    @Override
    public long[] allGather(long value) {
        return world.allGather(value);
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        world.allReduceSum(gradients);
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        world.allReduceMean(gradients);
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        return world.checkDivergence(parameters);
    }

    @Override
    public void close() {
        world.close();
    }

    @Override
    public String toString() {
        return "FixedCollective[" + world + "]";
    }
}
