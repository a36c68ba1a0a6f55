package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import io.github.skrl4j.adam.distributed.spi.Transport;
import io.github.skrl4j.adam.distributed.wire.MeshTransport;
import io.github.skrl4j.adam.distributed.wire.PeerMesh;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The {@link Transport} of a world formed through Hazelcast: the messages travel on the data plane
 * ({@link MeshTransport} over this member's {@link PeerMesh}); Hazelcast watches the members. The
 * world breaks, waking every waiting receiver, as soon as a member of the world leaves the cluster
 * (Hazelcast's failure detector removing a frozen member included) or this member shuts down; a
 * process that dies is seen sooner, when its connections close.
 */
final class HazelcastTransport implements Transport {

    private final HazelcastInstance instance;
    private final List<Member> members;
    private final MeshTransport wire;
    private final Consumer<HazelcastTransport> afterClose;
    private final UUID membershipRegistration;
    private final UUID lifecycleRegistration;
    private volatile boolean closed;

    /**
     * @param members    the world's members, index = rank
     * @param afterClose told once this world closed: its formation notes that no world is open (and a
     *                   one-world formation of {@link HazelcastCollectives#join} closes its endpoint)
     */
    HazelcastTransport(HazelcastInstance instance, List<Member> members, MeshTransport wire,
            Consumer<HazelcastTransport> afterClose) {
        this.instance = instance;
        this.members = List.copyOf(members);
        this.wire = wire;
        this.afterClose = afterClose;
        PeerMesh mesh = wire.mesh();
        this.membershipRegistration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // the world is fixed: a member that joins later takes part only in a world formed after it
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberLeft(event.getMember());
            }
        });
        this.lifecycleRegistration = instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
                mesh.close();
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
        if (index >= 0 && index != wire.rank()) {
            wire.mesh().lost(index, "member " + member.getAddress() + " left the cluster");
        }
    }

    @Override
    public int rank() {
        return wire.rank();
    }

    @Override
    public int worldSize() {
        return wire.worldSize();
    }

    @Override
    public int maxMessagesInFlight() {
        return wire.maxMessagesInFlight();
    }

    @Override
    public void sendFloats(int toRank, MessageKind kind, long sequence, int chunk, float[] data, int offset,
            int length) {
        wire.sendFloats(toRank, kind, sequence, chunk, data, offset, length);
    }

    @Override
    public void sendFloatsToOthers(MessageKind kind, long sequence, int chunk, float[] data, int offset, int length) {
        wire.sendFloatsToOthers(kind, sequence, chunk, data, offset, length);
    }

    @Override
    public void sendLongs(int toRank, MessageKind kind, long sequence, long[] values) {
        wire.sendLongs(toRank, kind, sequence, values);
    }

    @Override
    public void receiveFloats(int fromRank, MessageKind kind, long sequence, int chunk, float[] into, int offset,
            int length, long deadlineNanos) {
        wire.receiveFloats(fromRank, kind, sequence, chunk, into, offset, length, deadlineNanos);
    }

    @Override
    public long[] receiveLongs(int fromRank, MessageKind kind, long sequence, long deadlineNanos) {
        return wire.receiveLongs(fromRank, kind, sequence, deadlineNanos);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            wire.close();
        } finally {
            try {
                if (instance.getLifecycleService().isRunning()) {
                    instance.getCluster().removeMembershipListener(membershipRegistration);
                    instance.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
                }
            } finally {
                afterClose.accept(this);
            }
        }
    }
}
