package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.WorldFormation;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rendezvous map is writable by any member of the cluster, so what is read from it is checked: an
 * address that is not a literal address and port, a rank out of range, or an over-long value, is refused
 * (MISMATCH) instead of being looked up or connected to. Claims are found by member id and run, world ids
 * by the world's members in rank order, and entries expire.
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

    @Test
    void claimsAndTheWorldIdRoundTripAndAreWithdrawn() {
        String run = "run-" + UUID.randomUUID();
        Rendezvous rendezvous = new Rendezvous(member, run);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 45678);
        InetSocketAddress v6 = new InetSocketAddress("::1", 45679);
        rendezvous.claim(first, 1, address, 30_000);
        rendezvous.claim(second, WorldFormation.UNASSIGNED, v6, 30_000);
        long id = rendezvous.drawWorldId(List.of(second, first), Set.of(), 30_000);

        assertThat(rendezvous.claimOf(first, 2)).isEqualTo(new Rendezvous.Claim(1, address));
        assertThat(rendezvous.claimOf(second, 2)).isEqualTo(new Rendezvous.Claim(WorldFormation.UNASSIGNED, v6));
        assertThat(rendezvous.claimOf(UUID.randomUUID(), 2)).as("a member that claimed nothing").isNull();
        assertThat(rendezvous.worldId(List.of(second, first))).isEqualTo(id);
        assertThat(rendezvous.worldId(List.of(first, second))).as("another rank order is another world").isNull();
        assertThat(new Rendezvous(member, "other-" + run).claimOf(first, 2)).as("another run").isNull();

        rendezvous.withdrawClaim(first);
        rendezvous.withdrawClaim(second);
        rendezvous.withdrawWorldId(List.of(second, first));
        IMap<String, String> map = member.getMap(Rendezvous.MAP);
        assertThat(map.keySet()).noneMatch(k -> k.startsWith(run));
    }

    @Test
    void aGaveUpRecordIsFoundByMemberAndRunPrintableAndBoundedAndWithdrawn() {
        String run = "run-" + UUID.randomUUID();
        Rendezvous rendezvous = new Rendezvous(member, run);
        UUID quitter = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        rendezvous.gaveUp(quitter, 1, "IllegalStateException: NaN\nat update 7\u001b[31m " + "x".repeat(1_000));

        Rendezvous.GaveUp found = rendezvous.firstGaveUp(List.of(other, quitter), 2);
        assertThat(found).isNotNull();
        assertThat(found.member()).isEqualTo(quitter);
        assertThat(found.rank()).isEqualTo(1);
        assertThat(found.reason()).startsWith("IllegalStateException: NaN at update 7 [31m x").endsWith("...")
                .hasSize(Rendezvous.MAX_REASON_CHARS);
        assertThat(rendezvous.firstGaveUp(List.of(other), 2)).as("another member").isNull();
        assertThat(new Rendezvous(member, "other-" + run).firstGaveUp(List.of(quitter), 2)).as("another run").isNull();
        assertThat(member.getMap(Rendezvous.MAP).getEntryView(run + "|gave-up|" + quitter).getTtl())
                .as("it expires").isEqualTo(Rendezvous.GAVE_UP_TTL_MILLIS);

        rendezvous.withdrawGaveUp(quitter);
        assertThat(rendezvous.firstGaveUp(List.of(quitter), 2)).isNull();
    }

    @Test
    void aForgedGaveUpRecordIsRefusedAsMalformed() {
        String run = "run-" + UUID.randomUUID();
        Rendezvous rendezvous = new Rendezvous(member, run);
        IMap<String, String> map = member.getMap(Rendezvous.MAP);
        UUID forged = UUID.randomUUID();
        for (String value : List.of("7|rank out of range", "one|not a rank", "no bar", "1|" + "y".repeat(5_000))) {
            map.put(run + "|gave-up|" + forged, value, 30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> rendezvous.firstGaveUp(List.of(forged), 2)).as("%s", value.length() > 20 ? value.substring(0, 20) : value)
                    .isInstanceOfSatisfying(CollectiveException.class,
                            e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH))
                    .hasMessageContaining("gave-up record of member " + forged);
        }
    }

    @Test
    void aDrawnWorldIdIsNeverOneAlreadyUsed() {
        Rendezvous rendezvous = new Rendezvous(member, "run-" + UUID.randomUUID());
        List<UUID> world = List.of(UUID.randomUUID());
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            long id = rendezvous.drawWorldId(world, used, 30_000);
            assertThat(used.add(id)).isTrue();
            assertThat(rendezvous.worldId(world)).isEqualTo(id);
        }
    }

    @Test
    void aClaimExpiresAfterItsTimeToLive() throws InterruptedException {
        Rendezvous rendezvous = new Rendezvous(member, "run-" + UUID.randomUUID());
        UUID gone = UUID.randomUUID();
        rendezvous.claim(gone, 0, new InetSocketAddress(InetAddress.getLoopbackAddress(), 45678), 1_000);
        assertThat(rendezvous.claimOf(gone, 1)).isNotNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (rendezvous.claimOf(gone, 1) != null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(rendezvous.claimOf(gone, 1)).isNull();
    }

    @Test
    void aForgedOrMalformedEntryIsRefusedNotFollowed() {
        IMap<String, String> map = member.getMap(Rendezvous.MAP);
        for (String forged : List.of("0|80/attacker.example", "0|80/cafe.dead", "0|80/1cafe.de", "0|0/127.0.0.1",
                "0|70000/127.0.0.1", "0|x/127.0.0.1", "0|127.0.0.1", "80/127.0.0.1", "2|80/127.0.0.1",
                "-2|80/127.0.0.1", "x|80/127.0.0.1", "0|80/" + "1".repeat(200))) {
            String run = "run-" + UUID.randomUUID();
            UUID forger = UUID.randomUUID();
            map.put(run + "|member|" + forger, forged);
            Rendezvous rendezvous = new Rendezvous(member, run);
            assertThatThrownBy(() -> rendezvous.claimOf(forger, 2)).as(forged)
                    .isInstanceOfSatisfying(CollectiveException.class,
                            e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH))
                    .hasMessageContaining("malformed");
        }
        String run = "run-" + UUID.randomUUID();
        UUID rankZero = UUID.randomUUID();
        map.put(run + "|world-id|" + rankZero, "not-hex");
        assertThatThrownBy(() -> new Rendezvous(member, run).worldId(List.of(rankZero)))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH));
    }

    /**
     * A member that gives up writes its record ({@link GaveUpRecords}) under its member id with the rank it
     * had in the last world formed, and under the id it had there when that changed (a split-brain merge
     * gives a member a new id; the others know the old one): always one world's members with that same
     * world's rank.
     */
    @Nested
    class GaveUpRecordsOfAFormation {

        @Test
        void beforeAnyWorldTheConfiguredRankIsRecordedUnderTheMemberId() {
            String run = "run-" + UUID.randomUUID();
            Rendezvous rendezvous = new Rendezvous(member, run);
            GaveUpRecords records = new GaveUpRecords(member, rendezvous, HazelcastCollectiveOptions.of(run, 3).withRank(2));

            records.publish("guard tripped");

            Rendezvous.GaveUp found = rendezvous.firstGaveUp(List.of(me()), 3);
            assertThat(found).isEqualTo(new Rendezvous.GaveUp(me(), 2, "guard tripped"));
        }

        @Test
        void afterAWorldItsRankIsRecordedUnderTheIdOfNowAndTheIdThatWorldKnew() {
            String run = "run-" + UUID.randomUUID();
            Rendezvous rendezvous = new Rendezvous(member, run);
            GaveUpRecords records = new GaveUpRecords(member, rendezvous, HazelcastCollectiveOptions.of(run, 3));
            UUID rank0 = UUID.randomUUID();
            UUID before = UUID.randomUUID(); // this member's id in that world, before a merge renamed it
            records.worldFormed(List.of(rank0, UUID.randomUUID(), UUID.randomUUID()), 0); // an older world
            records.worldFormed(List.of(rank0, before, UUID.randomUUID()), 1);

            records.publish("NaN in the loss");

            assertThat(rendezvous.firstGaveUp(List.of(me()), 3)).isEqualTo(new Rendezvous.GaveUp(me(), 1, "NaN in the loss"));
            assertThat(rendezvous.firstGaveUp(List.of(before), 3)).isEqualTo(new Rendezvous.GaveUp(before, 1, "NaN in the loss"));
            assertThat(rendezvous.firstGaveUp(List.of(rank0), 3)).as("nobody else's id").isNull();
        }

        @Test
        void anotherMemberOfTheLastWorldWhoGaveUpIsNamedByItsRankThere() {
            String run = "run-" + UUID.randomUUID();
            Rendezvous rendezvous = new Rendezvous(member, run);
            GaveUpRecords records = new GaveUpRecords(member, rendezvous, HazelcastCollectiveOptions.of(run, 2));
            UUID other = UUID.randomUUID();
            records.worldFormed(List.of(me(), other), 0);
            records.requireNoneGaveUp();

            rendezvous.gaveUp(other, 1, "out of memory");

            assertThatThrownBy(records::requireNoneGaveUp).isInstanceOfSatisfying(CollectiveException.class,
                    e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.GAVE_UP))
                    .hasMessageContaining("rank 1 (member " + other + ")").hasMessageContaining("out of memory");
        }

        private static UUID me() {
            return member.getCluster().getLocalMember().getUuid();
        }
    }
}
