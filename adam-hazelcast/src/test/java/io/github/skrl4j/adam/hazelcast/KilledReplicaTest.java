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
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rank 0 in a child JVM is killed (SIGKILL) while training, and started again with the same command:
 * a new Hazelcast member with a new member id and the same configured rank. This replica (rank 1, the
 * oldest member) sees its world break, re-forms it with the restarted replica, and both finish the same
 * rounds with the same all-reduce results.
 */
@HazelcastCluster
@ChildJvm
@Timeout(240)
class KilledReplicaTest {

    private static final int ROUNDS = 4;
    private static final int KILL_BEFORE_ROUND = 2;

    @Test
    void rankZeroKilledAndStartedAgainWithTheSameCommandRejoinsAndTheWorldReforms() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        String[] command = {clusterName, ports[0] + "," + ports[1], "1", "0", Integer.toString(ROUNDS)};
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ReformingTraining.config(clusterName, ports, 0));
        Process first = ProbeJvm.startOnThisClassPath(ReformingReplicaProcess.class, command);
        List<String> firstLines = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> ReplicaOutput.read(first, firstLines), TestThreads.PER_TASK);
        AtomicReference<Process> second = new AtomicReference<>();
        List<String> secondLines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> secondOutput = new CompletableFuture<>();
        List<String> mine = new CopyOnWriteArrayList<>();
        try (ReformingWorld replicas = new ReformingWorld(HazelcastCollectives.formation(member,
                ReformingTraining.options(1)), ReformingTraining.POLICY, Duration.ofSeconds(60))) {
            ReformingTraining.run(replicas, ROUNDS, mine::add, round -> {
                if (round == KILL_BEFORE_ROUND && second.get() == null) {
                    first.destroyForcibly(); // SIGKILL: no goodbye, no Hazelcast shutdown
                    awaitExit(first);
                    second.set(start(command));
                    CompletableFuture.runAsync(() -> {
                        ReplicaOutput.read(second.get(), secondLines);
                        secondOutput.complete(null);
                    }, TestThreads.PER_TASK);
                }
            });
            assertThat(second.get()).as("rank 0 was killed and started again").isNotNull();
            assertThat(replicas.restarts()).as("this replica re-formed its world: %s", mine).isGreaterThanOrEqualTo(1);
            secondOutput.get(90, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
            Process p = second.get();
            if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            member.getLifecycleService().terminate();
        }

        assertThat(firstLines).as("the killed replica's output").noneMatch(l -> l.startsWith("DONE"));
        assertThat(secondLines).as("the restarted replica's output, beside ours: %s", mine)
                .contains("DONE restarts=0").noneMatch(l -> l.startsWith("FAILED"));
        for (int round = 0; round < ROUNDS; round++) {
            String ours = ReplicaOutput.last(mine, "ROUND " + round + " ");
            String theirs = ReplicaOutput.last(secondLines, "ROUND " + round + " ");
            assertThat(ours).as("round %d here: %s", round, mine).isNotNull();
            assertThat(theirs).as("round %d in the restarted replica: %s", round, secondLines)
                    .isEqualTo(ours.replace("rank=1", "rank=0"));
        }
    }

    private static Process start(String[] command) {
        try {
            return ProbeJvm.startOnThisClassPath(ReformingReplicaProcess.class, command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitExit(Process process) {
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed replica exited").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
