package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.metrics.AdamMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AdamMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .withPropertyValues("skrl.optim.adam.instances.policy.grad-norm-clip=1.0",
                    "skrl.optim.adam.instances.policy.non-finite=skip", "skrl.optim.adam.instances.policy.lr=0.01",
                    "skrl.optim.adam.instances.value.lr=0.002");

    private static double steps(MeterRegistry meters, String name, String outcome) {
        return meters.get(AdamMetrics.STEPS).tag(AdamMetrics.TAG_NAME, name).tag(AdamMetrics.TAG_OUTCOME, outcome)
                .counter().count();
    }

    @Test
    void refusedStepsAreCountedAsRejectedAndChangeNothingElse() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Tensors params = model();
            Optimizer value = context.getBean(OptimizerFactory.class).create("value", params); // non-finite=error
            value.step(gradient(), params);
            assertThatThrownBy(() -> value.step(nanGradient(), params)).isInstanceOf(IllegalArgumentException.class);
            Tensors wrongShape = Tensors.of(Tensor.of("w", new float[] {0.3f}, 1), Tensor.of("b", new float[] {1f}));
            assertThatThrownBy(() -> value.step(wrongShape, params)).isInstanceOf(IllegalArgumentException.class);

            assertThat(steps(meters, "value", "applied")).isEqualTo(1);
            assertThat(steps(meters, "value", "rejected")).isEqualTo(2);
            assertThat(steps(meters, "value", "skipped")).isZero();
            assertThat(meters.get(AdamMetrics.GRADIENT_NORM).tag("name", "value").summary().count()).isEqualTo(1);
            // the metrics endpoint's view: every outcome summed per name
            assertThat(meters.find(AdamMetrics.STEPS).tag("name", "value").counters()).hasSize(3);
        });
    }

    @Test
    void metersCountAndMeasureRealSteps() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AdamMetrics.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors params = model();
            Optimizer policy = factory.create("policy", params);

            policy.step(gradient(), params); // norm 1.3 > clip 1.0: clipped
            Tensors small = Tensors.of(Tensor.of("w", new float[] {0.3f, 0.4f}, 2), Tensor.of("b", new float[] {0f}));
            policy.step(small, params); // norm 0.5: not clipped
            policy.step(nanGradient(), params); // skipped

            assertThat(steps(meters, "policy", "applied")).isEqualTo(2);
            assertThat(meters.get(AdamMetrics.GRADIENT_CLIPPED).tag("name", "policy").counter().count()).isEqualTo(1);
            assertThat(steps(meters, "policy", "skipped")).isEqualTo(1);
            assertThat(steps(meters, "policy", "rejected")).isZero();
            DistributionSummary norm = meters.get(AdamMetrics.GRADIENT_NORM).tag("name", "policy").summary();
            assertThat(norm.count()).isEqualTo(2);
            assertThat(norm.totalAmount()).isCloseTo(1.8, within(1e-6));
            assertThat(norm.max()).isCloseTo(1.3, within(1e-6));
            assertThat(meters.get(AdamMetrics.LEARNING_RATE).tag("name", "policy").gauge().value()).isEqualTo(0.01);
            assertThat(policy.count()).isEqualTo(2);
        });
    }

    @Test
    void eachOptimizerHasItsOwnMetersTaggedWithItsName() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors policyParams = model();
            Tensors valueParams = model();
            Optimizer policy = factory.create("policy", policyParams);
            Optimizer value = factory.create("value", valueParams);
            policy.step(gradient(), policyParams);
            value.step(gradient(), valueParams);
            value.step(gradient(), valueParams);

            assertThat(steps(meters, "policy", "applied")).isEqualTo(1);
            assertThat(steps(meters, "value", "applied")).isEqualTo(2);
            assertThat(meters.get(AdamMetrics.LEARNING_RATE).tag("name", "value").gauge().value()).isEqualTo(0.002);
            assertThat(meters.get(AdamMetrics.GRADIENT_CLIPPED).tag("name", "value").counter().count()).isZero();
        });
    }

    @Test
    void learningRateGaugeIsNaNBeforeTheFirstStep() {
        runner.run(context -> {
            context.getBean(OptimizerFactory.class).create("policy", model());
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get(AdamMetrics.LEARNING_RATE).tag("name", "policy").gauge().value()).isNaN();
            assertThat(steps(meters, "policy", "applied")).isZero();
        });
    }

    @Test
    void replacingAnOptimizerStartsItsMetersAfreshAndTheOldOneIsClosed() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors params = model();
            Optimizer first = factory.create("policy", params);
            first.step(gradient(), params);
            Optimizer second = factory.create("policy", params);
            assertThat(steps(meters, "policy", "applied")).isZero();
            assertThat(first.isClosed()).isTrue();

            assertThatThrownBy(() -> first.step(gradient(), params)).isInstanceOf(IllegalStateException.class);
            second.step(gradient(), params);
            assertThat(meters.find(AdamMetrics.STEPS).counters()).hasSize(3); // one optimizer's three outcomes
            assertThat(steps(meters, "policy", "applied")).isEqualTo(1);
        });
    }

    @Test
    void closingAnOptimizerRemovesItsMeters() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            factory.create("policy", model()).close();
            factory.create("value", model());

            assertThat(meters.getMeters()).isNotEmpty()
                    .noneMatch(m -> "policy".equals(m.getId().getTag(AdamMetrics.TAG_NAME)));
        });
    }

    @Test
    void noMetersWhenDisabled() {
        runner.withPropertyValues("skrl.optim.adam.metrics.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(AdamMetrics.class);
            context.getBean(OptimizerFactory.class).create("policy", model());
            assertThat(context.getBean(MeterRegistry.class).find(AdamMetrics.STEPS).meters()).isEmpty();
        });
    }

    @Test
    void noMetricsBeansWithoutMicrometerOnTheClassPath() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(OptimizerFactory.class)
                            .doesNotHaveBean(AdamMetrics.class);
                    Tensors params = model();
                    context.getBean(OptimizerFactory.class).create(params).step(gradient(), params);
                });
    }

    @Test
    void noMetricsBeansWithoutAMeterRegistry() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamMetricsAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(AdamMetrics.class));
    }
}
