package io.github.skrl4j.adam.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What {@link HazelcastFailureDetectionDefaults} sets on a Hazelcast configuration, and what it leaves alone. */
class HazelcastFailureDetectionDefaultsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HazelcastFailureDetectionAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.distributed.enabled=true");

    @Test
    void anEmptyConfigurationGetsTheBoundHeartbeatsAndMergesWithinSeconds() {
        Config config = new Config();
        new HazelcastFailureDetectionDefaults().customize(config);
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT)).isEqualTo("45");
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.HEARTBEAT_INTERVAL)).isEqualTo("1");
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MERGE_FIRST_RUN_DELAY)).isEqualTo("5");
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MERGE_NEXT_RUN_DELAY)).isEqualTo("5");
    }

    @Test
    void theApplicationsOwnValuesWin() {
        Config config = new Config();
        config.setProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT, "30");
        config.setProperty(HazelcastFailureDetectionDefaults.MERGE_FIRST_RUN_DELAY, "60");
        new HazelcastFailureDetectionDefaults(Duration.ofSeconds(4)).customize(config);
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT)).isEqualTo("30");
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MERGE_FIRST_RUN_DELAY)).isEqualTo("60");
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MERGE_NEXT_RUN_DELAY)).isEqualTo("5");
    }

    @Test
    void aSystemPropertyWins() {
        String property = HazelcastFailureDetectionDefaults.MERGE_NEXT_RUN_DELAY;
        System.setProperty(property, "30");
        try {
            Config config = new Config();
            new HazelcastFailureDetectionDefaults().customize(config);
            assertThat(config.getProperties().getProperty(property)).as("not set in the configuration").isNull();
            assertThat(config.getProperty(property)).as("Hazelcast reads the system property").isEqualTo("30");
            assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MERGE_FIRST_RUN_DELAY)).isEqualTo("5");
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void theBoundIsRoundedUpToWholeSecondsAndMustExceedTheHeartbeatInterval() {
        Config config = new Config();
        new HazelcastFailureDetectionDefaults(Duration.ofMillis(2500)).customize(config);
        assertThat(config.getProperty(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT)).isEqualTo("3");
        assertThatThrownBy(() -> new HazelcastFailureDetectionDefaults(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat interval");
    }

    @Test
    void theMemberRemovalPropertySetsTheBoundAndFailureDetectionDoesNot() {
        runner.withPropertyValues("skrl.optim.adam.distributed.member-removal=7s",
                "skrl.optim.adam.distributed.failure-detection=3s").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(HazelcastFailureDetectionDefaults.class).maxNoHeartbeat())
                    .isEqualTo(Duration.ofSeconds(7));
        });
        runner.run(context -> assertThat(context.getBean(HazelcastFailureDetectionDefaults.class).maxNoHeartbeat())
                .isEqualTo(HazelcastFailureDetectionDefaults.MAX_NO_HEARTBEAT_DEFAULT));
    }

    @Test
    void aMemberRemovalBoundTooShortStopsTheStartNamingTheProperty() {
        runner.withPropertyValues("skrl.optim.adam.distributed.member-removal=1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("skrl.optim.adam.distributed.member-removal");
        });
    }
}
