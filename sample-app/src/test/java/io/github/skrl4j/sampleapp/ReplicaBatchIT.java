package io.github.skrl4j.sampleapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of the executable jar in batch mode, as a script runs them: the README's commands (on the test's
 * own cluster, ports and directories) with {@code --sample.training.exit-when-done=true}, both started at the same instant (the case the cluster's merge
 * exists for: each may first form a cluster of its own). They end in one world of two, solve CartPole together,
 * exit 0, and say in their last lines that they hold the same parameters.
 */
@ChildJvm
@HazelcastCluster
class ReplicaBatchIT {

    /** A whole run of two replicas on a loaded 2-core machine, start and exit included. */
    private static final int RUN_SECONDS = 400;
    private static final Pattern FINAL_CHECKSUM =
            Pattern.compile("Replica rank (\\d) of 2 ended with parameter checksum ([0-9a-f]+) \\(replicas consistent"
                    + " at the last check: true, restarts: 0\\)");

    @TempDir
    Path dir;

    private final String cluster = LoopbackCluster.newClusterName();
    private final int hazelcastPort = LoopbackCluster.freePorts(1)[0];
    private final Replica[] replicas = new Replica[2];

    @AfterEach
    void stopReplicas() {
        for (Replica r : replicas) {
            if (r != null) {
                r.destroy();
            }
        }
    }

    @Test
    void twoReplicasStartedTogetherInBatchModeSolveInOneWorldAndExitZeroWithTheSameParameters() throws Exception {
        for (int rank = 0; rank < 2; rank++) {
            replicas[rank] = new Replica(dir, cluster, hazelcastPort, rank)
                    .with("--sample.training.exit-when-done=true");
        }
        for (Replica r : replicas) {
            r.start();
        }
        String[] checksums = new String[2];
        for (int i = 0; i < 2; i++) {
            int rank = i;
            Replica r = replicas[rank];
            assertThat(r.awaitExit(RUN_SECONDS)).as("exit status (0: SOLVED)\n%s", r.describe()).isZero();
            List<String> log = r.logLines();
            assertThat(log).as(r.describe()).anyMatch(l -> l.contains("Training data-parallel as rank " + rank + " of 2"))
                    .anyMatch(l -> l.contains("Training SOLVED after"));
            checksums[rank] = finalChecksum(log, rank, r);
        }
        assertThat(checksums[0]).as("rank 0's and rank 1's final parameters").isEqualTo(checksums[1]);
    }

    private static String finalChecksum(List<String> log, int rank, Replica r) {
        for (String line : log) {
            Matcher m = FINAL_CHECKSUM.matcher(line);
            if (m.find() && Integer.parseInt(m.group(1)) == rank) {
                return m.group(2);
            }
        }
        throw new AssertionError("no final parameter checksum of rank " + rank + "\n" + r.describe());
    }
}
