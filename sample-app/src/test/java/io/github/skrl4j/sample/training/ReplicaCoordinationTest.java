package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.distributed.ReformableCollective;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.adam.distributed.NewestState;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import java.time.Duration;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import io.github.skrl4j.testsupport.TestThreads;
import java.nio.file.Path;
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
import java.util.function.UnaryOperator;
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

    private static final OptimizerSource OPTIMIZERS = (name, model) -> Adam.create(model, 1e-3);

    /** Optimizers continued from a state with the settings of {@link #OPTIMIZERS}. */
    private static final OptimizerRestorer RESTORER = new OptimizerRestorer() {
        @Override
        public Optimizer restore(String name, io.github.skrl4j.adam.Model model, Path file) {
            throw new UnsupportedOperationException("no checkpoint files here");
        }

        @Override
        public Optimizer restore(String name, io.github.skrl4j.adam.Model model, OptimizerState state) {
            return Optimizer.restore(Adam.create(model, 1e-3).config(), model, state);
        }
    };

    /** How the replicas rebuild their runs: seed 42 plus the rank. */
    private static final RunStart.Rebuild REBUILD = new RunStart.Rebuild(SETTINGS, OPTIMIZERS, RESTORER,
            LearningRateAdapter.constant(), 42);

    private static PpoAgent agent(long seed) {
        return PpoAgent.create(SETTINGS, new SplittableRandom(seed), OPTIMIZERS, LearningRateAdapter.constant());
    }

    /** {@code agent} and {@code progress} as a run resumed from a checkpoint of a world of two, accepted by {@code replica}. */
    private static RunStart resumed(ReplicaCoordination replica, PpoAgent agent, TrainingProgress progress) {
        replica.acceptCheckpoint(new CheckpointStore.Restored(agent, progress, Path.of("update-" + progress.updates()),
                2), false);
        return RunStart.continued(agent, progress, 42, "update-" + progress.updates());
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
            ReplicaCoordination replica = ReplicaCoordination.over(ReformableCollective.fixed(ranks.get(r)));
            results.add(CompletableFuture.supplyAsync(() -> body.apply(r, replica), TestThreads.PER_TASK));
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : results) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Two replicas' worlds over in-process formations, the first world formed; index = rank. */
    private static List<LocalReplicaWorld> formedWorlds(RestartPolicy policy) throws Exception {
        List<WorldFormation> formations = LocalCollectives.formations(2, 64, Duration.ofSeconds(5));
        List<LocalReplicaWorld> worlds = List.of(new LocalReplicaWorld(formations.get(0), policy, Duration.ofSeconds(20)),
                new LocalReplicaWorld(formations.get(1), policy, Duration.ofSeconds(20)));
        CompletableFuture<long[]> other = CompletableFuture.supplyAsync(() -> worlds.get(1).allGather(1),
                TestThreads.PER_TASK);
        worlds.get(0).allGather(0);
        other.get(20, TimeUnit.SECONDS);
        return worlds;
    }

    @Test
    void aReplicaWhoseRunFailsGivesUpButNotOneWhoseRunFailsWhileItStops() throws Exception {
        RestartPolicy shortWait = new RestartPolicy(3, Duration.ofMinutes(10), Duration.ofMillis(500));
        List<LocalReplicaWorld> stopping = formedWorlds(shortWait);
        ReplicaCoordination.over(stopping.get(1)).failedWhileStopping(new IllegalStateException("during shutdown"));
        stopping.get(1).close(); // as its context does; it will be restarted
        CollectiveException waited = catchThrowableOfType(CollectiveException.class,
                () -> stopping.get(0).reform(new IllegalStateException("rank 1 left")));
        assertThat(waited.reason()).as("waited for, as a restart").isEqualTo(CollectiveException.Reason.TIMEOUT);
        stopping.get(0).close();

        List<LocalReplicaWorld> failing = formedWorlds(shortWait);
        ReplicaCoordination.over(failing.get(1)).failed(new IllegalStateException("NaN guard"));
        CollectiveException gaveUp = catchThrowableOfType(CollectiveException.class,
                () -> failing.get(0).reform(new IllegalStateException("rank 1 left")));
        assertThat(gaveUp.reason()).isEqualTo(CollectiveException.Reason.GAVE_UP);
        assertThat(gaveUp).hasMessageContaining("rank 1 gave up for good (IllegalStateException: NaN guard)");
        failing.forEach(LocalReplicaWorld::close);
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
            // fresh runs of seeds 42 and 43: no replica holds a state, the networks are rank 0's
            RunStart run = replica.enter(RunStart.fresh(SETTINGS, replica.seedOf(42), OPTIMIZERS,
                    LearningRateAdapter.constant()), REBUILD);
            assertThat(replica.consistentVersion()).isZero();
            PpoAgent agent = run.agent();
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

    /** {@code agent} with its policy optimizer continuing from {@code change} applied to its state. */
    private static PpoAgent withPolicyState(PpoAgent agent, UnaryOperator<OptimizerState> change) {
        Optimizer policy = Optimizer.restore(agent.policyOptimizer().config(), agent.policy(),
                change.apply(agent.policyOptimizer().state()));
        return new PpoAgent(SETTINGS, agent.policy(), agent.value(), policy, agent.valueOptimizer(),
                LearningRateAdapter.constant(), agent.policyLearningRate());
    }

    /** {@code state} at {@code count} steps with its first moment's first value set to {@code mu0}. */
    private static OptimizerState withMu(OptimizerState state, long count, float mu0) {
        Tensors mu = state.mu();
        mu.get(0).data()[0] = mu0;
        return OptimizerState.of(count, mu, state.nu(), state.nuMax());
    }

    /**
     * Both ranks resume {@code startOf(rank)} at {@code progressOf(rank)}; the MISMATCH each one refuses the start
     * with, checked to leave the optimizers unstepped.
     */
    private static List<String> refusedStarts(BiFunction<Integer, PpoAgent, PpoAgent> startOf,
            BiFunction<Integer, PpoAgent, TrainingProgress> progressOf) throws Exception {
        return onBothRanks((rank, replica) -> {
            PpoAgent agent = startOf.apply(rank, agent(11));
            long policyCount = agent.policyOptimizer().count();
            RunStart run = resumed(replica, agent, progressOf.apply(rank, agent));
            CollectiveException refused = catchThrowableOfType(CollectiveException.class,
                    () -> replica.enter(run, REBUILD));
            assertThat(refused).as("rank %d refuses to start", rank).isNotNull();
            assertThat(refused.reason()).isEqualTo(CollectiveException.Reason.MISMATCH);
            assertThat(replica.snapshot().consistent()).isFalse();
            assertThat(replica.snapshot().world()).isEqualTo(WorldState.BROKEN);
            assertThat(replica.snapshot().lastFailure()).startsWith("CollectiveException: MISMATCH");
            assertThat(replica.snapshot().lastFailureAt()).isNotNull();
            assertThat(agent.policyOptimizer().count()).as("nothing stepped").isEqualTo(policyCount);
            return refused.getMessage();
        });
    }

    @Test
    void replicasResumedAtOneUpdateFromStatesThatDifferAreRefusedBeforeTheirFirstStep() throws Exception {
        // same networks, same count, same update, but one first-moment value differs: two different checkpoints
        // of one update, so each replica keeps its own and the start-state check tells them apart
        List<String> refusals = refusedStarts(
                (rank, agent) -> withPolicyState(agent, s -> withMu(s, 160, rank == 0 ? 1e-3f : 2e-3f)),
                (rank, agent) -> TrainingProgress.restore(20, 1024, 1, new float[0]));
        assertThat(refusals).allSatisfy(m -> assertThat(m).startsWith("MISMATCH: the replicas do not hold the same"
                + " state before their first step").contains("ranks differing from rank 0: [1]")
                .contains("Resume every replica from the same checkpoint"));
        assertThat(refusals.get(0)).contains("this rank 0 holds").contains("optimizer counts policy 160 value 0")
                .contains("1 updates, 1024 environment steps");
    }

    @Test
    void aReplicaThatHoldsNoStateContinuesFromTheNewestOneAnotherHolds() throws Exception {
        // rank 1 resumed a checkpoint (two updates: 320 optimizer steps) while rank 0 starts afresh, as a
        // replacement replica with no checkpoint directory would: the world continues rank 1's state
        float[] returns = {20, 30, 40};
        List<String> started = onBothRanks((rank, replica) -> {
            RunStart run = rank == 0
                    ? RunStart.fresh(SETTINGS, replica.seedOf(42), OPTIMIZERS, LearningRateAdapter.constant())
                    : resumed(replica, withPolicyState(agent(12), s -> withMu(s, 320, 1e-3f)),
                            TrainingProgress.restore(30, 2048, 2, returns));
            assertThat(replica.consistentVersion()).isEqualTo(rank == 0 ? NewestState.NONE : 2);
            RunStart start = replica.enter(run, REBUILD);
            PpoAgent agent = start.agent();
            assertThat(replica.snapshot().world()).isEqualTo(WorldState.TRAINING);
            assertThat(replica.consistentVersion()).isEqualTo(2);
            assertThat(agent.policyOptimizer().count()).isEqualTo(320);
            assertThat(agent.policyOptimizer().state().mu().get(0).data()[0]).isEqualTo(1e-3f);
            assertThat(start.progress().recentReturns()).containsExactly(returns);
            return start.progress().episodes() + " " + start.progress().environmentSteps() + " "
                    + start.progress().updates() + " " + Checksums.hex(Checksums.crc32c(agent.policy().parameters()));
        });
        assertThat(started.get(0)).startsWith("30 2048 2 ").isEqualTo(started.get(1));
    }

    @Test
    void replicasResumedFromOneStateStartTogether() throws Exception {
        List<Boolean> started = onBothRanks((rank, replica) -> {
            PpoAgent agent = withPolicyState(agent(11), s -> withMu(s, 320, 1e-3f));
            assertThat(replica.snapshot().world()).isEqualTo(WorldState.FORMING);
            replica.enter(resumed(replica, agent, TrainingProgress.restore(30, 2048, 2, new float[0])), REBUILD);
            assertThat(replica.snapshot().world()).isEqualTo(WorldState.TRAINING);
            assertThat(replica.snapshot().lastFailure()).isNull();
            assertThat(replica.snapshot().restarts()).isZero();
            replica.ended();
            assertThat(replica.snapshot().world()).isEqualTo(WorldState.DONE);
            return replica.snapshot().consistent();
        });
        assertThat(started).containsExactly(true, true);
    }

    @Test
    void aDivergenceBreaksTheWorldAndBothReplicasGoBackToTheStateTheyLastShared() throws Exception {
        List<WorldFormation> formations = LocalCollectives.formations(2, 4096, Duration.ofSeconds(10));
        List<LocalReplicaWorld> worlds = List.of(
                new LocalReplicaWorld(formations.get(0), new RestartPolicy(1, Duration.ofMinutes(1),
                        Duration.ofSeconds(10)), Duration.ofSeconds(10)),
                new LocalReplicaWorld(formations.get(1), new RestartPolicy(1, Duration.ofMinutes(1),
                        Duration.ofSeconds(10)), Duration.ofSeconds(10)));
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ReplicaCoordination replica = ReplicaCoordination.over(worlds.get(rank));
            int r = rank;
            results.add(CompletableFuture.supplyAsync(() -> {
                RunStart run = replica.enter(RunStart.fresh(SETTINGS, replica.seedOf(42), OPTIMIZERS,
                        LearningRateAdapter.constant()), REBUILD);
                String shared = Checksums.hex(Checksums.crc32c(run.agent().policy().parameters()));
                if (r == 1) {
                    run.agent().policy().parameters().get(0).data()[0] += 1f; // rank 1 steps somewhere else
                }
                ReplicasDivergedException diverged = catchThrowableOfType(ReplicasDivergedException.class,
                        () -> replica.afterUpdate(run.agent(), run.progress(), 475));
                assertThat(diverged).isNotNull();
                assertThat(replica.breaksTheWorld(diverged)).isTrue();
                assertThat(replica.breaksTheWorld(new CollectiveException(CollectiveException.Reason.MISMATCH,
                        "different states"))).as("a mismatch does not re-form").isFalse();

                RunStart back = replica.recover(diverged, run, REBUILD);
                assertThat(replica.snapshot().restarts()).isEqualTo(1);
                assertThat(replica.snapshot().lastFailure()).startsWith("ReplicasDivergedException: replicas diverged");
                RunStart again = replica.enter(back, REBUILD);
                assertThat(replica.snapshot().world()).isEqualTo(WorldState.TRAINING);
                assertThat(replica.snapshot().consistent()).isTrue();
                return shared + " " + Checksums.hex(Checksums.crc32c(again.agent().policy().parameters()));
            }, TestThreads.PER_TASK));
        }
        try {
            String rank0 = results.get(0).get(30, TimeUnit.SECONDS);
            assertThat(rank0.split(" ")[1]).as("back at the shared state").isEqualTo(rank0.split(" ")[0]);
            assertThat(results.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(rank0);
        } finally {
            worlds.forEach(LocalReplicaWorld::close);
        }
    }

    @Test
    void aCheckpointOfAnotherWorldSizeIsRefusedNamingBothUnlessAllowed() throws Exception {
        PpoAgent agent = agent(3);
        CheckpointStore.Restored ofTwo = new CheckpointStore.Restored(agent, progress(10, 20), Path.of("update-000002"),
                2);
        ReplicaCoordination alone = ReplicaCoordination.alone();
        assertThat(alone.worldSize()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> alone.acceptCheckpoint(ofTwo, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written by a world of 2 replicas, this world has 1")
                .hasMessageContaining("sample.training.allow-world-size-change=true");
        alone.acceptCheckpoint(ofTwo, true);
        alone.acceptCheckpoint(new CheckpointStore.Restored(agent, progress(10, 20), Path.of("old"),
                CheckpointStore.UNKNOWN_WORLD_SIZE), false);

        List<String> seen = onBothRanks((rank, replica) -> {
            replica.acceptCheckpoint(ofTwo, false);
            try {
                replica.acceptCheckpoint(new CheckpointStore.Restored(agent, progress(10, 20), Path.of("u"), 3), false);
                return "accepted";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(seen).allSatisfy(m -> assertThat(m).contains("written by a world of 3 replicas, this world has 2"));
    }

    @Test
    void theTrainingHealthIsOutOfServiceWhileTheWorldFormsUpWhileItTrainsAndDownOnceItBroke() throws Exception {
        List<List<String>> seen = onBothRanks((rank, replica) -> {
            PpoAgent agent = agent(5);
            List<String> statuses = new ArrayList<>();
            statuses.add(health(replica, TrainingStatus.RUNNING));
            replica.startConsistently(agent, progress(0, 0));
            statuses.add(health(replica, TrainingStatus.RUNNING));
            replica.failed(new IllegalStateException("replicas diverged"));
            statuses.add(health(replica, TrainingStatus.FAILED));
            return statuses;
        });
        assertThat(seen).allSatisfy(s -> assertThat(s).containsExactly("OUT_OF_SERVICE FORMING", "UP TRAINING",
                "DOWN BROKEN IllegalStateException: replicas diverged"));
    }

    /** The {@code training} health of a run at {@code status} on {@code replica}: status, world, last failure. */
    private static String health(ReplicaCoordination replica, TrainingStatus status) {
        TrainingSnapshot snapshot = new TrainingSnapshot(status, 0, 0, 0, 0, null, 0, 475, 1000, List.of(), null, null,
                null, replica.snapshot());
        org.springframework.boot.health.contributor.Health health = TrainingConfiguration.health(snapshot);
        Object failure = health.getDetails().get("lastFailure");
        return health.getStatus().getCode() + " " + health.getDetails().get("world")
                + (failure == null ? "" : " " + failure);
    }
}
