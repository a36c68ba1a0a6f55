package io.github.skrl4j.sample.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** skrl's PPO losses: values by hand, gradients against finite differences. */
class PpoLossesTest {

    @Test
    void policyLossKlAndEntropyMatchTheirDefinitionsOnOneRow() {
        double[] logits = {0.3, -0.2};
        double lse = Math.log(Math.exp(0.3) + Math.exp(-0.2));
        double logP1 = -0.2 - lse;
        double oldLogP = logP1 - 0.1; // ratio = e^0.1 = 1.105 inside [0.8, 1.2]
        PpoLosses.PolicyLoss loss = PpoLosses.policy(logits, 1, 2, new int[] {1}, new float[] {(float) oldLogP},
                new float[] {2f}, 0.2, 0.0, new double[2]);
        double logRatio = logP1 - (float) oldLogP;
        assertThat(loss.loss()).isCloseTo(-2 * Math.exp(logRatio), within(1e-12));
        assertThat(loss.kl()).isCloseTo(Math.exp(logRatio) - 1 - logRatio, within(1e-12));
        double p0 = Math.exp(0.3 - lse);
        double p1 = 1 - p0;
        assertThat(loss.entropy()).isCloseTo(-(p0 * Math.log(p0) + p1 * Math.log(p1)), within(1e-12));
    }

    @Test
    void clippedSurrogateStopsTheGradientOutsideTheTrustRegion() {
        double[] logits = {1.0, -1.0};
        double logP0 = 1.0 - Math.log(Math.exp(1.0) + Math.exp(-1.0));
        double[] grad = new double[2];
        // ratio = e^0.5 = 1.65 > 1.2 with a positive advantage: min picks the clipped, constant term
        PpoLosses.PolicyLoss loss = PpoLosses.policy(logits, 1, 2, new int[] {0}, new float[] {(float) (logP0 - 0.5)},
                new float[] {1f}, 0.2, 0.0, grad);
        assertThat(loss.loss()).isCloseTo(-1.2, within(1e-12));
        assertThat(Math.abs(grad[0]) + Math.abs(grad[1])).isEqualTo(0.0);
        // the same ratio with a negative advantage: min picks the unclipped term, which keeps its gradient
        PpoLosses.policy(logits, 1, 2, new int[] {0}, new float[] {(float) (logP0 - 0.5)}, new float[] {-1f}, 0.2, 0.0,
                grad);
        assertThat(grad[0]).isNotZero();
    }

    @Test
    void policyGradientMatchesFiniteDifferencesWithEntropy() {
        SplittableRandom random = new SplittableRandom(11);
        int rows = 32;
        int actions = 2;
        double[] logits = new double[rows * actions];
        int[] taken = new int[rows];
        float[] oldLogProbs = new float[rows];
        float[] advantages = new float[rows];
        for (int r = 0; r < rows; r++) {
            logits[2 * r] = random.nextGaussian();
            logits[2 * r + 1] = random.nextGaussian();
            taken[r] = random.nextInt(2);
            double logP = logits[2 * r + taken[r]] - logSumExp(logits[2 * r], logits[2 * r + 1]);
            // log-ratios spread over [-0.4, 0.4]: some rows clipped, some not, none on a kink
            double logRatio;
            do {
                logRatio = -0.4 + 0.8 * random.nextDouble();
            } while (Math.abs(Math.exp(logRatio) - 0.8) < 0.01 || Math.abs(Math.exp(logRatio) - 1.2) < 0.01);
            oldLogProbs[r] = (float) (logP - logRatio);
            advantages[r] = (float) random.nextGaussian();
        }
        double entropyScale = 0.05;
        double[] grad = new double[logits.length];
        PpoLosses.policy(logits, rows, actions, taken, oldLogProbs, advantages, 0.2, entropyScale, grad);
        double h = 1e-6;
        for (int i = 0; i < logits.length; i++) {
            double original = logits[i];
            logits[i] = original + h;
            double up = PpoLosses.policy(logits, rows, actions, taken, oldLogProbs, advantages, 0.2, entropyScale,
                    new double[logits.length]).loss();
            logits[i] = original - h;
            double down = PpoLosses.policy(logits, rows, actions, taken, oldLogProbs, advantages, 0.2, entropyScale,
                    new double[logits.length]).loss();
            logits[i] = original;
            assertThat(grad[i]).as("d loss / d logit %d", i).isCloseTo((up - down) / (2 * h), within(1e-7));
        }
    }

    @Test
    void valueLossAndGradientWithAndWithoutClipping() {
        double[] predicted = {1.0, 0.0, 2.5};
        float[] old = {0.9f, 0.5f, 2.0f};
        float[] returns = {2.0f, -1.0f, 2.2f};
        double[] grad = new double[3];
        double loss = PpoLosses.value(predicted, 3, old, returns, 0.5, false, 0.2, grad);
        assertThat(loss).isCloseTo(0.5 * (1.0 + 1.0 + 0.09) / 3, within(1e-6));
        assertThat(grad).containsExactly(new double[] {0.5 * 2 * -1.0 / 3, 0.5 * 2 * 1.0 / 3, 0.5 * 2 * 0.3 / 3},
                within(1e-6));

        // clipped: row 0 moves 0.1 (kept), row 1 moves -0.5 (clipped to 0.3), row 2 moves 0.5 (clipped to 2.2)
        loss = PpoLosses.value(predicted, 3, old, returns, 1.0, true, 0.2, grad);
        assertThat(loss).isCloseTo((1.0 + 1.3 * 1.3 + 0.0) / 3, within(1e-6));
        assertThat(grad[0]).isCloseTo(2 * -1.0 / 3, within(1e-6));
        assertThat(grad[1]).isZero();
        assertThat(grad[2]).isZero();
    }

    private static double logSumExp(double a, double b) {
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
}
