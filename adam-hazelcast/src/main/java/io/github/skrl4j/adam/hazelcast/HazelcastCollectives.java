package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Forms a {@link Collective} over the members of a Hazelcast cluster, one rank per member.
 *
 * <p>The world is the cluster's members when {@link #join} is called, in Hazelcast's member-list
 * order (the same on every member): rank 0 is the oldest member. It stays fixed for the run: a
 * member that joins later takes no part, and one that leaves fails every pending and later
 * operation with {@link CollectiveException.Reason#MEMBER_LEFT}. Each call is bounded by the
 * options' timeouts, so a lost member never hangs training.
 */
public final class HazelcastCollectives {

    private static final long POLL_MILLIS = 50;

    private HazelcastCollectives() {
    }

    /**
     * Waits until the cluster has exactly {@code options.worldSize()} members, takes them as the world,
     * and agrees a world id with rank 0 (so that a world formed again by the same members never mixes
     * with messages of an earlier one). Every member of the world calls this with the same options.
     *
     * @throws CollectiveException   {@code TIMEOUT} if the members or rank 0's hand-shake do not come in
     *                               time
     * @throws IllegalStateException if the cluster has more members than the world
     */
    public static Collective join(HazelcastInstance instance, HazelcastCollectiveOptions options) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(options, "options");
        long deadline = System.nanoTime() + options.joinTimeout().toNanos();
        List<Member> members = awaitMembers(instance, options.worldSize(), deadline);
        int rank = members.indexOf(instance.getCluster().getLocalMember());
        String base = options.run() + "|" + members.stream().map(m -> m.getUuid().toString())
                .collect(Collectors.joining(","));
        String worldId = base + "|" + handshake(instance, options, members, rank, base, deadline);
        HazelcastTransport transport = new HazelcastTransport(instance, worldId, members, rank, options.executor());
        return TransportCollectives.over(transport, options.chunkSize(), options.timeout());
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

    /** Rank 0 draws the world's id and sends it to every rank; the others wait for it. */
    private static String handshake(HazelcastInstance instance, HazelcastCollectiveOptions options,
            List<Member> members, int rank, String base, long deadline) {
        String lobby = "join|" + base;
        if (rank == 0) {
            UUID id = UUID.randomUUID();
            for (int r = 1; r < members.size(); r++) {
                instance.getExecutorService(options.executor()).executeOnMember(CollectiveMessage.longs(lobby, 0,
                        MessageKind.HANDSHAKE, 0, new long[] {id.getMostSignificantBits(), id.getLeastSignificantBits()}),
                        members.get(r));
            }
            return id.toString();
        }
        Mailboxes mailboxes = Mailboxes.of(instance);
        Mailbox mailbox = mailboxes.open(lobby);
        try {
            long[] id = mailbox.takeLongs(rank, 0, MessageKind.HANDSHAKE, 0, deadline);
            if (id.length != 2) {
                throw new CollectiveException(CollectiveException.Reason.MISMATCH, "rank " + rank + " received a"
                        + " world id of " + id.length + " longs from rank 0 where 2 make one");
            }
            return new UUID(id[0], id[1]).toString();
        } finally {
            mailboxes.forget(lobby);
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
