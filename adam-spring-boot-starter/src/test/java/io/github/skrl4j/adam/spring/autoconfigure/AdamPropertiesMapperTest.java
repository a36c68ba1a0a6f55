package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.schedule.Schedules;
import io.github.skrl4j.adam.spring.actuate.OptimizerHealthPolicy;
import org.junit.jupiter.api.Test;

/** The top level overlays the defaults, an instance overlays the top level, unset keys keep what is underneath. */
class AdamPropertiesMapperTest {

    @Test
    void topLevelPropertiesOverlayTheDefaultsAndUnsetInstancePropertiesKeepThem() {
        AdamProperties properties = new AdamProperties();
        properties.setB2(0.99);
        properties.setAmsgrad(true);
        properties.setParallelism(1);
        AdamInstanceProperties policy = new AdamInstanceProperties();
        policy.setLr(5e-4);
        policy.setNonFinite(NonFinitePolicy.SKIP);
        policy.setParallelThreshold(1024);
        properties.getInstances().put("policy", policy);
        properties.getInstances().put("value", new AdamInstanceProperties());
        AdamPropertiesMapper mapper = new AdamPropertiesMapper(properties);

        Adam topLevel = mapper.topLevel().build();
        assertThat(topLevel.name()).isEqualTo(Adam.DEFAULT_NAME);
        assertThat(topLevel.settings()).isEqualTo(new AdamSettings(1e-3, null, 0, true, 0.9, 0.99, 1e-8, 0, 0, true,
                false, NonFinitePolicy.ERROR));
        assertThat(topLevel.parallelism()).isEqualTo(1);
        assertThat(topLevel.parallelThreshold()).isEqualTo(Adam.Builder.DEFAULT_PARALLEL_THRESHOLD);

        Adam p = mapper.instance("policy").build();
        assertThat(p.name()).isEqualTo("policy");
        assertThat(p.settings()).isEqualTo(new AdamSettings(5e-4, null, 0, true, 0.9, 0.99, 1e-8, 0, 0, true, false,
                NonFinitePolicy.SKIP));
        assertThat(p.parallelism()).isEqualTo(1);
        assertThat(p.parallelThreshold()).isEqualTo(1024);

        Adam value = mapper.instance("value").build();
        assertThat(value.settings()).isEqualTo(topLevel.settings());
        assertThat(value.name()).isEqualTo("value");
    }

    @Test
    void anInstanceTakesTheTopLevelScheduleAsAWholeWithItsOwnLrUnlessItSetsOneOrScaleFalse() {
        AdamProperties properties = new AdamProperties();
        properties.getSchedule().setType(ScheduleProperties.Type.COSINE_DECAY);
        properties.getSchedule().setDecaySteps(100L);
        AdamInstanceProperties inherits = new AdamInstanceProperties();
        inherits.setLr(0.02);
        AdamInstanceProperties own = new AdamInstanceProperties();
        own.getSchedule().setType(ScheduleProperties.Type.CONSTANT);
        AdamInstanceProperties driven = new AdamInstanceProperties();
        driven.setScale(false);
        properties.getInstances().put("inherits", inherits);
        properties.getInstances().put("own", own);
        properties.getInstances().put("driven", driven);
        AdamPropertiesMapper mapper = new AdamPropertiesMapper(properties);

        assertThat(mapper.topLevel().build().learningRateSchedule()).isEqualTo(Schedules.cosineDecay(1e-3, 100, 0, 1));
        assertThat(mapper.instance("inherits").build().learningRateSchedule())
                .isEqualTo(Schedules.cosineDecay(0.02, 100, 0, 1));
        assertThat(mapper.instance("own").build().learningRateSchedule()).isEqualTo(Schedules.constant(1e-3));
        assertThat(mapper.instance("driven").build().hasSchedule()).isFalse();
    }

    @Test
    void anInvalidCombinationIsRefusedByTheSettingsThemselves() {
        AdamProperties properties = new AdamProperties();
        AdamInstanceProperties instance = new AdamInstanceProperties();
        instance.setScale(false);
        instance.getSchedule().setType(ScheduleProperties.Type.COSINE_DECAY);
        instance.getSchedule().setDecaySteps(100L);
        properties.getInstances().put("policy", instance);
        assertThatIllegalArgumentException().isThrownBy(() -> new AdamPropertiesMapper(properties).instance("policy")
                .build()).withMessageContaining("schedule needs scale = true");
    }

    @Test
    void theHealthPolicyFallsBackFromInstanceToTopLevelToTheDefaults() {
        AdamProperties properties = new AdamProperties();
        properties.getHealth().setFailureThreshold(7);
        AdamInstanceProperties policy = new AdamInstanceProperties();
        policy.getHealth().setAllowHealthIndicatorToFail(true);
        properties.getInstances().put("policy", policy);
        AdamPropertiesMapper mapper = new AdamPropertiesMapper(properties);
        assertThat(mapper.healthPolicy("policy")).isEqualTo(new OptimizerHealthPolicy(true, 7));
        assertThat(mapper.healthPolicy("value")).isEqualTo(new OptimizerHealthPolicy(false, 7));
        assertThat(new AdamPropertiesMapper(new AdamProperties()).healthPolicy("x"))
                .isEqualTo(new OptimizerHealthPolicy(false, 5));
    }
}
