package io.github.skrl4j.adam.distributed;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;

/**
 * A {@link Collective} that hands every call to {@link #delegate()}, asked afresh for each call: extend it
 * to change a few calls of another collective (a decorator), or to run each operation on whichever world
 * is current. Overrides of single methods keep the forwarding of the others.
 */
public abstract class ForwardingCollective implements Collective {

    /** Constructor for subclasses. */
    protected ForwardingCollective() {
    }

    /** The collective this call goes to. */
    protected abstract Collective delegate();

    @Override
    public int rank() {
        return delegate().rank();
    }

    @Override
    public int worldSize() {
        return delegate().worldSize();
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        delegate().broadcast(tensors, root);
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        return delegate().broadcast(state, root);
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        return delegate().broadcast(values, root);
    }

    @Override
    public long[] allGather(long value) {
        return delegate().allGather(value);
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        delegate().allReduceSum(gradients);
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        delegate().allReduceMean(gradients);
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        return delegate().checkDivergence(parameters);
    }

    @Override
    public void close() {
        delegate().close();
    }
}
