package io.github.skrl4j.adam.distributed;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;

/**
 * The collective operations of synchronous data parallelism, on one rank of a fixed world of
 * {@link #worldSize()} ranks. Every rank calls the same operations in the same order with tensors of
 * the same layout (names, shapes, order); each call returns when every rank has done its part.
 *
 * <p>Results are bit-identical on every rank. Sums and means are computed per value in one fixed
 * order: in double, rank 0's value plus rank 1's, ... up to rank N-1's; the sum is then rounded once
 * to float, the mean is divided by N in double and then rounded once to float.
 *
 * <p>A failed operation (a rank left, a timeout, the collective closed) throws
 * {@link CollectiveException} and has modified nothing on this rank; the collective is then broken
 * for good. An instance is for one thread at a time.
 *
 * <pre>{@code
 * collective.broadcast(policy);                 // rank 0's initial parameters everywhere
 * optimizer = Optimizer.restore(config, policy, collective.broadcast(optimizer.state()));
 * for (...) {
 *     Tensors grad = computeGradients(myBatch);
 *     collective.allReduceMean(grad);           // every rank now holds the same averaged gradient
 *     optimizer.step(grad, policy);             // so every rank takes the same step
 * }
 * }</pre>
 */
public interface Collective extends AutoCloseable {

    /** This replica's rank, in {@code [0, worldSize)}; rank 0 broadcasts and usually checkpoints. */
    int rank();

    /** Number of replicas in the world, fixed for the collective's life. */
    int worldSize();

    /** The most longs one {@link #broadcast(long[], int)} carries. */
    int MAX_BROADCAST_LONGS = 63;

    /**
     * Overwrites {@code tensors}' values, in place, with rank 0's (rank 0's stay as they are): the same
     * as {@code broadcast(tensors, 0)}.
     *
     * @throws CollectiveException if the operation failed ({@code MISMATCH} if the ranks' layouts
     *                             differ); {@code tensors} is then unchanged
     */
    default void broadcast(Tensors tensors) {
        broadcast(tensors, 0);
    }

    /**
     * Overwrites {@code tensors}' values, in place, with rank {@code root}'s (the root's stay as they
     * are). Every rank names the same root: after a world re-forms, the rank holding the newest state
     * ({@link NewestState#elect}) is the root.
     *
     * @throws CollectiveException      if the operation failed ({@code MISMATCH} if the ranks' layouts
     *                                  differ); {@code tensors} is then unchanged
     * @throws IllegalArgumentException if {@code root} is not a rank of the world (nothing is sent)
     */
    void broadcast(Tensors tensors, int root);

    /**
     * Rank 0's optimizer state: the same as {@code broadcast(state, 0)}.
     *
     * @throws CollectiveException if the operation failed; {@code state} is then unchanged
     */
    default OptimizerState broadcast(OptimizerState state) {
        return broadcast(state, 0);
    }

    /**
     * Rank {@code root}'s optimizer state: on the root {@code state} itself, elsewhere {@code state}
     * with the root's count and its moments written into {@code state}'s tensors. Restore the optimizer
     * from it with {@code Optimizer.restore(config, model, result)}.
     *
     * @throws CollectiveException      if the operation failed; {@code state} is then unchanged
     * @throws IllegalArgumentException if {@code root} is not a rank of the world
     */
    OptimizerState broadcast(OptimizerState state, int root);

    /**
     * Rank {@code root}'s {@code values} (an application's counters, say): on the root a copy of
     * {@code values}, elsewhere the root's, in a new array. Every rank passes as many values (at most
     * {@link #MAX_BROADCAST_LONGS}); their contents matter on the root only.
     *
     * @throws CollectiveException      if the operation failed ({@code MISMATCH} if the root sent
     *                                  another number of values)
     * @throws IllegalArgumentException if {@code root} is not a rank of the world, or there are more
     *                                  than {@link #MAX_BROADCAST_LONGS} values
     */
    long[] broadcast(long[] values, int root);

    /**
     * Every rank's {@code value}, indexed by rank (this rank's own at {@link #rank()}): how the ranks of
     * a re-formed world learn, for instance, which of them holds the newest state.
     *
     * @throws CollectiveException if the operation failed
     */
    long[] allGather(long value);

    /**
     * Replaces every value of {@code gradients}, in place, with the sum over the ranks.
     *
     * @throws CollectiveException if the operation failed; {@code gradients} is then unchanged
     */
    void allReduceSum(Tensors gradients);

    /**
     * Replaces every value of {@code gradients}, in place, with the mean over the ranks (skrl's
     * {@code reduce_parameters}).
     *
     * @throws CollectiveException if the operation failed; {@code gradients} is then unchanged
     */
    void allReduceMean(Tensors gradients);

    /**
     * Compares the CRC-32C of every rank's {@code parameters} ({@link Checksums#crc32c}): a cheap
     * check that the replicas are still in lockstep, worth running every few hundred steps.
     *
     * @return the checksums of every rank; {@link DivergenceCheck#consistent()} says whether they agree
     * @throws CollectiveException if the operation failed
     */
    DivergenceCheck checkDivergence(Tensors parameters);

    /**
     * Leaves the world: the other ranks' pending and later operations that need this rank fail with
     * {@code MEMBER_LEFT}.
     */
    @Override
    void close();
}
