package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.WarmUp;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code skrl.optim.adam.warm-up} and {@code instances.<name>.warm-up}: each value, as written in
 * {@code application.yml}, reaches the optimizers the factory makes, an instance's value overrides
 * the top level's, and a value that is none of them stops the start naming the property.
 */
class WarmUpPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class));

    @Test
    void unsetItIsAutomatic() {
        runner.withPropertyValues("skrl.optim.adam.instances.policy.lr=0.001").run(context -> {
            assertThat(context).hasNotFailed();
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            assertThat(factory.config("policy").warmUp()).isEqualTo(WarmUp.AUTOMATIC);
            assertThat(factory.create(model()).config().warmUp()).isEqualTo(WarmUp.AUTOMATIC);
        });
    }

    @ParameterizedTest(name = "warm-up={0}")
    @CsvSource({"automatic, AUTOMATIC", "at-start, AT_START", "none, NONE", "AT_START, AT_START"})
    void eachValueAtTheTopLevelReachesEveryOptimizer(String value, WarmUp expected) {
        runner.withPropertyValues("skrl.optim.adam.warm-up=" + value, "skrl.optim.adam.instances.policy.lr=0.001")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    assertThat(factory.config("policy").warmUp()).as("an instance inherits it").isEqualTo(expected);
                    try (Optimizer optimizer = factory.create(model())) {
                        assertThat(optimizer.config().warmUp()).isEqualTo(expected);
                    }
                });
    }

    @ParameterizedTest(name = "instances.policy.warm-up={0}")
    @CsvSource({"automatic, AUTOMATIC", "at-start, AT_START", "none, NONE"})
    void eachValuePerInstanceOverridesTheTopLevel(String value, WarmUp expected) {
        String topLevel = expected == WarmUp.NONE ? "at-start" : "none";
        runner.withPropertyValues("skrl.optim.adam.warm-up=" + topLevel,
                "skrl.optim.adam.instances.policy.warm-up=" + value, "skrl.optim.adam.instances.value.lr=0.001")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    assertThat(factory.config("policy").warmUp()).isEqualTo(expected);
                    assertThat(factory.config("value").warmUp()).as("another instance keeps the top level's")
                            .isEqualTo(WarmUp.valueOf(topLevel.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
                    try (Optimizer optimizer = factory.create("policy", model())) {
                        assertThat(optimizer.config().warmUp()).isEqualTo(expected);
                    }
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            skrl.optim.adam.warm-up                  | sometimes
            skrl.optim.adam.instances.policy.warm-up | on
            """)
    void anUnknownValueStopsTheStartNamingTheProperty(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure())).contains("Property: " + property)
                    .contains("Value: \"" + value + "\"");
        });
    }
}
