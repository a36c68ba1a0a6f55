package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica whose own run fails gives up ({@link ReformingWorld#giveUp}), on a real two-member cluster on
 * loopback: the other's re-formation fails at once with {@code GAVE_UP} naming its rank, member and reason,
 * far within a restart timeout of ten minutes, whether the member that gave up stays in the cluster or leaves
 * it; a replica that only leaves (to be restarted) is still waited for and rejoins; and a record of a replica
 * that gave up never fails a world of a later start.
 */
@HazelcastCluster
@Timeout(240)
class GivingUpReplicaTest {

    /** Far longer than any wait below: a re-formation that waited for the replica that gave up would time out the test. */
    private static final RestartPolicy LONG_WAIT = new RestartPolicy(3, Duration.ofMinutes(30), Duration.ofMinutes(10));
    /** Generous for a loaded 2-core machine, and a fraction of {@link #LONG_WAIT}'s timeout. */
    private static final Duration AT_ONCE = Duration.ofSeconds(60);

    private final String clusterName = LoopbackCluster.newClusterName();
    private final int[] ports = LoopbackCluster.freePorts(2);
    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final String run = "give-up-" + UUID.randomUUID();

    @BeforeEach
    void startCluster() {
        instances.add(member(0));
        instances.add(member(1));
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        instances.forEach(i -> i.getLifecycleService().terminate());
    }

    private HazelcastInstance member(int index) {
        return Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, index));
    }

    private ReformingWorld replica(HazelcastInstance member, int rank, RestartPolicy policy) {
        HazelcastCollectiveOptions options = HazelcastCollectiveOptions.of(run, 2).withRank(rank)
                .withTimeout(Duration.ofSeconds(60)).withChunkSize(100);
        return new ReformingWorld(HazelcastCollectives.formation(member, options), policy, Duration.ofSeconds(60));
    }

    /** Both replicas' first worlds, formed together; index = rank. */
    private List<ReformingWorld> formedPair(RestartPolicy policy) throws Exception {
        List<ReformingWorld> pair = List.of(replica(instances.get(0), 0, policy), replica(instances.get(1), 1, policy));
        List<Future<Collective>> worlds = new ArrayList<>();
        for (ReformingWorld r : pair) {
            worlds.add(threads.submit(r::awaitWorld));
        }
        for (Future<Collective> w : worlds) {
            w.get(120, TimeUnit.SECONDS);
        }
        return pair;
    }

    private static Tensors gradient(int rank) {
        return Training.gradient(Training.model(0), rank, 1);
    }

    /** Rank 0 reduces while rank 1 does {@code leave}; rank 0's failure, then its re-formation's, and how long that took. */
    private record Survivor(CollectiveException operation, CollectiveException reform, Duration reformTook) {
    }

    private Survivor survivorOf(ReformingWorld rank0, Runnable leave) throws Exception {
        Future<CollectiveException> reducing = threads.submit(() -> catchThrowableOfType(CollectiveException.class,
                () -> rank0.collective().allReduceMean(gradient(0))));
        Thread.sleep(300); // rank 0 waits in the reduction
        leave.run();
        CollectiveException operation = reducing.get(60, TimeUnit.SECONDS);
        assertThat(operation).as("rank 0's reduction fails when rank 1 leaves").isNotNull();
        long start = System.nanoTime();
        CollectiveException reform = catchThrowableOfType(CollectiveException.class, () -> rank0.reform(operation));
        return new Survivor(operation, reform, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aReplicaThatGivesUpFailsTheOthersReformationAtOnceNamingItsRankAndReason() throws Exception {
        List<ReformingWorld> pair = formedPair(LONG_WAIT);
        UUID rank1 = instances.get(1).getCluster().getLocalMember().getUuid();
        try {
            Survivor survivor = survivorOf(pair.get(0),
                    () -> pair.get(1).giveUp(new IllegalStateException("NaN in the policy's loss at update 7")));

            assertThat(survivor.reform()).as("rank 0's re-formation").isNotNull();
            assertThat(survivor.reform().reason()).isEqualTo(CollectiveException.Reason.GAVE_UP);
            assertThat(survivor.reform().getMessage()).contains("rank 1", rank1.toString(),
                    "IllegalStateException: NaN in the policy's loss at update 7");
            assertThat(survivor.reformTook()).as("failed at once, not after the restart timeout")
                    .isLessThan(AT_ONCE);
            assertThat(pair.get(0).status()).isEqualTo(ReformingWorld.Status.BROKEN);
            assertThat(pair.get(0).lastFailure()).contains("rank 1", "NaN in the policy's loss at update 7");
            assertThatThrownBy(() -> pair.get(0).awaitWorld()).isInstanceOf(CollectiveException.class)
                    .hasMessageContaining("broken");

            assertThat(pair.get(1).status()).as("the replica that gave up").isEqualTo(ReformingWorld.Status.BROKEN);
            assertThat(pair.get(1).lastFailure()).isEqualTo("NaN in the policy's loss at update 7");
            assertThatThrownBy(() -> pair.get(1).awaitWorld()).isInstanceOf(CollectiveException.class);
        } finally {
            pair.forEach(ReformingWorld::close);
        }
    }

    @Test
    void aReplicaThatGivesUpAndLeavesTheClusterStillFailsTheOthersAtOnceAndALaterStartIsNotConfusedByIt()
            throws Exception {
        List<ReformingWorld> pair = formedPair(LONG_WAIT);
        UUID gaveUp = instances.get(1).getCluster().getLocalMember().getUuid();
        Survivor survivor;
        try {
            // as a batch replica does: its run fails, it gives up, its process exits
            survivor = survivorOf(pair.get(0), () -> {
                pair.get(1).giveUp(new IllegalArgumentException("checkpoint update-40 is truncated"));
                instances.get(1).getLifecycleService().terminate();
            });
        } finally {
            pair.forEach(ReformingWorld::close);
        }
        assertThat(survivor.reform()).isNotNull();
        assertThat(survivor.reform().reason()).isEqualTo(CollectiveException.Reason.GAVE_UP);
        assertThat(survivor.reform().getMessage()).contains("rank 1", gaveUp.toString(), "checkpoint update-40 is truncated");
        assertThat(survivor.reformTook()).isLessThan(AT_ONCE);

        // the operator starts both replicas again (rank 1 on a new member), in the same run: the record of the
        // member that gave up is still in the map, and is never read for the new world
        Rendezvous rendezvous = new Rendezvous(instances.get(0), run);
        assertThat(rendezvous.firstGaveUp(List.of(gaveUp), 2)).as("the record lasts").isNotNull();
        instances.set(1, member(1));
        List<ReformingWorld> again = formedPair(LONG_WAIT);
        try {
            List<Future<Tensors>> means = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                means.add(threads.submit(() -> {
                    Tensors g = gradient(rank);
                    again.get(rank).collective().allReduceMean(g);
                    return g;
                }));
            }
            Tensors expected = Training.mean(List.of(gradient(0), gradient(1)));
            for (Future<Tensors> mean : means) {
                assertThat(mean.get(60, TimeUnit.SECONDS).contentEquals(expected)).isTrue();
            }
            assertThat(again.get(0).status()).isEqualTo(ReformingWorld.Status.FORMED);
        } finally {
            again.forEach(ReformingWorld::close);
        }
    }

    @Test
    void aReplicaThatLeavesToBeRestartedIsStillWaitedForAndRejoins() throws Exception {
        // a rolling restart: rank 1 closes (SIGTERM), and the survivor waits for it as long as the policy says
        List<ReformingWorld> pair = formedPair(LONG_WAIT);
        ReformingWorld restarted = null;
        try {
            Future<Survivor> survivor = threads.submit(() -> survivorOf(pair.get(0), pair.get(1)::close));
            Thread.sleep(3_000); // the survivor waits in its re-formation meanwhile
            assertThat(survivor.isDone()).as("the survivor still waits for the replica that left").isFalse();
            assertThat(pair.get(0).status()).isEqualTo(ReformingWorld.Status.REFORMING);
            // started again on its member (a new formation, as a restarted application opens one)
            restarted = replica(instances.get(1), 1, LONG_WAIT);
            restarted.awaitWorld();
            Survivor waited = survivor.get(120, TimeUnit.SECONDS);
            assertThat(waited.reform()).as("the survivor's re-formation succeeded").isNull();
            assertThat(pair.get(0).status()).isEqualTo(ReformingWorld.Status.FORMED);
            assertThat(pair.get(0).restarts()).isEqualTo(1);
        } finally {
            pair.forEach(ReformingWorld::close);
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void aFormationOpenedAgainOnAMemberThatGaveUpTakesPartAgain() throws Exception {
        // rank 1 gave up in this run; the same process starts a new formation of the run on its member (say a new
        // application context): that member takes part again, and the first world of both forms
        List<ReformingWorld> pair = formedPair(LONG_WAIT);
        pair.get(1).giveUp(new IllegalStateException("guard tripped"));
        pair.get(0).close();
        UUID member1 = instances.get(1).getCluster().getLocalMember().getUuid();
        assertThat(new Rendezvous(instances.get(0), run).firstGaveUp(List.of(member1), 2)).isNotNull();
        List<ReformingWorld> again = formedPair(LONG_WAIT);
        try {
            assertThat(new Rendezvous(instances.get(0), run).firstGaveUp(List.of(member1), 2)).isNull();
            assertThat(again.get(1).status()).isEqualTo(ReformingWorld.Status.FORMED);
        } finally {
            again.forEach(ReformingWorld::close);
        }
    }
}
