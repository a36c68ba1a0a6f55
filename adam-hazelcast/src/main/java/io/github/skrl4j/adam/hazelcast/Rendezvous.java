package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.WorldFormation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Where the members of a run meet through Hazelcast, in one map ({@value #MAP}) whose entries expire:
 *
 * <ul>
 *   <li>each member's <em>claim</em>, under the run's name and the member's Hazelcast UUID: the rank it
 *       configured ({@link WorldFormation#UNASSIGNED} if none) and its data-plane address. Keyed by the
 *       UUID, so a member that died and came back (a new UUID) never meets its old claim, and a claim
 *       is only ever read for a current member;</li>
 *   <li>each world's <em>world id</em>, drawn by its rank 0 under the run's name and the world's members
 *       in rank order, expiring when rank 0's formation gives up, withdrawn once rank 0's connections
 *       stand (by then every rank has read it);</li>
 *   <li>each member's <em>gave-up record</em>, under the run's name and the member's Hazelcast UUID, when
 *       it gave up for good ({@link io.github.skrl4j.adam.distributed.WorldFormation#giveUp}): the rank it
 *       had and why, expiring after {@link #GAVE_UP_TTL_MILLIS}. Keyed by the UUID, so a replica started
 *       again (a new member, a new UUID) never meets it, and only the members of a formation's last world
 *       and the cluster's current members are looked up.</li>
 * </ul>
 *
 * <p>Only small strings travel through Hazelcast, and any member of the cluster can write the map, so
 * what is read is checked: an address or id that does not parse, or a rank out of range, is refused.
 */
final class Rendezvous {

    static final String MAP = "skrl4j-collective-rendezvous";
    private static final int MAX_VALUE_CHARS = 128;
    /** The longest reason a gave-up record keeps (longer ones are cut when written, refused when read). */
    static final int MAX_REASON_CHARS = 400;
    /** The longest gave-up record read: the longest rank ({@code int}), its separator and the longest reason. */
    private static final int MAX_GAVE_UP_RECORD_CHARS = String.valueOf(Integer.MIN_VALUE).length() + 1 + MAX_REASON_CHARS;
    /** How long a gave-up record lasts: far longer than the others need to read it (when their world breaks). */
    static final long GAVE_UP_TTL_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f.]{0,15}){2,8}(%[\\w.-]{1,32})?");

    /** What a member claims: its configured rank (or {@link WorldFormation#UNASSIGNED}) and its address. */
    record Claim(int rank, InetSocketAddress address) {
    }

    /** A member that gave up for good: its rank (or {@link WorldFormation#UNASSIGNED}) and why. */
    record GaveUp(UUID member, int rank, String reason) {
    }

    private final IMap<String, String> map;
    private final String run;

    Rendezvous(HazelcastInstance instance, String run) {
        this.map = instance.getMap(MAP);
        this.run = run;
    }

    private String claimKey(UUID member) {
        return run + "|member|" + member;
    }

    private String worldKey(List<UUID> membersByRank) {
        return run + "|world-id|" + membersByRank.stream().map(UUID::toString).collect(Collectors.joining(","));
    }

    /** Publishes (or renews) {@code member}'s claim, to expire after {@code ttlMillis}. */
    void claim(UUID member, int rank, InetSocketAddress address, long ttlMillis) {
        map.put(claimKey(member), rank + "|" + address.getPort() + "/" + address.getAddress().getHostAddress(),
                Math.max(1, ttlMillis), TimeUnit.MILLISECONDS);
    }

    /** {@code member}'s claim, or {@code null} if it has none (yet). */
    @Nullable Claim claimOf(UUID member, int worldSize) {
        String value = read(claimKey(member), "claim of member " + member);
        if (value == null) {
            return null;
        }
        int bar = value.indexOf('|');
        try {
            int rank = Integer.parseInt(value.substring(0, Math.max(0, bar)));
            if (rank < WorldFormation.UNASSIGNED || rank >= worldSize) {
                throw malformed("claim of member " + member + " (rank out of range)", value);
            }
            return new Claim(rank, parseAddress(value.substring(bar + 1)));
        } catch (NumberFormatException e) {
            throw malformed("claim of member " + member, value);
        }
    }

    void withdrawClaim(UUID member) {
        map.delete(claimKey(member));
    }

    /**
     * Rank 0: draws the id of the world of {@code membersByRank} (the data plane's ticket for this world),
     * never one of {@code used}, and publishes it until {@code ttlMillis} have passed.
     */
    long drawWorldId(List<UUID> membersByRank, Set<Long> used, long ttlMillis) {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (used.contains(id));
        map.put(worldKey(membersByRank), Long.toHexString(id), Math.max(1, ttlMillis), TimeUnit.MILLISECONDS);
        return id;
    }

    /** The published id of the world of {@code membersByRank}, or {@code null} if none is published. */
    @Nullable Long worldId(List<UUID> membersByRank) {
        String value = read(worldKey(membersByRank), "world id");
        if (value == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(value, 16);
        } catch (NumberFormatException e) {
            throw malformed("world id", value);
        }
    }

    void withdrawWorldId(List<UUID> membersByRank) {
        map.delete(worldKey(membersByRank));
    }

    private String gaveUpKey(UUID member) {
        return run + "|gave-up|" + member;
    }

    /**
     * Records that {@code member} (of rank {@code rank}, or {@link WorldFormation#UNASSIGNED}) gave up for
     * good because of {@code reason} (cut to {@value #MAX_REASON_CHARS} characters), for
     * {@link #GAVE_UP_TTL_MILLIS}.
     */
    void gaveUp(UUID member, int rank, String reason) {
        String printable = printable(reason);
        if (printable.length() > MAX_REASON_CHARS) {
            printable = printable.substring(0, MAX_REASON_CHARS - 3) + "...";
        }
        map.put(gaveUpKey(member), rank + "|" + printable, GAVE_UP_TTL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The first of {@code members} (in their order) that gave up, or {@code null} if none did.
     *
     * @throws CollectiveException {@code MISMATCH} on a record that is too long or whose rank is out of range
     */
    @Nullable GaveUp firstGaveUp(List<UUID> members, int worldSize) {
        if (members.isEmpty()) {
            return null;
        }
        Set<String> keys = new LinkedHashSet<>();
        members.forEach(m -> keys.add(gaveUpKey(m)));
        Map<String, String> found = map.getAll(keys);
        if (found.isEmpty()) {
            return null;
        }
        for (UUID member : members) {
            String value = found.get(gaveUpKey(member));
            if (value == null) {
                continue;
            }
            String what = "gave-up record of member " + member;
            if (value.length() > MAX_GAVE_UP_RECORD_CHARS) {
                throw malformed(what, printable(value.substring(0, MAX_VALUE_CHARS)) + "...");
            }
            int bar = value.indexOf('|');
            try {
                int rank = Integer.parseInt(value.substring(0, Math.max(0, bar)));
                if (rank < WorldFormation.UNASSIGNED || rank >= worldSize) {
                    throw malformed(what + " (rank out of range)", printable(value));
                }
                // another member wrote it: nothing unprintable reaches a log line or an endpoint
                return new GaveUp(member, rank, printable(value.substring(bar + 1)));
            } catch (NumberFormatException e) {
                throw malformed(what, printable(value));
            }
        }
        return null;
    }

    /** Withdraws {@code member}'s gave-up record: it takes part in the run again (a new formation on it). */
    void withdrawGaveUp(UUID member) {
        map.delete(gaveUpKey(member));
    }

    /** {@code text} with every control character (line breaks included) replaced by a space. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return b.toString();
    }

    private @Nullable String read(String key, String what) {
        @Nullable String value = map.get(key);
        if (value != null && value.length() > MAX_VALUE_CHARS) {
            throw malformed(what, value.substring(0, MAX_VALUE_CHARS) + "...");
        }
        return value;
    }

    static InetSocketAddress parseAddress(String value) {
        int slash = value.indexOf('/');
        try {
            int port = Integer.parseInt(value.substring(0, Math.max(0, slash)));
            String host = value.substring(slash + 1);
            // a literal address (published by getHostAddress): dotted IPv4 or IPv6 with colons, which
            // InetAddress parses without a name lookup
            if (port < 1 || port > 65535 || !(IPV4.matcher(host).matches() || IPV6.matcher(host).matches())) {
                throw malformed("data-plane address", value);
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException | UnknownHostException e) {
            throw malformed("data-plane address", value);
        }
    }

    private static CollectiveException malformed(String what, String value) {
        return new CollectiveException(CollectiveException.Reason.MISMATCH, "a malformed " + what + " in the"
                + " cluster's rendezvous map: " + value);
    }
}
