package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.DivergenceCheck;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three members of one cluster in this JVM, on loopback; every test forms its own world on them. */
@HazelcastCluster
@Timeout(120)
class HazelcastCollectiveTest {

    private static List<HazelcastInstance> members;
    private static ExecutorService threads;

    @BeforeAll
    static void startCluster() {
        members = LoopbackCluster.start(3);
        threads = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopCluster() {
        threads.shutdownNow();
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    private static HazelcastCollectiveOptions options(String run) {
        return HazelcastCollectiveOptions.of(run, 3).withJoinTimeout(Duration.ofSeconds(30))
                .withTimeout(Duration.ofSeconds(20)).withChunkSize(100);
    }

    private static <T> List<T> onEveryMember(IntFunction<T> body) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            futures.add(threads.submit(() -> body.apply(index)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void replicasTrainBitIdenticallyToOneProcessSteppingOnTheAveragedGradients() throws Exception {
        int steps = 20;
        List<Training.Replica> replicas = onEveryMember(i -> {
            try (Collective collective = HazelcastCollectives.join(members.get(i), options("train"))) {
                assertThat(collective.rank()).as("rank = member-list order").isEqualTo(i);
                assertThat(collective.worldSize()).isEqualTo(3);
                Training.Replica replica = Training.replica(collective, steps);
                DivergenceCheck check = collective.checkDivergence(replica.params());
                assertThat(check.consistent()).isTrue();
                return replica;
            }
        });

        Training.Replica single = Training.singleProcess(3, steps);
        OptimizerState expected = single.optimizer().state();
        for (Training.Replica replica : replicas) {
            assertThat(replica.params().contentEquals(single.params())).isTrue();
            OptimizerState state = replica.optimizer().state();
            assertThat(state.count()).isEqualTo(steps);
            assertThat(state.mu().contentEquals(expected.mu())).isTrue();
            assertThat(state.nu().contentEquals(expected.nu())).isTrue();
        }
    }

    @Test
    void theOptimizerStateOfRankZeroReachesEveryMember() throws Exception {
        Training.Replica trained = Training.singleProcess(1, 7);
        OptimizerState expected = trained.optimizer().state();

        List<OptimizerState> states = onEveryMember(i -> {
            try (Collective collective = HazelcastCollectives.join(members.get(i), options("state"))) {
                Tensors params = i == 0 ? trained.params().copy() : Training.model(i);
                OptimizerState mine = i == 0 ? expected : Training.CONFIG.init(params).state();
                return collective.broadcast(mine);
            }
        });

        for (OptimizerState state : states) {
            assertThat(state.count()).isEqualTo(7);
            assertThat(state.mu().contentEquals(expected.mu())).isTrue();
            assertThat(state.nu().contentEquals(expected.nu())).isTrue();
        }
    }

    @Test
    void aRankThatClosesFailsTheOthersReductionAndChangesNothing() throws Exception {
        CountDownLatch joined = new CountDownLatch(3);
        List<Object> outcomes = onEveryMember(i -> {
            Collective collective = HazelcastCollectives.join(members.get(i), options("leave"));
            joined.countDown();
            Tensors grad = Training.gradient(Training.model(0), i, 0);
            Tensors before = grad.copy();
            try {
                if (i == 2) {
                    await(joined);
                    collective.close();
                    return "closed";
                }
                collective.allReduceMean(grad);
                return "reduced";
            } catch (CollectiveException e) {
                assertThat(grad.contentEquals(before)).as("gradient of rank %d unchanged", i).isTrue();
                return e.reason();
            } finally {
                collective.close();
            }
        });

        assertThat(outcomes).containsExactly(CollectiveException.Reason.MEMBER_LEFT,
                CollectiveException.Reason.MEMBER_LEFT, "closed");
    }

    @Test
    void aRankWhoseOperationFailsAbortsTheOthersLongBeforeTheirTimeoutAndNothingChanges() throws Exception {
        List<Object> outcomes = onEveryMember(i -> {
            // rank 2 waits 300 ms for a checksum nobody sends; the others would wait 20 s for its gradient
            HazelcastCollectiveOptions mine = i == 2 ? options("abort").withTimeout(Duration.ofMillis(300))
                    : options("abort");
            try (Collective collective = HazelcastCollectives.join(members.get(i), mine)) {
                Tensors grad = Training.gradient(Training.model(0), i, 0);
                Tensors before = grad.copy();
                long start = System.nanoTime();
                try {
                    if (i == 2) {
                        collective.checkDivergence(grad);
                    } else {
                        collective.allReduceMean(grad);
                    }
                    return "completed";
                } catch (CollectiveException e) {
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertThat(grad.contentEquals(before)).as("gradient of rank %d unchanged", i).isTrue();
                    return e.reason() + (i != 2 && millis < 10_000 ? " before its own timeout" : " after " + millis);
                }
            }
        });

        // ranks 0 and 1 fail with rank 2's reason, told by its abort, not by their own 20 s timeout
        assertThat(outcomes.subList(0, 2)).containsOnly("TIMEOUT before its own timeout");
        assertThat(outcomes.get(2).toString()).startsWith("TIMEOUT after ");
    }

    @Test
    void worldsOfDifferentRunsDoNotMix() throws Exception {
        List<float[]> results = onEveryMember(i -> {
            try (Collective a = HazelcastCollectives.join(members.get(i), options("run-a"));
                    Collective b = HazelcastCollectives.join(members.get(i), options("run-b"))) {
                Tensors ga = Training.gradient(Training.model(0), i, 1);
                Tensors gb = Training.gradient(Training.model(0), i, 2);
                a.allReduceSum(ga);
                b.allReduceSum(gb);
                float[] both = new float[2];
                both[0] = ga.get(0).data()[0];
                both[1] = gb.get(0).data()[0];
                return both;
            }
        });

        List<Tensors> aInputs = new ArrayList<>();
        List<Tensors> bInputs = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            aInputs.add(Training.gradient(Training.model(0), r, 1));
            bInputs.add(Training.gradient(Training.model(0), r, 2));
        }
        float expectedA = Training.mean(aInputs).get(0).data()[0] * 3;
        for (float[] r : results) {
            assertThat(r[0]).isEqualTo(sum(aInputs));
            assertThat(r[1]).isEqualTo(sum(bInputs));
            assertThat(r[0]).isCloseTo(expectedA, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    private static float sum(List<Tensors> perRank) {
        double acc = 0;
        for (Tensors t : perRank) {
            acc += t.get(0).data()[0];
        }
        return (float) acc;
    }

    @Test
    void aWorldLargerThanTheClusterTimesOutOnJoin() {
        HazelcastCollectiveOptions fourMembers = HazelcastCollectiveOptions.of("four", 4)
                .withJoinTimeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> HazelcastCollectives.join(members.get(0), fourMembers))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TIMEOUT);
                    assertThat(e).hasMessageContaining("3 of the world's 4 members");
                });
    }

    @Test
    void aClusterLargerThanTheWorldIsWaitedOutThenRefusedNamingTheCounts() {
        // a re-forming world waits for a killed member to be removed; one that stays is refused at the deadline
        long start = System.nanoTime();
        assertThatThrownBy(() -> HazelcastCollectives.join(members.get(0), HazelcastCollectiveOptions.of("two", 2)
                .withJoinTimeout(Duration.ofMillis(800))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 members but the world is 2");
        assertThat(System.nanoTime() - start).as("waited for the cluster to shrink")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(800));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

}
