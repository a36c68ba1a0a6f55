package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.schedule.Schedules;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.actuate.OptimizerDescriptor;
import io.github.skrl4j.adam.spring.actuate.OptimizersEndpoint;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code schedule.*} (top level and per instance) mapped onto Optax's schedules, and refused when incomplete. */
class SchedulePropertiesTest {

    private static final String P = "skrl.optim.adam.instances.policy.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamEndpointAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.lr=0.01", "spring.jmx.enabled=true",
                    "management.endpoints.jmx.exposure.include=optimizers");

    static Stream<Arguments> schedules() {
        return Stream.of(
                Arguments.of(new String[] {"type=constant", "init-value=0.005"}, Schedules.constant(0.005)),
                Arguments.of(new String[] {"type=linear", "end-value=0.001", "transition-steps=100"},
                        Schedules.linear(0.01, 0.001, 100, 0)),
                Arguments.of(new String[] {"type=exponential-decay", "transition-steps=10", "decay-rate=0.5",
                        "transition-begin=5", "staircase=true", "end-value=0.001"},
                        Schedules.exponentialDecay(0.01, 10, 0.5, 5, true, 0.001)),
                Arguments.of(new String[] {"type=cosine-decay", "decay-steps=100", "alpha=0.1", "exponent=2"},
                        Schedules.cosineDecay(0.01, 100, 0.1, 2)),
                Arguments.of(new String[] {"type=warmup-cosine-decay", "init-value=0", "peak-value=0.02",
                        "warmup-steps=10", "decay-steps=100"},
                        Schedules.warmupCosineDecay(0, 0.02, 10, 100, 0, 1)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("schedules")
    void eachTypeMapsOntoItsOptaxSchedule(String[] keys, LearningRateSchedule expected) {
        String[] properties = Arrays.stream(keys).map(k -> P + "schedule." + k).toArray(String[]::new);
        runner.withPropertyValues(properties).run(context -> {
            Adam config = context.getBean(OptimizerFactory.class).config("policy");
            assertThat(config.learningRateSchedule()).isEqualTo(expected);
            assertThat(config.hasSchedule()).isTrue();
        });
    }

    @Test
    void initValueDefaultsToTheInstanceLrAndTheScheduleDrivesRealSteps() {
        runner.withPropertyValues(P + "lr=0.004", P + "schedule.type=cosine-decay", P + "schedule.decay-steps=4")
                .run(context -> {
                    LearningRateSchedule expected = Schedules.cosineDecay(0.004, 4, 0, 1);
                    Tensors params = model();
                    Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
                    assertThat(policy.config().learningRateSchedule()).isEqualTo(expected);
                    for (long count = 0; count < 3; count++) {
                        policy.step(gradient(), params);
                        assertThat(policy.lastLearningRate()).isEqualTo(expected.at(count));
                    }
                    OptimizerDescriptor descriptor = context.getBean(OptimizersEndpoint.class).optimizer("policy");
                    assertThat(descriptor.settings().learningRateSchedule()).isEqualTo(expected.toString());
                    assertThat(descriptor.settings().learningRateSource())
                            .isEqualTo(OptimizerDescriptor.LearningRateSource.SCHEDULE);
                    assertThat(descriptor.settings().lr()).isNull(); // the schedule replaces it
                    assertThat(descriptor.lastLearningRate()).isEqualTo(expected.at(2));
                });
    }

    @Test
    void anInstanceWithoutAScheduleKeepsTheFixedLr() {
        runner.withPropertyValues(P + "lr=0.003", "skrl.optim.adam.instances.value.schedule.type=constant")
                .run(context -> {
                    Adam policy = context.getBean(OptimizerFactory.class).config("policy");
                    assertThat(policy.hasSchedule()).isFalse();
                    assertThat(policy.lr()).isEqualTo(0.003);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            type=cosine-decay                                                | decay-steps      | must be set for schedule type cosine-decay
            type=linear,transition-steps=10                                  | end-value        | must be set for schedule type linear
            type=exponential-decay,decay-rate=0.5                            | transition-steps | must be set for schedule type exponential-decay
            type=warmup-cosine-decay,peak-value=0.1,decay-steps=100          | warmup-steps     | must be set for schedule type warmup-cosine-decay
            type=warmup-cosine-decay,peak-value=0.1,warmup-steps=10,decay-steps=10 | decay-steps | must be greater than warmup-steps (10)
            type=cosine-decay,decay-steps=0                                  | decay-steps      | must be greater than 0
            type=linear,end-value=0,transition-steps=-1                      | transition-steps | must be greater than or equal to 0
            type=exponential-decay,transition-steps=10,decay-rate=-0.5       | decay-rate       | must be greater than 0
            type=cosine-decay,decay-steps=10,alpha=NaN                       | alpha            | must be a finite number
            """)
    void anIncompleteOrOutOfRangeScheduleStopsTheStartNamingTheKey(String keys, String key, String rule) {
        String[] properties = Arrays.stream(keys.split(",")).map(k -> P + "schedule." + k).toArray(String[]::new);
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure()))
                    .contains("Property: " + P + "schedule." + key).contains("Reason: " + rule);
        });
    }

    @Test
    void aScheduleNeedsScaleTrue() {
        runner.withPropertyValues(P + "scale=false", P + "schedule.type=constant").run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.of(context.getStartupFailure()))
                    .contains("Property: " + P + "schedule.type").contains("Value: \"constant\"")
                    .contains("Reason: needs scale=true");
        });
    }

    @Test
    void theTopLevelScheduleIsTheDefaultOfTheTopLevelAndOfEveryInstanceWithoutItsOwn() {
        runner.withPropertyValues("skrl.optim.adam.schedule.type=cosine-decay", "skrl.optim.adam.schedule.decay-steps=50",
                P + "lr=0.004", "skrl.optim.adam.instances.own.schedule.type=constant",
                "skrl.optim.adam.instances.driven.scale=false").run(context -> {
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    assertThat(factory.create(model()).config().learningRateSchedule())
                            .isEqualTo(Schedules.cosineDecay(0.01, 50, 0, 1));
                    assertThat(factory.config("policy").learningRateSchedule())
                            .isEqualTo(Schedules.cosineDecay(0.004, 50, 0, 1));
                    assertThat(factory.config("own").learningRateSchedule()).isEqualTo(Schedules.constant(0.01));
                    assertThat(factory.config("driven").hasSchedule()).isFalse();
                });
    }

    @Test
    void anIncompleteTopLevelScheduleStopsTheStartNamingTheKey() {
        runner.withPropertyValues("skrl.optim.adam.schedule.type=linear", "skrl.optim.adam.schedule.end-value=0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(FailureReports.of(context.getStartupFailure()))
                            .contains("Property: skrl.optim.adam.schedule.transition-steps")
                            .contains("Reason: must be set for schedule type linear");
                });
        runner.withPropertyValues("skrl.optim.adam.scale=false", "skrl.optim.adam.schedule.type=constant")
                .run(context -> assertThat(FailureReports.of(context.getStartupFailure()))
                        .contains("Property: skrl.optim.adam.schedule.type").contains("Reason: needs scale=true"));
    }

    @Test
    void anUnknownTypeOrKeyStopsTheStart() {
        runner.withPropertyValues(P + "schedule.type=step-decay").run(context -> assertThat(
                FailureReports.of(context.getStartupFailure())).contains("Property: " + P + "schedule.type"));
        runner.withPropertyValues(P + "schedule.type=cosine-decay", P + "schedule.decay-steps=10",
                P + "schedule.alpah=0.1").run(context -> assertThat(FailureReports.of(context.getStartupFailure()))
                        .contains("The elements [" + P + "schedule.alpah] were left unbound"));
    }
}
