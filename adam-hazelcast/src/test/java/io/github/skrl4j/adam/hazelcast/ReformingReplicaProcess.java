package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import java.time.Duration;
import java.util.Arrays;

/**
 * A replica in a JVM of its own, started by {@link FrozenReplicaTest} and {@link KilledReplicaTest}: joins the test's cluster, runs
 * {@link ReformingTraining#run} (printing its reports) and prints "DONE restarts=n" at the end.
 */
public final class ReformingReplicaProcess {

    private ReformingReplicaProcess() {
    }

    /**
     * Arguments: cluster name, comma-separated ports, this member's index, its rank, rounds, and optionally
     * {@code keep-frozen-members} (Hazelcast removes a frozen member after 60 s, not 4 s).
     */
    public static void main(String[] args) {
        String clusterName = args[0];
        int[] ports = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int index = Integer.parseInt(args[2]);
        int rank = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        boolean removesFrozenMembers = args.length < 6 || !"keep-frozen-members".equals(args[5]);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ReformingTraining.config(clusterName, ports, index,
                removesFrozenMembers));
        try (ReformingWorld replicas = new ReformingWorld(HazelcastCollectives.formation(member,
                ReformingTraining.options(rank)), ReformingTraining.POLICY, Duration.ofSeconds(60))) {
            ReformingTraining.run(replicas, rounds, line -> {
                System.out.println(line);
                System.out.flush();
            }, round -> { });
            System.out.println("DONE restarts=" + replicas.restarts());
            System.out.flush();
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e);
            e.printStackTrace(System.out);
        } finally {
            member.getLifecycleService().terminate();
        }
    }
}
