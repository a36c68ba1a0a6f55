package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.adam.distributed.ReformableCollective;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in data-parallel training (the {@code distributed} profile), or nothing when it
 * trains alone: its seed ({@code seed + rank}), whether a checkpoint's world size fits, entering a (re)formed
 * world from the one state the world chose ({@link StateHandover}) with a check that every replica then holds
 * the same state, after every update the divergence check, the last consistent state and the vote on "solved",
 * going back to that state when the world breaks while it re-forms, and whether it writes checkpoints (rank 0
 * only). Everything the replicas must agree on goes through this class; the gradients and the KL are averaged
 * inside {@link PpoAgent}.
 */
final class ReplicaCoordination {

    private static final Logger log = LoggerFactory.getLogger(ReplicaCoordination.class);

    private final @Nullable ReformableCollective replicas;
    private final ConsistentState lastConsistent = new ConsistentState();
    private volatile int rank;
    private volatile boolean solvedTogether;
    private volatile @Nullable String parameterChecksum;
    private volatile @Nullable Boolean consistent;
    private volatile WorldState world = WorldState.FORMING;
    private volatile @Nullable String lastFailure;
    private volatile @Nullable Instant lastFailureAt;

    private ReplicaCoordination(@Nullable ReformableCollective replicas) {
        this.replicas = replicas;
        int configured = replicas == null ? 0 : replicas.configuredRank();
        this.rank = configured == WorldFormation.UNASSIGNED ? 0 : configured;
    }

    /** A replica that trains alone: rank 0 of a world of one, with no one to agree with. */
    static ReplicaCoordination alone() {
        return new ReplicaCoordination(null);
    }

    /** A replica of the world of {@code replicas}. */
    static ReplicaCoordination over(ReformableCollective replicas) {
        return new ReplicaCoordination(replicas);
    }

    /** The collective the agent averages over, or null alone. */
    @Nullable Collective collective() {
        return replicas;
    }

    /**
     * This replica's seed: the configured one plus its rank, so that every replica runs its own environments
     * (the configured rank; with ranks in join order, the rank of the last world formed, 0 before the first).
     */
    long seedOf(long seed) {
        return seed + rank;
    }

    /**
     * The mean return at which this replica alone ends its run: the threshold alone; never among
     * replicas, which decide "solved" together after an update ({@link #afterUpdate}), never one alone mid-rollout.
     */
    double localSolvedThreshold(double solvedThreshold) {
        return replicas == null ? solvedThreshold : Double.POSITIVE_INFINITY;
    }

    /** The replicas training together: 1 alone. */
    int worldSize() {
        ReformableCollective c = replicas;
        return c == null ? 1 : c.worldSize();
    }

    /**
     * Refuses to continue a checkpoint written by a world of another size (the run's seeds, its averaged
     * gradients' noise and its step budget were those of that many replicas), unless
     * {@code worldSizeChangeAllowed}. A checkpoint that does not record its world size (written before it
     * was recorded) is accepted with a warning. An accepted checkpoint is the state this replica offers the
     * world ({@link StateHandover}).
     *
     * @throws IllegalStateException naming both sizes and the property that allows the change
     */
    void acceptCheckpoint(CheckpointStore.Restored checkpoint, boolean worldSizeChangeAllowed) {
        int saved = checkpoint.worldSize();
        int now = worldSize();
        if (saved == CheckpointStore.UNKNOWN_WORLD_SIZE) {
            log.warn("Checkpoint {} does not record the world size it was trained with; continuing it with {}",
                    checkpoint.location(), now);
        } else if (saved != now && !worldSizeChangeAllowed) {
            throw new IllegalStateException("checkpoint " + checkpoint.location() + " was written by a world of "
                    + saved + " replica" + (saved == 1 ? "" : "s") + ", this world has " + now + ": resume it with "
                    + saved + " (skrl.optim.adam.distributed.world-size), or set"
                    + " sample.training.allow-world-size-change=true to continue it with " + now);
        } else if (saved != now) {
            log.warn("Continuing checkpoint {} of a world of {} with a world of {}"
                    + " (sample.training.allow-world-size-change=true)", checkpoint.location(), saved, now);
        }
        if (replicas != null) {
            lastConsistent.take(checkpoint.agent(), checkpoint.progress());
        }
    }

    /**
     * Enters the world (forming the first, or the one {@link #recover} re-formed), on the training thread: the
     * replicas agree on one state to start from ({@link StateHandover}), then check, before anything is stepped,
     * that every one holds it: parameters, both optimizers' count and moments, the update and step counters and
     * the policy's learning rate. Alone, {@code run} as it is.
     *
     * @param run     the run as this replica holds it
     * @param rebuild how to continue from a state taken from another replica, with the configured seed
     * @return the run to train from
     * @throws CollectiveException {@code MISMATCH} on every replica when their states differ (replicas resumed
     *                             from different checkpoints of one update); the failure of an operation
     */
    RunStart enter(RunStart run, RunStart.Rebuild rebuild) {
        ReformableCollective c = replicas;
        if (c == null) {
            return run;
        }
        int seedRank = rank;
        rank = c.rank();
        RunStart held = run;
        RunStart.Rebuild ours = ofThisRank(rebuild);
        if (rank != seedRank) {
            // ranks in join order: this world gave another rank, whose seed the run now draws from
            held = RunStart.continued(run.agent(), run.progress(), ours.seed(), run.resumedFrom());
            log.info("This world made this replica rank {} (ranks follow join order: set"
                    + " skrl.optim.adam.distributed.rank to keep one); it draws from seed {} now", rank, ours.seed());
        }
        RunStart start = StateHandover.handOver(c, lastConsistent.version(), held, ours);
        startConsistently(start.agent(), start.progress());
        return start;
    }

    /**
     * Checks, before anything is stepped, that every replica holds the same state, and keeps it as the last
     * consistent state.
     *
     * @throws CollectiveException {@code MISMATCH} on every replica when their states differ
     */
    void startConsistently(PpoAgent agent, TrainingProgress progress) {
        ReformableCollective c = replicas;
        if (c == null) {
            return;
        }
        StartState local = StartState.of(agent, progress);
        DivergenceCheck check = c.checkDivergence(local.fingerprint());
        consistent = check.consistent();
        if (!check.consistent()) {
            CollectiveException mismatch = new CollectiveException(CollectiveException.Reason.MISMATCH, "the replicas"
                    + " do not hold the same state before their first step: start-state checksums by rank " + check
                    + ", ranks differing from rank 0: " + Arrays.toString(check.divergentRanks()) + "; this rank "
                    + c.rank() + " holds " + local + ". Resume every replica from the same checkpoint, or none of them");
            failed(mismatch);
            throw mismatch;
        }
        lastConsistent.take(agent, progress);
        world = WorldState.TRAINING;
        log.info("Training data-parallel as rank {} of {}, every replica starting from the same state ({})",
                c.rank(), c.worldSize(), local);
    }

    /** {@code rebuild} (with the configured seed) drawing from this replica's seed. */
    private RunStart.Rebuild ofThisRank(RunStart.Rebuild rebuild) {
        return rebuild.withSeed(seedOf(rebuild.seed()));
    }

    /** Alone, or as rank 0 of the replicas: the others hold the same networks. */
    boolean writesCheckpoints() {
        return replicas == null || rank == 0;
    }

    /**
     * After every update: the replicas compare their parameters (a divergence breaks the world), keep the state
     * they were shown to share as the last consistent one, and vote whether they have solved.
     *
     * @throws ReplicasDivergedException when their parameters differ
     */
    void afterUpdate(PpoAgent agent, TrainingProgress progress, double solvedThreshold) {
        ReformableCollective c = replicas;
        if (c != null) {
            checkReplicas(c, agent);
            lastConsistent.take(agent, progress);
            solvedTogether = solvedByAllReplicas(c, progress, solvedThreshold);
        }
    }

    /**
     * Whether {@code failure} breaks only the world, so that it re-forms: a failed collective operation or a
     * divergence. Not a {@code MISMATCH} (the replicas hold different states: re-forming would not change
     * that), nor a failure of this replica's own training.
     */
    boolean breaksTheWorld(RuntimeException failure) {
        if (replicas == null) {
            return false;
        }
        if (failure instanceof CollectiveException e) {
            return e.reason() != CollectiveException.Reason.MISMATCH;
        }
        return failure instanceof ReplicasDivergedException;
    }

    /**
     * The world broke with {@code failure} ({@link #breaksTheWorld}): this replica stops stepping, goes back to
     * its last consistent state (a fresh run if it holds none) and waits, within the restart budget, until the
     * world has re-formed. Then {@link #enter} it again.
     *
     * @param run     the run as it stood when the world broke
     * @param rebuild how to continue from the last consistent state, with the configured seed
     * @return the run at its last consistent state
     * @throws CollectiveException when the world does not re-form (the restart budget is used up, or the
     *                             replicas did not come back in time)
     */
    RunStart recover(RuntimeException failure, RunStart run, RunStart.Rebuild rebuild) {
        ReformableCollective c = replicas;
        if (c == null) {
            throw failure;
        }
        world = WorldState.REFORMING;
        noteFailure(failure);
        solvedTogether = false;
        RunStart.Rebuild ours = ofThisRank(rebuild);
        RunStart restored = lastConsistent.held() ? lastConsistent.restore(run.agent(), ours, run.resumedFrom())
                : ours.fresh();
        log.warn("The world broke ({}); back at the last consistent state (version {}), waiting for it to re-form",
                failure.getMessage(), lastConsistent.version());
        c.reform(failure);
        log.info("The world re-formed (restart {})", c.restarts());
        world = WorldState.FORMING;
        return restored;
    }

    /**
     * The run failed for good (in an operation of the replicas that does not re-form, in a world that did not
     * re-form, or in this replica's own training): the world is broken, {@code failure} is its last failure, and
     * this replica gives up, telling the others, whose re-formation then fails at once naming this replica and
     * {@code failure} instead of waiting for it. (A replica that is stopped, to be restarted, does not give up:
     * {@link #failedWhileStopping}.)
     */
    void failed(Throwable failure) {
        failedWhileStopping(failure);
        ReformableCollective c = replicas;
        if (c != null) {
            try {
                c.giveUp(failure);
            } catch (RuntimeException e) {
                log.warn("Could not tell the other replicas that this one gave up: {}", e.toString());
            }
        }
    }

    /**
     * The run failed while the application stops (to be restarted, say in a rolling restart): the world is
     * broken here and {@code failure} is its last failure, but this replica does not give up, so the others
     * wait for it to come back.
     */
    void failedWhileStopping(Throwable failure) {
        world = WorldState.BROKEN;
        noteFailure(failure);
    }

    private void noteFailure(Throwable failure) {
        lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        lastFailureAt = Instant.now();
    }

    /**
     * The run ended without a failure. A replica says where it ended in its log, since a batch run
     * ({@code exit-when-done}) exits before anyone can ask its endpoint: comparing the replicas' lines shows that
     * they ended with the same parameters.
     */
    void ended() {
        if (world != WorldState.BROKEN) {
            world = WorldState.DONE;
        }
        ReformableCollective c = replicas;
        if (c != null) {
            log.info("Replica rank {} of {} ended with parameter checksum {} (replicas consistent at the last check: {},"
                    + " restarts: {})", rank, c.worldSize(), parameterChecksum, consistent, c.restarts());
        }
    }

    /** True while this replica waits for the world to form or re-form (never alone). */
    boolean waitsForTheWorld() {
        WorldState w = world;
        return replicas != null && (w == WorldState.FORMING || w == WorldState.REFORMING);
    }

    /** Whether the replicas agreed, after the last update, that they have solved (never alone). */
    boolean solvedTogether() {
        return solvedTogether;
    }

    /** The version of this replica's last consistent state ({@code NewestState.NONE} when it holds none). */
    long consistentVersion() {
        return lastConsistent.version();
    }

    /** This replica's place and last check for the snapshot; null alone. */
    TrainingSnapshot.@Nullable Replica snapshot() {
        ReformableCollective c = replicas;
        Instant at = lastFailureAt;
        return c == null ? null : new TrainingSnapshot.Replica(rank, c.worldSize(), parameterChecksum, consistent,
                world, c.restarts(), lastFailure, at == null ? null : at.toString());
    }

    /** Whether the replicas together have solved: every one has 100 episodes and their mean returns average the threshold. */
    private static boolean solvedByAllReplicas(Collective replicas, TrainingProgress p, double solvedThreshold) {
        // solved(-infinity) is true once the 100-episode window is full
        Tensors vote = Tensors.of(Tensor.of("vote", new float[] {p.solved(Double.NEGATIVE_INFINITY) ? 1 : 0,
                (float) p.meanReturn100()}, 2));
        replicas.allReduceMean(vote);
        float[] agreed = vote.get(0).data();
        return agreed[0] == 1f && agreed[1] >= solvedThreshold;
    }

    /** Compares the CRC-32C of both networks' parameters across the replicas; a divergence breaks the world. */
    private void checkReplicas(Collective replicas, PpoAgent agent) {
        List<Tensor> both = new ArrayList<>(agent.policy().parameters().asList());
        both.addAll(agent.value().parameters().asList());
        DivergenceCheck check = replicas.checkDivergence(Tensors.of(both));
        parameterChecksum = Checksums.hex(check.localChecksum());
        consistent = check.consistent();
        if (!check.consistent()) {
            throw new ReplicasDivergedException(check);
        }
    }
}
