package io.github.skrl4j.adam.spring.autoconfigure;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.NonFiniteGradientException;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerFactory;
import io.github.skrl4j.adam.spring.actuate.OptimizersHealthIndicator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AdamHealthAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamHealthAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.01",
                    "skrl.optim.adam.instances.value.non-finite=skip");

    @Test
    void upWithNoOptimizersAndAfterGoodSteps() {
        runner.run(context -> {
            HealthIndicator health = context.getBean("optimizersHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            Tensors params = model();
            context.getBean(OptimizerFactory.class).create("policy", params).step(gradient(), params);
            Health up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("policy", Map.of("lastStep", "APPLIED", "count", 1L));
        });
    }

    @Test
    void downAfterANaNGradientWithTheParametersUntouchedThenUpAfterAGoodStep() {
        runner.run(context -> {
            HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
            Tensors params = model();
            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
            policy.step(gradient(), params);
            Tensors before = params.copy();

            assertThatThrownBy(() -> policy.step(nanGradient(), params))
                    .isInstanceOf(NonFiniteGradientException.class);

            assertThat(params.contentEquals(before)).isTrue();
            assertThat(policy.count()).isEqualTo(1);
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Object> detail = (Map<String, Object>) down.getDetails().get("policy");
            assertThat(detail).containsEntry("lastStep", "REJECTED").containsEntry("count", 1L);
            assertThat((String) detail.get("reason")).contains("NonFiniteGradientException")
                    .contains("gradient 'w' holds NaN at index 1");

            policy.step(gradient(), params);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void downAfterASkippedStepNamingTheOptimizerWhileOthersStayUp() {
        runner.run(context -> {
            HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            Tensors policyParams = model();
            Tensors valueParams = model();
            factory.create("policy", policyParams).step(gradient(), policyParams);
            Optimizer value = factory.create("value", valueParams);
            Tensors before = valueParams.copy();
            value.step(nanGradient(), valueParams);

            assertThat(valueParams.contentEquals(before)).isTrue();
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Object> detail = (Map<String, Object>) down.getDetails().get("value");
            assertThat(detail).containsEntry("lastStep", "SKIPPED");
            assertThat((String) detail.get("reason")).contains("non-finite gradient");
            assertThat(down.getDetails().get("policy")).isEqualTo(Map.of("lastStep", "APPLIED", "count", 1L));
        });
    }

    @Test
    void noHealthIndicatorWhenDisabled() {
        runner.withPropertyValues("management.health.optimizers.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(OptimizersHealthIndicator.class));
    }

    @Test
    void noHealthIndicatorWithoutSpringBootHealthOnTheClassPath() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OptimizersHealthIndicator.class)
                        .hasSingleBean(OptimizerFactory.class));
    }
}
