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
import io.github.skrl4j.adam.spring.actuate.ReplicaWorld;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AdamHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdamAutoConfiguration.class, AdamHealthAutoConfiguration.class))
            .withPropertyValues("skrl.optim.adam.instances.policy.lr=0.01",
                    "skrl.optim.adam.instances.value.non-finite=skip");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, String name) {
        return (Map<String, Object>) health.getDetails().get(name);
    }

    @Test
    void upWithNoOptimizersAndAfterGoodSteps() {
        runner.run(context -> {
            HealthIndicator health = context.getBean("optimizersHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            Tensors params = model();
            context.getBean(OptimizerFactory.class).create("policy", params).step(gradient(), params);
            Health up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("policy",
                    Map.of("lastStep", "APPLIED", "count", 1L, "consecutiveFailures", 0L));
        });
    }

    @Test
    void byDefaultARejectedStepIsReportedWithoutFailingTheHealth() {
        runner.run(context -> {
            HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
            Tensors params = model();
            Optimizer policy = context.getBean(OptimizerFactory.class).create("policy", params);
            policy.step(gradient(), params);
            Tensors before = params.copy();

            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> policy.step(nanGradient(), params))
                        .isInstanceOf(NonFiniteGradientException.class);
            }

            assertThat(params.contentEquals(before)).isTrue();
            Health report = health.health();
            assertThat(report.getStatus()).isEqualTo(Status.UP);
            Map<String, Object> detail = detail(report, "policy");
            assertThat(detail).containsEntry("lastStep", "REJECTED").containsEntry("count", 1L)
                    .containsEntry("consecutiveFailures", 20L).doesNotContainKey("failureThreshold");
            assertThat((String) detail.get("reason")).contains("NonFiniteGradientException")
                    .contains("gradient 'w' holds NaN at index 1");

            policy.step(gradient(), params);
            assertThat(detail(health.health(), "policy")).containsEntry("consecutiveFailures", 0L)
                    .doesNotContainKey("reason");
        });
    }

    @Test
    void anInstanceThatOptsInTurnsDownAtItsThresholdAndUpAfterItsNextAppliedStep() {
        runner.withPropertyValues("skrl.optim.adam.instances.value.health.allow-health-indicator-to-fail=true",
                "skrl.optim.adam.instances.value.health.failure-threshold=3").run(context -> {
                    HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Tensors policyParams = model();
                    Tensors valueParams = model();
                    Optimizer policy = factory.create("policy", policyParams);
                    Optimizer value = factory.create("value", valueParams);
                    // policy did not opt in: its failures never fail the health
                    for (int i = 0; i < 5; i++) {
                        assertThatThrownBy(() -> policy.step(nanGradient(), policyParams));
                    }
                    value.step(nanGradient(), valueParams);
                    value.step(nanGradient(), valueParams);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);

                    value.step(nanGradient(), valueParams); // the third skipped step in a row

                    Health down = health.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(detail(down, "value")).containsEntry("lastStep", "SKIPPED")
                            .containsEntry("consecutiveFailures", 3L).containsEntry("failureThreshold", 3);
                    assertThat((String) detail(down, "value").get("reason")).contains("non-finite gradient");
                    assertThat(detail(down, "policy")).containsEntry("consecutiveFailures", 5L)
                            .doesNotContainKey("failureThreshold");

                    value.step(gradient(), valueParams);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    void theTopLevelHealthKeysAreEveryInstancesDefault() {
        runner.withPropertyValues("skrl.optim.adam.health.allow-health-indicator-to-fail=true",
                "skrl.optim.adam.health.failure-threshold=2",
                "skrl.optim.adam.instances.value.health.allow-health-indicator-to-fail=false").run(context -> {
                    HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
                    OptimizerFactory factory = context.getBean(OptimizerFactory.class);
                    Tensors valueParams = model();
                    Optimizer value = factory.create("value", valueParams);
                    value.step(nanGradient(), valueParams);
                    value.step(nanGradient(), valueParams);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP); // value opted out

                    Tensors policyParams = model();
                    Optimizer policy = factory.create("policy", policyParams);
                    assertThatThrownBy(() -> policy.step(nanGradient(), policyParams));
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    assertThatThrownBy(() -> policy.step(nanGradient(), policyParams));
                    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
                    assertThat(detail(health.health(), "policy")).containsEntry("failureThreshold", 2);
                });
    }

    @Test
    void aClosedOptimizerIsNoLongerReported() {
        runner.run(context -> {
            HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
            OptimizerFactory factory = context.getBean(OptimizerFactory.class);
            factory.create("policy", model()).close();
            factory.create("value", model());

            assertThat(health.health().getDetails()).containsOnlyKeys("value");
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

    /** A replica's world whose state the test sets; {@code state()} left to the interface unless forming. */
    private static final class SettableWorld implements ReplicaWorld {
        volatile boolean forming = true;
        volatile boolean healthy = true;

        @Override
        public Map<String, Object> describe() {
            return Map.of("rank", 1, "worldSize", 2);
        }

        @Override
        public boolean healthy() {
            return healthy;
        }

        @Override
        public State state() {
            return forming ? State.FORMING : ReplicaWorld.super.state();
        }
    }

    @Test
    void aFormingWorldIsOutOfServiceAFormedOneUpAndABrokenOneDown() {
        SettableWorld world = new SettableWorld();
        runner.withBean(ReplicaWorld.class, () -> world).run(context -> {
            HealthIndicator health = context.getBean(OptimizersHealthIndicator.class);
            Health forming = health.health();
            assertThat(forming.getStatus()).as("not ready, not dead").isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(detail(forming, "distributed")).containsEntry("state", "FORMING").containsEntry("rank", 1)
                    .containsEntry("worldSize", 2);

            world.forming = false;
            Health formed = health.health();
            assertThat(formed.getStatus()).isEqualTo(Status.UP);
            assertThat(detail(formed, "distributed")).containsEntry("state", "FORMED");

            world.healthy = false;
            Health broken = health.health();
            assertThat(broken.getStatus()).isEqualTo(Status.DOWN);
            assertThat(detail(broken, "distributed")).containsEntry("state", "BROKEN");
        });
    }

    @Test
    void anOptimizerThatFailsItsHealthIsDownAlsoWhileTheWorldForms() {
        SettableWorld world = new SettableWorld();
        runner.withBean(ReplicaWorld.class, () -> world)
                .withPropertyValues("skrl.optim.adam.instances.value.health.allow-health-indicator-to-fail=true",
                        "skrl.optim.adam.instances.value.health.failure-threshold=1")
                .run(context -> {
                    Tensors params = model();
                    Optimizer value = context.getBean(OptimizerFactory.class).create("value", params);
                    value.step(nanGradient(), params); // skipped: non-finite=skip
                    Health health = context.getBean(OptimizersHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(detail(health, "distributed")).containsEntry("state", "FORMING");
                });
    }
}
