package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.ReformingWorld;
import io.github.skrl4j.adam.distributed.WorldFormation;

/**
 * Forms {@link Collective}s over the members of a Hazelcast cluster, one rank per member.
 *
 * <p>A world is the cluster's members when it forms, ranked by their configured ranks
 * ({@link HazelcastCollectiveOptions#rank()}) or, when none is configured, in Hazelcast's member-list
 * order (the same on every member): rank 0 is the oldest member. Hazelcast serves as the rendezvous
 * (each member claims its rank and publishes its data-plane address, rank 0 draws a random world id)
 * and as the failure detector; the gradients travel on the data plane, persistent (optionally
 * mutual-TLS) connections between the ranks. A world stays fixed while it lasts: a member that joins
 * later takes no part, and one that leaves fails every pending and later operation with
 * {@link CollectiveException.Reason#MEMBER_LEFT}. A {@link #formation} forms the next world once the
 * cluster is whole again. Each call is bounded by the options' timeouts, so a lost member never hangs
 * training.
 */
public final class HazelcastCollectives {

    private HazelcastCollectives() {
    }

    /**
     * Forms one world: waits until the cluster has exactly {@code options.worldSize()} members, takes
     * them as the world, and connects the ranks, within {@code options.joinTimeout()}. Every member of
     * the world calls this with the same options (its own rank, bind address and TLS material apart).
     * Closing the returned collective releases everything, the data plane's listening socket included.
     * For a world that re-forms after a failure, use {@link #formation}.
     *
     * @throws CollectiveException   {@code TIMEOUT} if the members, their claims or rank 0's world id do
     *                               not come in time; {@code TRANSPORT} if the data plane cannot listen or
     *                               connect
     * @throws IllegalStateException if the cluster still has more members than the world at the join
     *                               timeout, two members claim one rank, only some members configure their
     *                               rank, or the data plane would listen off loopback without TLS and
     *                               without {@code allowInsecure} (refused before anything waits)
     */
    public static Collective join(HazelcastInstance instance, HazelcastCollectiveOptions options) {
        HazelcastFormation formation = HazelcastFormation.open(instance, options, true);
        try {
            return formation.form(options.joinTimeout());
        } catch (RuntimeException e) {
            formation.close();
            throw e;
        }
    }

    /**
     * The worlds of this member, formed one after another (for a {@link ReformingWorld}): opens this
     * member's data-plane endpoint now (so that an insecure bind is refused before anything waits; it
     * listens until the formation is closed), and each {@link WorldFormation#form} forms a new world
     * with the cluster's members once the cluster has exactly {@code options.worldSize()} of them: the
     * first, and after a world broke (a member left, was killed and restarted under a new Hazelcast
     * member id, or froze and came back; or an operation failed while every member stayed) the next
     * one. Closing a world leaves the formation able to form the next; closing the formation closes its
     * world and the listening socket. {@code options.joinTimeout()} is not used: each formation is
     * bounded by the timeout it is given.
     *
     * <p>A formation never uses what an earlier one left in the rendezvous map: members' claims are
     * keyed by their Hazelcast member ids and read only for current members, each world id is used once,
     * and an attempt whose members change while it forms starts again within its timeout (see
     * docs/distributed.md, "Worlds that re-form").
     *
     * <p>A member whose own run failed for good calls {@link WorldFormation#giveUp} (through
     * {@link ReformingWorld#giveUp}): a gave-up record under its member id in the rendezvous map, read by
     * every other member's formation at every poll of its waits, fails those formations at once with
     * {@link CollectiveException.Reason#GAVE_UP} naming its rank, member id and reason. A member that only
     * closes (to be restarted) is waited for.
     *
     * @throws IllegalStateException if the data plane would listen off loopback without TLS and without
     *                               {@code allowInsecure}
     * @throws CollectiveException   {@code TRANSPORT} if the data plane cannot listen
     */
    public static WorldFormation formation(HazelcastInstance instance, HazelcastCollectiveOptions options) {
        return HazelcastFormation.open(instance, options, false);
    }
}
