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
    void theModuleHoldsItsOnePackage() {
        assertThat(module().packages()).containsExactly("io.github.skrl4j.adam.hazelcast");
    }
}
