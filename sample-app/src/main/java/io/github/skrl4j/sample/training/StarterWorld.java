package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.spring.distributed.DistributedTraining;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The starter's {@link DistributedTraining} bean (a facade over a {@link ReformingWorld} on the Hazelcast cluster,
 * configured by {@code skrl.optim.adam.distributed.*}) as the world the training loop needs.
 */
final class StarterWorld implements ReformableWorld {

    private final DistributedTraining training;

    StarterWorld(DistributedTraining training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    @Override
    public void reform(Throwable cause) {
        training.reform(cause);
    }

    @Override
    public ReformingWorld.Status status() {
        return training.status();
    }

    @Override
    public int restarts() {
        return training.restarts();
    }

    @Override
    public @Nullable String lastFailure() {
        return training.lastFailure();
    }

    @Override
    public int configuredRank() {
        return training.configuredRank();
    }

    @Override
    public int rank() {
        return training.rank();
    }

    @Override
    public int worldSize() {
        return training.worldSize();
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        training.broadcast(tensors, root);
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        return training.broadcast(state, root);
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        return training.broadcast(values, root);
    }

    @Override
    public long[] allGather(long value) {
        return training.allGather(value);
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        training.allReduceSum(gradients);
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        training.allReduceMean(gradients);
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        return training.checkDivergence(parameters);
    }

    @Override
    public void close() {
        training.close();
    }
}
