package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import io.github.skrl4j.adam.distributed.wire.MeshTransport;
import io.github.skrl4j.adam.distributed.wire.PeerMesh;
import io.github.skrl4j.adam.distributed.wire.Refusal;
import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.distributed.wire.WireEndpoint;
import io.github.skrl4j.adam.distributed.wire.WireException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The worlds of one member of a Hazelcast cluster, formed one after another over one data-plane
 * endpoint (bound at {@link #open}, its address claimed anew at every formation under the member's
 * current UUID). See {@link HazelcastCollectives#formation} for the protocol.
 *
 * <p>{@link #form} holds this formation's lock (one formation at a time); {@link #close} does not, so
 * that it ends a formation in progress. Whose gave-up record ends a formation, and under which ids this
 * member's own is written, is {@link GaveUpRecords}' part.
 */
final class HazelcastFormation implements WorldFormation {

    private static final long POLL_MILLIS = 20;

    private final HazelcastInstance instance;
    private final HazelcastCollectiveOptions options;
    private final WireEndpoint endpoint;
    private final InetSocketAddress advertised;
    private final Rendezvous rendezvous;
    /** Whose giving up ends the run, and this member's own record when it gives up. */
    private final GaveUpRecords gaveUpRecords;
    /** World ids this member formed or tried to form: never accepted again. */
    private final Set<Long> usedWorldIds = ConcurrentHashMap.newKeySet();
    /** Abandons a formation whose members changed, or whose rank 0 drew another world id meanwhile. */
    private final ScheduledExecutorService guards;
    private final boolean closesWithItsWorld;
    /** The world formed last, while it is open. */
    private volatile @Nullable Collective current;
    private volatile @Nullable HazelcastTransport currentTransport;
    private volatile @Nullable UUID claimedAs;
    private volatile boolean closed;
    /** Why the last attempt of the formation in progress failed, if one did (guarded by this). */
    private @Nullable WireException lastAttemptFailure;

    private HazelcastFormation(HazelcastInstance instance, HazelcastCollectiveOptions options, WireEndpoint endpoint,
            boolean closesWithItsWorld) {
        this.instance = instance;
        this.options = options;
        this.endpoint = endpoint;
        this.closesWithItsWorld = closesWithItsWorld;
        this.advertised = advertised(endpoint.localAddress(), instance);
        this.rendezvous = new Rendezvous(instance, options.run());
        this.gaveUpRecords = new GaveUpRecords(instance, rendezvous, options);
        this.guards = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "skrl4j-formation-guard-" + endpoint.localAddress().getPort());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the data plane's endpoint first, so that an insecure bind is refused before anything waits.
     *
     * @param closesWithItsWorld whether closing a formed world closes the formation too (one-world join)
     */
    static HazelcastFormation open(HazelcastInstance instance, HazelcastCollectiveOptions options,
            boolean closesWithItsWorld) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(options, "options");
        WireCounters counters = options.refusals() != null ? options.refusals() : new WireCounters();
        WireEndpoint endpoint;
        try {
            endpoint = WireEndpoint.open(options.wireOptions(), counters);
        } catch (IOException e) {
            throw new CollectiveException(CollectiveException.Reason.TRANSPORT, "could not listen on "
                    + options.dataPlaneBind() + " for the data plane: " + e, e);
        }
        try {
            HazelcastFormation formation = new HazelcastFormation(instance, options, endpoint, closesWithItsWorld);
            formation.gaveUpRecords.withdrawMine();
            return formation;
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    @Override
    public int worldSize() {
        return options.worldSize();
    }

    @Override
    public int configuredRank() {
        return options.rank();
    }

    /** Where this member's data plane listens, as its claims publish it. */
    InetSocketAddress advertisedAddress() {
        return advertised;
    }

    @Override
    public synchronized Collective form(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        requireOpen();
        Collective previous = current;
        if (previous != null) {
            previous.close(); // a world still open is over (its peers get its goodbye): the next takes the endpoint
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        lastAttemptFailure = null;
        try {
            while (true) {
                Collective world = attempt(deadline, timeout);
                if (world != null) {
                    return world;
                }
                // the members changed, rank 0 drew another world id, a peer gave up: start again with what is now
            }
        } catch (HazelcastInstanceNotActiveException e) {
            throw new CollectiveException(CollectiveException.Reason.CLOSED, "cannot form a world of run '"
                    + options.run() + "': this Hazelcast member is not running", e);
        } catch (CollectiveException e) {
            WireException last = lastAttemptFailure;
            if (e.reason() == CollectiveException.Reason.TIMEOUT && last != null) {
                // what the attempts met is likelier the cause than the last wait
                String prefix = e.reason() + ": ";
                String message = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
                        : e.getMessage();
                CollectiveException timedOut = new CollectiveException(CollectiveException.Reason.TIMEOUT,
                        message + "; an earlier attempt failed: " + last.getMessage(), e);
                timedOut.addSuppressed(last);
                throw timedOut;
            }
            throw e;
        }
    }

    /** One attempt to form the world: the world, or {@code null} if it must start again. */
    private @Nullable Collective attempt(long deadline, Duration timeout) {
        requireFormable();
        int worldSize = options.worldSize();
        List<Member> members = awaitMembers(deadline, timeout);
        Member me = instance.getCluster().getLocalMember();
        claim(me.getUuid(), deadline);
        List<Rendezvous.Claim> claims = awaitClaims(members, deadline, timeout);
        if (claims == null) {
            return null;
        }
        List<Member> byRank = rankOrder(members, claims, deadline, timeout);
        if (byRank == null) {
            return null;
        }
        List<UUID> ids = byRank.stream().map(Member::getUuid).toList();
        int rank = ids.indexOf(me.getUuid());
        Long worldId = rank == 0 ? Long.valueOf(rendezvous.drawWorldId(ids, usedWorldIds, millisLeft(deadline)))
                : awaitWorldId(ids, deadline, timeout);
        if (worldId == null) {
            return null;
        }
        usedWorldIds.add(worldId);
        List<InetSocketAddress> addresses = new ArrayList<>(worldSize);
        for (Member m : byRank) {
            addresses.add(claims.get(members.indexOf(m)).address());
        }
        FormationGuard guard = new FormationGuard(instance, rendezvous, endpoint, usedWorldIds, ids, rank, worldId);
        ScheduledFuture<?> polling = guards.scheduleWithFixedDelay(guard, FormationGuard.PERIOD_MILLIS,
                FormationGuard.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        PeerMesh mesh;
        try {
            mesh = endpoint.formWorld(rank, worldSize, worldId, addresses,
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (WireException e) {
            guard.stop();
            if (closed) {
                throw closedException();
            }
            // abandoned by the guard, or by a peer whose guard saw first what this one's has not yet (the peer
            // went away, refused a world it no longer forms): start again with what is now, while time is left;
            // only settings that differ between the members are final (no attempt changes them)
            if (e.refusal() == Refusal.SETTINGS_MISMATCH || deadline - System.nanoTime() <= 0) {
                throw MeshTransport.translate(e);
            }
            lastAttemptFailure = e;
            sleep(POLL_MILLIS, "forming the world again");
            return null;
        } catch (IllegalStateException e) {
            guard.stop();
            throw closed ? closedException() : e;
        } finally {
            polling.cancel(false);
        }
        boolean abandoned = !guard.stop();
        WireException failure = mesh.failure();
        if (abandoned || failure != null) {
            // abandoned, or broken at once (a peer lost right after it connected): form it again while time is left
            mesh.close();
            if (closed) {
                throw closedException();
            }
            if (deadline - System.nanoTime() <= 0 && failure != null) {
                throw MeshTransport.translate(failure);
            }
            lastAttemptFailure = failure;
            return null;
        }
        if (rank == 0) {
            rendezvous.withdrawWorldId(ids); // every rank connected to this one, so every rank has read it
        }
        gaveUpRecords.worldFormed(ids, rank);
        HazelcastTransport transport = new HazelcastTransport(instance, byRank,
                new MeshTransport(mesh, options.timeout()), this::worldClosed);
        Collective world = TransportCollectives.over(transport, options.chunkSize(), options.timeout());
        current = world;
        currentTransport = transport;
        if (closed) {
            world.close();
            throw closedException();
        }
        return world;
    }

    /** Claims this member's rank and address under its current UUID (it changes after a split-brain merge). */
    private void claim(UUID me, long deadline) {
        UUID before = claimedAs;
        if (before != null && !before.equals(me)) {
            rendezvous.withdrawClaim(before);
        }
        claimedAs = me;
        rendezvous.claim(me, options.rank(), advertised, millisLeft(deadline) + 1_000);
    }

    /**
     * Waits until the cluster has exactly the world's members. More members than the world is a
     * transient state while a re-forming world waits for a killed member to be removed; it fails only
     * if it lasts until the deadline.
     */
    private List<Member> awaitMembers(long deadline, Duration timeout) {
        int worldSize = options.worldSize();
        while (true) {
            requireFormable();
            Set<Member> now = instance.getCluster().getMembers();
            if (now.size() == worldSize) {
                return List.copyOf(now);
            }
            if (System.nanoTime() - deadline >= 0) {
                if (now.size() > worldSize) {
                    throw new IllegalStateException("the cluster has " + now.size() + " members but the world is "
                            + worldSize + ", still after " + timeout + ": every member of the cluster must take part"
                            + " (a member that died is removed once Hazelcast misses its heartbeats)");
                }
                throw new CollectiveException(CollectiveException.Reason.TIMEOUT, "the cluster has " + now.size()
                        + " of the world's " + worldSize + " members after " + timeout);
            }
            sleep(POLL_MILLIS, "waiting for the world's members");
        }
    }

    /** Every member's claim (index = member-list index), or {@code null} if the members changed meanwhile. */
    private @Nullable List<Rendezvous.Claim> awaitClaims(List<Member> members, long deadline, Duration timeout) {
        Rendezvous.Claim[] claims = new Rendezvous.Claim[members.size()];
        while (true) {
            requireFormable();
            List<Member> missing = new ArrayList<>();
            for (int i = 0; i < claims.length; i++) {
                if (claims[i] == null) {
                    claims[i] = rendezvous.claimOf(members.get(i).getUuid(), options.worldSize());
                    if (claims[i] == null) {
                        missing.add(members.get(i));
                    }
                }
            }
            if (missing.isEmpty()) {
                return Arrays.asList(claims);
            }
            if (!membersAre(members)) {
                return null;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CollectiveException(CollectiveException.Reason.TIMEOUT, "member" + (missing.size() == 1
                        ? " " : "s ") + describe(missing) + " claimed no rank and address for run '" + options.run()
                        + "' within " + timeout + " (not forming this run's world?)");
            }
            sleep(POLL_MILLIS, "waiting for the members' claims");
        }
    }

    /**
     * The members in rank order: claimed ranks, or member-list order when no member configures one;
     * {@code null} if the members changed while two of them claimed one rank.
     */
    private @Nullable List<Member> rankOrder(List<Member> members, List<Rendezvous.Claim> claims, long deadline,
            Duration timeout) {
        int mine = options.rank();
        for (int i = 0; i < members.size(); i++) {
            boolean configured = claims.get(i).rank() != UNASSIGNED;
            if (configured != (mine != UNASSIGNED)) {
                Member other = members.get(i);
                throw new IllegalStateException("member " + describe(other) + (configured ? " claims rank "
                        + claims.get(i).rank() + " but this member configures none" : " configures no rank but this"
                        + " member claims rank " + mine) + ": configure the rank of every member of run '"
                        + options.run() + "', or of none");
            }
        }
        if (mine == UNASSIGNED) {
            return members;
        }
        Member[] byRank = new Member[members.size()];
        for (int i = 0; i < members.size(); i++) {
            int r = claims.get(i).rank();
            if (byRank[r] != null) {
                // a member restarted under a new UUID while the old one is not removed yet looks the same:
                // wait for the members to change, and fail only if both claims last until the deadline
                while (membersAre(members)) {
                    requireFormable();
                    if (System.nanoTime() - deadline >= 0) {
                        throw new IllegalStateException("members " + describe(byRank[r]) + " and "
                                + describe(members.get(i)) + " both claim rank " + r + " of run '" + options.run()
                                + "' (still after " + timeout + "): every member needs a rank of its own");
                    }
                    sleep(POLL_MILLIS, "waiting for a duplicate rank to resolve");
                }
                return null;
            }
            byRank[r] = members.get(i);
        }
        return List.of(byRank);
    }

    /** Rank 0's fresh world id for this world, or {@code null} if the members changed meanwhile. */
    private @Nullable Long awaitWorldId(List<UUID> ids, long deadline, Duration timeout) {
        while (true) {
            requireFormable();
            Long published = rendezvous.worldId(ids);
            if (published != null && !usedWorldIds.contains(published)) {
                return published;
            }
            if (!FormationGuard.membersAre(instance, ids)) {
                return null;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CollectiveException(CollectiveException.Reason.TIMEOUT, "rank 0 (member " + ids.get(0)
                        + ") drew no new world id within " + timeout);
            }
            sleep(POLL_MILLIS, "waiting for rank 0's world id");
        }
    }

    private boolean membersAre(List<Member> expected) {
        return FormationGuard.membersAre(instance, expected.stream().map(Member::getUuid).toList());
    }

    private static String describe(List<Member> members) {
        return String.join(", ", members.stream().map(HazelcastFormation::describe).toList());
    }

    private static String describe(Member member) {
        return member.getUuid() + " at " + member.getAddress();
    }

    private void worldClosed(HazelcastTransport transport) {
        if (currentTransport == transport) {
            current = null;
            currentTransport = null;
        }
        if (closesWithItsWorld) {
            close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw closedException();
        }
    }

    /**
     * Open, and no member of the last world nor of the cluster gave up: a formation that waits for a
     * member that will not come back fails at once (checked at every poll of its waits).
     */
    private void requireFormable() {
        requireOpen();
        gaveUpRecords.requireNoneGaveUp();
    }

    /**
     * Tells the other members that this one gave up (a record under its member id, and under the id it had
     * in its last world if that changed), before closing: their formations then fail at once. If Hazelcast
     * is not running any more, the others see this member leave and wait for it as for a restart.
     */
    @Override
    public void giveUp(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!closed && instance.getLifecycleService().isRunning()) {
            gaveUpRecords.publish(reason);
        }
        close();
    }

    private CollectiveException closedException() {
        return new CollectiveException(CollectiveException.Reason.CLOSED, "the formation of run '" + options.run()
                + "' is closed");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Collective world = current;
        if (world != null) {
            world.close(); // with a goodbye, so that the peers finish what they need of it
        }
        endpoint.close(); // ends a formation in progress: its mesh closes with the endpoint
        guards.shutdownNow();
        UUID claimed = claimedAs;
        if (claimed != null && instance.getLifecycleService().isRunning()) {
            try {
                rendezvous.withdrawClaim(claimed);
            } catch (RuntimeException e) {
                // the claim expires by itself
            }
        }
    }

    @Override
    public String toString() {
        return "HazelcastFormation[run '" + options.run() + "', world of " + options.worldSize()
                + (options.rank() == UNASSIGNED ? ", ranks in member-list order" : ", rank " + options.rank())
                + ", data plane " + advertised + (closed ? ", closed" : "") + "]";
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

    private static long millisLeft(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static void sleep(long millis, String what) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(CollectiveException.Reason.INTERRUPTED, "interrupted while " + what, e);
        }
    }
}
