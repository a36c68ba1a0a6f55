package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.ForwardingCollective;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A world whose collective operations first pass {@code beforeOperation} their name, which may fail them before
 * they start (the sample's collective-failure and training-failure faults); everything else is the world's.
 */
final class InterceptedWorld extends ForwardingCollective implements ReformableCollective {

    private final ReformableCollective world;
    private final Consumer<String> beforeOperation;

    InterceptedWorld(ReformableCollective world, Consumer<String> beforeOperation) {
        this.world = Objects.requireNonNull(world, "world");
        this.beforeOperation = Objects.requireNonNull(beforeOperation, "beforeOperation");
    }

    @Override
    protected ReformableCollective delegate() {
        return world;
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        beforeOperation.accept("broadcast");
        super.broadcast(tensors, root);
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        beforeOperation.accept("broadcast-state");
        return super.broadcast(state, root);
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        beforeOperation.accept("broadcast-longs");
        return super.broadcast(values, root);
    }

    @Override
    public long[] allGather(long value) {
        beforeOperation.accept("all-gather");
        return super.allGather(value);
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        beforeOperation.accept("all-reduce-sum");
        super.allReduceSum(gradients);
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        beforeOperation.accept("all-reduce-mean");
        super.allReduceMean(gradients);
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        beforeOperation.accept("divergence-check");
        return super.checkDivergence(parameters);
    }

    @Override
    public void reform(Throwable cause) {
        world.reform(cause);
    }

    @Override
    public void giveUp(Throwable cause) {
        world.giveUp(cause);
    }

    @Override
    public ReformingWorld.Status status() {
        return world.status();
    }

    @Override
    public int restarts() {
        return world.restarts();
    }

    @Override
    public @Nullable String lastFailure() {
        return world.lastFailure();
    }

    @Override
    public int configuredRank() {
        return world.configuredRank();
    }
}
