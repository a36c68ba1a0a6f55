package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.sample.nn.Categorical;

/**
 * skrl's PPO losses on one mini-batch, with their gradients with respect to the networks' outputs
 * (the logits, the predicted values), so that {@link io.github.skrl4j.sample.nn.MlpPass#backward}
 * can take them from there. Means run over the mini-batch, as {@code .mean()} does in skrl.
 */
public final class PpoLosses {

    private PpoLosses() {
    }

    /**
     * The policy loss and what skrl reports with it.
     *
     * @param loss    clipped surrogate loss plus entropy loss
     * @param entropy mean entropy of the new policy
     * @param kl      approximate KL divergence {@code mean((exp(r) - 1) - r)}, {@code r = logp' - logp}
     */
    public record PolicyLoss(double loss, double entropy, double kl) {
    }

    /**
     * {@code -mean(min(A * ratio, A * clip(ratio, 1 - c, 1 + c))) - entropyScale * mean(entropy)}.
     *
     * @param logits         row-major {@code rows x actionCount} from the policy network
     * @param actions        taken actions, indexed like the rows
     * @param oldLogProbs    log-probabilities at collection time
     * @param advantages     normalised advantages
     * @param logitGradients receives d loss / d logits, row-major like {@code logits}
     */
    public static PolicyLoss policy(double[] logits, int rows, int actionCount, int[] actions, float[] oldLogProbs,
            float[] advantages, double ratioClip, double entropyScale, double[] logitGradients) {
        double surrogateSum = 0;
        double entropySum = 0;
        double klSum = 0;
        for (int r = 0; r < rows; r++) {
            int offset = r * actionCount;
            double lse = Categorical.logSumExp(logits, offset, actionCount);
            double logProb = Categorical.logProb(logits, offset, actions[r], lse);
            double logRatio = logProb - oldLogProbs[r];
            double ratio = Math.exp(logRatio);
            klSum += (ratio - 1) - logRatio;
            double advantage = advantages[r];
            double surrogate = advantage * ratio;
            double clipped = advantage * Math.max(1 - ratioClip, Math.min(1 + ratioClip, ratio));
            surrogateSum += Math.min(surrogate, clipped);
            // where the clipped term is the smaller one, the ratio lies outside the clip range and
            // the clipped term is constant: no gradient. Elsewhere d(-A * ratio)/d logp = -A * ratio.
            double dLogProb = surrogate <= clipped ? -advantage * ratio / rows : 0;

            double entropy = Categorical.entropy(logits, offset, actionCount, lse);
            entropySum += entropy;
            for (int k = 0; k < actionCount; k++) {
                double lp = logits[offset + k] - lse;
                double p = Math.exp(lp);
                // d logp(a) / d logit_k = [k == a] - p_k;  d H / d logit_k = -p_k (log p_k + H)
                double g = dLogProb * ((k == actions[r] ? 1 : 0) - p);
                g += entropyScale * p * (lp + entropy) / rows;
                logitGradients[offset + k] = g;
            }
        }
        double entropyMean = entropySum / rows;
        double loss = -surrogateSum / rows - entropyScale * entropyMean;
        return new PolicyLoss(loss, entropyMean, klSum / rows);
    }

    /**
     * {@code valueLossScale * mean((R - V')^2)}, where {@code V'} is the prediction, clipped to
     * {@code V_old +- valueClip} when {@code clipPredictedValues}.
     *
     * @param predicted       the value network's outputs, one per row
     * @param oldValues       values recorded at collection time
     * @param returns         GAE returns
     * @param valueGradients  receives d loss / d predicted
     * @return the loss
     */
    public static double value(double[] predicted, int rows, float[] oldValues, float[] returns, double valueLossScale,
            boolean clipPredictedValues, double valueClip, double[] valueGradients) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double v = predicted[r];
            double pass = 1;
            if (clipPredictedValues) {
                double delta = v - oldValues[r];
                if (delta > valueClip || delta < -valueClip) {
                    pass = 0;
                }
                v = oldValues[r] + Math.max(-valueClip, Math.min(valueClip, delta));
            }
            double error = v - returns[r];
            sum += error * error;
            valueGradients[r] = pass * valueLossScale * 2 * error / rows;
        }
        return valueLossScale * sum / rows;
    }
}
