package io.github.skrl4j.sample.training;

import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.sample.env.CartPole;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
import io.github.skrl4j.sample.ppo.OptimizerRestorer;
import io.github.skrl4j.sample.ppo.OptimizerSource;
import io.github.skrl4j.sample.ppo.PpoAgent;
import io.github.skrl4j.sample.ppo.PpoSettings;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run starts: a fresh agent from the seed, or one restored from a checkpoint; with the
 * environment and the random stream of actions and mini-batches, all drawn from the one seed.
 *
 * @param agent       networks and optimizers
 * @param progress    the counters (restored ones when resuming)
 * @param environment the environment, seeded
 * @param random      draws actions and shuffles mini-batches
 * @param resumedFrom the checkpoint the run continues from, or null
 */
record RunStart(PpoAgent agent, TrainingProgress progress, CartPole environment, SplittableRandom random,
        @Nullable String resumedFrom) {

    private static final Logger log = LoggerFactory.getLogger(RunStart.class);

    /** A fresh run: the networks, then the environment, then the actions draw from {@code seed}. */
    static RunStart fresh(PpoSettings settings, long seed, OptimizerSource optimizers,
            LearningRateAdapter learningRateAdapter) {
        SplittableRandom master = new SplittableRandom(seed);
        PpoAgent agent = PpoAgent.create(settings, master.split(), optimizers, learningRateAdapter);
        return new RunStart(agent, new TrainingProgress(), new CartPole(master.nextLong()), master.split(), null);
    }

    /**
     * A run continued from {@code restored}: it draws from streams of its own, reproducible for a given
     * checkpoint and seed (not the fresh run's, which would replay the episodes of its start).
     */
    static RunStart resumed(CheckpointStore.Restored restored, long seed) {
        TrainingProgress progress = restored.progress();
        String from = restored.location().toString();
        log.info("Resuming from {} at {} episodes, {} steps, {} updates (mean return {})", from,
                progress.episodes(), progress.environmentSteps(), progress.updates(), progress.meanReturn100());
        return continued(restored.agent(), progress, seed, from);
    }

    /**
     * {@code agent} and {@code progress} continued with the streams of {@code seed} at this update count: the
     * same as resuming a checkpoint of that state.
     */
    static RunStart continued(PpoAgent agent, TrainingProgress progress, long seed, @Nullable String resumedFrom) {
        SplittableRandom master = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (progress.updates() + 1)));
        master.split();
        return new RunStart(agent, progress, new CartPole(master.nextLong()), master.split(), resumedFrom);
    }

    /**
     * How a replica rebuilds its run from a state it holds or takes from the world: a fresh one, or one
     * continuing from optimizer states and counters, with the networks it holds.
     */
    record Rebuild(PpoSettings settings, OptimizerSource optimizers, OptimizerRestorer restorer,
            LearningRateAdapter learningRateAdapter, long seed) {

        /** The same with another seed (this replica's rank changed). */
        Rebuild withSeed(long otherSeed) {
            return new Rebuild(settings, optimizers, restorer, learningRateAdapter, otherSeed);
        }

        /** A fresh run of this replica's seed: what a replica holding no state starts from. */
        RunStart fresh() {
            return RunStart.fresh(settings, seed, optimizers, learningRateAdapter);
        }

        /**
         * {@code agent}'s networks (holding the state's parameters already) with optimizers rebuilt from
         * {@code policyState} and {@code valueState}, at {@code policyLearningRate}, continuing {@code progress}.
         */
        RunStart continued(PpoAgent agent, OptimizerState policyState, OptimizerState valueState,
                double policyLearningRate, TrainingProgress progress, @Nullable String resumedFrom) {
            Optimizer policyOptimizer = restorer.restore(PpoAgent.POLICY, agent.policy(), policyState);
            Optimizer valueOptimizer = restorer.restore(PpoAgent.VALUE, agent.value(), valueState);
            PpoAgent rebuilt = new PpoAgent(settings, agent.policy(), agent.value(), policyOptimizer, valueOptimizer,
                    learningRateAdapter, policyLearningRate);
            return RunStart.continued(rebuilt, progress, seed, resumedFrom);
        }
    }
}
