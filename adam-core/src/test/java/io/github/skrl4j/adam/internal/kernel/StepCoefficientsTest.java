package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.AdamSettings;
import org.junit.jupiter.api.Test;

/**
 * The coefficients skip the bias-correction powers once they are exactly 1: the values must be the
 * ones a fresh instance (as a restored optimizer has) computes with the powers, at every count.
 */
class StepCoefficientsTest {

    private static void assertSameCoefficients(StepCoefficients actual, StepCoefficients expected, long count) {
        String at = "count " + count;
        assertThat(Float.floatToRawIntBits(actual.step)).as(at).isEqualTo(Float.floatToRawIntBits(expected.step));
        assertThat(Float.floatToRawIntBits(actual.rbc2)).as(at).isEqualTo(Float.floatToRawIntBits(expected.rbc2));
        assertThat(Float.floatToRawIntBits(actual.muScale)).as(at).isEqualTo(Float.floatToRawIntBits(expected.muScale));
        assertThat(Float.floatToRawIntBits(actual.nuScale)).as(at).isEqualTo(Float.floatToRawIntBits(expected.nuScale));
        assertThat(Float.floatToRawIntBits(actual.gradScale)).as(at)
                .isEqualTo(Float.floatToRawIntBits(expected.gradScale));
    }

    @Test
    void reusedCoefficientsEqualFreshOnesAtEveryCountAcrossTheSaturation() {
        for (Adam config : new Adam[] {Adam.builder().build(), Adam.builder().nesterov(true).build(),
                Adam.builder().b1(0.5).b2(0.99).build(), Adam.builder().b1(0).build()}) {
            StepCoefficients reused = new StepCoefficients();
            // past b2 = 0.999's saturation (~37,000): both corrections switch to the shortcut on the way
            for (long count = 1; count <= 40_000; count++) {
                reused.set(config.settings(), count, 0.5, 1e-3);
                StepCoefficients fresh = new StepCoefficients();
                fresh.set(config.settings(), count, 0.5, 1e-3);
                assertSameCoefficients(reused, fresh, count);
            }
            // a restored optimizer starts late, then an earlier count (a different optimizer's history)
            StepCoefficients late = new StepCoefficients();
            for (long count : new long[] {1_000_000, 3, 50_000, 2, 36_000, 37_500}) {
                late.set(config.settings(), count, 1.0, 1e-3);
                StepCoefficients fresh = new StepCoefficients();
                fresh.set(config.settings(), count, 1.0, 1e-3);
                assertSameCoefficients(late, fresh, count);
            }
        }
    }

    @Test
    void aChangedDecayRateIsNotAnsweredFromTheOldOne() {
        StepCoefficients c = new StepCoefficients();
        c.set(AdamSettings.DEFAULTS, 1_000_000, 1.0, 1e-3);
        assertThat(c.step).isEqualTo(1e-3f); // 1 - 0.9^1e6 == 1
        c.set(Adam.builder().b1(0.999999).build().settings(), 1_000_000, 1.0, 1e-3);
        assertThat(c.step).isEqualTo((float) (1e-3 / (1 - Math.pow(0.999999, 1_000_000))));
        assertThat(c.step).isGreaterThan(1.5e-3f);
    }
}
