package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.testsupport.ChildJvm;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import io.github.skrl4j.testsupport.ProbeJvm;
import io.github.skrl4j.testsupport.TestThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter's Hazelcast settings on a member that Spring Boot makes from a configuration file that sets none: a
 * member frozen with SIGSTOP in a JVM of its own (loopback only) is removed from the cluster once
 * {@code member-removal} has passed (the data plane declared it lost long before: {@code FrozenReplicaTest} in
 * adam-hazelcast), and one removed is back within seconds once it continues, not after Hazelcast's 300 s; a
 * configuration's own values win; nothing changes while data-parallel training is off.
 */
@HazelcastCluster
class FrozenMemberDetectionTest {

    /** A short member-removal for the test (45 s by default), heartbeats every second. */
    private static final Duration REMOVAL = Duration.ofSeconds(5);
    /** The removal bound with room for a loaded machine. */
    private static final Duration BOUND = REMOVAL.plusSeconds(5);

    @TempDir
    Path dir;

    /** A loopback member's configuration file, on {@code ports[0]} of a cluster on {@code ports}. */
    private Path configFile(String clusterName, int[] ports, String extraProperties) throws Exception {
        StringBuilder members = new StringBuilder();
        for (int port : ports) {
            members.append("          - 127.0.0.1:").append(port).append('\n');
        }
        String yaml = "hazelcast:\n"
                + "  cluster-name: " + clusterName + "\n"
                + "  instance-name: " + clusterName + "-0\n"
                + "  properties:\n"
                + "    hazelcast.phone.home.enabled: false\n"
                + "    hazelcast.local.localAddress: 127.0.0.1\n"
                + "    hazelcast.socket.bind.any: false\n"
                + "    hazelcast.wait.seconds.before.join: 0\n"
                + "    hazelcast.shutdownhook.enabled: false\n"
                + "    hazelcast.logging.type: slf4j\n"
                + "    hazelcast.partition.count: 23\n"
                + extraProperties
                + "  network:\n"
                + "    port:\n"
                + "      port: " + ports[0] + "\n"
                + "      auto-increment: false\n"
                + "    interfaces:\n"
                + "      enabled: true\n"
                + "      interfaces:\n"
                + "        - 127.0.0.1\n"
                + "    join:\n"
                + "      auto-detection:\n"
                + "        enabled: false\n"
                + "      multicast:\n"
                + "        enabled: false\n"
                + "      tcp-ip:\n"
                + "        enabled: true\n"
                + "        member-list:\n"
                + members;
        Path file = dir.resolve(clusterName + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ApplicationContextRunner runner(Path config) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HazelcastAutoConfiguration.class,
                        HazelcastFailureDetectionAutoConfiguration.class))
                .withPropertyValues("spring.hazelcast.config=" + config.toUri(),
                        "skrl.optim.adam.distributed.enabled=true");
    }

    @Test
    @ChildJvm
    @Timeout(150)
    void aFrozenMemberIsRemovedOnceMemberRemovalHasPassed() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        runner(configFile(clusterName, ports, "")).withPropertyValues(memberRemoval()).run(context -> {
            HazelcastInstance member = context.getBean(HazelcastInstance.class);
            try {
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT))
                        .isEqualTo(Long.toString(REMOVAL.toSeconds()));
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.HEARTBEAT_INTERVAL))
                        .isEqualTo("1");
                Process child = startChild(clusterName, ports);
                try {
                    assertThat(CompletableFuture.supplyAsync(() -> awaitStarted(child), TestThreads.PER_TASK).get(90, TimeUnit.SECONDS))
                            .isEqualTo("STARTED");
                    awaitMembers(member, 2, Duration.ofSeconds(60), "the child joins");
                    CountDownLatch removed = removalOfAMember(member);

                    signal("STOP", child);
                    long frozenAt = System.nanoTime();
                    boolean seen = removed.await(BOUND.toSeconds() + 30, TimeUnit.SECONDS);
                    Duration detected = Duration.ofNanos(System.nanoTime() - frozenAt);
                    assertThat(seen).as("the frozen member is removed at all").isTrue();
                    assertThat(detected).as("removed within the documented bound").isLessThan(BOUND);
                    assertThat(member.getCluster().getMembers()).hasSize(1);
                } finally {
                    if (child.isAlive()) {
                        signal("CONT", child);
                    }
                    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } finally {
                member.getLifecycleService().terminate();
            }
        });
    }

    /** How soon a removed member that continues is back: merges looked for every 5 s, with room for a loaded machine. */
    private static final Duration BACK_BOUND = Duration.ofSeconds(30);

    @Test
    @ChildJvm
    @Timeout(200)
    void aFrozenMemberThatContinuesIsBackInTheClusterWithinSeconds() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        int[] ports = LoopbackCluster.freePorts(2);
        runner(configFile(clusterName, ports, "")).withPropertyValues(memberRemoval()).run(context -> {
            HazelcastInstance member = context.getBean(HazelcastInstance.class);
            try {
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.MERGE_FIRST_RUN_DELAY))
                        .isEqualTo("5");
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.MERGE_NEXT_RUN_DELAY))
                        .isEqualTo("5");
                // the other replica runs the starter too
                Process child = startChild(clusterName, ports, "starter-defaults", Long.toString(REMOVAL.toSeconds()));
                try {
                    assertThat(CompletableFuture.supplyAsync(() -> awaitStarted(child), TestThreads.PER_TASK).get(90, TimeUnit.SECONDS))
                            .isEqualTo("STARTED");
                    awaitMembers(member, 2, Duration.ofSeconds(60), "the child joins");
                    CountDownLatch removed = removalOfAMember(member);
                    signal("STOP", child);
                    assertThat(removed.await(BOUND.toSeconds() + 30, TimeUnit.SECONDS)).as("the frozen member is removed")
                            .isTrue();
                    signal("CONT", child);
                    // back by Hazelcast's split-brain merge, which the defaults run every 5 s instead of after 300 s
                    awaitMembers(member, 2, BACK_BOUND, "the continued member is back within " + BACK_BOUND);
                } finally {
                    if (child.isAlive()) {
                        signal("CONT", child);
                    }
                    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } finally {
                member.getLifecycleService().terminate();
            }
        });
    }

    private static String memberRemoval() {
        return "skrl.optim.adam.distributed.member-removal=" + REMOVAL.toSeconds() + "s";
    }

    /** Counts down when a member leaves {@code member}'s cluster. */
    private static CountDownLatch removalOfAMember(HazelcastInstance member) {
        CountDownLatch removed = new CountDownLatch(1);
        member.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                removed.countDown();
            }
        });
        return removed;
    }

    private static void awaitMembers(HazelcastInstance member, int count, Duration within, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (member.getCluster().getMembers().size() != count) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aConfigurationsOwnHeartbeatSettingsWin() throws Exception {
        String clusterName = LoopbackCluster.newClusterName();
        Path config = configFile(clusterName, LoopbackCluster.freePorts(1), "    hazelcast.max.no.heartbeat.seconds: 20\n"
                + "    hazelcast.heartbeat.interval.seconds: 2\n");
        runner(config).run(context -> {
            HazelcastInstance member = context.getBean(HazelcastInstance.class);
            try {
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT))
                        .isEqualTo("20");
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.HEARTBEAT_INTERVAL))
                        .isEqualTo("2");
            } finally {
                member.getLifecycleService().terminate();
            }
        });
    }

    @Test
    void nothingChangesWhileDataParallelTrainingIsOff() throws Exception {
        Path config = configFile(LoopbackCluster.newClusterName(), LoopbackCluster.freePorts(1), "");
        runner(config).withPropertyValues("skrl.optim.adam.distributed.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(HazelcastFailureDetectionDefaults.class);
            HazelcastInstance member = context.getBean(HazelcastInstance.class);
            try {
                assertThat(member.getConfig().getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT))
                        .isNull();
            } finally {
                member.getLifecycleService().terminate();
            }
        });
    }

    private static Process startChild(String clusterName, int[] ports, String... more) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(clusterName, ports[0] + "," + ports[1]));
        arguments.addAll(List.of(more));
        return ProbeJvm.startOnThisClassPath(FrozenMemberProcess.class, arguments.toArray(String[]::new));
    }

    /** The child's STARTED line; its other output is kept for the failure message. */
    private static String awaitStarted(Process child) {
        StringBuilder other = new StringBuilder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("STARTED")) {
                    // keep draining, so that the child never blocks on a full pipe
                    Thread drain = new Thread(() -> drain(out), "frozen-member-output");
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
                other.append(line).append('\n');
            }
        } catch (java.io.IOException e) {
            other.append(e);
        }
        return "child ended without STARTED:\n" + other;
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discarded
            }
        } catch (java.io.IOException ignored) {
            // the child ended
        }
    }

    /** {@code kill -<signal> <pid>}: STOP freezes the child as a long GC pause or a stuck host would, CONT resumes it. */
    private static void signal(String signal, Process child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
    }
}
