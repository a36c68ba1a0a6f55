package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.distributed.wire.WireCounters;
import io.github.skrl4j.adam.hazelcast.HazelcastCollectiveOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each {@code skrl.optim.adam.distributed.*} property reaches the collective's option it names. */
class CollectiveOptionsMappingTest {

    @Test
    void everyPropertyReachesItsOption() {
        DistributedProperties d = new DistributedProperties();
        d.setRun("mapped");
        d.setWorldSize(3);
        d.setRank(2);
        d.setJoinTimeout(Duration.ofSeconds(7));
        d.setTimeout(Duration.ofSeconds(9));
        d.setChunkSize(4096);
        d.setFailureDetection(Duration.ofSeconds(3));
        d.setAllowInsecure(true);
        WireCounters refusals = new WireCounters();
        HazelcastCollectiveOptions options = DistributedAutoConfiguration.collectiveOptions(d, null, refusals);
        assertThat(options.run()).isEqualTo("mapped");
        assertThat(options.worldSize()).isEqualTo(3);
        assertThat(options.rank()).isEqualTo(2);
        assertThat(options.joinTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(options.chunkSize()).isEqualTo(4096);
        assertThat(options.failureDetection()).as("the data plane's silence bound").isEqualTo(Duration.ofSeconds(3));
        assertThat(options.allowInsecure()).isTrue();
        assertThat(options.refusals()).isSameAs(refusals);
        assertThat(options.sslContext()).isNull();
    }

    @Test
    void theDefaultsDeclareAFrozenReplicaLostAfterTenSeconds() {
        HazelcastCollectiveOptions options = DistributedAutoConfiguration.collectiveOptions(new DistributedProperties(),
                null, new WireCounters());
        assertThat(options.failureDetection()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.rank()).isEqualTo(io.github.skrl4j.adam.distributed.WorldFormation.UNASSIGNED);
    }
}
