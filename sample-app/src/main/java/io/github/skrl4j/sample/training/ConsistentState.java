package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.NewestState;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import org.jspecify.annotations.Nullable;

/**
 * The last state of the run that every replica of the world was shown to hold (after the start-state check or
 * a passed divergence check), or the checkpoint this replica was resumed from: what it goes back to when the
 * world breaks, and the version it offers when the world re-forms ({@link NewestState#elect}).
 *
 * <p>Taken on the training thread once per update: the networks' parameters are copied into arrays allocated
 * once (about 9,000 floats), the optimizers' count and moments are their {@code state()} copies, the progress
 * a few counters and the 100 returns.
 */
final class ConsistentState {

    private float @Nullable [][] policy;
    private float @Nullable [][] value;
    private @Nullable OptimizerState policyOptimizer;
    private @Nullable OptimizerState valueOptimizer;
    private long episodes;
    private long environmentSteps;
    private long updates;
    private float[] recentReturns = new float[0];
    private double policyLearningRate;
    private long version = NewestState.NONE;

    /** Keeps {@code agent}'s and {@code progress}'s state now as the last consistent one; its version is the update count. */
    void take(PpoAgent agent, TrainingProgress progress) {
        policy = copy(agent.policy().parameters(), policy);
        value = copy(agent.value().parameters(), value);
        policyOptimizer = agent.policyOptimizer().state();
        valueOptimizer = agent.valueOptimizer().state();
        episodes = progress.episodes();
        environmentSteps = progress.environmentSteps();
        updates = progress.updates();
        recentReturns = progress.recentReturns();
        policyLearningRate = agent.policyLearningRate();
        version = updates;
    }

    /** The version offered to a re-forming world: the update count of the state held, or {@link NewestState#NONE}. */
    long version() {
        return version;
    }

    /** True once a state is held. */
    boolean held() {
        return version != NewestState.NONE;
    }

    /**
     * Writes the networks' parameters back into {@code agent}'s (in place) and continues the run from the held
     * state, the optimizers rebuilt by {@code rebuild}.
     *
     * @throws IllegalStateException if no state is held
     */
    RunStart restore(PpoAgent agent, RunStart.Rebuild rebuild, @Nullable String resumedFrom) {
        float[][] p = policy;
        float[][] v = value;
        OptimizerState po = policyOptimizer;
        OptimizerState vo = valueOptimizer;
        if (p == null || v == null || po == null || vo == null) {
            throw new IllegalStateException("no consistent state is held");
        }
        paste(p, agent.policy().parameters());
        paste(v, agent.value().parameters());
        TrainingProgress progress = TrainingProgress.restore(episodes, environmentSteps, updates, recentReturns);
        return rebuild.continued(agent, po, vo, policyLearningRate, progress, resumedFrom);
    }

    private static float[][] copy(Tensors from, float @Nullable [][] into) {
        float[][] out = into;
        if (out == null || out.length != from.size()) {
            out = new float[from.size()][];
        }
        for (int i = 0; i < from.size(); i++) {
            float[] data = from.get(i).data();
            if (out[i] == null || out[i].length != data.length) {
                out[i] = new float[data.length];
            }
            System.arraycopy(data, 0, out[i], 0, data.length);
        }
        return out;
    }

    private static void paste(float[][] from, Tensors into) {
        for (int i = 0; i < from.length; i++) {
            System.arraycopy(from[i], 0, into.get(i).data(), 0, from[i].length);
        }
    }
}
