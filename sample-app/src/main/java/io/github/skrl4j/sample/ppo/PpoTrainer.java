package io.github.skrl4j.sample.ppo;

import io.github.skrl4j.sample.env.CartPole;
import io.github.skrl4j.sample.env.StepResult;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The training loop, as skrl's sequential trainer runs PPO on one environment: collect
 * {@code rollouts} steps with the current policy, update, repeat, until the last 100 episodes
 * average {@link CartPole#REWARD_THRESHOLD} (solved), the step budget is spent, or a stop is asked for.
 */
public final class PpoTrainer {

    /** How a run ended. */
    public enum Outcome {
        /** The mean return over the last 100 episodes reached the threshold. */
        SOLVED,
        /** The environment-step budget ran out first. */
        BUDGET_EXHAUSTED,
        /** A stop was asked for (e.g. the application is shutting down). */
        STOPPED
    }

    private final PpoAgent agent;
    private final CartPole env;
    private final SplittableRandom random;
    private final TrainingProgress progress;
    private final long maxEnvironmentSteps;
    private final double solvedThreshold;
    private final TrainingListener listener;
    private final RolloutBuffer rollout;

    /**
     * @param random              draws actions and shuffles mini-batches
     * @param progress            a fresh or restored run's counters
     * @param maxEnvironmentSteps the budget, counted over the whole run (restored steps included)
     * @param solvedThreshold     the mean return over 100 episodes that ends the run as solved
     */
    public PpoTrainer(PpoAgent agent, CartPole env, SplittableRandom random, TrainingProgress progress,
            long maxEnvironmentSteps, double solvedThreshold, TrainingListener listener) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.env = Objects.requireNonNull(env, "env");
        this.random = Objects.requireNonNull(random, "random");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxEnvironmentSteps < 1) {
            throw new IllegalArgumentException("environment-step budget must be >= 1, was " + maxEnvironmentSteps);
        }
        this.maxEnvironmentSteps = maxEnvironmentSteps;
        this.solvedThreshold = solvedThreshold;
        this.rollout = new RolloutBuffer(agent.settings().rollouts(), CartPole.OBSERVATION_SIZE);
    }

    /**
     * Trains until solved, out of budget, or {@code stopRequested} says so (checked every step).
     */
    public Outcome run(BooleanSupplier stopRequested) {
        PpoSettings settings = agent.settings();
        if (progress.solved(solvedThreshold)) {
            return Outcome.SOLVED;
        }
        float[] observation = env.reset();
        double episodeReturn = 0;
        while (progress.environmentSteps() < maxEnvironmentSteps) {
            rollout.clear();
            while (!rollout.isFull()) {
                if (stopRequested.getAsBoolean()) {
                    return Outcome.STOPPED;
                }
                PpoAgent.Decision decision = agent.act(observation, random);
                double value = agent.value(observation);
                StepResult step = env.step(decision.action());
                double reward = step.reward();
                if (settings.timeLimitBootstrap() && step.truncated()) {
                    // skrl: rewards += discount_factor * values * truncated (V of the state acted in)
                    reward += settings.discountFactor() * value;
                }
                rollout.add(observation, decision.action(), (float) reward, step.terminated(), step.truncated(),
                        decision.logProb(), value);
                progress.stepTaken();
                episodeReturn += step.reward();
                if (step.done()) {
                    progress.episodeFinished(episodeReturn);
                    listener.onEpisode(new EpisodeStats(progress.episodes(), episodeReturn, env.elapsedSteps(),
                            progress.meanReturn100(), progress.environmentSteps()));
                    if (progress.solved(solvedThreshold)) {
                        return Outcome.SOLVED;
                    }
                    episodeReturn = 0;
                    observation = env.reset();
                } else {
                    observation = step.observation();
                }
            }
            UpdateStats stats = agent.update(rollout, observation, random);
            progress.updateFinished();
            listener.onUpdate(stats, progress);
        }
        return Outcome.BUDGET_EXHAUSTED;
    }

    /** The run's counters. */
    public TrainingProgress progress() {
        return progress;
    }
}
