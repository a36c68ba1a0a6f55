package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.wire.WireEndpoint;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Watches a world while it forms (run every {@value #PERIOD_MILLIS} ms on the formation's guard thread):
 * abandons it ({@link WireEndpoint#abandonFormation}) once it cannot form any more, because the
 * cluster's members changed (a member that died was removed, another came), or rank 0 drew another
 * world id (this rank read an id of an attempt rank 0 gave up). Stopped when the formation ends, so
 * that it never breaks a formed world.
 */
final class FormationGuard implements Runnable {

    static final long PERIOD_MILLIS = 50;

    private final HazelcastInstance instance;
    private final Rendezvous rendezvous;
    private final WireEndpoint endpoint;
    private final Set<Long> usedWorldIds;
    private final List<UUID> ids;
    private final int rank;
    private final long worldId;
    private @Nullable String abandoned; // guarded by this
    private boolean stopped; // guarded by this

    /**
     * @param usedWorldIds the world ids this member used or tried (a concurrent set): not a newer one
     * @param ids          the forming world's member ids, index = rank
     */
    FormationGuard(HazelcastInstance instance, Rendezvous rendezvous, WireEndpoint endpoint, Set<Long> usedWorldIds,
            List<UUID> ids, int rank, long worldId) {
        this.instance = instance;
        this.rendezvous = rendezvous;
        this.endpoint = endpoint;
        this.usedWorldIds = usedWorldIds;
        this.ids = List.copyOf(ids);
        this.rank = rank;
        this.worldId = worldId;
    }

    /** Stops the guard: whether it had not abandoned the world. */
    synchronized boolean stop() {
        stopped = true;
        return abandoned == null;
    }

    @Override
    public void run() {
        String why;
        try {
            why = check();
        } catch (RuntimeException e) {
            return; // Hazelcast shutting down, or a malformed entry: the formation's own waits report it
        }
        if (why == null) {
            return;
        }
        synchronized (this) {
            if (!stopped && abandoned == null) {
                abandoned = why;
                endpoint.abandonFormation(worldId, why);
            }
        }
    }

    private @Nullable String check() {
        if (!membersAre(instance, ids)) {
            return "the cluster's members changed";
        }
        if (rank != 0) {
            Long published = rendezvous.worldId(ids);
            if (published != null && published != worldId && !usedWorldIds.contains(published)) {
                return "rank 0 drew world " + Long.toHexString(published) + " meanwhile";
            }
        }
        return null;
    }

    /** Whether the cluster's members are exactly {@code expected} (by member id). */
    static boolean membersAre(HazelcastInstance instance, Collection<UUID> expected) {
        Set<UUID> now = new HashSet<>();
        instance.getCluster().getMembers().forEach(m -> now.add(m.getUuid()));
        return now.equals(new HashSet<>(expected));
    }
}
