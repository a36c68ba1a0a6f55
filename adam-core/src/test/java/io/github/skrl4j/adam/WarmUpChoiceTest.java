package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The start-up warm-up as a setting: which models warm up under each choice, the builder's handling of
 * it, and that the choice changes no result (a warm-up steps arrays of its own).
 */
class WarmUpChoiceTest {

    @Test
    void automaticWarmsUpFromItsThresholdOnAtStartAlwaysNoneNever() {
        long threshold = WarmUp.AUTOMATIC_MIN_PARAMETERS;
        assertThat(WarmUp.AUTOMATIC.atStart(4_610)).as("the sample's policy").isFalse();
        assertThat(WarmUp.AUTOMATIC.atStart(threshold - 1)).isFalse();
        assertThat(WarmUp.AUTOMATIC.atStart(threshold)).isTrue();
        assertThat(WarmUp.AUTOMATIC.atStart(16_777_216)).isTrue();
        for (long parameters : new long[] {1, 4_610, threshold, 16_777_216}) {
            assertThat(WarmUp.AT_START.atStart(parameters)).isTrue();
            assertThat(WarmUp.NONE.atStart(parameters)).isFalse();
        }
    }

    @Test
    void theBuilderDefaultsToAutomaticKeepsTheChoiceAndRefusesNull() {
        assertThat(Adam.builder().build().warmUp()).isEqualTo(WarmUp.AUTOMATIC);
        Adam none = Adam.builder().warmUp(WarmUp.NONE).build();
        assertThat(none.warmUp()).isEqualTo(WarmUp.NONE);
        assertThat(none.toBuilder().build()).isEqualTo(none);
        assertThat(none).isNotEqualTo(Adam.builder().warmUp(WarmUp.AT_START).build());
        assertThat(none.hashCode()).isNotEqualTo(Adam.builder().warmUp(WarmUp.AT_START).build().hashCode());
        assertThat(none.toString()).contains("warmUp=NONE");
        Adam.Builder builder = Adam.builder();
        assertThatNullPointerException().isThrownBy(() -> builder.warmUp(null)).withMessageContaining("warmUp");
        assertThat(builder.build().warmUp()).as("unchanged by the refused call").isEqualTo(WarmUp.AUTOMATIC);
    }

    /**
     * The same steps from the same start give the same bits with and without a warm-up, for the plain
     * loop and for the others (AMSGrad, Nesterov, weight decay, epsRoot), with a tensor split across
     * two threads; whichever kernel each optimizer's calls reach (with the vector module, a loop warmed
     * at some optimizer's start runs the vector kernel, one no start warmed the portable one).
     */
    @ParameterizedTest(name = "amsgrad {0}, nesterov {1}, weight decay {2}, epsRoot {3}")
    @CsvSource({"false, false, 0, 0", "true, true, 1e-4, 1e-12", "false, true, 1e-4, 0", "true, false, 0, 0"})
    void anOptimizerWithoutWarmUpGivesTheSameBitsAsOneWithIt(boolean amsgrad, boolean nesterov,
                                                            double weightDecay, double epsRoot) {
        Adam.Builder settings = Adam.builder().lr(1e-3).gradNormClip(0.5).amsgrad(amsgrad).nesterov(nesterov)
                .weightDecay(weightDecay).epsRoot(epsRoot).parallelism(2).parallelThreshold(1_000);
        Tensors[] models = new Tensors[3];
        OptimizerState[] states = new OptimizerState[3];
        WarmUp[] choices = {WarmUp.NONE, WarmUp.AT_START, WarmUp.AUTOMATIC};
        for (int k = 0; k < choices.length; k++) {
            models[k] = model(0);
            try (Optimizer optimizer = settings.warmUp(choices[k]).build().init(models[k])) {
                for (int step = 1; step <= 30; step++) {
                    optimizer.step(model(step), models[k]);
                }
                states[k] = optimizer.state();
            }
        }
        for (int k = 1; k < choices.length; k++) {
            assertThat(models[k].contentEquals(models[0])).as("parameters, %s against NONE", choices[k]).isTrue();
            assertThat(states[k].mu().contentEquals(states[0].mu())).as("mu, %s", choices[k]).isTrue();
            assertThat(states[k].nu().contentEquals(states[0].nu())).as("nu, %s", choices[k]).isTrue();
            assertThat(states[k].nuMax().contentEquals(states[0].nuMax())).as("nuMax, %s", choices[k]).isTrue();
        }
        assertThat(models[0].contentEquals(model(0))).as("the steps moved the parameters").isFalse();
    }

    /** Parameters (step 0) or the gradients of a step: a tensor of 5,000 elements, split in two, and a short one. */
    private static Tensors model(int step) {
        float[] w = new float[5_000];
        float[] b = new float[7];
        for (int i = 0; i < w.length; i++) {
            w[i] = step == 0 ? 0.01f * (i % 97) : 1e-3f * (((i + step) % 13) - 6.5f);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = step == 0 ? 0.5f : (step % 3 == 0 ? 0f : 2e-2f * (i - 3));
        }
        return Tensors.of(Tensor.of("w", w, 50, 100), Tensor.of("b", b, 7));
    }
}
