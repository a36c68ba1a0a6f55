package io.github.skrl4j.adam.spring.autoconfigure;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.time.Duration;
import java.util.Arrays;

/**
 * The member that {@link FrozenMemberDetectionTest} freezes: a plain Hazelcast member in a JVM of its own, on
 * {@code ports[1]} of the test's loopback cluster. It prints {@code STARTED} once it is up and then only waits.
 * Arguments: cluster name, the two ports comma-separated, and optionally {@code starter-defaults} and the
 * member-removal seconds to configure it as a replica with the starter would be
 * ({@link HazelcastFailureDetectionDefaults}: heartbeat bound and merge delays).
 */
public final class FrozenMemberProcess {

    private FrozenMemberProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        int[] ports = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        Config config = LoopbackCluster.config(args[0], ports, 1);
        // the other member's failure detection is under test; this one keeps Hazelcast's defaults
        config.getProperties().remove(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT);
        config.getProperties().remove(HazelcastFailureDetectionDefaults.HEARTBEAT_INTERVAL);
        if (args.length > 2 && args[2].equals("starter-defaults")) {
            new HazelcastFailureDetectionDefaults(Duration.ofSeconds(Long.parseLong(args[3]))).customize(config);
        }
        Hazelcast.newHazelcastInstance(config);
        System.out.println("STARTED");
        System.out.flush();
        Thread.sleep(180_000); // the test ends this process long before
        System.exit(0);
    }
}
