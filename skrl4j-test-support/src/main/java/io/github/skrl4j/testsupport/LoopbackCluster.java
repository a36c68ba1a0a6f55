package io.github.skrl4j.testsupport;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hazelcast members for tests: loopback only (127.0.0.1, TCP-IP member list of exactly the test's
 * ports, no multicast, no auto-detection, no phone home), a cluster name of its own, short
 * heartbeats so that a lost member is noticed in seconds, and logging through SLF4J (quiet in
 * logback-test.xml). The one copy of this configuration for adam-hazelcast's, the starter's and the
 * sample's cluster tests.
 */
public final class LoopbackCluster {

    private LoopbackCluster() {
    }

    /** {@code count} free loopback ports. */
    public static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // only a probe
                }
            }
        }
    }

    public static String newClusterName() {
        return "skrl4j-test-" + UUID.randomUUID();
    }

    /** The configuration of the member on {@code ports[index]} of a cluster on {@code ports}. */
    public static Config config(String clusterName, int[] ports, int index) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + index);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.partition.count", "23");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(ports[index]).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int port : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        return config;
    }

    /** Starts the members one after the other, so that index = rank. */
    public static List<HazelcastInstance> start(int count) {
        String name = newClusterName();
        int[] ports = freePorts(count);
        List<HazelcastInstance> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(Hazelcast.newHazelcastInstance(config(name, ports, i)));
        }
        return members;
    }
}
