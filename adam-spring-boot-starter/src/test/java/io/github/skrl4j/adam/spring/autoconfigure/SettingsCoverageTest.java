package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.AdamSettings;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.schedule.Schedules;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every option of {@link AdamSettings} (its record components) and of {@link Adam.Builder} (its
 * methods) reaches {@code application.yml} and {@code /actuator/optimizers}: setting its property at
 * the top level, and per instance, changes the optimizer the factory builds and what the endpoint
 * shows. So adding an option fails here until it has its property, its mapping line in
 * {@link AdamPropertiesMapper} and its endpoint field; removing any of them fails too. (The test
 * reads the option lists by reflection; the starter's code does not. adam-kotlin's
 * {@code DslCoverageTest} does the same for the Kotlin DSL.)
 */
class SettingsCoverageTest {

    /** Builder options that no property sets, and why. Everything else must be a property. */
    private static final Map<String, String> NOT_A_PROPERTY = Map.of(
            "settings", "sets every AdamSettings component at once; each component is its own property",
            "name", "the key under instances.<name> names the optimizer",
            "listener", "the application's StepListener beans are every created optimizer's listeners");

    /** A builder method named otherwise than the record component it sets. */
    private static final Map<String, String> BUILDER_TO_COMPONENT = Map.of("nonFinitePolicy", "nonFinite");

    /** An option whose property key is not its dashed name (the others' is). */
    private static final Map<String, String> PROPERTY = Map.of(
            "lrSchedule", "schedule.type",
            "measureStepDuration", "metrics.step-duration.enabled");

    /** Options that only the top level has. */
    private static final Set<String> TOP_LEVEL_ONLY = Set.of("measureStepDuration");

    /** An option whose {@link Adam} accessor, and endpoint field, is not named like it. */
    private static final Map<String, String> ACCESSOR = Map.of(
            "lrSchedule", "learningRateSchedule",
            "nonFinite", "nonFinitePolicy",
            "measureStepDuration", "measuresStepDuration");
    private static final Map<String, String> ENDPOINT_FIELD = Map.of(
            "lrSchedule", "learningRateSchedule",
            "measureStepDuration", "measuresStepDuration");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamEndpointAutoConfiguration.class))
            .withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=optimizers");

    static Stream<String> options() {
        Set<String> options = new LinkedHashSet<>();
        for (RecordComponent c : AdamSettings.class.getRecordComponents()) {
            options.add(c.getName());
        }
        for (Method m : Adam.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Adam.Builder.class) {
                options.add(m.getName().equals("lr") && m.getParameterTypes()[0] == LearningRateSchedule.class
                        ? "lrSchedule" : BUILDER_TO_COMPONENT.getOrDefault(m.getName(), m.getName()));
            }
        }
        options.removeAll(NOT_A_PROPERTY.keySet());
        return options.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theOptionIsAPropertyAtTheTopLevelMappedOntoTheOptimizerAndShownByTheEndpoint(String option) throws Exception {
        Object defaultValue = read(Adam.builder().build(), accessor(option));
        Object value = changed(option, defaultValue);
        String property = "skrl.optim.adam." + PROPERTY.getOrDefault(option, DataObjectPropertyName.toDashedForm(option))
                + "=" + propertyValue(value);
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasNotFailed();
            var optimizer = context.getBean(OptimizerFactory.class).create(model());
            assertThat(read(optimizer.config(), accessor(option))).as(property).isEqualTo(value);
            assertThat(endpointValue(context.getBean(OptimizersEndpoint.class), Adam.DEFAULT_NAME, option))
                    .as("the endpoint's settings." + endpointField(option)).isEqualTo(shown(value));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theOptionIsAPropertyPerInstanceOverridingTheTopLevel(String option) throws Exception {
        if (TOP_LEVEL_ONLY.contains(option)) {
            return; // checked at the top level above; it has no instance key by design
        }
        Object defaultValue = read(Adam.builder().build(), accessor(option));
        Object value = changed(option, defaultValue);
        String key = PROPERTY.getOrDefault(option, DataObjectPropertyName.toDashedForm(option));
        String property = "skrl.optim.adam.instances.policy." + key + "=" + propertyValue(value);
        runner.withPropertyValues(property, "skrl.optim.adam.instances.value.lr=0.001").run(context -> {
            assertThat(context).hasNotFailed();
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            assertThat(read(factory.config("policy"), accessor(option))).as(property).isEqualTo(value);
            assertThat(read(factory.config("value"), accessor(option))).as("another instance").isEqualTo(defaultValue);
            factory.create("policy", model());
            assertThat(endpointValue(context.getBean(OptimizersEndpoint.class), "policy", option))
                    .as("the endpoint's settings." + endpointField(option)).isEqualTo(shown(value));
        });
    }

    private static String accessor(String option) {
        return ACCESSOR.getOrDefault(option, option);
    }

    private static String endpointField(String option) {
        return ENDPOINT_FIELD.getOrDefault(option, option);
    }

    private static Object read(Object target, String accessor) throws ReflectiveOperationException {
        return target.getClass().getMethod(accessor).invoke(target);
    }

    private static Object endpointValue(OptimizersEndpoint endpoint, String name, String option) throws Exception {
        OptimizerDescriptor.Settings settings = endpoint.optimizer(name).settings();
        for (RecordComponent c : OptimizerDescriptor.Settings.class.getRecordComponents()) {
            if (c.getName().equals(endpointField(option))) {
                return c.getAccessor().invoke(settings);
            }
        }
        throw new AssertionError("the endpoint's settings have no field '" + endpointField(option) + "' for option '"
                + option + "'");
    }

    /** A valid value other than the default, derived from it, so that a new option needs no entry here. */
    private static Object changed(String option, Object defaultValue) {
        if (option.equals("lrSchedule")) {
            return Schedules.constant(AdamSettings.DEFAULTS.lr()); // init-value defaults to the lr
        }
        if (defaultValue instanceof Double d) {
            return d == 0 ? 0.25 : d / 2;
        }
        if (defaultValue instanceof Boolean b) {
            return !b;
        }
        if (defaultValue instanceof Integer i) {
            return i + 1;
        }
        if (defaultValue instanceof Enum<?> e) {
            Object[] constants = e.getDeclaringClass().getEnumConstants();
            return constants[(e.ordinal() + 1) % constants.length];
        }
        throw new AssertionError("no test value for option '" + option + "' of type "
                + (defaultValue == null ? "null" : defaultValue.getClass().getName()));
    }

    private static String propertyValue(Object value) {
        return value instanceof LearningRateSchedule ? "constant" : String.valueOf(value);
    }

    /** How the endpoint shows a value: enums by name, a schedule described. */
    private static Object shown(Object value) {
        return value instanceof Enum<?> e ? e.name() : value instanceof LearningRateSchedule s ? s.toString() : value;
    }
}
