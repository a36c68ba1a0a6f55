package io.github.skrl4j.adam.spring.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.LocalCollectives;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import io.github.skrl4j.testsupport.TestThreads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DistributedTraining} over in-JVM formations: the current world, re-forming, and what it shows. */
@Timeout(60)
class DistributedTrainingTest {

    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);

    private final List<DistributedTraining> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(DistributedTraining::close);
    }

    /** {@code worldSize} replicas, index = rank, each re-forming within {@code policy}. */
    private List<DistributedTraining> world(int worldSize, RestartPolicy policy) {
        List<WorldFormation> formations = LocalCollectives.formations(worldSize, 16, OPERATION_TIMEOUT);
        List<DistributedTraining> replicas = formations.stream()
                .map(f -> new DistributedTraining(new ReformingWorld(f, policy, JOIN_TIMEOUT))).toList();
        opened.addAll(replicas);
        return replicas;
    }

    private static RestartPolicy restarts(int max) {
        return new RestartPolicy(max, Duration.ofMinutes(30), Duration.ofSeconds(20));
    }

    private static Tensors gradient(float... values) {
        return Tensors.of(Tensor.of("w", values, values.length));
    }

    private static <T> CompletableFuture<T> onItsThread(Supplier<T> body) {
        return CompletableFuture.supplyAsync(body, TestThreads.PER_TASK);
    }

    private static void awaitStatus(DistributedTraining training, ReformingWorld.Status status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (training.status() != status) {
            assertThat(System.nanoTime()).as("status " + status + " in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void theFirstOperationFormsTheWorldAndEveryOperationRunsOnIt() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.FORMING);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.FORMING);
        // configured ranks are known without waiting for a world
        assertThat(rank1.rank()).isEqualTo(1);
        assertThat(rank1.configuredRank()).isEqualTo(1);
        assertThat(rank1.worldSize()).isEqualTo(2);
        assertThat(rank0.describe()).containsEntry("status", "FORMING").containsEntry("restarts", 0)
                .containsEntry("rank", 0).doesNotContainKey("lastFailure");

        CompletableFuture<Tensors> other = onItsThread(() -> {
            Tensors g = gradient(3, 5);
            rank1.allReduceMean(g);
            rank1.allGather(11);
            return g;
        });
        Tensors mine = gradient(1, 3);
        rank0.allReduceMean(mine);
        assertThat(rank0.allGather(10)).containsExactly(10, 11);
        assertThat(mine.get(0).data()).containsExactly(2, 4);
        assertThat(other.get(20, TimeUnit.SECONDS).get(0).data()).containsExactly(2, 4);

        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.FORMED);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.FORMED);
        assertThat(rank0.healthy()).isTrue();
        assertThat(rank0.restarts()).isZero();
        assertThat(rank0.lastFailure()).isNull();
        assertThat(rank0.describe()).containsEntry("status", "FORMED").containsEntry("operations", 2L);
    }

    @Test
    void aFailedOperationBreaksTheWorldUntilItReformsThenOperationsRunOnTheNewOne() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        CompletableFuture<float[]> other = onItsThread(() -> {
            rank1.allReduceSum(gradient(1));
            // rank 1's world closes (as when its process restarts): rank 0's next operation fails at once
            rank1.reform(new IllegalStateException("rank 1 restarted"));
            Tensors g = gradient(5);
            rank1.allReduceSum(g);
            return g.get(0).data();
        });
        rank0.allReduceSum(gradient(2));

        Tensors kept = gradient(7);
        assertThatThrownBy(() -> rank0.allReduceSum(kept)).isInstanceOf(CollectiveException.class);
        assertThat(kept.get(0).data()).as("nothing of the failed operation kept").containsExactly(7);
        assertThat(rank0.state()).as("broken until it re-forms").isEqualTo(ReplicaWorld.State.BROKEN);
        assertThat(rank0.healthy()).isFalse();
        assertThat(rank0.failure()).isNotNull();
        assertThat(rank0.describe()).containsKey("failure").containsKey("lastFailure");

        CollectiveException cause = new CollectiveException(CollectiveException.Reason.MEMBER_LEFT, "rank 1 left");
        rank0.reform(cause);
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.FORMED);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.FORMED);
        assertThat(rank0.failure()).as("the new world works").isNull();
        assertThat(rank0.restarts()).isEqualTo(1);
        assertThat(rank0.lastFailure()).contains("rank 1 left");
        assertThat(rank0.describe()).containsEntry("status", "FORMED").containsEntry("restarts", 1)
                .containsEntry("lastFailure", "MEMBER_LEFT: rank 1 left").containsKey("lastFailureAt")
                .doesNotContainKey("failure");

        Tensors g = gradient(6);
        rank0.allReduceSum(g);
        assertThat(g.get(0).data()).containsExactly(11);
        assertThat(other.get(20, TimeUnit.SECONDS)).containsExactly(11);
        assertThat(rank1.restarts()).isEqualTo(1);
    }

    @Test
    void whileTheWorldReformsItIsReformingNeitherFormedNorBroken() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        CompletableFuture<Integer> first = onItsThread(rank1::rank);
        onItsThread(() -> {
            rank1.allGather(1);
            return null;
        });
        rank0.allGather(0);
        first.get(20, TimeUnit.SECONDS);

        CompletableFuture<Void> reforming = onItsThread(() -> {
            rank0.reform(new IllegalStateException("rank 1 froze"));
            return null;
        });
        awaitStatus(rank0, ReformingWorld.Status.REFORMING);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.REFORMING);
        assertThat(rank0.describe()).containsEntry("status", "REFORMING").containsEntry("restarts", 1)
                .containsEntry("lastFailure", "rank 1 froze");

        rank1.reform(new IllegalStateException("rank 1 continued"));
        reforming.get(20, TimeUnit.SECONDS);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.FORMED);
    }

    @Test
    void whenTheRestartsAreUsedUpTheWorldIsBrokenForGood() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(1));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        CompletableFuture<Void> other = onItsThread(() -> {
            rank1.allGather(1);
            rank1.reform(new IllegalStateException("first failure"));
            return null;
        });
        rank0.allGather(0);
        rank0.reform(new IllegalStateException("first failure"));
        other.get(20, TimeUnit.SECONDS);

        assertThatThrownBy(() -> rank0.reform(new IllegalStateException("second failure")))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.BROKEN))
                .hasMessageContaining("at most 1 times");
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.BROKEN);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.BROKEN);
        assertThat(rank0.lastFailure()).isEqualTo("second failure");
        assertThat(rank0.describe()).containsEntry("status", "BROKEN").containsEntry("restarts", 1)
                .containsEntry("maxRestarts", 1);
        // and every later operation says so
        assertThatThrownBy(() -> rank0.allGather(0)).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.BROKEN));
    }

    @Test
    void replicasThatDoNotComeBackWithinTheRestartTimeoutBreakTheWorld() throws Exception {
        List<WorldFormation> formations = LocalCollectives.formations(2, 16, OPERATION_TIMEOUT);
        RestartPolicy quick = new RestartPolicy(3, Duration.ofMinutes(30), Duration.ofMillis(200));
        DistributedTraining rank0 = new DistributedTraining(new ReformingWorld(formations.get(0), quick, JOIN_TIMEOUT));
        DistributedTraining rank1 = new DistributedTraining(new ReformingWorld(formations.get(1), quick, JOIN_TIMEOUT));
        opened.addAll(List.of(rank0, rank1));
        CompletableFuture<Void> other = onItsThread(() -> {
            rank1.allGather(1);
            return null;
        });
        rank0.allGather(0);
        other.get(20, TimeUnit.SECONDS);

        assertThatThrownBy(() -> rank0.reform(new IllegalStateException("rank 1 lost")))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TIMEOUT));
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.BROKEN);
        assertThat(rank0.healthy()).isFalse();
        assertThat(rank0.lastFailure()).contains("not every rank came");
    }

    @Test
    void aReplicaThatGivesUpBreaksTheOthersWorldAtOnceAndHealthSaysWhy() throws Exception {
        RestartPolicy longWait = new RestartPolicy(3, Duration.ofMinutes(30), Duration.ofMinutes(10));
        List<DistributedTraining> replicas = world(2, longWait);
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        CompletableFuture<Void> other = onItsThread(() -> {
            rank1.allGather(1);
            return null;
        });
        rank0.allGather(0);
        other.get(20, TimeUnit.SECONDS);

        rank1.giveUp(new IllegalStateException("NaN in the value loss"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> rank0.reform(new IllegalStateException("rank 1 left"))).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.GAVE_UP));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the restart timeout")
                .isLessThan(Duration.ofMinutes(1));
        for (DistributedTraining replica : replicas) {
            assertThat(replica.status()).isEqualTo(ReformingWorld.Status.BROKEN);
            assertThat(replica.state()).isEqualTo(ReplicaWorld.State.BROKEN);
            assertThat(replica.healthy()).isFalse();
            assertThat(replica.describe()).containsEntry("status", "BROKEN");
        }
        assertThat(rank0.lastFailure()).contains("rank 1 gave up for good", "NaN in the value loss");
        assertThat(rank0.describe().get("lastFailure").toString()).contains("rank 1 gave up for good");
        assertThat(rank1.lastFailure()).isEqualTo("NaN in the value loss");
    }

    @Test
    void aDivergedCheckBreaksTheCurrentWorldOnly() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        CompletableFuture<Void> other = onItsThread(() -> {
            rank1.checkDivergence(gradient(2));
            rank1.reform(new IllegalStateException("diverged"));
            return null;
        });
        assertThat(rank0.checkDivergence(gradient(1)).consistent()).isFalse();
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.BROKEN);
        rank0.reform(new IllegalStateException("diverged"));
        other.get(20, TimeUnit.SECONDS);
        assertThat(rank0.state()).as("the new world starts from one state").isEqualTo(ReplicaWorld.State.FORMED);
        assertThat(rank0.lastDivergenceCheck()).isNotNull();
        assertThat(rank0.describe()).containsKey("lastDivergenceCheck");
    }

    @Test
    void closingClosesTheReformingWorld() {
        DistributedTraining alone = world(1, restarts(3)).get(0);
        alone.allGather(4);
        alone.close();
        assertThat(alone.status()).isEqualTo(ReformingWorld.Status.CLOSED);
        assertThat(alone.state()).isEqualTo(ReplicaWorld.State.BROKEN);
        assertThatThrownBy(() -> alone.allGather(4)).isInstanceOf(CollectiveException.class);
    }

    @Test
    void metersShowRestartsAndTheWorldsStatus() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DistributedMeters.bind(rank0, registry);
        assertThat(registry.get(DistributedMeters.WORLD_STATUS).tag("status", "forming").gauge().value()).isEqualTo(1);
        assertThat(registry.get(DistributedMeters.WORLD_STATUS).tag("status", "formed").gauge().value()).isZero();
        assertThat(registry.get(DistributedMeters.RANK).gauge().value()).isZero();

        CompletableFuture<Void> other = onItsThread(() -> {
            rank1.allGather(1);
            rank1.reform(new IllegalStateException("restart"));
            rank1.allGather(1);
            return null;
        });
        rank0.allGather(0);
        rank0.reform(new IllegalStateException("restart"));
        rank0.allGather(0);
        other.get(20, TimeUnit.SECONDS);
        assertThat(registry.get(DistributedMeters.RESTARTS).functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(DistributedMeters.WORLD_STATUS).tag("status", "formed").gauge().value()).isEqualTo(1);
        assertThat(registry.get(DistributedMeters.WORLD_STATUS).tag("status", "forming").gauge().value()).isZero();
    }

    @Test
    void theFirstWorldFormsOnAThreadOfItsOwnAndAFailureIsKept() throws Exception {
        List<WorldFormation> formations = LocalCollectives.formations(2, 16, OPERATION_TIMEOUT);
        DistributedTraining rank0 = new DistributedTraining(new ReformingWorld(formations.get(0), restarts(3),
                Duration.ofMillis(300)));
        opened.add(rank0);
        FirstWorldFormation formation = new FirstWorldFormation(rank0);
        formation.start();
        assertThat(formation.isRunning()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo(FirstWorldFormation.THREAD_NAME);
            assertThat(t.isDaemon()).isTrue();
        });
        // rank 1 never comes: the formation times out, and says so
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!formation.done()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(formation.failure()).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TIMEOUT));
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.BROKEN);
        assertThat(rank0.state()).isEqualTo(ReplicaWorld.State.BROKEN);
        assertThat(rank0.lastFailure()).contains("not every rank came");
        assertThat(rank0.describe()).containsEntry("status", "BROKEN").containsKey("lastFailureAt");
        formation.stop();
        assertThat(formation.isRunning()).isFalse();
    }

    @Test
    void theApplicationsFirstOperationWaitsForTheFormationInProgress() throws Exception {
        List<DistributedTraining> replicas = world(2, restarts(3));
        DistributedTraining rank0 = replicas.get(0);
        DistributedTraining rank1 = replicas.get(1);
        FirstWorldFormation formation0 = new FirstWorldFormation(rank0);
        FirstWorldFormation formation1 = new FirstWorldFormation(rank1);
        formation0.start();
        CompletableFuture<long[]> other = onItsThread(() -> rank1.allGather(1));
        Thread.sleep(50);
        formation1.start();
        assertThat(rank0.allGather(0)).containsExactly(0, 1);
        assertThat(other.get(20, TimeUnit.SECONDS)).containsExactly(0, 1);
        assertThat(formation0.failure()).isNull();
        assertThat(formation1.failure()).isNull();
        assertThat(rank0.status()).isEqualTo(ReformingWorld.Status.FORMED);
    }
}
