package io.github.skrl4j.adam.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.schedule.Schedules;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The settings' metadata follows the record: one key per component, under its name, in its order. */
class SettingsMetadataTest {

    private static final Path FILE = Path.of("settings.safetensors");

    @Test
    void everyComponentIsAKeyInTheRecordsOrder() {
        Map<String, String> metadata = new LinkedHashMap<>();
        SettingsMetadata.write(AdamSettings.DEFAULTS, metadata);
        List<String> components = Arrays.stream(AdamSettings.class.getRecordComponents())
                .map(RecordComponent::getName).filter(name -> !name.equals("lrSchedule"))
                .collect(Collectors.toList());
        assertThat(metadata.keySet()).containsExactlyElementsOf(components);
        assertThat(SettingsMetadata.read(FILE, metadata)).isEqualTo(AdamSettings.DEFAULTS);
        assertThat(SettingsMetadata.scheduleDescription(metadata)).isNull();
    }

    @Test
    void valuesReadBackToTheSameBitsAndAScheduleAsItsDescriptionOnly() {
        AdamSettings settings = new AdamSettings(0.1 + 0.2, Schedules.constant(3e-4), Double.NEGATIVE_INFINITY, true,
                1.0 / 3, Math.nextDown(1.0), Double.MIN_VALUE, Math.ulp(1.0), 1e-300, true, true, NonFinitePolicy.SKIP);
        Map<String, String> metadata = new LinkedHashMap<>();
        SettingsMetadata.write(settings, metadata);

        assertThat(metadata).containsEntry("lr", "0.30000000000000004").containsEntry("gradNormClip", "-Infinity")
                .containsEntry("eps", "4.9E-324").containsEntry("nonFinite", "SKIP").containsEntry("amsgrad", "true")
                .containsEntry("lrSchedule", String.valueOf(settings.lrSchedule()));
        AdamSettings read = SettingsMetadata.read(FILE, metadata);
        assertThat(read.lrSchedule()).isNull();
        assertThat(read).isEqualTo(new AdamSettings(settings.lr(), null, settings.gradNormClip(), settings.scale(),
                settings.b1(), settings.b2(), settings.eps(), settings.epsRoot(), settings.weightDecay(),
                settings.amsgrad(), settings.nesterov(), settings.nonFinite()));
        assertThat(SettingsMetadata.scheduleDescription(metadata)).isEqualTo(String.valueOf(settings.lrSchedule()));
    }
}
