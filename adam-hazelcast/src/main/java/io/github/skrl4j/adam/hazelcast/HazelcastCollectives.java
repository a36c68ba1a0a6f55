package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import io.github.skrl4j.adam.distributed.wire.MeshTransport;
import io.github.skrl4j.adam.distributed.wire.PeerMesh;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.distributed.wire.WireEndpoint;
import io.github.skrl4j.adam.distributed.wire.WireException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Forms a {@link Collective} over the members of a Hazelcast cluster, one rank per member.
 *
 * <p>The world is the cluster's members when {@link #join} is called, in Hazelcast's member-list
 * order (the same on every member): rank 0 is the oldest member. Hazelcast serves as the rendezvous
 * (each member publishes its data-plane address, rank 0 a random world id) and as the failure
 * detector; the gradients travel on the data plane, persistent (optionally mutual-TLS) connections
 * between the ranks. The world stays fixed for the run: a member that joins later takes no part, and
 * one that leaves fails every pending and later operation with
 * {@link CollectiveException.Reason#MEMBER_LEFT}. Each call is bounded by the options' timeouts, so a
 * lost member never hangs training.
 */
public final class HazelcastCollectives {

    private static final long POLL_MILLIS = 50;

    private HazelcastCollectives() {
    }

    /**
     * Waits until the cluster has exactly {@code options.worldSize()} members, takes them as the world,
     * opens this member's data plane, exchanges the addresses and rank 0's world id through the cluster
     * and connects the ranks. Every member of the world calls this with the same options (its own
     * bind address and TLS material apart).
     *
     * @throws CollectiveException   {@code TIMEOUT} if the members or their addresses do not come in
     *                               time; {@code TRANSPORT} if the data plane cannot listen or connect
     * @throws IllegalStateException if the cluster has more members than the world, or the data plane
     *                               would listen off loopback without TLS and without
     *                               {@code allowInsecure}
     */
    public static Collective join(HazelcastInstance instance, HazelcastCollectiveOptions options) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(options, "options");
        long deadline = System.nanoTime() + options.joinTimeout().toNanos();
        WireCounters counters = options.refusals() != null ? options.refusals() : new WireCounters();
        WireEndpoint endpoint;
        try {
            // first, so that an insecure bind is refused before anything waits for the other members
            endpoint = WireEndpoint.open(options.wireOptions(), counters);
        } catch (IOException e) {
            throw new CollectiveException(CollectiveException.Reason.TRANSPORT, "could not listen on "
                    + options.dataPlaneBind() + " for the data plane: " + e, e);
        }
        try {
            List<Member> members = awaitMembers(instance, options.worldSize(), deadline);
            int rank = members.indexOf(instance.getCluster().getLocalMember());
            String base = options.run() + "|" + members.stream().map(m -> m.getUuid().toString())
                    .collect(Collectors.joining(","));
            Rendezvous rendezvous = new Rendezvous(instance, base, options.joinTimeout().toMillis());
            rendezvous.publish(rank, advertised(endpoint.localAddress(), instance));
            long worldId = rank == 0 ? rendezvous.drawWorldId() : rendezvous.awaitWorldId(deadline);
            List<InetSocketAddress> addresses = rendezvous.awaitAddresses(members.size(), deadline);
            PeerMesh mesh = endpoint.formWorld(rank, members.size(), worldId, addresses,
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            rendezvous.withdraw(rank);
            HazelcastTransport transport = new HazelcastTransport(instance, members, endpoint,
                    new MeshTransport(mesh, options.timeout()));
            return TransportCollectives.over(transport, options.chunkSize(), options.timeout());
        } catch (WireException e) {
            endpoint.close();
            throw MeshTransport.translate(e);
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    /** The address peers connect to: the bound one, or the Hazelcast member's for a wildcard bind. */
    private static InetSocketAddress advertised(InetSocketAddress bound, HazelcastInstance instance) {
        InetAddress address = bound.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            InetSocketAddress member = instance.getCluster().getLocalMember().getSocketAddress();
            return new InetSocketAddress(member.getAddress(), bound.getPort());
        }
        return bound;
    }

    private static List<Member> awaitMembers(HazelcastInstance instance, int worldSize, long deadline) {
        while (true) {
            Set<Member> now = instance.getCluster().getMembers();
            if (now.size() == worldSize) {
                return List.copyOf(now);
            }
            if (now.size() > worldSize) {
                throw new IllegalStateException("the cluster has " + now.size() + " members but the world is "
                        + worldSize + ": every member of the cluster must take part");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CollectiveException(CollectiveException.Reason.TIMEOUT, "the cluster has " + now.size()
                        + " of the world's " + worldSize + " members after the join timeout");
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(CollectiveException.Reason.INTERRUPTED, "interrupted while waiting for"
                    + " the world's members", e);
        }
    }
}
