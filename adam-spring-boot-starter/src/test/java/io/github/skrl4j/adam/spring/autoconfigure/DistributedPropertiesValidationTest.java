package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The skrl.optim.adam.distributed.* rules stop the start naming the property, as every other property's do. */
class DistributedPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            skrl.optim.adam.distributed.world-size   | 0        | must be greater than 0
            skrl.optim.adam.distributed.chunk-size   | 0        | must be greater than 0
            skrl.optim.adam.distributed.chunk-size   | 16777217 | must be less than or equal to 16777216
            skrl.optim.adam.distributed.data-plane.port | 65536 | must be less than or equal to 65535
            skrl.optim.adam.distributed.data-plane.port | -1    | must be greater than or equal to 0
            skrl.optim.adam.distributed.data-plane.address | ' ' | must not be blank
            skrl.optim.adam.distributed.timeout      | 0s       | must be longer than or equal to 1 milli
            skrl.optim.adam.distributed.join-timeout | -5s      | must be longer than or equal to 1 milli
            skrl.optim.adam.distributed.run          | ' '      | must not be blank
            skrl.optim.adam.distributed.rank         | -1       | must be greater than or equal to 0
            skrl.optim.adam.distributed.restart.max-restarts | -1 | must be greater than or equal to 0
            skrl.optim.adam.distributed.restart.window  | 0s    | must be longer than or equal to 1 milli
            skrl.optim.adam.distributed.restart.timeout | -1s   | must be longer than or equal to 1 milli
            skrl.optim.adam.distributed.failure-detection | 1s  | must be longer than or equal to 2 seconds
            skrl.optim.adam.distributed.member-removal | 1s     | must be longer than or equal to 2 seconds
            skrl.optim.adam.distributed.member-removal | 10s    | must be longer than failure-detection (10s)
            """)
    void aBadValueStopsTheStartNamingThePropertyAndTheRule(String property, String value, String rule) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure())).contains("Property: " + property)
                    .contains("Reason: " + rule).contains("Origin: \"" + property + "\" from property source \"test\"");
        });
    }

    @Test
    void aRankOutsideTheWorldStopsTheStartNamingItAndTheWorldSize() {
        runner.withPropertyValues("skrl.optim.adam.distributed.world-size=2", "skrl.optim.adam.distributed.rank=2")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(FailureReports.of(context.getStartupFailure()))
                            .contains("Property: skrl.optim.adam.distributed.rank")
                            .contains("Reason: must be less than world-size (2)")
                            .contains("Origin: \"skrl.optim.adam.distributed.rank\" from property source \"test\"");
                });
    }

    @Test
    void theLastRankOfTheWorldIsValid() {
        runner.withPropertyValues("skrl.optim.adam.distributed.world-size=3", "skrl.optim.adam.distributed.rank=2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(AdamProperties.class).getDistributed().getRank()).isEqualTo(2);
                });
    }

    @Test
    void anUnknownKeyStopsTheStartNamingIt() {
        runner.withPropertyValues("skrl.optim.adam.distributed.world=2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure())).contains("skrl.optim.adam.distributed.world")
                    .contains("unbound");
        });
    }

    @Test
    void theDefaultsBindAndAreValid() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            var distributed = context.getBean(AdamProperties.class).getDistributed();
            assertThat(distributed.isEnabled()).isFalse();
            assertThat(distributed.getWorldSize()).isEqualTo(1);
            assertThat(distributed.getRun()).isEqualTo("skrl4j");
            assertThat(distributed.getRank()).as("ranks in join order unless configured").isNull();
            assertThat(distributed.getRestart().getMaxRestarts()).isEqualTo(3);
            assertThat(distributed.getRestart().getWindow()).isEqualTo(java.time.Duration.ofMinutes(30));
            assertThat(distributed.getRestart().getTimeout()).isEqualTo(java.time.Duration.ofMinutes(5));
            assertThat(distributed.getFailureDetection()).as("within the documented 15 s")
                    .isEqualTo(java.time.Duration.ofSeconds(10));
        });
    }
}
