package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.testsupport.HazelcastCluster;
import io.github.skrl4j.testsupport.LoopbackCluster;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that gives up writes its record under its member id with the rank it had in the last world
 * formed, and under the id it had there when that changed (a split-brain merge gives a member a new id; the
 * others know the old one): always one world's members with that same world's rank.
 */
@HazelcastCluster
@Timeout(60)
class GaveUpRecordsTest {

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
