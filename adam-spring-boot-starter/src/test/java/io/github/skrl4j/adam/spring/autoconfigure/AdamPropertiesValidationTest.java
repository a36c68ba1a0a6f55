package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every property rule stops the start, and the failure names the property and the rule. */
class AdamPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            skrl.optim.adam.lr                            | 0        | must be greater than 0
            skrl.optim.adam.lr                            | -0.001   | must be greater than 0
            skrl.optim.adam.lr                            | Infinity | must be a finite number
            skrl.optim.adam.b1                            | 1        | must be less than 1
            skrl.optim.adam.b1                            | -0.1     | must be greater than or equal to 0
            skrl.optim.adam.b2                            | 1.5      | must be less than 1
            skrl.optim.adam.b2                            | -0.5     | must be greater than or equal to 0
            skrl.optim.adam.eps                           | -1e-8    | must be greater than or equal to 0
            skrl.optim.adam.eps-root                      | -1       | must be greater than or equal to 0
            skrl.optim.adam.weight-decay                  | -0.01    | must be greater than or equal to 0
            skrl.optim.adam.grad-norm-clip                | -1       | must be greater than or equal to 0
            skrl.optim.adam.grad-norm-clip                | NaN      | must be a finite number
            skrl.optim.adam.instances.policy.lr           | -1       | must be greater than 0
            skrl.optim.adam.instances.policy.lr           | NaN      | must be a finite number
            skrl.optim.adam.instances.policy.b1           | 1.0      | must be less than 1
            skrl.optim.adam.instances.policy.b2           | -0.1     | must be greater than or equal to 0
            skrl.optim.adam.instances.value.eps           | -1       | must be greater than or equal to 0
            skrl.optim.adam.instances.value.eps-root      | -1       | must be greater than or equal to 0
            skrl.optim.adam.instances.value.weight-decay  | -1       | must be greater than or equal to 0
            skrl.optim.adam.instances.value.grad-norm-clip | -0.5    | must be greater than or equal to 0
            """)
    void aValueOutOfRangeStopsTheStartNamingThePropertyAndTheRule(String property, String value, String rule) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            String report = FailureReports.of(context.getStartupFailure());
            assertThat(report).contains("Property: " + property).contains("Value: \"" + Double.parseDouble(value) + "\"")
                    .contains("Reason: " + rule)
                    .contains("Origin: \"" + property + "\" from property source \"test\"");
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            skrl.optim.adam.health.failure-threshold                  | 0  | must be greater than 0
            skrl.optim.adam.instances.value.health.failure-threshold  | -3 | must be greater than 0
            skrl.optim.adam.parallelism                               | 0  | must be greater than 0
            skrl.optim.adam.parallel-threshold                        | -1 | must be greater than 0
            skrl.optim.adam.instances.policy.parallelism              | -2 | must be greater than 0
            skrl.optim.adam.instances.policy.parallel-threshold       | 0  | must be greater than 0
            """)
    void anIntegerBelowOneStopsTheStartNamingTheProperty(String property, String value, String rule) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            String report = FailureReports.of(context.getStartupFailure());
            assertThat(report).contains("Property: " + property).contains("Value: \"" + value + "\"")
                    .contains("Reason: " + rule);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            skrl.optim.adam.health.allow-to-fail
            skrl.optim.adam.instances.policy.lrr
            skrl.optim.adam.instances.value.weight_decay_typo
            skrl.optim.adam.learning-rate
            """)
    void anUnknownKeyStopsTheStartNamingIt(String property) {
        runner.withPropertyValues(property + "=0.1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure())).contains(property).contains("unbound");
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            skrl.optim.adam.non-finite                 | ignore
            skrl.optim.adam.instances.policy.amsgrad   | maybe
            skrl.optim.adam.instances.policy.health.allow-health-indicator-to-fail | sometimes
            skrl.optim.adam.instances.policy.lr        | fast
            """)
    void aValueOfTheWrongTypeStopsTheStartNamingTheProperty(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure())).contains("Property: " + property)
                    .contains("Value: \"" + value + "\"");
        });
    }
}
