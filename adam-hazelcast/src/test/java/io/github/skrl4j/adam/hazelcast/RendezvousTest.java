package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rendezvous map is writable by any member of the cluster, so what is read from it is checked: an
 * address that is not a literal address and port, or an over-long value, is refused (MISMATCH) instead of
 * being looked up or connected to; a missing entry fails at the deadline naming it.
 */
@HazelcastCluster
@Timeout(60)
class RendezvousTest {

    private static HazelcastInstance member;

    @BeforeAll
    static void start() {
        member = LoopbackCluster.start(1).get(0);
    }

    @AfterAll
    static void stop() {
        member.getLifecycleService().terminate();
    }

    private static long inSeconds(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void addressesAndTheWorldIdRoundTripAndAreWithdrawn() {
        String base = "run|" + UUID.randomUUID();
        Rendezvous rendezvous = new Rendezvous(member, base, 30_000);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 45678);
        InetSocketAddress v6 = new InetSocketAddress("::1", 45679);
        rendezvous.publish(0, address);
        rendezvous.publish(1, v6);
        long id = rendezvous.drawWorldId();

        assertThat(rendezvous.awaitAddresses(2, inSeconds(5))).isEqualTo(List.of(address, v6));
        assertThat(rendezvous.awaitWorldId(inSeconds(5))).isEqualTo(id);
        rendezvous.withdraw(0);
        rendezvous.withdraw(1);
        IMap<String, String> map = member.getMap(Rendezvous.MAP);
        assertThat(map.keySet()).noneMatch(k -> k.startsWith(base));
    }

    @Test
    void aForgedOrMalformedEntryIsRefusedNotFollowed() {
        IMap<String, String> map = member.getMap(Rendezvous.MAP);
        for (String forged : List.of("80/attacker.example", "80/cafe.dead", "80/1cafe.de", "0/127.0.0.1", "70000/127.0.0.1", "x/127.0.0.1",
                "127.0.0.1", "80/" + "1".repeat(200))) {
            String base = "run|" + UUID.randomUUID();
            map.put(base + "|data-plane|0", forged);
            Rendezvous rendezvous = new Rendezvous(member, base, 30_000);
            assertThatThrownBy(() -> rendezvous.awaitAddresses(1, inSeconds(5))).as(forged)
                    .isInstanceOfSatisfying(CollectiveException.class,
                            e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH))
                    .hasMessageContaining("malformed");
        }
        String base = "run|" + UUID.randomUUID();
        map.put(base + "|world-id", "not-hex");
        assertThatThrownBy(() -> new Rendezvous(member, base, 30_000).awaitWorldId(inSeconds(5)))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH));
    }

    @Test
    void aMissingEntryFailsAtTheDeadlineNamingIt() {
        Rendezvous rendezvous = new Rendezvous(member, "run|" + UUID.randomUUID(), 30_000);
        assertThatThrownBy(() -> rendezvous.awaitAddresses(2, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TIMEOUT))
                .hasMessageContaining("rank 0's data-plane address");
    }
}
