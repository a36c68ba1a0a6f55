package io.github.skrl4j.sample.ppo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.schedule.Schedules;
import org.junit.jupiter.api.Test;

/** Which step form and which learning rate an optimizer's {@code scale} setting selects. */
class StepFormTest {

    private static Tensors params() {
        return Tensors.of(Tensor.of("w", new float[] {0.5f, -0.25f, 1f}, 3));
    }

    private static Tensors grad() {
        return Tensors.of(Tensor.of("w", new float[] {0.1f, -0.3f, 0.2f}, 3));
    }

    /** The parameters after one step of {@code optimizer} through {@link StepForm}, handed {@code agentLr}. */
    private static float[] afterOneStep(Adam settings, double agentLr) {
        Tensors model = params();
        try (Optimizer optimizer = settings.init(model)) {
            StepForm.step(optimizer, grad(), model, agentLr);
        }
        return model.get("w").data();
    }

    /** The parameters after one step of the given form, called directly. */
    private static float[] directly(Adam settings, Double lr) {
        Tensors model = params();
        try (Optimizer optimizer = settings.init(model)) {
            if (lr == null) {
                optimizer.step(grad(), model);
            } else {
                optimizer.step(grad(), model, lr);
            }
        }
        return model.get("w").data();
    }

    @Test
    void anOptimizerWithScaleFalseIsHandedTheAgentsRate() {
        Adam settings = Adam.builder().lr(1e-3).scale(false).build();
        assertThat(afterOneStep(settings, 0.05)).containsExactly(directly(settings, 0.05))
                .isNotEqualTo(directly(Adam.builder().lr(1e-3).scale(true).build(), null));
        try (Optimizer optimizer = settings.init(params())) {
            assertThat(StepForm.appliesItsOwnRate(optimizer)).isFalse();
            assertThat(StepForm.nextLearningRate(optimizer, 0.05)).isEqualTo(0.05);
        }
    }

    @Test
    void anOptimizerWithScaleTrueAppliesItsOwnRateAndIgnoresTheAgents() {
        Adam settings = Adam.builder().lr(1e-3).scale(true).build();
        assertThat(afterOneStep(settings, 0.05)).containsExactly(directly(settings, null));
        try (Optimizer optimizer = settings.init(params())) {
            assertThat(StepForm.appliesItsOwnRate(optimizer)).isTrue();
            assertThat(StepForm.nextLearningRate(optimizer, 0.05)).isEqualTo(1e-3);
        }
    }

    @Test
    void aScheduledOptimizersNextRateIsItsScheduleAtItsCount() {
        Adam settings = Adam.builder().lr(Schedules.linear(1e-2, 0, 10, 0)).scale(true).build();
        Tensors model = params();
        try (Optimizer optimizer = settings.init(model)) {
            assertThat(StepForm.nextLearningRate(optimizer, 0.05)).isEqualTo(1e-2);
            StepForm.step(optimizer, grad(), model, 0.05);
            StepForm.step(optimizer, grad(), model, 0.05);
            assertThat(StepForm.nextLearningRate(optimizer, 0.05)).isCloseTo(8e-3, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(optimizer.lastLearningRate()).isCloseTo(9e-3, org.assertj.core.data.Offset.offset(1e-12));
        }
    }
}
