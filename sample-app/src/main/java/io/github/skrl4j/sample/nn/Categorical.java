package io.github.skrl4j.sample.nn;

import java.util.SplittableRandom;

/**
 * The categorical distribution over unnormalised log-probabilities (logits), as skrl's
 * {@code CategoricalMixin} uses it with {@code unnormalized_log_prob=True}. Works on one row of a
 * row-major logits array; all in double precision.
 */
public final class Categorical {

    private Categorical() {
    }

    /** log(sum(exp(logits))) of one row, computed stably. */
    public static double logSumExp(double[] logits, int offset, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double sum = 0;
        for (int k = 0; k < count; k++) {
            sum += Math.exp(logits[offset + k] - max);
        }
        return max + Math.log(sum);
    }

    /** log p(action) for one row. */
    public static double logProb(double[] logits, int offset, int count, int action) {
        return logProb(logits, offset, action, logSumExp(logits, offset, count));
    }

    /** log p(action) for one row whose {@link #logSumExp} is {@code lse}. */
    public static double logProb(double[] logits, int offset, int action, double lse) {
        return logits[offset + action] - lse;
    }

    /** Entropy {@code -sum p log p} of one row. */
    public static double entropy(double[] logits, int offset, int count) {
        return entropy(logits, offset, count, logSumExp(logits, offset, count));
    }

    /** Entropy {@code -sum p log p} of one row whose {@link #logSumExp} is {@code lse}. */
    public static double entropy(double[] logits, int offset, int count, double lse) {
        double h = 0;
        for (int k = 0; k < count; k++) {
            double logP = logits[offset + k] - lse;
            h -= Math.exp(logP) * logP;
        }
        return h;
    }

    /** Draws an action with probability {@code softmax(logits)}. */
    public static int sample(double[] logits, int offset, int count, SplittableRandom random) {
        return sample(logits, offset, count, logSumExp(logits, offset, count), random);
    }

    /** Draws an action with probability {@code softmax(logits)} from a row whose {@link #logSumExp} is {@code lse}. */
    public static int sample(double[] logits, int offset, int count, double lse, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int k = 0; k < count - 1; k++) {
            cumulative += Math.exp(logits[offset + k] - lse);
            if (u < cumulative) {
                return k;
            }
        }
        return count - 1;
    }

    /** The most probable action (ties go to the lowest index). */
    public static int mode(double[] logits, int offset, int count) {
        int best = 0;
        for (int k = 1; k < count; k++) {
            if (logits[offset + k] > logits[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
