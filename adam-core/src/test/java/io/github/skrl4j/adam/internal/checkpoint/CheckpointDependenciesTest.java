package io.github.skrl4j.adam.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.CheckpointException;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.testing.ClassDependencies;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint codec reads and writes values: of the public package it uses only leaf value types,
 * which themselves use nothing that leads back here. So no chain of class dependencies runs from
 * {@code io.github.skrl4j.adam} into this package and back (checked on the compiled classes with
 * {@code jdeps -verbose:class}).
 */
class CheckpointDependenciesTest {

    private static final String API = "io.github.skrl4j.adam.";
    private static final String CODEC = CheckpointFormat.class.getPackageName() + ".";
    private static final Set<String> VALUE_TYPES = Stream.of(Tensor.class, CheckpointException.class,
            AdamSettings.class, NonFinitePolicy.class, LearningRateSchedule.class)
            .map(Class::getName).collect(Collectors.toSet());

    @Test
    void theCodecUsesOnlyValueTypesOfThePublicPackage() throws URISyntaxException {
        Map<String, Set<String>> dependencies = dependencies();
        Set<String> used = new TreeSet<>();
        dependencies.forEach((from, to) -> {
            if (from.startsWith(CODEC)) {
                to.stream().filter(CheckpointDependenciesTest::isApi).forEach(used::add);
            }
        });
        assertThat(used).isNotEmpty().isSubsetOf(VALUE_TYPES);
    }

    @Test
    void theValueTypesItUsesLeadNowhereElse() throws URISyntaxException {
        Map<String, Set<String>> dependencies = dependencies();
        for (String type : VALUE_TYPES) {
            assertThat(dependencies.getOrDefault(type, Set.of()))
                    .as("what %s uses", type)
                    .allSatisfy(to -> assertThat(VALUE_TYPES).contains(to));
        }
    }

    private static boolean isApi(String type) {
        return type.startsWith(API) && !type.startsWith(CODEC) && !type.startsWith(API + "internal.");
    }

    private static Map<String, Set<String>> dependencies() throws URISyntaxException {
        return ClassDependencies.of(CheckpointFormat.class);
    }
}
