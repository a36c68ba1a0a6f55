package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import java.beans.PropertyDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The IDE metadata (spring-configuration-metadata.json, written by spring-boot-configuration-processor
 * from the fields' Javadoc and merged with additional-spring-configuration-metadata.json) has every
 * key that binds, with a description, and a default for every key that has one: the defaults of the
 * optimizer options are the ones the factory really uses.
 */
class ConfigurationMetadataTest {

    /** Keys without a default value in the metadata, and why. */
    private static final Map<String, String> NO_DEFAULT = Map.of(
            "skrl.optim.adam.parallelism", "the number of available processors of the machine it runs on",
            "skrl.optim.adam.instances", "a map of named optimizers, none by default",
            "skrl.optim.adam.distributed.ssl.bundle", "no SSL bundle: the data plane is plaintext unless one is named",
            "skrl.optim.adam.distributed.rank", "no configured rank: ranks follow the order the replicas joined in");

    private static Map<String, JsonNode> metadata() throws Exception {
        JsonNode json = JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json")));
        Map<String, JsonNode> byName = new HashMap<>();
        json.get("properties").forEach(p -> byName.put(p.get("name").asString(), p));
        return byName;
    }

    /** Every key that binds under {@code prefix}, walking the properties classes' JavaBean properties. */
    private static void boundKeys(Class<?> type, String prefix, List<String> keys) {
        for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(type)) {
            if (p.getName().equals("class")) {
                continue;
            }
            String key = prefix + "." + DataObjectPropertyName.toDashedForm(p.getName());
            Class<?> valueType = p.getPropertyType();
            boolean leaf = p.getWriteMethod() != null || Map.class.isAssignableFrom(valueType);
            if (leaf) {
                keys.add(key);
            } else {
                boundKeys(valueType, key, keys);
            }
        }
    }

    @Test
    void everyBoundKeyHasMetadataWithADescription() throws Exception {
        Map<String, JsonNode> metadata = metadata();
        List<String> keys = new ArrayList<>();
        boundKeys(AdamProperties.class, AdamProperties.PREFIX, keys);
        keys.add("management.health.optimizers.enabled");
        keys.add("management.info.skrl4j.enabled");
        assertThat(keys).contains("skrl.optim.adam.lr", "skrl.optim.adam.parallel-threshold",
                "skrl.optim.adam.schedule.decay-steps", "skrl.optim.adam.distributed.chunk-size",
                "skrl.optim.adam.health.failure-threshold", "skrl.optim.adam.metrics.step-duration.enabled");
        for (String key : keys) {
            assertThat(metadata).as("metadata of " + key).containsKey(key);
            JsonNode description = metadata.get(key).get("description");
            assertThat(description).as("description of " + key).isNotNull();
            assertThat(description.asString()).as("description of " + key).hasSizeGreaterThan(20);
        }
    }

    @Test
    void everyKeyWithADefaultHasItInTheMetadata() throws Exception {
        Map<String, JsonNode> metadata = metadata();
        List<String> keys = new ArrayList<>();
        boundKeys(AdamProperties.class, AdamProperties.PREFIX, keys);
        for (String key : keys) {
            if (key.startsWith(AdamProperties.PREFIX + ".schedule.")) {
                continue; // no schedule unless one is configured: no key of it has a default of its own
            }
            assertThat(metadata.get(key).has("defaultValue") || NO_DEFAULT.containsKey(key))
                    .as("default of " + key).isTrue();
        }
    }

    @Test
    void theOptionDefaultsInTheMetadataAreTheOnesTheFactoryUses() throws Exception {
        Map<String, JsonNode> metadata = metadata();
        Adam defaults = new AdamPropertiesMapper(new AdamProperties()).topLevel().build();
        Map<String, Object> used = Map.ofEntries(Map.entry("lr", defaults.lr()),
                Map.entry("grad-norm-clip", defaults.gradNormClip()), Map.entry("scale", defaults.scale()),
                Map.entry("b1", defaults.b1()), Map.entry("b2", defaults.b2()), Map.entry("eps", defaults.eps()),
                Map.entry("eps-root", defaults.epsRoot()), Map.entry("weight-decay", defaults.weightDecay()),
                Map.entry("amsgrad", defaults.amsgrad()), Map.entry("nesterov", defaults.nesterov()),
                Map.entry("non-finite", defaults.nonFinitePolicy()),
                Map.entry("parallel-threshold", defaults.parallelThreshold()),
                Map.entry("warm-up", defaults.warmUp()),
                Map.entry("health.failure-threshold", AdamPropertiesMapper.DEFAULT_FAILURE_THRESHOLD),
                Map.entry("health.allow-health-indicator-to-fail",
                        AdamPropertiesMapper.DEFAULT_ALLOW_HEALTH_INDICATOR_TO_FAIL));
        for (Map.Entry<String, Object> e : used.entrySet()) {
            JsonNode value = metadata.get(AdamProperties.PREFIX + "." + e.getKey()).get("defaultValue");
            if (e.getValue() instanceof Number n) {
                assertThat(value.asDouble()).as(e.getKey()).isEqualTo(n.doubleValue());
            } else {
                assertThat(value.asString()).as(e.getKey())
                        .isEqualToIgnoringCase(String.valueOf(e.getValue()).toLowerCase(Locale.ROOT));
            }
        }
        assertThat(used.keySet()).as("every option with a fixed default is compared")
                .containsAll(Set.of("lr", "b2", "non-finite", "parallel-threshold", "warm-up"));
    }
}
