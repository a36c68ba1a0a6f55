package io.github.skrl4j.sample.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.github.skrl4j.sample.SampleApplication;
import io.github.skrl4j.sample.faults.CollectiveFailureFault;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.TestThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Two replicas of the application in the {@code distributed} profile, in this JVM, on a Hazelcast
 * cluster of their own on loopback: they train in lockstep to the same parameters, and only rank 0
 * writes checkpoints.
 */
@HazelcastCluster
@Timeout(180)
class DistributedTrainingTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext startReplica(String clusterName, int[] ports, int index, long budget,
            String... more) {
        // the profile's cluster, on free loopback ports and a cluster name of this test's own
        Config config = LoopbackCluster.config(clusterName, ports, index);
        String[] args = Stream.concat(Stream.of("--sample.training.max-environment-steps=" + budget,
                "--sample.training.checkpoint-interval=1", "--sample.training.checkpoint-dir=" + dir,
                "--skrl.optim.adam.distributed.join-timeout=90s"), Stream.of(more)).toArray(String[]::new);
        return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
                .profiles("distributed")
                .initializers(context -> ((GenericApplicationContext) context).registerBean(Config.class, () -> config))
                .run(args);
    }

    private static void awaitMember(String instanceName) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (com.hazelcast.core.Hazelcast.getHazelcastInstanceByName(instanceName) == null) {
            assertThat(System.nanoTime()).as("the first member starts in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static TrainingSnapshot awaitEnd(ConfigurableApplicationContext context) throws InterruptedException {
        TrainingService service = context.getBean(TrainingService.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!service.status().isFinal()) {
            assertThat(System.nanoTime()).as("training ends in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        return service.snapshot();
    }

    @Test
    void aFailedSendBreaksTheWorldOfTwoReplicasWhichReformsOnTheClusterAndTrainsOn() throws Exception {
        String clusterName = "sample-test-" + UUID.randomUUID();
        int[] ports = LoopbackCluster.freePorts(2);
        CompletableFuture<ConfigurableApplicationContext> firstStart = CompletableFuture.supplyAsync(
                () -> startReplica(clusterName, ports, 0, 4096, "--skrl.optim.adam.distributed.rank=0",
                        "--sample.faults.enabled=true"), TestThreads.PER_TASK);
        awaitMember(clusterName + "-0");
        try (ConfigurableApplicationContext other = startReplica(clusterName, ports, 1, 4096,
                "--skrl.optim.adam.distributed.rank=1", "--sample.faults.enabled=true");
                ConfigurableApplicationContext first = firstStart.get(120, TimeUnit.SECONDS)) {
            TrainingService rank1 = other.getBean(TrainingService.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (rank1.snapshot().updates() < 1) {
                assertThat(System.nanoTime()).as("a first update in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            other.getBean(CollectiveFailureFault.class).failNextOperation();

            TrainingSnapshot a = awaitEnd(first);
            TrainingSnapshot b = awaitEnd(other);
            for (TrainingSnapshot s : List.of(a, b)) {
                assertThat(s.status()).as(s.error()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
                assertThat(s.updates()).isEqualTo(4);
                assertThat(s.replica().world()).isEqualTo(WorldState.DONE);
                assertThat(s.replica().restarts()).isEqualTo(1);
                assertThat(s.replica().lastFailure()).isNotNull();
            }
            assertThat(a.replica().rank()).isZero();
            assertThat(b.replica().rank()).isEqualTo(1);
            assertThat(b.replica().lastFailure()).contains("the collective-failure fault failed this send");
            assertThat(a.replica().parameterChecksum()).isNotNull().isEqualTo(b.replica().parameterChecksum());
            assertThat(first.getBean(TrainingService.class).agent().policyOptimizer().count()).isEqualTo(4 * 160)
                    .isEqualTo(rank1.agent().policyOptimizer().count());
        }
    }

    @Test
    void twoReplicasTrainInLockstepOnlyRankZeroWritesCheckpointsAndASurvivorResumesFromThem() throws Exception {
        String clusterName = "sample-test-" + UUID.randomUUID();
        int[] ports = LoopbackCluster.freePorts(2);
        // each start waits until the world has both replicas; the second member starts once the first is up, so
        // that the two never form two clusters of one (which Hazelcast would merge only minutes later)
        CompletableFuture<ConfigurableApplicationContext> firstStart = CompletableFuture.supplyAsync(
                () -> startReplica(clusterName, ports, 0, 2048), TestThreads.PER_TASK);
        awaitMember(clusterName + "-0");
        try (ConfigurableApplicationContext other = startReplica(clusterName, ports, 1, 2048);
                ConfigurableApplicationContext first = firstStart.get(120, TimeUnit.SECONDS)) {
            TrainingSnapshot a = awaitEnd(first);
            TrainingSnapshot b = awaitEnd(other);

            for (TrainingSnapshot s : List.of(a, b)) {
                assertThat(s.status()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
                assertThat(s.updates()).isEqualTo(2);
                assertThat(s.replica()).isNotNull();
                assertThat(s.replica().worldSize()).isEqualTo(2);
                assertThat(s.replica().consistent()).isTrue();
                assertThat(s.replica().world()).isEqualTo(WorldState.DONE);
                assertThat(s.replica().lastFailure()).isNull();
            }
            assertThat(List.of(a.replica().rank(), b.replica().rank())).containsExactlyInAnyOrder(0, 1);
            assertThat(a.replica().parameterChecksum()).isNotNull().isEqualTo(b.replica().parameterChecksum());

            // identical networks and optimizers, though each replica ran its own environments
            PpoAgent agentA = first.getBean(TrainingService.class).agent();
            PpoAgent agentB = other.getBean(TrainingService.class).agent();
            assertThat(agentA.policy().parameters().contentEquals(agentB.policy().parameters())).isTrue();
            assertThat(agentA.value().parameters().contentEquals(agentB.value().parameters())).isTrue();
            assertThat(agentA.policyOptimizer().state().nu().contentEquals(agentB.policyOptimizer().state().nu()))
                    .isTrue();
            assertThat(agentA.policyOptimizer().count()).isEqualTo(320).isEqualTo(agentB.policyOptimizer().count());
            assertThat(agentA.policyLearningRate()).isEqualTo(agentB.policyLearningRate());
            assertThat(a.episodes() == b.episodes() && a.lastReturn().equals(b.lastReturn()))
                    .as("the replicas' environments are seeded apart").isFalse();

            // rank 0 alone wrote checkpoints
            TrainingSnapshot rankZero = a.replica().rank() == 0 ? a : b;
            TrainingSnapshot rankOne = rankZero == a ? b : a;
            assertThat(rankZero.lastCheckpoint()).isNotNull();
            assertThat(rankOne.lastCheckpoint()).isNull();
            try (Stream<Path> saved = Files.list(dir)) {
                assertThat(saved.map(p -> p.getFileName().toString())).contains("update-000001", "update-000002");
            }
        }

        // a survivor alone (a world of one) continues from rank 0's last checkpoint, a world of two's: refused
        // unless allowed
        Path resumeFrom = dir.resolve("update-000002");
        assertThat(Files.readString(resumeFrom.resolve("progress.properties"))).contains("worldSize=2");
        try (ConfigurableApplicationContext survivor = startReplica(clusterName + "-survivor",
                LoopbackCluster.freePorts(2), 0, 3072,
                "--sample.training.resume-from=" + resumeFrom,
                "--skrl.optim.adam.distributed.world-size=1",
                "--sample.training.allow-world-size-change=true")) {
            TrainingSnapshot resumed = awaitEnd(survivor);
            assertThat(resumed.status()).isEqualTo(TrainingStatus.BUDGET_EXHAUSTED);
            assertThat(resumed.resumedFrom()).isEqualTo(resumeFrom.toString());
            assertThat(resumed.updates()).isEqualTo(3);
            assertThat(resumed.replica().worldSize()).isEqualTo(1);
            assertThat(survivor.getBean(TrainingService.class).agent().policyOptimizer().count()).isEqualTo(480);
        }
    }
}
