package io.github.skrl4j.sample.ppo;

/**
 * Hears a training run, on the training thread: every finished episode and every update. Keep the
 * work short; an exception fails the run.
 */
public interface TrainingListener {

    /** An episode ended. */
    default void onEpisode(EpisodeStats episode) {
    }

    /** An update finished; {@code progress} is the run's state after it. */
    default void onUpdate(UpdateStats update, TrainingProgress progress) {
    }
}
