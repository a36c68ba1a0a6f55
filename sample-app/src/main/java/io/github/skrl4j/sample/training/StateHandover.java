package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.NewestState;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.TrainingProgress;

/**
 * Gives every replica of a (re)formed world one state to start from, chosen by the world: each replica offers
 * the version of the last consistent state it holds ({@link ConsistentState#version()}), {@link NewestState#elect}
 * picks the holder of the newest, and everything the run needs is broadcast from it: both networks' parameters,
 * both optimizers' count and moments, the counters, the 100 returns and the policy's learning rate. A replica
 * that holds that version already keeps its own (if it differs from the holder's, the start-state check that
 * follows refuses it with {@code MISMATCH}); the others continue from the holder's, so that a replacement replica
 * needs no checkpoint. When no replica holds a state (a fresh run) every one takes rank 0's networks.
 */
final class StateHandover {

    /** Values of the counters' broadcast: episodes, environment steps, updates, learning-rate bits, returns held. */
    private static final int COUNTERS = 5;

    private StateHandover() {
    }

    /**
     * Hands the newest state over (on the training thread of every replica at once).
     *
     * @param version this replica's offer: the version of its last consistent state, or {@link NewestState#NONE}
     * @param run     the run as this replica holds it (restored to its last consistent state)
     * @return the run to start from: {@code run} itself, or {@code run}'s networks continuing the holder's state
     */
    static RunStart handOver(Collective world, long version, RunStart run, RunStart.Rebuild rebuild) {
        NewestState newest = NewestState.elect(world, version);
        PpoAgent agent = run.agent();
        if (!newest.held()) {
            // a fresh world: fresh optimizers and counters are alike everywhere, the networks are rank 0's
            world.broadcast(agent.policy().parameters(), 0);
            world.broadcast(agent.value().parameters(), 0);
            return run;
        }
        int root = newest.rank();
        boolean takes = version != newest.version();
        boolean scratch = !takes && world.rank() != root;
        // a replica that keeps its own state still takes part in every broadcast, into copies it drops
        Tensors policy = scratch ? agent.policy().parameters().copy() : agent.policy().parameters();
        Tensors value = scratch ? agent.value().parameters().copy() : agent.value().parameters();
        world.broadcast(policy, root);
        world.broadcast(value, root);
        OptimizerState policyState = world.broadcast(agent.policyOptimizer().state(), root);
        OptimizerState valueState = world.broadcast(agent.valueOptimizer().state(), root);
        TrainingProgress progress = run.progress();
        float[] recent = progress.recentReturns();
        long[] counters = world.broadcast(new long[] {progress.episodes(), progress.environmentSteps(),
                progress.updates(), Double.doubleToLongBits(agent.policyLearningRate()), recent.length}, root);
        float[] window = new float[TrainingProgress.WINDOW];
        System.arraycopy(recent, 0, window, 0, recent.length);
        world.broadcast(Tensors.of(Tensor.of("recent-returns", window, window.length)), root);
        if (!takes) {
            return run;
        }
        if (counters.length != COUNTERS || counters[4] < 0 || counters[4] > TrainingProgress.WINDOW) {
            throw new IllegalStateException("rank " + root + " sent unusable counters " + java.util.Arrays.toString(
                    counters));
        }
        float[] returns = java.util.Arrays.copyOf(window, (int) counters[4]);
        TrainingProgress taken = TrainingProgress.restore(counters[0], counters[1], counters[2], returns);
        return rebuild.continued(agent, policyState, valueState, Double.longBitsToDouble(counters[3]), taken,
                run.resumedFrom());
    }
}
