package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The application's {@link Collective}: the one formed on the cluster, observed. It remembers this
 * replica's rank and world, the last divergence check and the failure that broke the world (for the
 * {@code optimizers} endpoint and health), and tells its {@link CollectiveListener}s (the meters)
 * about every operation. Operations are the delegate's, unchanged.
 */
public final class DistributedTraining implements Collective, ReplicaWorld {

    private final Collective delegate;
    private final Clock clock;
    private final List<CollectiveListener> listeners = new CopyOnWriteArrayList<>();
    private volatile @Nullable DivergenceCheck lastCheck;
    private volatile @Nullable Instant lastCheckAt;
    private volatile @Nullable String failure;
    private volatile long operations;

    /** Observes {@code delegate}. */
    public DistributedTraining(Collective delegate) {
        this(delegate, Clock.systemUTC());
    }

    DistributedTraining(Collective delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = clock;
    }

    /** Adds a listener; returns this. */
    public DistributedTraining addListener(CollectiveListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public int rank() {
        return delegate.rank();
    }

    @Override
    public int worldSize() {
        return delegate.worldSize();
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        timed("broadcast", tensors.totalSize(), () -> {
            delegate.broadcast(tensors, root);
            return null;
        });
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        long values = state.mu().totalSize() + state.nu().totalSize() + state.nuMax().totalSize();
        return timed("broadcast-state", values, () -> delegate.broadcast(state, root));
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        return timed("broadcast-longs", -1, () -> delegate.broadcast(values, root));
    }

    @Override
    public long[] allGather(long value) {
        return timed("all-gather", -1, () -> delegate.allGather(value));
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        timed("all-reduce-sum", gradients.totalSize(), () -> {
            delegate.allReduceSum(gradients);
            return null;
        });
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        timed("all-reduce-mean", gradients.totalSize(), () -> {
            delegate.allReduceMean(gradients);
            return null;
        });
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        DivergenceCheck check = timed("divergence-check", -1, () -> delegate.checkDivergence(parameters));
        lastCheck = check;
        lastCheckAt = clock.instant();
        for (CollectiveListener l : listeners) {
            l.onDivergenceCheck(check);
        }
        return check;
    }

    private <T> T timed(String operation, long values, Supplier<T> body) {
        long start = System.nanoTime();
        try {
            T result = body.get();
            long nanos = System.nanoTime() - start;
            operations++;
            if (values >= 0) {
                for (CollectiveListener l : listeners) {
                    l.onOperation(operation, nanos, values * Float.BYTES);
                }
            }
            return result;
        } catch (CollectiveException e) {
            operations++;
            if (failure == null) {
                failure = e.getMessage();
            }
            for (CollectiveListener l : listeners) {
                l.onFailure(operation, e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The last divergence check, or {@code null} before the first. */
    public @Nullable DivergenceCheck lastDivergenceCheck() {
        return lastCheck;
    }

    /** The message of the failure that broke the world, or {@code null} while it works. */
    public @Nullable String failure() {
        return failure;
    }

    /** True while no operation failed and the last divergence check (if any) found the replicas equal. */
    @Override
    public boolean healthy() {
        DivergenceCheck check = lastCheck;
        return failure == null && (check == null || check.consistent());
    }

    /**
     * What the endpoint and health show: rank, world size, operations, the last divergence check
     * (sequence, time, whether consistent, each rank's checksum) and the failure, if any.
     */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rank", rank());
        d.put("worldSize", worldSize());
        d.put("operations", operations);
        DivergenceCheck check = lastCheck;
        if (check != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("operation", check.sequence());
            c.put("at", String.valueOf(lastCheckAt));
            c.put("consistent", check.consistent());
            c.put("checksums", Arrays.stream(check.checksums()).mapToObj(Checksums::hex).toList());
            d.put("lastDivergenceCheck", c);
        }
        String f = failure;
        if (f != null) {
            d.put("failure", f);
        }
        return d;
    }

    @Override
    public String toString() {
        return "DistributedTraining[rank " + rank() + " of " + worldSize() + ", " + delegate + "]";
    }
}
