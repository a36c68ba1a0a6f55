package io.github.skrl4j.adam.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.PublishedJarChecks;
import org.junit.jupiter.api.Test;

/** adam-hazelcast's jar as users get it: the checks of every published jar, and its one package. */
class PublishedJarIT extends PublishedJarChecks {

    PublishedJarIT() {
        super("io.github.skrl4j.adam.hazelcast");
    }

    @Test
    void theModuleHoldsItsPackages() {
        // the data plane's package lives here until it moves into adam-distributed (issue 21)
        assertThat(module().packages()).containsExactlyInAnyOrder("io.github.skrl4j.adam.hazelcast",
                "io.github.skrl4j.adam.distributed.wire");
    }
}
