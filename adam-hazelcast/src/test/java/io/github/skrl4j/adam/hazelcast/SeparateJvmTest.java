package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.ProbeJvm;
import io.github.skrl4j.testsupport.TestThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two replicas in two JVMs (this one and a child process on the test class path), on loopback:
 * they train to bit-identical parameters and moments, equal to one process's; then the child is
 * killed while this replica waits in a reduction, which fails cleanly and changes nothing.
 */
@HazelcastCluster
@ChildJvm
@Timeout(120)
class SeparateJvmTest {

    private static final int STEPS = 15;

    static HazelcastCollectiveOptions options(int worldSize) {
        return HazelcastCollectiveOptions.of("separate-jvms", worldSize).withJoinTimeout(Duration.ofSeconds(60))
                .withTimeout(Duration.ofSeconds(30)).withChunkSize(300);
    }

    @Test
    void replicasInTwoJvmsTrainIdenticallyAndAKilledOneFailsTheReductionCleanly() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, 0));
        Process child = startChild(clusterName, ports);
        try {
            CompletableFuture<String> childDone = CompletableFuture.supplyAsync(() -> awaitDone(child), TestThreads.PER_TASK);
            Collective collective = HazelcastCollectives.join(member, options(2));
            assertThat(collective.rank()).as("the first member is rank 0").isZero();
            Training.Replica replica = Training.replica(collective, STEPS);

            String expected = Training.singleProcess(2, STEPS).fingerprint();
            assertThat(replica.fingerprint()).isEqualTo(expected);
            assertThat(childDone.get(90, TimeUnit.SECONDS)).isEqualTo("DONE rank=1 " + expected);

            // the child takes no part in the next reduction and is killed while this rank waits in it
            Tensors grad = Training.gradient(replica.params(), 0, STEPS);
            Tensors before = grad.copy();
            OptimizerState stateBefore = replica.optimizer().state();
            CompletableFuture<Void> reduction = CompletableFuture.runAsync(() -> collective.allReduceMean(grad), TestThreads.PER_TASK);
            Thread.sleep(200);
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            assertThatThrownBy(() -> reduction.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(CollectiveException.class)
                    .satisfies(e -> assertThat(((CollectiveException) e.getCause()).reason())
                            .isIn(CollectiveException.Reason.MEMBER_LEFT, CollectiveException.Reason.TIMEOUT));
            assertThat(grad.contentEquals(before)).as("gradient unchanged").isTrue();
            OptimizerState stateAfter = replica.optimizer().state();
            assertThat(stateAfter.count()).isEqualTo(stateBefore.count());
            assertThat(stateAfter.mu().contentEquals(stateBefore.mu())).isTrue();
            // the failure broke the world for good
            assertThatThrownBy(() -> collective.allReduceMean(grad)).isInstanceOfSatisfying(CollectiveException.class,
                    e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.BROKEN));
        } finally {
            child.destroyForcibly();
            member.getLifecycleService().terminate();
        }
    }

    private static Process startChild(String clusterName, int[] ports) throws Exception {
        return ProbeJvm.startOnThisClassPath(ReplicaProcess.class, clusterName, ports[0] + "," + ports[1], "1", "2",
                Integer.toString(STEPS));
    }

    /** The child's DONE line; its other output (errors only, logging is quiet) is kept for the failure message. */
    private static String awaitDone(Process child) {
        StringBuilder other = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("DONE")) {
                    return line;
                }
                other.append(line).append('\n');
            }
        } catch (java.io.IOException e) {
            other.append(e);
        }
        return "child ended without DONE:\n" + other;
    }
}
