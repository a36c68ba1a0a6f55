package io.github.skrl4j.adam.spring.distributed;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The application's {@link ReformableCollective}: the current world of a {@link ReformingWorld}, observed. Every
 * operation runs on the current world, forming the first one if it is not yet (waiting up to the join
 * timeout); when an operation fails, the application restores its last consistent state and calls
 * {@link #reform}, which waits for every replica to be back and makes the new world current.
 *
 * <pre>{@code
 * try {
 *     training.allReduceMean(grad);
 * } catch (CollectiveException e) {
 *     restoreLastConsistentState();
 *     training.reform(e);                 // throws once the restart budget is used up
 *     takeNewestState(training);          // NewestState.elect over training, then broadcast from its root
 * }
 * }</pre>
 *
 * <p>It remembers the last divergence check and the failure that broke the current world (for the
 * {@code optimizers} endpoint and health), and tells its {@link CollectiveListener}s (the meters) about
 * every operation. Operations are the current world's, unchanged. Operations, {@link #reform} and
 * {@link #close} are for the training thread; the views ({@link #status()}, {@link #describe()},
 * {@link #healthy()}, ...) for any thread, and they never wait for a formation.
 */
public final class DistributedTraining implements ReformableCollective, ReplicaWorld {

    private final ReformingWorld world;
    private final Clock clock;
    private final List<CollectiveListener> listeners = new CopyOnWriteArrayList<>();
    /** The world the last operation or re-formation got: what the views read, as the world itself would wait. */
    private volatile @Nullable Collective lastWorld;
    /** Incremented by every {@link #reform}: a failure or check belongs to the world of its generation. */
    private volatile int generation;
    private volatile @Nullable Observed<DivergenceCheck> lastCheck;
    private volatile @Nullable Observed<String> failure;
    private volatile long operations;

    /** A value seen at a time, in a generation of worlds. */
    private record Observed<T>(T value, Instant at, int generation) {
    }

    /** Observes {@code world}, whose first world forms when first needed. */
    public DistributedTraining(ReformingWorld world) {
        this(world, Clock.systemUTC());
    }

    DistributedTraining(ReformingWorld world, Clock clock) {
        this.world = Objects.requireNonNull(world, "world");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds a listener; returns this. */
    public DistributedTraining addListener(CollectiveListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** The configured rank, or, with ranks in join order, the current world's (forming it first if needed). */
    @Override
    public int rank() {
        int configured = world.configuredRank();
        return configured != WorldFormation.UNASSIGNED ? configured : current("rank").rank();
    }

    /** The configured number of replicas, the same in every world. */
    @Override
    public int worldSize() {
        return world.worldSize();
    }

    /** This replica's rank from configuration, or {@link WorldFormation#UNASSIGNED} when ranks follow join order. */
    @Override
    public int configuredRank() {
        return world.configuredRank();
    }

    @Override
    public void broadcast(Tensors tensors, int root) {
        timed("broadcast", tensors.totalSize(), c -> {
            c.broadcast(tensors, root);
            return null;
        });
    }

    @Override
    public OptimizerState broadcast(OptimizerState state, int root) {
        long values = state.mu().totalSize() + state.nu().totalSize() + state.nuMax().totalSize();
        return timed("broadcast-state", values, c -> c.broadcast(state, root));
    }

    @Override
    public long[] broadcast(long[] values, int root) {
        return timed("broadcast-longs", -1, c -> c.broadcast(values, root));
    }

    @Override
    public long[] allGather(long value) {
        return timed("all-gather", -1, c -> c.allGather(value));
    }

    @Override
    public void allReduceSum(Tensors gradients) {
        timed("all-reduce-sum", gradients.totalSize(), c -> {
            c.allReduceSum(gradients);
            return null;
        });
    }

    @Override
    public void allReduceMean(Tensors gradients) {
        timed("all-reduce-mean", gradients.totalSize(), c -> {
            c.allReduceMean(gradients);
            return null;
        });
    }

    @Override
    public DivergenceCheck checkDivergence(Tensors parameters) {
        int gen = generation;
        DivergenceCheck check = timed("divergence-check", -1, c -> c.checkDivergence(parameters));
        lastCheck = new Observed<>(check, clock.instant(), gen);
        for (CollectiveListener l : listeners) {
            l.onDivergenceCheck(check);
        }
        return check;
    }

    /**
     * The current world broke ({@code cause}): closes it and waits while the world re-forms with every
     * replica (at most the restart timeout); later operations run on the new world.
     *
     * @throws CollectiveException {@code BROKEN} when the restarts within the window are used up (or the
     *                             world was closed); the formation's failure when the replicas did not all
     *                             come back within the restart timeout ({@code TIMEOUT}, ...) or one of them
     *                             gave up ({@code GAVE_UP}, at once). The world is then broken for good.
     */
    @Override
    public void reform(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        generation++;
        lastWorld = null;
        lastWorld = world.reform(cause);
    }

    /**
     * This replica's own run failed for good ({@code cause}): tells the other replicas and leaves the world
     * ({@link ReformingWorld#giveUp}), so that their re-formation fails at once naming this replica and
     * {@code cause} instead of waiting the restart timeout for it; the world is then broken here, with
     * {@code cause} as its last failure. A replica that stops to be restarted closes instead (with the
     * context), and is waited for.
     */
    @Override
    public void giveUp(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        world.giveUp(cause);
    }

    /** Where the world stands: forming, formed, re-forming, broken or closed. */
    @Override
    public ReformingWorld.Status status() {
        return world.status();
    }

    /** How many times the world re-formed so far (the first formation is none). */
    @Override
    public int restarts() {
        return world.restarts();
    }

    /**
     * What broke a world last: an operation's failure on the current world, else the last failure the
     * reforming world noted (a formation that failed, the cause of the last re-formation); {@code null} if
     * nothing ever failed.
     */
    @Override
    public @Nullable String lastFailure() {
        Observed<String> f = currentFailure();
        return f != null ? f.value() : world.lastFailure();
    }

    private @Nullable Instant lastFailureAt() {
        Observed<String> f = currentFailure();
        return f != null ? f.at() : world.lastFailureAt();
    }

    private <T> T timed(String operation, long values, Function<Collective, T> body) {
        int gen = generation;
        Collective c = current(operation);
        long start = System.nanoTime();
        try {
            T result = body.apply(c);
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
            failed(operation, e, gen);
            throw e;
        }
    }

    /** The current world, formed first if needed; a failure to get one is the operation's. */
    private Collective current(String operation) {
        int gen = generation;
        try {
            Collective c = world.awaitWorld();
            lastWorld = c;
            return c;
        } catch (CollectiveException e) {
            failed(operation, e, gen);
            throw e;
        }
    }

    private void failed(String operation, CollectiveException e, int gen) {
        Observed<String> f = failure;
        if (f == null || f.generation() != gen) {
            failure = new Observed<>(e.getMessage(), clock.instant(), gen);
        }
        for (CollectiveListener l : listeners) {
            l.onFailure(operation, e);
        }
    }

    /** Forms the first world if it is not yet (for {@link FirstWorldFormation}); a failure is noted as the world's. */
    void formFirstWorld() {
        current("form");
    }

    /** The failure of an operation on the current world, or null while it works. */
    private @Nullable Observed<String> currentFailure() {
        Observed<String> f = failure;
        return f != null && f.generation() == generation ? f : null;
    }

    /** Closes the reforming world: leaves the current world, forms no more. */
    @Override
    public void close() {
        world.close();
    }

    /** The last divergence check, or {@code null} before the first. */
    public @Nullable DivergenceCheck lastDivergenceCheck() {
        Observed<DivergenceCheck> c = lastCheck;
        return c == null ? null : c.value();
    }

    /** The message of the failure that broke the current world, or {@code null} while it works. */
    public @Nullable String failure() {
        Observed<String> f = currentFailure();
        return f == null ? null : f.value();
    }

    /** The rank, without waiting: configured, or the last world's; NaN while unknown (for a gauge). */
    double knownRank() {
        int configured = world.configuredRank();
        if (configured != WorldFormation.UNASSIGNED) {
            return configured;
        }
        Collective c = lastWorld;
        return c == null ? Double.NaN : c.rank();
    }

    /**
     * Where the world is for health: forming and re-forming as such; broken once the reforming world
     * broke for good or closed, or while an operation on the current world failed or its last divergence
     * check found the replicas apart (until {@link #reform}); formed otherwise.
     */
    @Override
    public State state() {
        return switch (world.status()) {
            case FORMING -> State.FORMING;
            case REFORMING -> State.REFORMING;
            case BROKEN, CLOSED -> State.BROKEN;
            case FORMED -> currentFailure() == null && !divergedNow() ? State.FORMED : State.BROKEN;
        };
    }

    private boolean divergedNow() {
        Observed<DivergenceCheck> c = lastCheck;
        return c != null && c.generation() == generation && !c.value().consistent();
    }

    /** False once the world broke (for good, or until it re-forms) or the replicas diverged in it. */
    @Override
    public boolean healthy() {
        return state() != State.BROKEN;
    }

    /**
     * What the endpoint and health show: rank (when known), world size, status, restarts, the last
     * failure and its time, operations, the last divergence check (sequence, time, whether consistent,
     * each rank's checksum) and the failure of the current world, if any.
     */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        double rank = knownRank();
        if (!Double.isNaN(rank)) {
            d.put("rank", (int) rank);
        }
        d.put("worldSize", worldSize());
        d.put("status", world.status().name());
        d.put("restarts", world.restarts());
        d.put("maxRestarts", world.policy().maxRestarts());
        d.put("restartWindow", world.policy().window().toString());
        String last = lastFailure();
        if (last != null) {
            d.put("lastFailure", last);
            d.put("lastFailureAt", String.valueOf(lastFailureAt()));
        }
        d.put("operations", operations);
        Observed<DivergenceCheck> observed = lastCheck;
        if (observed != null) {
            DivergenceCheck check = observed.value();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("operation", check.sequence());
            c.put("at", String.valueOf(observed.at()));
            c.put("consistent", check.consistent());
            c.put("checksums", Arrays.stream(check.checksums()).mapToObj(Checksums::hex).toList());
            d.put("lastDivergenceCheck", c);
        }
        String f = failure();
        if (f != null) {
            d.put("failure", f);
        }
        return d;
    }

    @Override
    public String toString() {
        return "DistributedTraining[" + world.status().name().toLowerCase(Locale.ROOT) + ", restarts "
                + world.restarts() + ", " + world + "]";
    }
}
