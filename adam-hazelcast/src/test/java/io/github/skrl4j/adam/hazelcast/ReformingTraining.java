package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.config.Config;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.RestartPolicy;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Rounds of a training loop that re-forms its world, the same in the test JVM and in a child JVM: each
 * round the ranks agree on the round to do (the lowest any of them has not finished: a rank whose
 * reduction failed while another's completed does it again), reduce their gradients of that round and
 * report a checksum of the mean; a failure re-forms the world and the loop goes on.
 */
final class ReformingTraining {

    /** Every world re-forms within 90 s, at most 3 times in 5 minutes. */
    static final RestartPolicy POLICY = new RestartPolicy(3, Duration.ofMinutes(5), Duration.ofSeconds(90));

    private ReformingTraining() {
    }

    /**
     * A cluster member on loopback that merges a split within seconds and removes a frozen member after 4 s
     * ({@code removesFrozenMembers}: before the data plane's 10 s see it) or after 60 s (Hazelcast's default: the
     * data plane sees it first, and a member that continues by then is still one).
     */
    static Config config(String clusterName, int[] ports, int index, boolean removesFrozenMembers) {
        Config config = LoopbackCluster.config(clusterName, ports, index);
        config.setProperty("hazelcast.max.no.heartbeat.seconds", removesFrozenMembers ? "4" : "60");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
        return config;
    }

    /** As {@link #config(String, int[], int, boolean)}, removing a frozen member after 4 s. */
    static Config config(String clusterName, int[] ports, int index) {
        return config(clusterName, ports, index, true);
    }

    /** Rank {@code rank} of a world of 2, the data plane's default failure detection (10 s). */
    static HazelcastCollectiveOptions options(int rank) {
        return HazelcastCollectiveOptions.of("frozen", 2).withRank(rank).withTimeout(Duration.ofSeconds(30))
                .withChunkSize(300);
    }

    /**
     * Runs {@code rounds} rounds, reporting "ROUND r rank=k mean=checksum" after each and "BROKEN reason: message"
     * for each failure; {@code beforeRound} runs before each attempt at a round.
     */
    static void run(ReformingWorld replicas, int rounds, Consumer<String> report, IntConsumer beforeRound) {
        Collective world = replicas.awaitWorld();
        int next = 0;
        while (next < rounds) {
            try {
                beforeRound.accept(next);
                long[] unfinished = world.allGather(next);
                int round = (int) Arrays.stream(unfinished).min().orElseThrow();
                Tensors grad = Training.gradient(Training.model(0), world.rank(), round);
                world.allReduceMean(grad);
                report.accept("ROUND " + round + " rank=" + world.rank() + " mean="
                        + Long.toHexString(Checksums.crc32c(grad)));
                next = round + 1;
            } catch (CollectiveException e) {
                report.accept("BROKEN " + e.reason() + ": " + e.getMessage());
                world = replicas.reform(e);
            }
        }
    }
}
