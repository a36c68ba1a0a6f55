package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.distributed.wire.Refusal;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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

/**
 * Worlds formed one after another through {@link HazelcastCollectives#formation} on a real cluster on
 * loopback: configured ranks whatever the join order, a world re-formed with a member that replaced a
 * terminated one, re-formed twice by the same members after an operation failed, and refusals
 * (a rank claimed twice, an insecure bind).
 */
@HazelcastCluster
@Timeout(180)
class HazelcastFormationTest {

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

    private static HazelcastCollectiveOptions options(String run, int worldSize) {
        return HazelcastCollectiveOptions.of(run, worldSize).withTimeout(Duration.ofSeconds(20)).withChunkSize(100);
    }

    private static <T> List<T> onEach(int count, IntFunction<T> body) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            futures.add(threads.submit(() -> body.apply(index)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(120, TimeUnit.SECONDS));
        }
        return results;
    }

    /** What a rank of a world sees: its rank, everyone's gathered value, and the mean of everyone's gradient. */
    private record Seen(int rank, long[] gathered, Tensors mean) {
    }

    /** Gathers {@code 100 * round + rank} and reduces each rank's gradient of {@code round}. */
    private static Seen exercise(Collective world, int round) {
        long[] gathered = world.allGather(100L * round + world.rank());
        Tensors grad = Training.gradient(Training.model(0), world.rank(), round);
        world.allReduceMean(grad);
        return new Seen(world.rank(), gathered, grad);
    }

    /** Every rank saw the same, and what a world of {@code worldSize} ranks should see in {@code round}. */
    private static void assertOneWorld(List<Seen> seen, int worldSize, int round) {
        List<Tensors> inputs = new ArrayList<>();
        long[] expected = new long[worldSize];
        for (int r = 0; r < worldSize; r++) {
            inputs.add(Training.gradient(Training.model(0), r, round));
            expected[r] = 100L * round + r;
        }
        Tensors mean = Training.mean(inputs);
        assertThat(seen.stream().map(Seen::rank).sorted().toList()).as("one rank each")
                .isEqualTo(java.util.stream.IntStream.range(0, worldSize).boxed().toList());
        for (Seen s : seen) {
            assertThat(s.gathered()).as("rank %d's all-gather", s.rank()).containsExactly(expected);
            assertThat(s.mean().contentEquals(mean)).as("rank %d's mean", s.rank()).isTrue();
        }
    }

    @Test
    void configuredRanksAreKeptWhateverTheMembersOrder() throws Exception {
        // the reverse of the member-list order (which would make member 0 rank 0)
        int[] configured = {2, 0, 1};
        List<Seen> seen = onEach(3, i -> {
            try (WorldFormation formation = HazelcastCollectives.formation(members.get(i),
                    options("configured", 3).withRank(configured[i]))) {
                assertThat(formation.configuredRank()).isEqualTo(configured[i]);
                Collective world = formation.form(Duration.ofSeconds(30));
                assertThat(world.rank()).as("member %d", i).isEqualTo(configured[i]);
                return exercise(world, 1);
            }
        });
        assertOneWorld(seen, 3, 1);
    }

    @Test
    void theSameMembersReformTwiceAfterAnOperationFailedAndTheEndpointIsReleasedOnClose() throws Exception {
        RestartPolicy policy = new RestartPolicy(3, Duration.ofMinutes(5), Duration.ofSeconds(30));
        List<List<Seen>> rounds = onEach(3, i -> {
            WorldFormation formation = HazelcastCollectives.formation(members.get(i), options("again", 3));
            InetSocketAddress listening = ((HazelcastFormation) formation).advertisedAddress();
            List<Seen> mine = new ArrayList<>();
            try (ReformingWorld replicas = new ReformingWorld(formation, policy, Duration.ofSeconds(30))) {
                Collective world = replicas.awaitWorld();
                mine.add(exercise(world, 0));
                for (int round = 1; round <= 2; round++) {
                    // the last rank leaves in the middle of a reduction the others wait in: they fail, all re-form
                    int last = world.worldSize() - 1;
                    CollectiveException failure;
                    if (world.rank() == last) {
                        sleep(300);
                        failure = new CollectiveException(CollectiveException.Reason.TRANSPORT, "rank " + last
                                + " gives up round " + round);
                    } else {
                        Tensors grad = Training.gradient(Training.model(0), world.rank(), round);
                        Collective broken = world;
                        failure = catchFailure(() -> broken.allReduceMean(grad));
                        assertThat(failure.reason()).isIn(CollectiveException.Reason.MEMBER_LEFT,
                                CollectiveException.Reason.CLOSED);
                    }
                    world = replicas.reform(failure);
                    mine.add(exercise(world, round));
                }
                assertThat(replicas.restarts()).isEqualTo(2);
                assertThat(replicas.status()).isEqualTo(ReformingWorld.Status.FORMED);
            }
            assertThatThrownBy(() -> new Socket(listening.getAddress(), listening.getPort()).close())
                    .as("the formation's close released %s", listening).isInstanceOf(IOException.class);
            return mine;
        });
        for (int round = 0; round <= 2; round++) {
            int r = round;
            assertOneWorld(rounds.stream().map(m -> m.get(r)).toList(), 3, round);
        }
    }

    @Test
    void aStaleWorldIdLeftInTheRendezvousIsNotFollowed() throws Exception {
        // as in a re-formation: rank 0's claim is still there from its last formation, and so is a world id it
        // drew then (say that attempt failed); ranks 1 and 2 arrive first and read that id, rank 0 arrives
        // 1.5 s later and draws a fresh one, which they must follow
        String run = "stale-" + UUID.randomUUID();
        List<UUID> byRank = members.stream().map(m -> m.getCluster().getLocalMember().getUuid()).toList();
        List<WorldFormation> formations = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            formations.add(HazelcastCollectives.formation(members.get(i), options(run, 3).withRank(i)));
        }
        try {
            Rendezvous rendezvous = new Rendezvous(members.get(0), run);
            rendezvous.claim(byRank.get(0), 0, ((HazelcastFormation) formations.get(0)).advertisedAddress(), 60_000);
            long stale = rendezvous.drawWorldId(byRank, Set.of(), 60_000);
            List<Seen> seen = onEach(3, i -> {
                if (i == 0) {
                    sleep(1500);
                    assertThat(rendezvous.worldId(byRank)).as("nobody withdrew the stale id").isEqualTo(stale);
                }
                return exercise(formations.get(i).form(Duration.ofSeconds(30)), 3);
            });
            assertOneWorld(seen, 3, 3);
        } finally {
            formations.forEach(WorldFormation::close);
        }
    }

    @Test
    void aRankClaimedByTwoMembersIsRefusedNamingBoth() throws Exception {
        int[] configured = {0, 0, 2};
        List<Object> outcomes = formOnEach(i -> HazelcastCollectives.formation(members.get(i),
                options("twice", 3).withRank(configured[i])), Duration.ofSeconds(3));
        String first = members.get(0).getCluster().getLocalMember().getUuid().toString();
        String second = members.get(1).getCluster().getLocalMember().getUuid().toString();
        for (Object outcome : outcomes) {
            assertThat(outcome).isInstanceOfSatisfying(IllegalStateException.class, e -> assertThat(e)
                    .hasMessageContaining("both claim rank 0").hasMessageContaining(first)
                    .hasMessageContaining(second));
        }
    }

    @Test
    void membersWithDifferentChunkSizesAreRefusedOnceNotRetriedUntilTheDeadline() throws Exception {
        // rank 0 connects to rank 1, which refuses a hello announcing another chunk size: no attempt changes that
        WireCounters rankOneRefusals = new WireCounters();
        List<Object> outcomes = formOnEach(i -> HazelcastCollectives.formation(members.get(i), switch (i) {
            case 0 -> options("chunks", 3).withRank(0).withChunkSize(50);
            case 1 -> options("chunks", 3).withRank(1).withRefusals(rankOneRefusals);
            default -> options("chunks", 3).withRank(2);
        }), Duration.ofSeconds(10));
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(CollectiveException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TRANSPORT);
            assertThat(e).hasMessageContaining("SETTINGS_MISMATCH");
        });
        assertThat(rankOneRefusals.refused(Refusal.SETTINGS_MISMATCH)).as("one hello refused, not one per retry")
                .isEqualTo(1);
        assertThat(outcomes.subList(1, 3)).as("the others wait for rank 0 in vain")
                .allSatisfy(o -> assertThat(o).isInstanceOf(CollectiveException.class));
    }

    @Test
    void onlySomeMembersConfiguringTheirRankIsRefused() throws Exception {
        List<Object> outcomes = formOnEach(i -> HazelcastCollectives.formation(members.get(i),
                i == 1 ? options("some", 3) : options("some", 3).withRank(i)), Duration.ofSeconds(10));
        for (Object outcome : outcomes) {
            assertThat(outcome).isInstanceOfSatisfying(IllegalStateException.class, e -> assertThat(e)
                    .hasMessageContaining("configure the rank of every member"));
        }
    }

    @Test
    void closingAFormationEndsAFormationInProgressAndFormsNoMore() throws Exception {
        // the others never come: only a close from another thread (ReformingWorld.close) ends the wait
        WorldFormation formation = HazelcastCollectives.formation(members.get(0), options("alone", 3).withRank(0));
        Future<Object> forming = threads.submit(() -> {
            try {
                return formation.form(Duration.ofSeconds(60));
            } catch (CollectiveException e) {
                return e;
            }
        });
        sleep(300);
        formation.close();
        assertThat(forming.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.CLOSED));
        assertThatThrownBy(() -> formation.form(Duration.ofSeconds(1))).isInstanceOfSatisfying(
                CollectiveException.class, e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.CLOSED));
        assertThat(members.get(0).getMap(Rendezvous.MAP).keySet()).as("its claim withdrawn")
                .noneMatch(k -> k.toString().startsWith("alone|"));
    }

    @Test
    void anInsecureBindIsRefusedBeforeAnythingWaits() {
        HazelcastCollectiveOptions wildcard = options("insecure", 3)
                .withDataPlaneBind(new InetSocketAddress("0.0.0.0", 0));
        assertThatThrownBy(() -> HazelcastCollectives.formation(members.get(0), wildcard))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without TLS");
    }

    @Test
    void aTerminatedMemberIsReplacedByANewcomerWithItsRankAndTheWorldReforms() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        HazelcastInstance survivor = Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, 0));
        HazelcastInstance lost = Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, 1));
        HazelcastInstance newcomer = null;
        // the younger member is rank 0: the one replaced is rank 0, the Hazelcast master survives
        HazelcastCollectiveOptions survivorOptions = options("replaced", 2).withRank(1);
        HazelcastCollectiveOptions lostOptions = options("replaced", 2).withRank(0);
        RestartPolicy policy = new RestartPolicy(2, Duration.ofMinutes(5), Duration.ofSeconds(60));
        WorldFormation lostFormation = HazelcastCollectives.formation(lost, lostOptions);
        try (ReformingWorld survivorWorld = new ReformingWorld(HazelcastCollectives.formation(survivor,
                survivorOptions), policy, Duration.ofSeconds(30))) {
            CountDownLatch formed = new CountDownLatch(1);
            Future<Seen> lostSide = threads.submit(() -> {
                Collective world = lostFormation.form(Duration.ofSeconds(30));
                Seen s = exercise(world, 0);
                formed.countDown();
                return s;
            });
            Collective world = survivorWorld.awaitWorld();
            assertThat(world.rank()).isEqualTo(1);
            Seen first = exercise(world, 0);
            assertOneWorld(List.of(first, lostSide.get(60, TimeUnit.SECONDS)), 2, 0);
            assertThat(formed.await(10, TimeUnit.SECONDS)).isTrue();

            // rank 0 dies (no goodbye, its Hazelcast member gone with it) while the survivor waits in a reduction
            Tensors grad = Training.gradient(Training.model(0), 1, 1);
            Tensors before = grad.copy();
            Collective broken = world;
            Future<CollectiveException> reduction = threads.submit(() -> catchFailure(() -> broken.allReduceMean(grad)));
            sleep(300);
            lost.getLifecycleService().terminate();
            CollectiveException failure = reduction.get(60, TimeUnit.SECONDS);
            assertThat(grad.contentEquals(before)).as("the failed reduction changed nothing").isTrue();

            // the survivor re-forms; the replacement (a new member with a new id, the same configured rank) joins
            Future<Seen> survivorSide = threads.submit(() -> exercise(survivorWorld.reform(failure), 1));
            newcomer = Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, 1));
            try (WorldFormation formation = HazelcastCollectives.formation(newcomer, lostOptions)) {
                Collective fresh = formation.form(Duration.ofSeconds(60));
                assertThat(fresh.rank()).isZero();
                Seen newcomerSeen = exercise(fresh, 1);
                Seen survivorSeen = survivorSide.get(90, TimeUnit.SECONDS);
                assertOneWorld(List.of(newcomerSeen, survivorSeen), 2, 1);
                assertThat(survivorSeen.rank()).isEqualTo(1);
            }
            assertThat(survivorWorld.restarts()).isEqualTo(1);
            assertThat(survivorWorld.lastFailure()).isNotNull();
        } finally {
            lostFormation.close();
            survivor.getLifecycleService().terminate();
            lost.getLifecycleService().terminate();
            if (newcomer != null) {
                newcomer.getLifecycleService().terminate();
            }
        }
    }

    /**
     * Each member's outcome of one formation: "formed" or what it threw. The formations close only once
     * every member has its outcome, so that no member's closing (which withdraws its claim) decides
     * another's.
     */
    private static List<Object> formOnEach(IntFunction<WorldFormation> formation, Duration timeout) throws Exception {
        CountDownLatch decided = new CountDownLatch(3);
        return onEach(3, i -> {
            try (WorldFormation mine = formation.apply(i)) {
                try {
                    mine.form(timeout);
                    return "formed";
                } catch (RuntimeException e) {
                    return e;
                } finally {
                    decided.countDown();
                    awaitQuietly(decided);
                }
            }
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CollectiveException catchFailure(Runnable operation) {
        try {
            operation.run();
        } catch (CollectiveException e) {
            return e;
        }
        throw new AssertionError("the operation did not fail");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
