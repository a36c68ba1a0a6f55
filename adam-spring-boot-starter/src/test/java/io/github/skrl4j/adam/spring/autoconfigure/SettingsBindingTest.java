package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every Optax option of {@link AdamSettings} is a property at the top level and per instance, and a
 * field of the endpoint's settings: adding a component to the record fails here until it is.
 */
class SettingsBindingTest {

    @Test
    void everySettingIsATopLevelAndAnInstanceProperty() {
        assertThat(SettingsBinding.unbound(AdamProperties.class)).isEmpty();
        assertThat(SettingsBinding.unbound(AdamInstanceProperties.class)).isEmpty();
    }

    @Test
    void everySettingIsShownByTheEndpoint() {
        var shown = Arrays.stream(OptimizerDescriptor.Settings.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        for (RecordComponent c : AdamSettings.class.getRecordComponents()) {
            String name = c.getName().equals(SettingsBinding.SCHEDULE) ? "learningRateSchedule" : c.getName();
            assertThat(shown).as("the endpoint's settings").contains(name);
        }
    }

    @Test
    void topLevelPropertiesOverlayTheDefaultsAndUnsetInstancePropertiesKeepThem() {
        AdamProperties top = new AdamProperties();
        top.setB2(0.99);
        top.setAmsgrad(true);
        AdamSettings topLevel = top.settings();
        assertThat(topLevel).isEqualTo(new AdamSettings(1e-3, null, 0, true, 0.9, 0.99, 1e-8, 0, 0, true, false,
                NonFinitePolicy.ERROR));

        AdamInstanceProperties instance = new AdamInstanceProperties();
        instance.setLr(5e-4);
        instance.setNonFinite(NonFinitePolicy.SKIP);
        assertThat(instance.applyTo(topLevel)).isEqualTo(new AdamSettings(5e-4, null, 0, true, 0.9, 0.99, 1e-8, 0, 0,
                true, false, NonFinitePolicy.SKIP));
        assertThat(new AdamInstanceProperties().applyTo(topLevel)).isEqualTo(topLevel);
    }

    @Test
    void anInvalidCombinationIsRefusedByTheSettingsThemselves() {
        AdamInstanceProperties instance = new AdamInstanceProperties();
        instance.setScale(false);
        instance.getSchedule().setType(ScheduleProperties.Type.COSINE_DECAY);
        instance.getSchedule().setDecaySteps(100L);
        assertThatIllegalArgumentException().isThrownBy(() -> instance.applyTo(AdamSettings.DEFAULTS))
                .withMessageContaining("schedule needs scale = true");
    }
}
