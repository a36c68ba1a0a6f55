package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code skrl.optim.adam.metrics.step-duration.enabled} and the {@value AdamMetrics#STEP_DURATION} timer. */
class StepDurationMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .withPropertyValues("skrl.optim.adam.instances.policy.non-finite=skip");

    /** Keeps every event's duration, to compare with what the timer recorded. */
    static final class Durations implements StepListener {
        final List<Long> nanos = new ArrayList<>();

        @Override
        public void onStep(StepEvent event) {
            if (!event.skipped()) {
                nanos.add(event.durationNanos());
            }
        }
    }

    @Test
    void offByDefault_noTimerAndStepsAreNotMeasured() {
        runner.withBean(Durations.class).run(context -> {
            Tensors params = model();
            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
            policy.step(gradient(), params);

            assertThat(policy.config().measuresStepDuration()).isFalse();
            assertThat(context.getBean(Durations.class).nanos).containsExactly(-1L);
            assertThat(context.getBean(MeterRegistry.class).find(AdamMetrics.STEP_DURATION).meters()).isEmpty();
        });
    }

    @Test
    void whenEnabled_theTimerRecordsEveryAppliedStepsOwnDuration() {
        runner.withBean(Durations.class).withPropertyValues("skrl.optim.adam.metrics.step-duration.enabled=true")
                .run(context -> {
                    Tensors params = model();
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Optimizer policy = factory.create("policy", params);
                    assertThat(policy.config().measuresStepDuration()).isTrue();
                    assertThat(factory.create(model()).config().measuresStepDuration()).isTrue();
                    policy.step(gradient(), params);
                    policy.step(gradient(), params);
                    policy.step(nanGradient(), params); // skipped: counted as such, not timed

                    Timer timer = context.getBean(MeterRegistry.class).get(AdamMetrics.STEP_DURATION)
                            .tag(AdamMetrics.TAG_NAME, "policy").timer();
                    List<Long> heard = context.getBean(Durations.class).nanos;
                    assertThat(heard).hasSize(2).allMatch(n -> n >= 0);
                    assertThat(timer.count()).isEqualTo(2);
                    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(heard.get(0) + heard.get(1));
                    assertThat(timer.max(TimeUnit.NANOSECONDS)).isEqualTo(Math.max(heard.get(0), heard.get(1)));
                });
    }

    @Test
    void needsMetricsEnabled() {
        runner.withPropertyValues("skrl.optim.adam.metrics.step-duration.enabled=true",
                "skrl.optim.adam.metrics.enabled=false").run(context -> {
                    Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", model());
                    assertThat(policy.config().measuresStepDuration()).isFalse();
                    assertThat(context.getBean(MeterRegistry.class).find(AdamMetrics.STEP_DURATION).meters())
                            .isEmpty();
                });
    }

    @Test
    void anOptimizerRegisteredByHandIsTimedWhenItMeasures() {
        runner.run(context -> {
            Tensors params = model();
            Optimizer own = Adam.builder().name("own").measureStepDuration(true).build().init(params);
            context.getBean(OptimizerRegistry.class).register(own);
            own.step(gradient(), params);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get(AdamMetrics.STEP_DURATION).tag(AdamMetrics.TAG_NAME, "own").timer().count())
                    .isEqualTo(1);

            own.close();
            assertThat(meters.find(AdamMetrics.STEP_DURATION).meters()).isEmpty();
        });
    }
}
