package io.github.skrl4j.adam.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.LearningRateSchedule;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules driving a real {@link Optimizer}: evaluated at the count before each step, as in Optax. */
class ScheduledAdamTest {

    private static Tensors params() {
        return Tensors.of(Tensor.of("w", new float[] {0.5f, -1.25f, 2f}, 3), Tensor.of("b", new float[] {0.1f}));
    }

    private static Tensors grad(int step) {
        return Tensors.of(Tensor.of("w", new float[] {0.3f - step * 0.01f, 0.7f, -0.2f * step}, 3),
                Tensor.of("b", new float[] {1f / (step + 1)}));
    }

    @Test
    void cosineDecayGivesEachStepTheLrOfTheCountBeforeIt() {
        LearningRateSchedule schedule = Schedules.cosineDecay(0.1, 4, 0, 1);
        Tensors params = params();
        Optimizer optimizer = Adam.builder().lr(schedule).build().init(params);
        List<Double> lrs = new ArrayList<>();
        for (int step = 0; step < 6; step++) {
            optimizer.step(grad(step), params);
            lrs.add(optimizer.lastLearningRate());
        }
        double c = 0.5 * (1 + Math.cos(Math.PI / 4));
        assertThat(lrs).containsExactly(0.1, 0.1 * c, 0.1 * 0.5, 0.1 * (1 - c), 0.0, 0.0);
    }

    @Test
    void warmupScheduleStartsAtItsInitValue() {
        Tensors params = params();
        Optimizer optimizer = Adam.builder().lr(Schedules.warmupCosineDecay(0, 1e-2, 2, 10, 1e-3, 1))
                .build().init(params);
        optimizer.step(grad(0), params);
        assertThat(optimizer.lastLearningRate()).isEqualTo(0.0);
        // lr 0 at the first step leaves the parameters but still counts the step and moves the moments
        assertThat(params.contentEquals(params())).isTrue();
        assertThat(optimizer.count()).isEqualTo(1);
        optimizer.step(grad(1), params);
        assertThat(optimizer.lastLearningRate()).isEqualTo(5e-3);
        optimizer.step(grad(2), params);
        assertThat(optimizer.lastLearningRate()).isEqualTo(1e-2);
    }

    @Test
    void constantScheduleStepsBitForBitLikeTheFixedLr() {
        Tensors fixedParams = params();
        Tensors scheduledParams = params();
        Optimizer fixed = Adam.builder().lr(3e-3).gradNormClip(0.5).build().init(fixedParams);
        Optimizer scheduled = Adam.builder().lr(Schedules.constant(3e-3)).gradNormClip(0.5).build()
                .init(scheduledParams);
        for (int step = 0; step < 10; step++) {
            fixed.step(grad(step), fixedParams);
            scheduled.step(grad(step), scheduledParams);
        }
        assertThat(scheduledParams.contentEquals(fixedParams)).isTrue();
        assertThat(scheduled.state().mu().contentEquals(fixed.state().mu())).isTrue();
    }

    @Test
    void klAdaptiveLrFeedsScaleFalseSteps() {
        Tensors params = params();
        Optimizer optimizer = Adam.create(params, 1e-3, 0, false);
        KLAdaptiveLR.Tracker lr = KLAdaptiveLR.defaults().tracker(1e-3);
        double[] measuredKl = {0.05, 0.001, 0.01};
        double[] expectedLr = {1e-3, 1e-3 / 1.5, 1e-3 / 1.5 * 1.5};
        for (int step = 0; step < measuredKl.length; step++) {
            optimizer.step(grad(step), params, lr.lr());
            assertThat(optimizer.lastLearningRate()).isEqualTo(expectedLr[step]);
            lr.update(measuredKl[step]);
        }
    }
}
