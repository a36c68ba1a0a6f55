package io.github.skrl4j.adam.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.PublishedJarChecks;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/**
 * adam-distributed's jar as users get it: the checks of every published jar (module name, licence, sources,
 * javadoc) and its module descriptor, which exports the API, the SPI, the data plane and its native TLS engines
 * but not the engine, and reads Netty only as an optional ({@code static}) dependency.
 */
class PublishedJarIT extends PublishedJarChecks {

    PublishedJarIT() {
        super("io.github.skrl4j.adam.distributed");
    }

    @Test
    void theModuleExportsTheApiTheSpiTheDataPlaneAndItsNativeTlsButNotTheEngine() {
        ModuleDescriptor module = module();
        assertThat(module.isAutomatic()).isFalse();
        assertThat(module.packages()).containsExactlyInAnyOrder("io.github.skrl4j.adam.distributed",
                "io.github.skrl4j.adam.distributed.spi", "io.github.skrl4j.adam.distributed.internal",
                "io.github.skrl4j.adam.distributed.wire", "io.github.skrl4j.adam.distributed.openssl");
        assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse())
                .extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("io.github.skrl4j.adam.distributed", "io.github.skrl4j.adam.distributed.spi",
                        "io.github.skrl4j.adam.distributed.wire", "io.github.skrl4j.adam.distributed.openssl");
        // Netty only for package openssl, present only when the application adds it
        assertThat(module.requires()).filteredOn(r -> r.name().startsWith("io.netty")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC));
        // its API speaks in adam-core's types, so a user who requires it reads adam-core too
        assertThat(module.requires()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("io.github.skrl4j.adam");
            assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        });
    }
}
