package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in data-parallel training (the {@code distributed} profile), or nothing when it
 * trains alone: its seed ({@code seed + rank}), whether a checkpoint's world size fits, starting from rank 0's
 * networks with a check that every replica then holds the same state, after every update the divergence
 * check and the vote on "solved", and whether it writes checkpoints (rank 0 only). Everything
 * the replicas must agree on goes through this class; the gradients and the KL are averaged inside
 * {@link PpoAgent}.
 */
final class ReplicaCoordination {

    private static final Logger log = LoggerFactory.getLogger(ReplicaCoordination.class);

    private final @Nullable Collective replicas;
    private volatile boolean solvedTogether;
    private volatile @Nullable String parameterChecksum;
    private volatile @Nullable Boolean consistent;
    private volatile WorldState world = WorldState.FORMING;
    private volatile @Nullable String lastFailure;
    private volatile @Nullable Instant lastFailureAt;

    private ReplicaCoordination(@Nullable Collective replicas) {
        this.replicas = replicas;
    }

    /** A replica that trains alone: rank 0 of a world of one, with no one to agree with. */
    static ReplicaCoordination alone() {
        return new ReplicaCoordination(null);
    }

    /** A replica of the world of {@code replicas}. */
    static ReplicaCoordination over(Collective replicas) {
        return new ReplicaCoordination(replicas);
    }

    /** The collective the agent averages over, or null alone. */
    @Nullable Collective collective() {
        return replicas;
    }

    /** This replica's seed: the configured one plus its rank, so that every replica runs its own environments. */
    long seedOf(long seed) {
        Collective c = replicas;
        return seed + (c == null ? 0 : c.rank());
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
        Collective c = replicas;
        return c == null ? 1 : c.worldSize();
    }

    /**
     * Refuses to continue a checkpoint written by a world of another size (the run's seeds, its averaged
     * gradients' noise and its step budget were those of that many replicas), unless
     * {@code worldSizeChangeAllowed}. A checkpoint that does not record its world size (written before it
     * was recorded) is accepted with a warning.
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
    }

    /**
     * Starts every replica from rank 0's networks, then checks, before anything is stepped, that every
     * replica holds the same state: parameters, both optimizers' count and moments, the update and
     * step counters and the policy's learning rate (on the training thread: it waits for the others).
     * Replicas that were resumed from different checkpoints, or one resumed and one not, fail here.
     *
     * @throws CollectiveException {@code MISMATCH} on every replica when their states differ
     */
    void startConsistently(PpoAgent agent, TrainingProgress progress) {
        Collective c = replicas;
        if (c == null) {
            return;
        }
        StartState local;
        try {
            c.broadcast(agent.policy().parameters());
            c.broadcast(agent.value().parameters());
            local = StartState.of(agent, progress);
            DivergenceCheck check = c.checkDivergence(local.fingerprint());
            consistent = check.consistent();
            if (!check.consistent()) {
                throw new CollectiveException(CollectiveException.Reason.MISMATCH, "the replicas do not hold the"
                        + " same state before their first step: start-state checksums by rank " + check
                        + ", ranks differing from rank 0: " + java.util.Arrays.toString(check.divergentRanks())
                        + "; this rank " + c.rank() + " holds " + local
                        + ". Resume every replica from the same checkpoint, or none of them");
            }
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        }
        world = WorldState.TRAINING;
        log.info("Training data-parallel as rank {} of {}, every replica starting from the same state ({})",
                c.rank(), c.worldSize(), local);
    }

    /** Alone, or as rank 0 of the replicas: the others hold the same networks. */
    boolean writesCheckpoints() {
        Collective c = replicas;
        return c == null || c.rank() == 0;
    }

    /**
     * After every update: the replicas compare their parameters (a divergence fails the run) and vote
     * whether they have solved.
     */
    void afterUpdate(PpoAgent agent, TrainingProgress progress, double solvedThreshold) {
        Collective c = replicas;
        if (c != null) {
            try {
                checkReplicas(c, agent);
                solvedTogether = solvedByAllReplicas(c, progress, solvedThreshold);
            } catch (RuntimeException e) {
                failed(e);
                throw e;
            }
        }
    }

    /**
     * The run failed (in an operation of the replicas, or in this replica's own training, which leaves the
     * others waiting for it): the world is broken, and {@code failure} is its last failure.
     */
    void failed(Throwable failure) {
        world = WorldState.BROKEN;
        lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        lastFailureAt = Instant.now();
    }

    /** The run ended without a failure. */
    void ended() {
        if (world != WorldState.BROKEN) {
            world = WorldState.DONE;
        }
    }

    /** Whether the replicas agreed, after the last update, that they have solved (never alone). */
    boolean solvedTogether() {
        return solvedTogether;
    }

    /** This replica's place and last check for the snapshot; null alone. */
    TrainingSnapshot.@Nullable Replica snapshot() {
        Collective c = replicas;
        Instant at = lastFailureAt;
        return c == null ? null : new TrainingSnapshot.Replica(c.rank(), c.worldSize(), parameterChecksum, consistent,
                world, lastFailure, at == null ? null : at.toString());
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

    /**
     * What a replica starts from, reduced to CRC-32Cs and counters: both networks' parameters, both
     * optimizers' moments and counts, the update and environment-step counters, the policy's learning rate.
     */
    private record StartState(long policyParameters, long valueParameters, long policyMoments, long valueMoments,
            long policyCount, long valueCount, long updates, long environmentSteps, double policyLearningRate) {

        static StartState of(PpoAgent agent, TrainingProgress progress) {
            OptimizerState policy = agent.policyOptimizer().state();
            OptimizerState value = agent.valueOptimizer().state();
            return new StartState(Checksums.crc32c(agent.policy().parameters()),
                    Checksums.crc32c(agent.value().parameters()), moments(policy), moments(value), policy.count(),
                    value.count(), progress.updates(), progress.environmentSteps(), agent.policyLearningRate());
        }

        /** One CRC-32C over the CRC-32Cs of mu, nu and nu_max. */
        private static long moments(OptimizerState state) {
            ByteBuffer crcs = ByteBuffer.allocate(3 * Long.BYTES).putLong(Checksums.crc32c(state.mu()))
                    .putLong(Checksums.crc32c(state.nu())).putLong(Checksums.crc32c(state.nuMax()));
            CRC32C crc = new CRC32C();
            crc.update(crcs.array());
            return crc.getValue();
        }

        /**
         * The state as one tensor for {@link Collective#checkDivergence}: every long as four 16-bit parts, each
         * exact in a float (raw bit patterns in floats could be NaNs, which a transport may canonicalise).
         */
        Tensors fingerprint() {
            long[] values = {policyParameters, valueParameters, policyMoments, valueMoments, policyCount, valueCount,
                    updates, environmentSteps, Double.doubleToLongBits(policyLearningRate)};
            float[] parts = new float[values.length * 4];
            for (int i = 0; i < values.length; i++) {
                for (int k = 0; k < 4; k++) {
                    parts[i * 4 + k] = (values[i] >>> (16 * k)) & 0xFFFF;
                }
            }
            return Tensors.of(Tensor.of("start-state", parts, parts.length));
        }

        @Override
        public String toString() {
            return "parameters policy " + Checksums.hex(policyParameters) + " value " + Checksums.hex(valueParameters)
                    + ", optimizer moments policy " + Checksums.hex(policyMoments) + " value "
                    + Checksums.hex(valueMoments) + ", optimizer counts policy " + policyCount + " value " + valueCount
                    + ", " + updates + " updates, " + environmentSteps + " environment steps, policy learning rate "
                    + policyLearningRate;
        }
    }

    /** Compares the CRC-32C of both networks' parameters across the replicas; a divergence fails the run. */
    private void checkReplicas(Collective replicas, PpoAgent agent) {
        List<Tensor> both = new ArrayList<>(agent.policy().parameters().asList());
        both.addAll(agent.value().parameters().asList());
        DivergenceCheck check = replicas.checkDivergence(Tensors.of(both));
        parameterChecksum = Checksums.hex(check.localChecksum());
        consistent = check.consistent();
        if (!check.consistent()) {
            throw new IllegalStateException("replicas diverged: " + check);
        }
    }
}
