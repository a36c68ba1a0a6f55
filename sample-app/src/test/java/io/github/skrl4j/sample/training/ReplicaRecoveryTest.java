package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.distributed.ReformableCollective;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.schedule.KLAdaptiveLR;
import io.github.skrl4j.sample.faults.CollectiveFailureFault;
import io.github.skrl4j.sample.faults.TrainingFailureFault;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import io.github.skrl4j.sample.ppo.PpoAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas, each a real {@link TrainingService} on a thread of its own, in a world that re-forms
 * ({@code ReformingWorld} over {@code LocalCollectives.formations}): a replica lost mid-training and replaced by a
 * fresh one with no state, a send failure with every replica alive, and a restart budget used up.
 */
@Timeout(120)
class ReplicaRecoveryTest {

    private static final int ROLLOUTS = 256;
    private static final int EPOCHS = 4;
    private static final int MINI_BATCHES = 4;
    private static final long UPDATES = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long an operation waits for the other replica: a closed in-JVM rank is noticed by its peers only then,
     * as a killed process whose abort never came would be.
     */
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(5);
    private static final RestartPolicy RESTARTS = new RestartPolicy(3, Duration.ofMinutes(10), TIMEOUT);

    @TempDir
    Path dir;

    private final List<WorldFormation> formations = LocalCollectives.formations(2, 4096,
            OPERATION_TIMEOUT);
    private final List<TrainingService> services = new ArrayList<>();
    private final List<LocalReplicaWorld> worlds = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        services.forEach(TrainingService::stop);
        worlds.forEach(LocalReplicaWorld::close);
    }

    private static Adam settings(String name) {
        return Adam.builder().name(name).lr(1e-3).gradNormClip(0.5).scale(!name.equals(PpoAgent.POLICY)).build();
    }

    private static final OptimizerSource OPTIMIZERS = (name, model) -> settings(name).init(model);

    private static final OptimizerRestorer RESTORER = new OptimizerRestorer() {
        @Override
        public Optimizer restore(String name, Model model, Path file) {
            throw new UnsupportedOperationException("these replicas resume no checkpoint");
        }

        @Override
        public Optimizer restore(String name, Model model, OptimizerState state) {
            return Optimizer.restore(settings(name), model, state);
        }
    };

    private TrainingProperties properties(int rank) {
        return new TrainingProperties(42, UPDATES * ROLLOUTS, 475, false, dir.resolve("rank-" + rank), 0, null, false,
                new TrainingProperties.KlAdaptive(0.008, 1e-6, 1e-2, 2, 1.5),
                new TrainingProperties.Ppo(ROLLOUTS, EPOCHS, MINI_BATCHES, 0.99, 0.95, 0.2, 0.2, false, 0, 0.5, true));
    }

    private LocalReplicaWorld world(int rank, RestartPolicy policy) {
        LocalReplicaWorld world = new LocalReplicaWorld(formations.get(rank), policy, TIMEOUT);
        worlds.add(world);
        return world;
    }

    /** A replica of rank {@code rank} over {@code world}, started: it forms its world on its training thread. */
    private TrainingService replica(int rank, ReformableCollective world) {
        TrainingService service = new TrainingService(properties(rank), OPTIMIZERS, RESTORER,
                KLAdaptiveLR.defaults()::next, new TrainingRecorder(), new DirectoryCheckpointStore(
                        dir.resolve("rank-" + rank)), code -> {
                        });
        service.distributeOver(world);
        services.add(service);
        service.start();
        return service;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static TrainingSnapshot awaitEnd(TrainingService service) throws InterruptedException {
        await("training ends in time", () -> service.status().isFinal());
        return service.snapshot();
    }

    /**
     * Both replicas ended the whole budget in lockstep: the same parameters and optimizer states, every update
     * and environment step of the run counted once.
     */
    private static void assertTrainedTheRunTogether(TrainingService a, TrainingService b) throws InterruptedException {
        TrainingSnapshot sa = awaitEnd(a);
        TrainingSnapshot sb = awaitEnd(b);
        for (TrainingSnapshot s : List.of(sa, sb)) {
            assertThat(s.status()).as(s.error()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
            assertThat(s.updates()).isEqualTo(UPDATES);
            assertThat(s.environmentSteps()).isEqualTo(UPDATES * ROLLOUTS);
            assertThat(s.replica().world()).isEqualTo(WorldState.DONE);
            assertThat(s.replica().consistent()).isTrue();
            assertThat(s.optimizers()).allSatisfy(o -> assertThat(o.count()).isEqualTo(UPDATES * EPOCHS * MINI_BATCHES));
        }
        assertThat(sa.replica().parameterChecksum()).isNotNull().isEqualTo(sb.replica().parameterChecksum());
        PpoAgent agentA = a.agent();
        PpoAgent agentB = b.agent();
        assertThat(agentA.policy().parameters().contentEquals(agentB.policy().parameters())).isTrue();
        assertThat(agentA.value().parameters().contentEquals(agentB.value().parameters())).isTrue();
        assertThat(agentA.policyOptimizer().state().mu().contentEquals(agentB.policyOptimizer().state().mu())).isTrue();
        assertThat(agentA.valueOptimizer().state().nu().contentEquals(agentB.valueOptimizer().state().nu())).isTrue();
        assertThat(agentA.policyLearningRate()).isEqualTo(agentB.policyLearningRate());
    }

    /** Rank {@code lost} is lost after two updates and replaced by a fresh replica; the run goes on from the survivor's state. */
    private void aLostReplicaIsReplacedByAFreshOne(int lost) throws InterruptedException {
        int survivorRank = 1 - lost;
        LocalReplicaWorld lostWorld = world(lost, RESTARTS);
        TrainingService[] replicas = new TrainingService[2];
        replicas[survivorRank] = replica(survivorRank, world(survivorRank, RESTARTS));
        replicas[lost] = replica(lost, lostWorld);
        TrainingService survivor = replicas[survivorRank];
        await("two updates", () -> replicas[lost].snapshot().updates() >= 2);

        lostWorld.lose();
        assertThat(awaitEnd(replicas[lost]).status()).isEqualTo(TrainingStatus.FAILED);
        await("the survivor waits for the world to re-form",
                () -> survivor.snapshot().replica().world() == WorldState.REFORMING);
        TrainingSnapshot waiting = survivor.snapshot();
        assertThat(waiting.status()).isEqualTo(TrainingStatus.RUNNING);
        assertThat(waiting.replica().lastFailure()).contains("CollectiveException");
        assertThat(waiting.replica().lastFailureAt()).isNotNull();
        assertThat(TrainingConfiguration.health(waiting).getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");

        // the same command again: a replica of that rank holding nothing, not even a checkpoint
        TrainingService replacement = replica(lost, world(lost, RESTARTS));
        assertTrainedTheRunTogether(survivor, replacement);
        assertThat(survivor.snapshot().replica().restarts()).isEqualTo(1);
        assertThat(survivor.snapshot().replica().lastFailure()).isNotNull();
        assertThat(replacement.snapshot().replica().restarts()).isZero();
        assertThat(replacement.snapshot().replica().rank()).isEqualTo(lost);
        assertThat(replacement.snapshot().resumedFrom()).isNull();
        // the replacement took the survivor's counters and returns, so it counts the whole run
        assertThat(replacement.snapshot().episodes()).isPositive();
    }

    @Test
    void rankOneLostMidTrainingAndRestartedWithoutStateContinuesFromRankZerosState() throws Exception {
        aLostReplicaIsReplacedByAFreshOne(1);
    }

    @Test
    void rankZeroLostMidTrainingAndRestartedWithoutStateContinuesFromRankOnesState() throws Exception {
        aLostReplicaIsReplacedByAFreshOne(0);
    }

    @Test
    void aFailedSendBreaksTheWorldWithEveryReplicaAliveAndItReformsWithTheSameMembers() throws Exception {
        CollectiveFailureFault fault = new CollectiveFailureFault();
        TrainingService rank0 = replica(0, world(0, RESTARTS));
        TrainingService rank1 = replica(1, new InterceptedWorld(world(1, RESTARTS), fault::beforeOperation));
        await("two updates", () -> rank1.snapshot().updates() >= 2);
        fault.failNextOperation();

        assertTrainedTheRunTogether(rank0, rank1);
        assertThat(fault.isArmed()).isFalse();
        for (TrainingService s : List.of(rank0, rank1)) {
            assertThat(s.snapshot().replica().restarts()).isEqualTo(1);
        }
        assertThat(rank1.snapshot().replica().lastFailure()).contains("TRANSPORT")
                .contains("the collective-failure fault failed this send");
        assertThat(rank0.snapshot().replica().lastFailure()).contains("CollectiveException");
    }

    @Test
    void aReplicaWhoseOwnTrainingFailsGivesUpAndTheOtherFailsAtOnceNamingIt() throws Exception {
        // the policy would keep rank 0 waiting ten minutes for a replica that does not come back
        RestartPolicy longWait = new RestartPolicy(3, Duration.ofMinutes(10), Duration.ofMinutes(10));
        TrainingFailureFault fault = new TrainingFailureFault();
        TrainingService rank0 = replica(0, world(0, longWait));
        TrainingService rank1 = replica(1, new InterceptedWorld(world(1, longWait), fault::beforeOperation));
        await("two updates", () -> rank1.snapshot().updates() >= 2);
        fault.failTraining();

        TrainingSnapshot gaveUp = awaitEnd(rank1);
        assertThat(gaveUp.status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(gaveUp.error()).startsWith("IllegalStateException: the training-failure fault");
        assertThat(gaveUp.replica().world()).isEqualTo(WorldState.BROKEN);
        TrainingSnapshot other = awaitEnd(rank0); // within await's 90 s, not the policy's ten minutes
        assertThat(other.status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(other.error()).contains("GAVE_UP", "rank 1 gave up for good",
                "IllegalStateException: the training-failure fault");
        assertThat(other.replica().world()).isEqualTo(WorldState.BROKEN);
        assertThat(other.updates()).isLessThan(UPDATES);
        for (TrainingSnapshot s : List.of(gaveUp, other)) {
            assertThat(TrainingConfiguration.health(s).getStatus().getCode()).isEqualTo("DOWN");
        }
    }

    @Test
    void aReplicaWaitingForItsWorldStopsWhenTheApplicationStops() throws Exception {
        // rank 1 never comes: rank 0 would wait a minute for it to form the world
        LocalReplicaWorld alone = new LocalReplicaWorld(formations.get(0), RESTARTS, Duration.ofMinutes(1));
        worlds.add(alone);
        TrainingService rank0 = replica(0, alone);
        await("the world forms", () -> rank0.snapshot().replica().world() == WorldState.FORMING
                && rank0.isRunning());
        rank0.stop();
        TrainingSnapshot stopped = rank0.snapshot();
        assertThat(stopped.status()).isEqualTo(TrainingStatus.STOPPED);
        assertThat(stopped.updates()).isZero();
        assertThat(stopped.error()).isNull();
    }

    @Test
    void whenTheRestartBudgetIsUsedUpEveryReplicaFailsSayingSo() throws Exception {
        CollectiveFailureFault fault = new CollectiveFailureFault();
        RestartPolicy none = new RestartPolicy(0, Duration.ofMinutes(10), TIMEOUT);
        TrainingService rank0 = replica(0, world(0, none));
        TrainingService rank1 = replica(1, new InterceptedWorld(world(1, none), fault::beforeOperation));
        await("one update", () -> rank1.snapshot().updates() >= 1);
        fault.failNextOperation();

        for (TrainingService s : List.of(rank0, rank1)) {
            TrainingSnapshot failed = awaitEnd(s);
            assertThat(failed.status()).isEqualTo(TrainingStatus.FAILED);
            assertThat(failed.error()).startsWith("CollectiveException: BROKEN").contains("may re-form at most 0 times");
            assertThat(failed.replica().world()).isEqualTo(WorldState.BROKEN);
            assertThat(failed.replica().restarts()).isZero();
            assertThat(failed.updates()).isLessThan(UPDATES);
            assertThat(TrainingConfiguration.health(failed).getStatus().getCode()).isEqualTo("DOWN");
        }
    }
}
