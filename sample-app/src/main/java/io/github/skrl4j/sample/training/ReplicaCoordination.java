package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in data-parallel training (the {@code distributed} profile), or nothing when it
 * trains alone: its seed ({@code seed + rank}), starting from rank 0's networks, after every update the
 * divergence check and the vote on "solved", and whether it writes checkpoints (rank 0 only). Everything
 * the replicas must agree on goes through this class; the gradients and the KL are averaged inside
 * {@link PpoAgent}.
 */
final class ReplicaCoordination {

    private static final Logger log = LoggerFactory.getLogger(ReplicaCoordination.class);

    private final @Nullable Collective replicas;
    private volatile boolean solvedTogether;
    private volatile @Nullable String parameterChecksum;
    private volatile @Nullable Boolean consistent;

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

    /** Starts every replica from rank 0's networks (on the training thread: it waits for the others). */
    void startFromRankZero(PpoAgent agent) {
        Collective c = replicas;
        if (c != null) {
            c.broadcast(agent.policy().parameters());
            c.broadcast(agent.value().parameters());
            log.info("Training data-parallel as rank {} of {}", c.rank(), c.worldSize());
        }
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
            checkReplicas(c, agent);
            solvedTogether = solvedByAllReplicas(c, progress, solvedThreshold);
        }
    }

    /** Whether the replicas agreed, after the last update, that they have solved (never alone). */
    boolean solvedTogether() {
        return solvedTogether;
    }

    /** This replica's place and last check for the snapshot; null alone. */
    TrainingSnapshot.@Nullable Replica snapshot() {
        Collective c = replicas;
        return c == null ? null : new TrainingSnapshot.Replica(c.rank(), c.worldSize(), parameterChecksum, consistent);
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
