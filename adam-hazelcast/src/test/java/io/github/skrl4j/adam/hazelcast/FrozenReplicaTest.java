package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.ProbeJvm;
import io.github.skrl4j.testsupport.TestThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica in a child JVM frozen with SIGSTOP, then continued with SIGCONT, in both orders the bounds allow:
 * <ul>
 * <li>the data plane sees it first (its 10 s silence bound, the default; Hazelcast keeps a silent member for
 * 60 s here): this replica's world breaks within the bound naming the frozen rank, the member is never removed
 * from the cluster, and the continued replica finds its world broken and re-forms it at once;</li>
 * <li>Hazelcast removes it first (4 s without a heartbeat here): this replica's world breaks when the member is
 * removed, and the continued replica comes back through Hazelcast's merge of the split cluster.</li>
 * </ul>
 * Either way both finish the same rounds with the same results.
 */
@HazelcastCluster
@ChildJvm
@Timeout(240)
class FrozenReplicaTest {

    private static final int ROUNDS = 5;
    private static final int FREEZE_BEFORE_ROUND = 2;
    /** The documented bound: the data plane's default 10 s of silence, with room for a loaded machine. */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(15);

    @Test
    void aReplicaFrozenPastTheDataPlanesBoundIsLostWithinItAndRejoinsItsWorldWithoutLeavingTheCluster()
            throws Exception {
        Frozen frozen = freezeAndContinue(Duration.ofSeconds(13), false);
        assertThat(frozen.brokenAfter).as("the frozen rank is lost within the documented bound: %s", frozen.mine)
                .isLessThan(DETECTION_BOUND).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(frozen.mine).as("lost by its silence, not by a timeout or a removal")
                .anyMatch(l -> l.startsWith("BROKEN MEMBER_LEFT") && l.contains("lost rank 1: nothing arrived from it for 10 s"));
        assertThat(frozen.removals).as("Hazelcast never removed the frozen member; the child's output: %s",
                frozen.child).isZero();
    }

    @Test
    void aReplicaFrozenPastTheClustersRemovalComesBackThroughTheMerge() throws Exception {
        Frozen frozen = freezeAndContinue(Duration.ofSeconds(10), true);
        assertThat(frozen.removals).as("Hazelcast removed the frozen member").isGreaterThanOrEqualTo(1);
        assertThat(frozen.brokenAfter).as("the world broke with the removal, before the data plane's bound")
                .isLessThan(Duration.ofSeconds(10));
    }

    /**
     * What this replica saw: its reports, the child's, when its world first broke after the freeze, and the members
     * removed until the re-formed world's first round.
     */
    private record Frozen(List<String> mine, List<String> child, Duration brokenAfter, int removals) {
    }

    private static Frozen freezeAndContinue(Duration frozenFor, boolean removesFrozenMembers) throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ReformingTraining.config(clusterName, ports, 0,
                removesFrozenMembers));
        AtomicInteger removals = new AtomicInteger();
        member.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                removals.incrementAndGet();
            }
        });
        Process child = ProbeJvm.startOnThisClassPath(ReformingReplicaProcess.class, clusterName,
                ports[0] + "," + ports[1], "1", "1", Integer.toString(ROUNDS),
                removesFrozenMembers ? "remove-frozen-members" : "keep-frozen-members");
        List<String> childLines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> childOutput = CompletableFuture.runAsync(() -> ReplicaOutput.read(child, childLines),
                TestThreads.PER_TASK);
        List<String> mine = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> thawed = new CompletableFuture<>();
        AtomicLong frozenAt = new AtomicLong();
        AtomicLong brokenAt = new AtomicLong();
        // members removed until the first round of the re-formed world (the child's own exit at the end removes it too)
        AtomicInteger removalsUntilReformed = new AtomicInteger(-1);
        try (ReformingWorld replicas = new ReformingWorld(HazelcastCollectives.formation(member,
                ReformingTraining.options(0)), ReformingTraining.POLICY, Duration.ofSeconds(60))) {
            ReformingTraining.run(replicas, ROUNDS, line -> {
                if (line.startsWith("BROKEN") && frozenAt.get() != 0) {
                    brokenAt.compareAndSet(0, System.nanoTime());
                }
                if (line.startsWith("ROUND") && brokenAt.get() != 0) {
                    removalsUntilReformed.compareAndSet(-1, removals.get());
                }
                mine.add(line);
            }, round -> {
                if (round == FREEZE_BEFORE_ROUND && !thawed.isDone() && mine.stream().noneMatch(l -> l.startsWith("BROKEN"))) {
                    signal("STOP", child);
                    frozenAt.set(System.nanoTime());
                    CompletableFuture.runAsync(() -> {
                        sleep(frozenFor.toMillis());
                        signal("CONT", child);
                        thawed.complete(null);
                    }, TestThreads.PER_TASK);
                }
            });
            assertThat(thawed).as("the child was frozen and continued").isDone();
            assertThat(replicas.restarts()).as("this replica re-formed its world: %s", mine).isGreaterThanOrEqualTo(1);
            childOutput.get(90, TimeUnit.SECONDS);
        } finally {
            if (child.isAlive()) {
                new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor(10, TimeUnit.SECONDS);
            }
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            member.getLifecycleService().terminate();
        }

        assertThat(childLines).as("the child's output, beside ours: %s", mine).anyMatch(l -> l.startsWith("DONE restarts="))
                .noneMatch(l -> l.startsWith("FAILED")).anyMatch(l -> l.startsWith("BROKEN"));
        for (int round = 0; round < ROUNDS; round++) {
            String prefix = "ROUND " + round + " ";
            String ours = ReplicaOutput.last(mine, prefix);
            String theirs = ReplicaOutput.last(childLines, prefix);
            assertThat(ours).as("round %d here: %s", round, mine).isNotNull();
            assertThat(theirs).as("round %d in the child: %s", round, childLines).isNotNull();
            // the same mean in both replicas: "ROUND r rank=0 mean=x" and "ROUND r rank=1 mean=x"
            assertThat(theirs.substring(theirs.indexOf(" mean="))).isEqualTo(ours.substring(ours.indexOf(" mean=")));
        }
        assertThat(brokenAt.get()).as("this replica's world broke after the freeze: %s", mine).isNotZero();
        assertThat(removalsUntilReformed.get()).as("a round after the break: %s", mine).isNotNegative();
        return new Frozen(mine, childLines, Duration.ofNanos(brokenAt.get() - frozenAt.get()),
                removalsUntilReformed.get());
    }

    private static void signal(String signal, Process child) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
