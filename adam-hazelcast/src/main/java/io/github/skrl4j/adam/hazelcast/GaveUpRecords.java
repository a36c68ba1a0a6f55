package io.github.skrl4j.adam.hazelcast;

import static io.github.skrl4j.adam.distributed.WorldFormation.UNASSIGNED;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.CollectiveException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A formation's side of the gave-up records: whose records it reads (the members of the last world it
 * formed and the cluster's current members), under which member ids it writes its own (its current one,
 * and the one it had in its last world if that changed), and the {@code GAVE_UP} failure that names who
 * gave up. {@link Rendezvous} stores the records and checks what it reads (bounds, rank range, printable
 * reason); this class remembers the last world, the one thing it needs that the rendezvous does not hold.
 *
 * <p>Locking: none of its own. The last world is written by the thread that forms a world (inside
 * {@link HazelcastFormation#form}, which holds the formation's lock) and read through volatile fields by
 * that thread's waits and by {@link #publish}, which {@link HazelcastFormation#giveUp} calls on any
 * thread without the lock.
 */
final class GaveUpRecords {

    private final HazelcastInstance instance;
    private final Rendezvous rendezvous;
    private final HazelcastCollectiveOptions options;
    /**
     * The world formed last (no members before the first): whose giving up ends the run, and this member's
     * rank there. One value, so that {@link #publish} on another thread never pairs one world's members with
     * another world's rank.
     */
    private volatile LastWorld lastWorld = LastWorld.NONE;

    /** The members of a world, index = rank, and this member's rank among them. */
    private record LastWorld(List<UUID> members, int rank) {
        static final LastWorld NONE = new LastWorld(List.of(), UNASSIGNED);
    }

    GaveUpRecords(HazelcastInstance instance, Rendezvous rendezvous, HazelcastCollectiveOptions options) {
        this.instance = instance;
        this.rendezvous = rendezvous;
        this.options = options;
    }

    /** Withdraws this member's own record: it takes part in the run again (a new formation on a member that gave up). */
    void withdrawMine() {
        rendezvous.withdrawGaveUp(instance.getCluster().getLocalMember().getUuid());
    }

    /** Remembers the world just formed: its members are watched, and named, from now on. */
    void worldFormed(List<UUID> ids, int rank) {
        lastWorld = new LastWorld(List.copyOf(ids), rank);
    }

    /**
     * Fails if a member of the last world or of the cluster, other than this one, gave up: a formation
     * that waits for a member that will not come back fails at once.
     *
     * @throws CollectiveException {@code GAVE_UP} naming its rank, member and reason; {@code MISMATCH} on a
     *                             malformed record
     */
    void requireNoneGaveUp() {
        List<UUID> last = lastWorld.members();
        List<UUID> watched = new ArrayList<>(last);
        UUID me = instance.getCluster().getLocalMember().getUuid();
        for (Member m : instance.getCluster().getMembers()) {
            if (!watched.contains(m.getUuid())) {
                watched.add(m.getUuid());
            }
        }
        watched.remove(me);
        Rendezvous.GaveUp gaveUp = rendezvous.firstGaveUp(watched, options.worldSize());
        if (gaveUp != null) {
            int rank = last.indexOf(gaveUp.member()) >= 0 ? last.indexOf(gaveUp.member()) : gaveUp.rank();
            throw new CollectiveException(CollectiveException.Reason.GAVE_UP, (rank == UNASSIGNED ? "a replica"
                    : "rank " + rank) + " (member " + gaveUp.member() + ") of run '" + options.run()
                    + "' gave up for good (" + gaveUp.reason() + "): the world cannot form without it; mend the"
                    + " cause and start every replica again");
        }
    }

    /**
     * Records that this member gave up because of {@code reason}, under its member id and under the id it
     * had in its last world if that changed (a split-brain merge gives it a new one; the others know the
     * old one), with the rank it had there (or its configured one before any world). Best effort: if
     * Hazelcast stopped meanwhile, the others see this member leave.
     */
    void publish(String reason) {
        try {
            UUID me = instance.getCluster().getLocalMember().getUuid();
            LastWorld last = lastWorld;
            int rank = last.members().isEmpty() ? options.rank() : last.rank();
            rendezvous.gaveUp(me, rank, reason);
            UUID before = last.members().isEmpty() ? me : last.members().get(rank);
            if (!before.equals(me)) {
                rendezvous.gaveUp(before, rank, reason);
            }
        } catch (RuntimeException e) {
            // Hazelcast stopped meanwhile: the others see this member leave
        }
    }
}
