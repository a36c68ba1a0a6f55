package io.github.skrl4j.adam.spring.actuate;

import static io.github.skrl4j.adam.spring.TestModels.gradient;
import static io.github.skrl4j.adam.spring.TestModels.model;
import static io.github.skrl4j.adam.spring.TestModels.nanGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.NonFinitePolicy;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.spring.OptimizerRegistry;
import org.junit.jupiter.api.Test;

class StepOutcomesTest {

    private final OptimizerRegistry registry = new OptimizerRegistry();
    private final StepOutcomes outcomes = new StepOutcomes().bindTo(registry);

    private static Optimizer optimizer(String name, NonFinitePolicy policy) {
        return Adam.builder().name(name).nonFinitePolicy(policy).build().init(model());
    }

    @Test
    void lastStepFollowsAppliedSkippedAndRejectedSteps() {
        Optimizer skipping = registry.register(optimizer("skipping", NonFinitePolicy.SKIP));
        Optimizer strict = registry.register(optimizer("strict", NonFinitePolicy.ERROR));
        Tensors params = model();
        assertThat(outcomes.of("strict")).isEqualTo(new StepOutcome(StepOutcome.Status.NONE, 0, 0, null));

        strict.step(gradient(), params);
        assertThat(outcomes.of("strict")).isEqualTo(new StepOutcome(StepOutcome.Status.APPLIED, 1, 0, null));

        assertThatThrownBy(() -> strict.step(nanGradient(), params));
        StepOutcome rejected = outcomes.of("strict");
        assertThat(rejected.status()).isEqualTo(StepOutcome.Status.REJECTED);
        assertThat(rejected.count()).isEqualTo(1);
        assertThat(rejected.consecutiveFailures()).isEqualTo(1);
        assertThat(rejected.healthy()).isFalse();
        assertThat(rejected.reason()).startsWith("NonFiniteGradientException: ").contains("gradient 'w'");

        skipping.step(nanGradient(), params);
        StepOutcome skipped = outcomes.of("skipping");
        assertThat(skipped.status()).isEqualTo(StepOutcome.Status.SKIPPED);
        assertThat(skipped.count()).isZero();
        skipping.step(nanGradient(), params);
        assertThat(outcomes.of("skipping").consecutiveFailures()).isEqualTo(2);
        assertThat(skipped.reason()).contains("non-finite gradient").contains("NaN");

        skipping.step(gradient(), params);
        assertThat(outcomes.of("skipping").healthy()).isTrue();
        assertThat(outcomes.of("skipping").consecutiveFailures()).isZero();
        assertThat(outcomes.of("skipping").reason()).isNull();
    }

    @Test
    void aReplacedOptimizerIsNoLongerFollowed() {
        Optimizer first = registry.register(optimizer("policy", NonFinitePolicy.ERROR));
        registry.register(optimizer("policy", NonFinitePolicy.ERROR));

        assertThat(outcomes.of(first)).isNull();
        assertThat(outcomes.of("policy").status()).isEqualTo(StepOutcome.Status.NONE);
    }

    @Test
    void optimizersRegisteredBeforeBindingAreFollowed() {
        OptimizerRegistry earlier = new OptimizerRegistry();
        Optimizer policy = earlier.register(optimizer("policy", NonFinitePolicy.ERROR));
        StepOutcomes late = new StepOutcomes().bindTo(earlier);
        Tensors params = model();
        policy.step(gradient(), params);

        assertThat(late.of("policy")).isEqualTo(new StepOutcome(StepOutcome.Status.APPLIED, 1, 0, null));
        assertThat(late.of("value")).isNull();
    }
}
