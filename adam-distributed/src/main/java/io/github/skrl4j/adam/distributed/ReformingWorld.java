package io.github.skrl4j.adam.distributed;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A replica's place in a world that re-forms by itself: the first world when training starts, and,
 * each time it breaks, a new one with every replica once they are all back (the lost one restarted,
 * the frozen one continued), within a {@link RestartPolicy}. What the replicas carry into the new
 * world is the application's to choose: typically each offers the version of the last state the whole
 * old world held ({@link NewestState#elect}) and takes the newest from its holder.
 *
 * <pre>{@code
 * Collective world = replicas.awaitWorld();
 * while (training) {
 *     try {
 *         step(world);
 *     } catch (CollectiveException e) {
 *         restoreLastConsistentState();        // nothing of the failed step is kept
 *         world = replicas.reform(e);          // waits for every replica; throws when the budget is used up
 *         takeNewestState(world);
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe: the training thread forms and re-forms, other threads (health, meters) read
 * {@link #status()}; a formation holds the lock, so a second caller waits for it.
 */
public final class ReformingWorld implements AutoCloseable {

    /** Where the world stands. */
    public enum Status {
        /** The first world is forming: the replicas are joining. */
        FORMING,
        /** A world is formed and works. */
        FORMED,
        /** The world broke and is forming again: the live replicas wait for the others. */
        REFORMING,
        /**
         * The world broke for good: a formation failed (a replica gave up, did not come back in time), the
         * restarts were used up, or this replica gave up ({@link #giveUp}).
         */
        BROKEN,
        /** Closed by this replica. */
        CLOSED
    }

    private final WorldFormation formation;
    private final RestartPolicy policy;
    private final Duration joinTimeout;
    private final InstantSource clock;
    private final Deque<Instant> restartTimes = new ArrayDeque<>();
    private final ReformableCollective view = new View();

    private @Nullable Collective current;
    private volatile Status status = Status.FORMING;
    private volatile int restarts;
    private volatile @Nullable String lastFailure;
    private volatile @Nullable Instant lastFailureAt;
    private volatile boolean gaveUp;

    /**
     * @param joinTimeout how long the first formation waits for every replica
     */
    public ReformingWorld(WorldFormation formation, RestartPolicy policy, Duration joinTimeout) {
        this(formation, policy, joinTimeout, InstantSource.system());
    }

    /** As above, counting restarts against {@code clock}'s time. */
    public ReformingWorld(WorldFormation formation, RestartPolicy policy, Duration joinTimeout, InstantSource clock) {
        this.formation = Objects.requireNonNull(formation, "formation");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.joinTimeout = Objects.requireNonNull(joinTimeout, "joinTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (joinTimeout.isNegative() || joinTimeout.isZero()) {
            throw new IllegalArgumentException("joinTimeout must be positive, was " + joinTimeout);
        }
    }

    /**
     * The world, formed first if it is not yet (waiting up to the join timeout for every replica).
     *
     * @throws CollectiveException {@code BROKEN} once the world broke for good or was closed; the
     *                             formation's failure when the first formation fails (the world is then
     *                             broken)
     */
    public synchronized Collective awaitWorld() {
        Collective c = current;
        if (c != null) {
            return c;
        }
        requireUsable("form the world");
        return formOrBreak(joinTimeout, "forming the world");
    }

    /**
     * The world {@code broken} broke: closes it, and forms a new one with every replica (waiting up to
     * the policy's timeout), unless the restarts within the policy's window are used up.
     *
     * @param cause why the world broke (kept as the last failure)
     * @return the new world
     * @throws CollectiveException {@code BROKEN} when the restarts are used up or the world was closed;
     *                             the formation's failure ({@code TIMEOUT}, ...) when the replicas did not
     *                             all come back in time; the world is then broken for good
     */
    public synchronized Collective reform(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        noteFailure(cause);
        closeCurrent();
        requireUsable("re-form the world");
        Instant now = clock.instant();
        while (!restartTimes.isEmpty() && !restartTimes.peekFirst().isAfter(now.minus(policy.window()))) {
            restartTimes.removeFirst();
        }
        if (restartTimes.size() >= policy.maxRestarts()) {
            status = Status.BROKEN;
            throw new CollectiveException(CollectiveException.Reason.BROKEN, "the world broke ("
                    + cause.getMessage() + ") and may re-form at most " + policy.maxRestarts() + " times within "
                    + policy.window() + ", which it has", cause);
        }
        restartTimes.addLast(now);
        restarts++;
        status = Status.REFORMING;
        return formOrBreak(policy.timeout(), "re-forming the world");
    }

    private Collective formOrBreak(Duration timeout, String what) {
        try {
            Collective c = formation.form(timeout);
            if (status == Status.CLOSED || gaveUp) {
                c.close();
                throw new CollectiveException(CollectiveException.Reason.CLOSED, what + ": "
                        + (gaveUp ? "this replica gave up meanwhile" : "closed meanwhile"));
            }
            current = c;
            status = Status.FORMED;
            return c;
        } catch (RuntimeException e) {
            if (status != Status.CLOSED) {
                status = Status.BROKEN;
            }
            if (!gaveUp) { // this replica's own cause stays its last failure
                noteFailure(e);
            }
            if (e instanceof CollectiveException ce) {
                throw new CollectiveException(ce.reason(), what + " failed: " + ce.getMessage(), ce);
            }
            throw e;
        }
    }

    private void requireUsable(String what) {
        if (status == Status.BROKEN || status == Status.CLOSED) {
            String failure = lastFailure;
            throw new CollectiveException(CollectiveException.Reason.BROKEN, "cannot " + what + ": it is "
                    + status.name().toLowerCase(java.util.Locale.ROOT) + (failure == null ? "" : " (" + failure + ")"));
        }
    }

    private void noteFailure(Throwable cause) {
        lastFailure = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        lastFailureAt = clock.instant();
    }

    private void closeCurrent() {
        Collective c = current;
        current = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // a broken world's close may fail to tell peers that are gone; nothing else to do
            }
        }
    }

    /**
     * This replica gives up for good: its own run failed with {@code cause} (not the world: a bug, a guard,
     * a bad state) and it will not come back. Tells the other replicas through the formation
     * ({@link WorldFormation#giveUp}), before it leaves the current world, so that their re-formation fails
     * at once with {@link CollectiveException.Reason#GAVE_UP} naming this replica and {@code cause} instead
     * of waiting the restart timeout for it; the world is then {@link Status#BROKEN} here, with
     * {@code cause} as its last failure. A formation in progress on another thread ends with {@code CLOSED}.
     * Does nothing once given up or closed. A replica that stops to be restarted calls {@link #close()}
     * instead, and is waited for.
     */
    public void giveUp(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        synchronized (restartTimes) { // not this: a formation in progress holds that lock, and giving up ends it
            if (gaveUp || status == Status.CLOSED) {
                return;
            }
            gaveUp = true;
        }
        noteFailure(cause);
        status = Status.BROKEN;
        String message = cause.getMessage();
        formation.giveUp(cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        synchronized (this) {
            closeCurrent();
            if (status != Status.CLOSED) {
                status = Status.BROKEN; // a formation that ended meanwhile may have set FORMED
            }
        }
    }

    /** Where the world stands now. */
    public Status status() {
        return status;
    }

    /** Re-formations so far (the first formation is none). */
    public int restarts() {
        return restarts;
    }

    /** What broke the world last, or {@code null} if it never broke. */
    public @Nullable String lastFailure() {
        return lastFailure;
    }

    /** When the world broke last, or {@code null}. */
    public @Nullable Instant lastFailureAt() {
        return lastFailureAt;
    }

    /** The restart policy. */
    public RestartPolicy policy() {
        return policy;
    }

    /** Replicas per world. */
    public int worldSize() {
        return formation.worldSize();
    }

    /** This replica's configured rank, or {@link WorldFormation#UNASSIGNED}. */
    public int configuredRank() {
        return formation.configuredRank();
    }

    /**
     * This reforming world as one {@link Collective} (for a training loop that keeps one reference): its
     * operations run on {@link #awaitWorld()}, {@link ReformableCollective#reform} is {@link #reform}, its
     * {@code close()} is {@link #close()}.
     */
    public ReformableCollective collective() {
        return view;
    }

    /** Leaves the current world (if any) and releases the formation; no world forms after this. */
    @Override
    public void close() {
        if (status == Status.CLOSED) {
            return;
        }
        status = Status.CLOSED;
        // not under the lock: a formation in progress holds it, and closing the formation ends that wait
        formation.close();
        synchronized (this) {
            closeCurrent();
        }
    }

    @Override
    public String toString() {
        return "ReformingWorld[" + status + ", restarts " + restarts + ", " + formation + "]";
    }

    /** {@link #collective()}. */
    private final class View extends ForwardingCollective implements ReformableCollective {

        @Override
        protected Collective delegate() {
            return awaitWorld();
        }

        @Override
        public void reform(Throwable cause) {
            ReformingWorld.this.reform(cause);
        }

        @Override
        public Status status() {
            return ReformingWorld.this.status();
        }

        @Override
        public int restarts() {
            return ReformingWorld.this.restarts();
        }

        @Override
        public @Nullable String lastFailure() {
            return ReformingWorld.this.lastFailure();
        }

        @Override
        public int configuredRank() {
            return ReformingWorld.this.configuredRank();
        }

        @Override
        public int rank() {
            int configured = configuredRank();
            return configured != WorldFormation.UNASSIGNED ? configured : awaitWorld().rank();
        }

        @Override
        public int worldSize() {
            return ReformingWorld.this.worldSize();
        }

        @Override
        public void close() {
            ReformingWorld.this.close();
        }

        @Override
        public String toString() {
            return "collective of " + ReformingWorld.this;
        }
    }
}
