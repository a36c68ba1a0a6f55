package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.spi.Mailbox;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import java.util.List;
import java.util.UUID;

/**
 * A {@link Transport} between the members of a fixed world: each message is an executor task
 * ({@link CollectiveMessage}) run on the one member it is for, which files it in its mailbox. The
 * world breaks, waking every waiting receiver, as soon as one of its members leaves the cluster or
 * this member shuts down.
 */
final class HazelcastTransport implements Transport {

    private final HazelcastInstance instance;
    private final String worldId;
    private final List<Member> members;
    private final int rank;
    private final Mailbox mailbox;
    private final IExecutorService executor;
    private final UUID membershipRegistration;
    private final UUID lifecycleRegistration;
    private volatile boolean closed;

    HazelcastTransport(HazelcastInstance instance, String worldId, List<Member> members, int rank, String executor) {
        this.instance = instance;
        this.worldId = worldId;
        this.members = List.copyOf(members);
        this.rank = rank;
        this.mailbox = Mailboxes.of(instance).open(worldId);
        this.executor = instance.getExecutorService(executor);
        this.membershipRegistration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // the world is fixed: a member that joins later takes no part in this run
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberLeft(event.getMember());
            }
        });
        this.lifecycleRegistration = instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
                mailbox.fail(new CollectiveException(CollectiveException.Reason.CLOSED, "rank " + rank
                        + ": this Hazelcast member is shutting down"));
            }
        });
        // a member may have left between the snapshot of the world and the listener's registration
        for (Member m : members) {
            if (!instance.getCluster().getMembers().contains(m)) {
                memberLeft(m);
            }
        }
    }

    private void memberLeft(Member member) {
        int index = members.indexOf(member);
        if (index >= 0) {
            mailbox.fail(new CollectiveException(CollectiveException.Reason.MEMBER_LEFT, "member " + member.getAddress()
                    + " (rank " + index + ") left the cluster"));
        }
    }

    /** The world's members, index = rank. */
    List<Member> members() {
        return members;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return members.size();
    }

    @Override
    public void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset,
            int length) {
        dispatch(toRank, CollectiveMessage.floats(worldId, rank, kind, sequence, chunk, data, offset, length));
    }

    @Override
    public void sendLongs(int toRank, MessageKind kind, long sequence, long[] values) {
        dispatch(toRank, CollectiveMessage.longs(worldId, rank, kind, sequence, values));
    }

    private void dispatch(int toRank, CollectiveMessage message) {
        CollectiveException failure = mailbox.failure();
        if (failure != null) {
            throw new CollectiveException(failure.reason(), "rank " + rank + " cannot send: " + failure.getMessage(),
                    failure);
        }
        try {
            // serializes the message (and so the buffer slice) before it returns
            executor.executeOnMember(message, members.get(toRank));
        } catch (RuntimeException e) {
            throw new CollectiveException(CollectiveException.Reason.TRANSPORT, "rank " + rank
                    + " could not send to rank " + toRank + " (" + members.get(toRank).getAddress() + "): " + e, e);
        }
    }

    @Override
    public void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset,
            int length, long deadlineNanos) {
        mailbox.takeFloats(rank, fromRank, kind, sequence, chunk, into, offset, length, deadlineNanos);
    }

    @Override
    public long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
        return mailbox.takeLongs(rank, fromRank, kind, sequence, deadlineNanos);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        mailbox.fail(new CollectiveException(CollectiveException.Reason.CLOSED, "rank " + rank + " closed"));
        Mailboxes.of(instance).close(worldId);
        if (instance.getLifecycleService().isRunning()) {
            instance.getCluster().removeMembershipListener(membershipRegistration);
            instance.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        }
    }
}
