package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What replicas agree on, on two ranks of an in-process collective (each on a thread of its own, as
 * each replica's training thread would be): seeds, who writes checkpoints, the divergence check and
 * the vote on "solved".
 */
@Timeout(60)
class ReplicaCoordinationTest {

    private static final PpoSettings SETTINGS = new PpoSettings(64, 1, 4, 0.99, 0.95, 0.2, 0.2, false, 0, 0.5, true);

    private static PpoAgent agent(long seed) {
        return PpoAgent.create(SETTINGS, new SplittableRandom(seed), (name, model) -> Adam.create(model, 1e-3),
                LearningRateAdapter.constant());
    }

    /** A run whose last 100 episodes (or fewer) all returned {@code episodeReturn}. */
    private static TrainingProgress progress(int episodes, float episodeReturn) {
        float[] returns = new float[Math.min(episodes, TrainingProgress.WINDOW)];
        Arrays.fill(returns, episodeReturn);
        return TrainingProgress.restore(episodes, episodes * 200L, 5, returns);
    }

    /** {@code body} on rank 0 and rank 1 at once; their results in rank order. */
    private static <T> List<T> onBothRanks(BiFunction<Integer, ReplicaCoordination, T> body) throws Exception {
        List<Collective> ranks = LocalCollectives.create(2);
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            int r = rank;
            ReplicaCoordination replica = ReplicaCoordination.over(ranks.get(r));
            results.add(CompletableFuture.supplyAsync(() -> body.apply(r, replica)));
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : results) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void aloneItKeepsTheSeedWritesCheckpointsAndSolvesByItself() {
        ReplicaCoordination alone = ReplicaCoordination.alone();
        assertThat(alone.collective()).isNull();
        assertThat(alone.seedOf(42)).isEqualTo(42);
        assertThat(alone.localSolvedThreshold(475)).isEqualTo(475);
        assertThat(alone.writesCheckpoints()).isTrue();

        alone.afterUpdate(agent(1), progress(100, 500), 475);
        assertThat(alone.solvedTogether()).as("alone, the trainer decides").isFalse();
        assertThat(alone.snapshot()).isNull();
    }

    @Test
    void replicasSeedApartOnlyRankZeroWritesAndNoneSolvesAlone() throws Exception {
        List<String> seen = onBothRanks((rank, replica) -> replica.seedOf(42) + " " + replica.writesCheckpoints()
                + " " + replica.localSolvedThreshold(475));
        assertThat(seen).containsExactly("42 true Infinity", "43 false Infinity");
    }

    @Test
    void replicasStartFromRankZerosNetworksAndAgreeTheyHaveSolvedWhenTheirMeanReachesTheThreshold()
            throws Exception {
        List<TrainingSnapshot.Replica> checked = onBothRanks((rank, replica) -> {
            PpoAgent agent = agent(rank);
            replica.startFromRankZero(agent);
            // rank 0 alone at 480, rank 1 at 470: their mean, 475, reaches the threshold
            replica.afterUpdate(agent, progress(150, rank == 0 ? 480 : 470), 475);
            assertThat(replica.solvedTogether()).isTrue();
            return replica.snapshot();
        });
        assertThat(checked).allSatisfy(s -> {
            assertThat(s.worldSize()).isEqualTo(2);
            assertThat(s.consistent()).isTrue();
        });
        assertThat(checked.get(0).rank()).isZero();
        assertThat(checked.get(0).parameterChecksum()).isNotNull().isEqualTo(checked.get(1).parameterChecksum());
    }

    @Test
    void noReplicaHasSolvedWhileOneHasFewerThanAHundredEpisodes() throws Exception {
        List<Boolean> solved = onBothRanks((rank, replica) -> {
            PpoAgent agent = agent(7);
            replica.afterUpdate(agent, progress(rank == 0 ? 150 : 99, 500), 475);
            return replica.solvedTogether();
        });
        assertThat(solved).containsExactly(false, false);
    }

    @Test
    void replicasWithDifferentParametersFailTheRunAndReportIt() throws Exception {
        List<String> failures = onBothRanks((rank, replica) -> {
            PpoAgent agent = agent(rank); // never broadcast: the two networks differ
            try {
                replica.afterUpdate(agent, progress(150, 500), 475);
                return "no failure";
            } catch (IllegalStateException e) {
                assertThat(replica.snapshot().consistent()).isFalse();
                assertThat(replica.solvedTogether()).as("no vote after a divergence").isFalse();
                return e.getMessage();
            }
        });
        assertThat(failures).allSatisfy(m -> assertThat(m).startsWith("replicas diverged"));
    }
}
