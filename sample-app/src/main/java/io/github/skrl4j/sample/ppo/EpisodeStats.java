package io.github.skrl4j.sample.ppo;

/**
 * One finished training episode.
 *
 * @param episode          1 for the run's first episode
 * @param episodeReturn    the undiscounted return (the number of steps, in CartPole)
 * @param length           steps in the episode
 * @param meanReturn100    mean return over the last 100 episodes (fewer at the start), this one included
 * @param environmentSteps environment steps so far in the run
 */
public record EpisodeStats(long episode, double episodeReturn, int length, double meanReturn100,
        long environmentSteps) {
}
