package io.github.skrl4j.sampleapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of the executable jar, started as the README starts them (each with its rank), failing the way
 * machines fail while they train: killed with {@code kill -9} and started again with the same command, frozen
 * with SIGSTOP past the failure-detection bound and continued, or losing one collective operation. In every case
 * the world re-forms by itself and both replicas solve CartPole with the same parameters; no person and no
 * checkpoint directory is involved. A replica whose own training fails gives up, and the other's run fails at
 * once naming it rather than waiting the restart timeout.
 */
@ChildJvm
@HazelcastCluster
class ReplicaRecoveryIT {

    /** Seconds each wait may take: a replica's start, a re-formation, a whole run on a loaded 2-core machine. */
    private static final int START_SECONDS = 120;
    private static final int SOLVE_SECONDS = 300;

    @TempDir
    Path dir;

    private final String cluster = LoopbackCluster.newClusterName();
    private final int hazelcastPort = LoopbackCluster.freePorts(1)[0];
    private Replica rank0;
    private Replica rank1;

    private Replica replica(int rank) {
        return new Replica(dir, cluster, hazelcastPort, rank);
    }

    @AfterEach
    void stopReplicas() {
        for (Replica r : new Replica[] {rank0, rank1}) {
            if (r != null) {
                r.destroy();
            }
        }
    }

    /** Starts both replicas and waits until they train together and have done a few updates. */
    private void startTrainingTogether(String... arguments) throws InterruptedException {
        rank0 = replica(0).with(arguments).start();
        rank1 = replica(1).with(arguments).start();
        for (Replica r : new Replica[] {rank0, rank1}) {
            r.await("training together with a few updates", START_SECONDS,
                    t -> "TRAINING".equals(world(t)) && t.get("updates").asLong() >= 3);
        }
    }

    private static String world(JsonNode training) {
        JsonNode replica = training.get("replica");
        return replica == null || replica.isNull() ? null : replica.get("world").asString();
    }

    /** Both replicas solve, with equal parameter checksums and update counts: they stepped in lockstep to the end. */
    private void bothSolveWithEqualParameters() throws InterruptedException {
        JsonNode a = rank0.await("SOLVED", SOLVE_SECONDS, ReplicaRecoveryIT::isFinal);
        JsonNode b = rank1.await("SOLVED", SOLVE_SECONDS, ReplicaRecoveryIT::isFinal);
        assertThat(a.get("status").asString()).as(rank0.describe()).isEqualTo("SOLVED");
        assertThat(b.get("status").asString()).as(rank1.describe()).isEqualTo("SOLVED");
        assertThat(a.get("replica").get("parameterChecksum").asString()).as("rank 0's and rank 1's parameters")
                .isNotBlank().isEqualTo(b.get("replica").get("parameterChecksum").asString());
        assertThat(a.get("updates").asLong()).isEqualTo(b.get("updates").asLong());
    }

    private static boolean isFinal(JsonNode training) {
        String status = training.get("status").asString();
        return !"RUNNING".equals(status) && !"IDLE".equals(status);
    }

    /** The survivor neither fails nor steps: it re-forms, waiting for the lost replica. */
    private static void awaitsTheOther(Replica survivor) throws InterruptedException {
        JsonNode t = survivor.await("re-forming", START_SECONDS, s -> "REFORMING".equals(world(s)) || isFinal(s));
        assertThat(t.get("status").asString()).as(survivor.describe()).isEqualTo("RUNNING");
        long updates = t.get("updates").asLong();
        Thread.sleep(2_000);
        JsonNode later = survivor.training();
        assertThat(world(later)).as(survivor.describe()).isEqualTo("REFORMING");
        assertThat(later.get("updates").asLong()).as("no update while the world is incomplete").isEqualTo(updates);
    }

    @Test
    void rankOneKilledAndStartedAgainWithItsCommandRejoinsAndBothSolve() throws Exception {
        startTrainingTogether();
        rank1.kill();
        awaitsTheOther(rank0);
        rank1 = replica(1).start();
        bothSolveWithEqualParameters();
        assertThat(rank0.training().get("replica").get("restarts").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void rankZeroKilledAndStartedAgainWithItsCommandRejoinsAndBothSolve() throws Exception {
        startTrainingTogether();
        long updatesBefore = rank1.training().get("updates").asLong();
        rank0.kill();
        awaitsTheOther(rank1);
        rank0 = replica(0).start();
        // the new rank 0 holds nothing: it continues from rank 1's state, not from scratch
        JsonNode resumed = rank0.await("training again", START_SECONDS,
                t -> "TRAINING".equals(world(t)) || isFinal(t));
        assertThat(resumed.get("updates").asLong()).isGreaterThanOrEqualTo(updatesBefore);
        bothSolveWithEqualParameters();
        assertThat(rank1.training().get("replica").get("restarts").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aReplicaFrozenPastTheDetectionBoundAndContinuedRejoinsAndBothSolve() throws Exception {
        startTrainingTogether();
        rank1.signal("STOP");
        awaitsTheOther(rank0);
        // rank 0's data plane declares rank 1 lost after 10 s of silence; frozen some 15 s, rank 1 is still a cluster
        // member (removed only after 45 s) and finds its world broken when it continues
        Thread.sleep(13_000);
        rank1.signal("CONT");
        bothSolveWithEqualParameters();
        assertThat(rank0.training().get("replica").get("restarts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(rank1.training().get("replica").get("restarts").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aReplicaWhoseOwnTrainingFailsGivesUpAndTheOtherFailsAtOnceNamingIt() throws Exception {
        // a restart timeout far beyond the waits below: the survivor must not wait it out
        startTrainingTogether("--sample.faults.enabled=true", "--skrl.optim.adam.distributed.restart.timeout=10m");
        rank1.post("/api/faults/training-failure");
        JsonNode gaveUp = rank1.await("its run ended", START_SECONDS, ReplicaRecoveryIT::isFinal);
        assertThat(gaveUp.get("status").asString()).as(rank1.describe()).isEqualTo("FAILED");
        assertThat(gaveUp.get("error").asString()).startsWith("IllegalStateException: the training-failure fault");

        JsonNode other = rank0.await("its run ended", START_SECONDS, ReplicaRecoveryIT::isFinal);
        assertThat(other.get("status").asString()).as(rank0.describe()).isEqualTo("FAILED");
        assertThat(other.get("error").asString()).contains("GAVE_UP", "rank 1", "gave up for good",
                "the training-failure fault");
        assertThat(world(other)).isEqualTo("BROKEN");
        JsonNode distributed = rank0.get("/actuator/optimizers").get("distributed");
        assertThat(distributed.get("status").asString()).isEqualTo("BROKEN");
        assertThat(distributed.get("lastFailure").asString()).contains("rank 1", "the training-failure fault");
    }

    @Test
    void anOperationFailingOnOneReplicaBreaksTheWorldWhichReformsWithBoth() throws Exception {
        startTrainingTogether("--sample.faults.enabled=true");
        rank1.post("/api/faults/collective-failure");
        rank0.await("a restart", START_SECONDS, t -> t.get("replica").get("restarts").asInt() >= 1 || isFinal(t));
        bothSolveWithEqualParameters();
        assertThat(rank1.training().get("replica").get("restarts").asInt()).isGreaterThanOrEqualTo(1);
    }
}
