package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.env.CartPole;
import io.github.skrl4j.sample.ppo.LearningRateAdapter;
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
        SplittableRandom master = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (progress.updates() + 1)));
        master.split();
        log.info("Resuming from {} at {} episodes, {} steps, {} updates (mean return {})", from,
                progress.episodes(), progress.environmentSteps(), progress.updates(), progress.meanReturn100());
        return new RunStart(restored.agent(), progress, new CartPole(master.nextLong()), master.split(), from);
    }
}
