package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica in a child JVM frozen with SIGSTOP for longer than the cluster's detection bound (4 s
 * without a heartbeat here), then continued with SIGCONT: this replica's world breaks when Hazelcast
 * removes the frozen member, the continued replica finds its own world broken, Hazelcast merges the
 * split cluster again, and both re-form one world and finish the same rounds with the same results.
 */
@HazelcastCluster
@ChildJvm
@Timeout(240)
class FrozenReplicaTest {

    private static final int ROUNDS = 5;
    private static final int FREEZE_BEFORE_ROUND = 2;
    private static final Duration FROZEN_FOR = Duration.ofSeconds(10);

    @Test
    void aReplicaFrozenPastTheDetectionBoundComesBackAndTheWorldReformsWithIt() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ReformingTraining.config(clusterName, ports, 0));
        Process child = ProbeJvm.startOnThisClassPath(ReformingReplicaProcess.class, clusterName,
                ports[0] + "," + ports[1], "1", "1", Integer.toString(ROUNDS));
        List<String> childLines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> childOutput = CompletableFuture.runAsync(() -> ReplicaOutput.read(child, childLines),
                TestThreads.PER_TASK);
        List<String> mine = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> thawed = new CompletableFuture<>();
        try (ReformingWorld replicas = new ReformingWorld(HazelcastCollectives.formation(member,
                ReformingTraining.options(0)), ReformingTraining.POLICY, Duration.ofSeconds(60))) {
            ReformingTraining.run(replicas, ROUNDS, mine::add, round -> {
                if (round == FREEZE_BEFORE_ROUND && !thawed.isDone() && mine.stream().noneMatch(l -> l.startsWith("BROKEN"))) {
                    signal("STOP", child);
                    CompletableFuture.runAsync(() -> {
                        sleep(FROZEN_FOR.toMillis());
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
