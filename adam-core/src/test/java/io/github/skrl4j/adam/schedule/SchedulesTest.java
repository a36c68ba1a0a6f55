package io.github.skrl4j.adam.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.LearningRateSchedule;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Values computed by hand from the formulas in Optax's {@code optax/schedules/_schedule.py}
 * (docstrings and code), including its edge cases.
 */
class SchedulesTest {

    private static final double TOL = 1e-15;

    @Nested
    class Constant {
        @Test
        void holdsItsValueAtEveryCount() {
            LearningRateSchedule s = Schedules.constant(5);
            assertThat(s.at(0)).isEqualTo(5);
            assertThat(s.at(100)).isEqualTo(5);
            assertThat(s.at(Long.MAX_VALUE)).isEqualTo(5);
        }

        @Test
        void rejectsNonFiniteValue() {
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.constant(Double.NaN))
                    .withMessageContaining("value");
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.constant(Double.POSITIVE_INFINITY))
                    .withMessageContaining("value");
        }
    }

    @Nested
    class Linear {
        @Test
        void optaxDocstringExample() {
            // optax.linear_schedule(init_value=1.0, end_value=0.01, transition_steps=100)
            LearningRateSchedule s = Schedules.linear(1.0, 0.01, 100, 0);
            assertThat(s.at(0)).isEqualTo(1.0);
            assertThat(s.at(100)).isEqualTo(0.01);
            // (I - E) * (1 - t/T) + E
            assertThat(s.at(50)).isCloseTo(0.99 * 0.5 + 0.01, within(TOL));
            assertThat(s.at(1)).isCloseTo(0.99 * 0.99 + 0.01, within(TOL));
            assertThat(s.at(1000)).isEqualTo(0.01);
        }

        @Test
        void holdsInitValueUntilTransitionBegin() {
            LearningRateSchedule s = Schedules.linear(1.0, 0.01, 100, 5);
            assertThat(s.at(0)).isEqualTo(1.0);
            assertThat(s.at(5)).isEqualTo(1.0);
            assertThat(s.at(6)).isCloseTo(1 - 0.99 / 100, within(TOL));
            assertThat(s.at(104)).isCloseTo(0.99 / 100 + 0.01, within(TOL));
            assertThat(s.at(105)).isEqualTo(0.01);
            assertThat(s.at(110)).isEqualTo(0.01);
        }

        @Test
        void increasesAsWellAsDecreases() {
            LearningRateSchedule warmup = Schedules.linear(0, 1e-3, 4, 0);
            assertThat(warmup.at(0)).isEqualTo(0);
            assertThat(warmup.at(1)).isCloseTo(0.25e-3, within(TOL));
            assertThat(warmup.at(2)).isCloseTo(0.5e-3, within(TOL));
            assertThat(warmup.at(4)).isEqualTo(1e-3);
        }

        @Test
        void nonPositiveTransitionStepsHoldInitValueAsInOptax() {
            assertThat(Schedules.linear(0.3, 0.1, 0, 0).at(1000)).isEqualTo(0.3);
            assertThat(Schedules.linear(0.3, 0.1, -5, 2).at(0)).isEqualTo(0.3);
        }

        @Test
        void validatesArguments() {
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.linear(Double.NaN, 0, 10, 0))
                    .withMessageContaining("initValue");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.linear(1, Double.NEGATIVE_INFINITY, 10, 0))
                    .withMessageContaining("endValue");
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.linear(1, 0, 10, -1))
                    .withMessageContaining("transitionBegin");
        }

        @Test
        void countsNearLongMaxDoNotOverflow() {
            assertThat(Schedules.linear(1, 0, 10, 3).at(Long.MAX_VALUE)).isEqualTo(0);
        }
    }

    @Nested
    class ExponentialDecay {
        @Test
        void continuousDecay() {
            // init * rate ^ ((count - begin) / steps)
            LearningRateSchedule s = Schedules.exponentialDecay(1.0, 10, 0.5, 0, false, null);
            assertThat(s.at(0)).isEqualTo(1.0);
            assertThat(s.at(5)).isCloseTo(Math.sqrt(0.5), within(TOL));
            assertThat(s.at(10)).isCloseTo(0.5, within(TOL));
            assertThat(s.at(15)).isCloseTo(0.5 * Math.sqrt(0.5), within(TOL));
            assertThat(s.at(30)).isCloseTo(0.125, within(TOL));
        }

        @Test
        void staircaseFloorsTheExponent() {
            LearningRateSchedule s = Schedules.exponentialDecay(2.0, 10, 0.5, 0, true, null);
            assertThat(s.at(9)).isEqualTo(2.0);
            assertThat(s.at(10)).isEqualTo(1.0);
            assertThat(s.at(19)).isEqualTo(1.0);
            assertThat(s.at(20)).isEqualTo(0.5);
        }

        @Test
        void transitionBeginDelaysTheDecay() {
            LearningRateSchedule s = Schedules.exponentialDecay(1.0, 10, 0.5, 5, false, null);
            assertThat(s.at(0)).isEqualTo(1.0);
            assertThat(s.at(5)).isEqualTo(1.0);
            assertThat(s.at(15)).isCloseTo(0.5, within(TOL));
        }

        @Test
        void endValueIsALowerBoundWhenDecaying() {
            LearningRateSchedule s = Schedules.exponentialDecay(1.0, 10, 0.5, 0, false, 0.3);
            assertThat(s.at(10)).isCloseTo(0.5, within(TOL));
            assertThat(s.at(20)).isEqualTo(0.3);
            assertThat(s.at(1000)).isEqualTo(0.3);
        }

        @Test
        void endValueIsAnUpperBoundWhenGrowing() {
            LearningRateSchedule s = Schedules.exponentialDecay(1.0, 10, 2.0, 0, false, 3.0);
            assertThat(s.at(10)).isCloseTo(2.0, within(TOL));
            assertThat(s.at(20)).isEqualTo(3.0);
        }

        @Test
        void endValueClipsTheInitialStepsTooAsInOptax() {
            // jnp.maximum(decayed_value, end_value) applies to the held init_value as well
            LearningRateSchedule s = Schedules.exponentialDecay(1.0, 10, 0.5, 5, false, 2.0);
            assertThat(s.at(0)).isEqualTo(2.0);
            assertThat(s.at(100)).isEqualTo(2.0);
        }

        @Test
        void degenerateArgumentsGiveTheBareInitValueAsInOptax() {
            // transition_steps <= 0 and decay_rate == 0 return before any end_value clipping
            assertThat(Schedules.exponentialDecay(1.0, 0, 0.5, 0, false, 2.0).at(50)).isEqualTo(1.0);
            assertThat(Schedules.exponentialDecay(1.0, -3, 0.5, 0, false, null).at(50)).isEqualTo(1.0);
            assertThat(Schedules.exponentialDecay(1.0, 10, 0, 0, false, 2.0).at(50)).isEqualTo(1.0);
        }

        @Test
        void validatesArguments() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.exponentialDecay(Double.NaN, 10, 0.5, 0, false, null))
                    .withMessageContaining("initValue");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.exponentialDecay(1, 10, -0.5, 0, false, null))
                    .withMessageContaining("decayRate");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.exponentialDecay(1, 10, Double.NaN, 0, false, null))
                    .withMessageContaining("decayRate");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.exponentialDecay(1, 10, 0.5, -1, false, null))
                    .withMessageContaining("transitionBegin");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.exponentialDecay(1, 10, 0.5, 0, false, Double.NaN))
                    .withMessageContaining("endValue");
        }
    }

    @Nested
    class CosineDecay {
        @Test
        void halfCosineFromInitToZero() {
            // init * ((1 - alpha) * (0.5 * (1 + cos(pi * t / T)))^p + alpha)
            LearningRateSchedule s = Schedules.cosineDecay(1.0, 100, 0, 1);
            assertThat(s.at(0)).isEqualTo(1.0);
            assertThat(s.at(25)).isCloseTo(0.5 * (1 + Math.sqrt(0.5)), within(TOL));
            assertThat(s.at(50)).isCloseTo(0.5, within(TOL));
            assertThat(s.at(75)).isCloseTo(0.5 * (1 - Math.sqrt(0.5)), within(TOL));
            assertThat(s.at(100)).isEqualTo(0.0);
            assertThat(s.at(200)).isEqualTo(0.0);
        }

        @Test
        void alphaIsTheFinalMultiplier() {
            LearningRateSchedule s = Schedules.cosineDecay(2.0, 100, 0.1, 1);
            assertThat(s.at(0)).isCloseTo(2.0, within(TOL));
            assertThat(s.at(50)).isCloseTo(2.0 * (0.9 * 0.5 + 0.1), within(TOL));
            assertThat(s.at(100)).isCloseTo(0.2, within(TOL));
            assertThat(s.at(5000)).isCloseTo(0.2, within(TOL));
        }

        @Test
        void exponentPowersTheCosineFactorOnly() {
            LearningRateSchedule s = Schedules.cosineDecay(1.0, 100, 0.2, 2);
            assertThat(s.at(50)).isCloseTo(0.8 * 0.25 + 0.2, within(TOL));
        }

        @Test
        void validatesArguments() {
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.cosineDecay(1, 0, 0, 1))
                    .withMessageContaining("decaySteps");
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.cosineDecay(Double.NaN, 10, 0, 1))
                    .withMessageContaining("initValue");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.cosineDecay(1, 10, Double.POSITIVE_INFINITY, 1))
                    .withMessageContaining("alpha");
            assertThatIllegalArgumentException().isThrownBy(() -> Schedules.cosineDecay(1, 10, 0, Double.NaN))
                    .withMessageContaining("exponent");
        }
    }

    @Nested
    class WarmupCosineDecay {
        @Test
        void linearWarmupThenCosineOverTheRestOfDecaySteps() {
            // decay_steps = 110 includes the 10 warm-up steps: the cosine runs over 100
            LearningRateSchedule s = Schedules.warmupCosineDecay(0.0, 1.0, 10, 110, 0.1, 1);
            assertThat(s.at(0)).isEqualTo(0.0);
            assertThat(s.at(5)).isCloseTo(0.5, within(TOL));
            assertThat(s.at(10)).isEqualTo(1.0);
            // alpha = end / peak = 0.1
            assertThat(s.at(60)).isCloseTo(0.9 * 0.5 + 0.1, within(TOL));
            assertThat(s.at(110)).isCloseTo(0.1, within(TOL));
            assertThat(s.at(10_000)).isCloseTo(0.1, within(TOL));
        }

        @Test
        void noWarmupStartsAtThePeak() {
            LearningRateSchedule s = Schedules.warmupCosineDecay(0.5, 2.0, 0, 100, 0, 1);
            assertThat(s.at(0)).isEqualTo(2.0);
            assertThat(s.at(50)).isCloseTo(1.0, within(TOL));
        }

        @Test
        void exponentShapesTheDecay() {
            LearningRateSchedule s = Schedules.warmupCosineDecay(0, 1.0, 10, 110, 0, 2);
            assertThat(s.at(60)).isCloseTo(0.25, within(TOL));
        }

        @Test
        void zeroPeakMeansAlphaZeroAsInOptax() {
            LearningRateSchedule s = Schedules.warmupCosineDecay(1.0, 0.0, 10, 20, 0.5, 1);
            assertThat(s.at(5)).isCloseTo(0.5, within(TOL));
            assertThat(s.at(15)).isEqualTo(0.0);
        }

        @Test
        void validatesArguments() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.warmupCosineDecay(0, 1, 10, 10, 0, 1))
                    .withMessageContaining("decaySteps").withMessageContaining("includes the warm-up");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.warmupCosineDecay(0, 1, -1, 10, 0, 1))
                    .withMessageContaining("warmupSteps");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.warmupCosineDecay(0, Double.NaN, 1, 10, 0, 1))
                    .withMessageContaining("peakValue");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Schedules.warmupCosineDecay(0, 1, 1, 10, Double.NaN, 1))
                    .withMessageContaining("endValue");
        }
    }

    @Test
    void schedulesAreValuesWithReadableNames() {
        assertThat(Schedules.cosineDecay(1e-3, 100, 0, 1)).isEqualTo(Schedules.cosineDecay(1e-3, 100, 0, 1))
                .hasSameHashCodeAs(Schedules.cosineDecay(1e-3, 100, 0, 1))
                .isNotEqualTo(Schedules.cosineDecay(1e-3, 101, 0, 1));
        assertThat(Schedules.cosineDecay(1e-3, 100, 0, 1))
                .hasToString("cosineDecay(initValue=0.001, decaySteps=100, alpha=0.0, exponent=1.0)");
        assertThat(Schedules.exponentialDecay(1, 10, 0.5, 0, true, 0.1).toString())
                .startsWith("exponentialDecay(").contains("staircase=true", "endValue=0.1");
        assertThat(Schedules.warmupCosineDecay(0, 1, 10, 110, 0, 1).toString())
                .startsWith("warmupCosineDecay(").contains("warmupSteps=10", "decaySteps=110");
        assertThat(Schedules.linear(1, 0, 10, 2).toString()).startsWith("linear(").contains("transitionBegin=2");
        assertThat(Schedules.constant(0.5)).hasToString("constant(value=0.5)");
    }
}
