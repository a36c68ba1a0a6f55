package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.time.Duration;
import java.util.Arrays;

/**
 * A replica in a JVM of its own, started by {@link SeparateJvmTest}: joins the test's cluster as one
 * member, trains {@link Training#replica} and prints its fingerprint; then stays in the cluster
 * without taking part in anything, until it is killed.
 */
public final class ReplicaProcess {

    private ReplicaProcess() {
    }

    /** Arguments: cluster name, comma-separated ports, this member's index, world size, steps. */
    public static void main(String[] args) throws InterruptedException {
        String clusterName = args[0];
        int[] ports = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int index = Integer.parseInt(args[2]);
        int worldSize = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(LoopbackCluster.config(clusterName, ports, index));
        Collective collective = HazelcastCollectives.join(member, SeparateJvmTest.options(worldSize));
        Training.Replica replica = Training.replica(collective, steps);
        System.out.println("DONE rank=" + collective.rank() + " " + replica.fingerprint());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(2).toMillis()); // the test kills this process long before
        member.getLifecycleService().terminate();
    }
}
