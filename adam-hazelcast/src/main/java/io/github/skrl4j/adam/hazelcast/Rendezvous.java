package io.github.skrl4j.adam.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.skrl4j.adam.distributed.CollectiveException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the members of a forming world meet through Hazelcast: each publishes its data-plane address
 * under the world's base name (run and member ids), rank 0 a random world id, all in one map whose
 * entries expire after the join timeout. Each member withdraws its entries once the data plane stands
 * (by then every peer has read them). Only small strings travel through Hazelcast; an address or id
 * that does not parse is refused.
 */
final class Rendezvous {

    static final String MAP = "skrl4j-collective-rendezvous";
    private static final long POLL_MILLIS = 20;
    private static final int MAX_VALUE_CHARS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f.]{0,15}){2,8}(%[\\w.-]{1,32})?");

    private final IMap<String, String> map;
    private final String base;
    private final long ttlMillis;

    Rendezvous(HazelcastInstance instance, String base, long ttlMillis) {
        this.map = instance.getMap(MAP);
        this.base = base;
        this.ttlMillis = Math.max(1, ttlMillis);
    }

    private String addressKey(int rank) {
        return base + "|data-plane|" + rank;
    }

    private String worldKey() {
        return base + "|world-id";
    }

    void publish(int rank, InetSocketAddress address) {
        map.put(addressKey(rank), address.getPort() + "/" + address.getAddress().getHostAddress(), ttlMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Rank 0: draws the world's id (the data plane's ticket for this world) and publishes it. */
    long drawWorldId() {
        long id = RANDOM.nextLong();
        map.put(worldKey(), Long.toHexString(id), ttlMillis, TimeUnit.MILLISECONDS);
        return id;
    }

    long awaitWorldId(long deadline) {
        String value = await(worldKey(), "rank 0's world id", deadline);
        try {
            return Long.parseUnsignedLong(value, 16);
        } catch (NumberFormatException e) {
            throw malformed("world id", value);
        }
    }

    List<InetSocketAddress> awaitAddresses(int worldSize, long deadline) {
        List<InetSocketAddress> addresses = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            String value = await(addressKey(r), "rank " + r + "'s data-plane address", deadline);
            addresses.add(parse(value));
        }
        return addresses;
    }

    void withdraw(int rank) {
        map.delete(addressKey(rank));
        if (rank == 0) {
            map.delete(worldKey());
        }
    }

    private String await(String key, String what, long deadline) {
        while (true) {
            @Nullable String value = map.get(key);
            if (value != null) {
                if (value.length() > MAX_VALUE_CHARS) {
                    throw malformed(what, value.substring(0, MAX_VALUE_CHARS) + "...");
                }
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CollectiveException(CollectiveException.Reason.TIMEOUT, "no " + what
                        + " arrived within the join timeout");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectiveException(CollectiveException.Reason.INTERRUPTED, "interrupted while waiting for "
                        + what, e);
            }
        }
    }

    private static InetSocketAddress parse(String value) {
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
