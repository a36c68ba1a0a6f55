package io.github.skrl4j.sample.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CartPoleTest {

    private static final double EXACT = 1e-12;

    @Test
    void pushFromRestFollowsTheEquationsByHand() {
        // temp = F / M = 10 / 1.1; thetaacc = -temp / (l (4/3 - m/M)) = -600/41; xacc = temp - ml thetaacc / M = 400/41
        // Euler: x_dot = tau * xacc = 8/41, theta_dot = tau * thetaacc = -12/41; positions keep the old (zero) velocities
        CartPole env = new CartPole(0);
        env.resetTo(0, 0, 0, 0);
        StepResult step = env.step(1);

        assertThat(env.state()).containsExactly(new double[] {0, 8.0 / 41, 0, -12.0 / 41}, within(EXACT));
        assertThat(step.observation()).containsExactly(0f, (float) (8.0 / 41), 0f, (float) (-12.0 / 41));
        assertThat(step.reward()).isEqualTo(1f);
        assertThat(step.terminated()).isFalse();
        assertThat(step.truncated()).isFalse();
    }

    @Test
    void tiltedStateMatchesGymnasiumsEquationsForBothPushes() {
        // values from Gymnasium's step() equations evaluated in double precision
        CartPole env = new CartPole(0);
        env.resetTo(0.01, -0.02, 0.03, 0.04);
        env.step(0);
        assertThat(env.state()).containsExactly(
                new double[] {0.0096, -0.21553901710278936, 0.0308, 0.34199522377603914}, within(EXACT));

        env.resetTo(0.01, -0.02, 0.03, 0.04);
        env.step(1);
        assertThat(env.state()).containsExactly(
                new double[] {0.0096, 0.17467919574755525, 0.0308, -0.2430687179600081}, within(EXACT));
    }

    @Test
    void aSequenceOfPushesAccumulatesExactly() {
        CartPole env = new CartPole(0);
        env.resetTo(0.01, -0.02, 0.03, 0.04);
        for (int action : new int[] {1, 1, 0, 1, 0, 0}) {
            env.step(action);
        }
        assertThat(env.state()).containsExactly(new double[] {0.03480323974671547, -0.021636386741578473,
                -0.0036762995652430356, 0.07607816471983775}, within(EXACT));
        assertThat(env.elapsedSteps()).isEqualTo(6);
    }

    @Test
    void thresholdsAreTwelveDegreesAndTwoPointFourMetres() {
        assertThat(CartPole.THETA_THRESHOLD_RADIANS).isCloseTo(0.20943951023931953, within(1e-15));
        assertThat(CartPole.X_THRESHOLD).isEqualTo(2.4);
        assertThat(CartPole.MAX_EPISODE_STEPS).isEqualTo(500);
    }

    @Test
    void pushingOneWayTerminatesWhenThePoleFallsAndStillPaysTheLastStep() {
        CartPole env = new CartPole(0);
        env.resetTo(0, 0, 0, 0);
        int steps = 0;
        StepResult step;
        do {
            step = env.step(1);
            steps++;
            assertThat(step.reward()).isEqualTo(1f);
        } while (!step.done());
        // the pole passes -12 degrees on the 9th push
        assertThat(steps).isEqualTo(9);
        assertThat(step.terminated()).isTrue();
        assertThat(step.truncated()).isFalse();
        assertThat(env.state()[2]).isLessThan(-CartPole.THETA_THRESHOLD_RADIANS);
        assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("reset");
    }

    @Test
    void leavingTheTrackTerminates() {
        CartPole env = new CartPole(0);
        env.resetTo(2.39, 1.0, 0, 0);
        StepResult step = env.step(1);
        assertThat(env.state()[0]).isGreaterThan(CartPole.X_THRESHOLD);
        assertThat(step.terminated()).isTrue();
    }

    @Test
    void aBalancedPoleIsTruncatedAtFiveHundredSteps() {
        CartPole env = new CartPole(7);
        float[] obs = env.reset();
        int steps = 0;
        StepResult step;
        do {
            // a linear state-feedback controller that keeps the pole up indefinitely
            double u = 0.5 * obs[0] + 1.0 * obs[1] + 10 * obs[2] + 2 * obs[3];
            step = env.step(u > 0 ? 1 : 0);
            obs = step.observation();
            steps++;
        } while (!step.done());
        assertThat(steps).isEqualTo(500);
        assertThat(step.truncated()).isTrue();
        assertThat(step.terminated()).isFalse();
    }

    @Test
    void resetIsUniformInFiveHundredthsAndSeeded() {
        CartPole a = new CartPole(123);
        CartPole b = new CartPole(123);
        CartPole c = new CartPole(124);
        boolean differs = false;
        double min = 1;
        double max = -1;
        for (int episode = 0; episode < 2000; episode++) {
            float[] oa = a.reset();
            assertThat(b.reset()).containsExactly(oa);
            differs |= !java.util.Arrays.equals(oa, c.reset());
            for (double v : a.state()) {
                assertThat(v).isBetween(-0.05, 0.05);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertThat(differs).isTrue();
        // 8000 draws cover the interval nearly to its ends
        assertThat(min).isLessThan(-0.049);
        assertThat(max).isGreaterThan(0.049);
    }

    @Test
    void refusesUnknownActionsAndStepsBeforeReset() {
        CartPole env = new CartPole(1);
        assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
        env.reset();
        assertThatThrownBy(() -> env.step(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 or 1");
        double[] before = env.state();
        assertThatThrownBy(() -> env.step(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(env.state()).containsExactly(before);
    }
}
