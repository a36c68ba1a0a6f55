package io.github.skrl4j.sample.training;

import io.github.skrl4j.sample.ppo.EpisodeStats;
import io.github.skrl4j.sample.ppo.TrainingListener;
import io.github.skrl4j.sample.ppo.TrainingProgress;
import io.github.skrl4j.sample.ppo.UpdateStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what the dashboard draws: every episode's return with the 100-episode mean, and every
 * update's gradient norms and learning rates. Appended on the training thread, read in slices by
 * HTTP threads.
 */
public final class TrainingRecorder implements TrainingListener {

    /** One episode on the return chart. */
    public record EpisodePoint(long episode, double episodeReturn, double meanReturn100, long environmentSteps) {
    }

    /** One update on the gradient-norm and learning-rate charts. */
    public record UpdatePoint(long update, long environmentSteps, double policyGradientNorm, double valueGradientNorm,
            double policyLearningRate, double valueLearningRate, double kl, double policyLoss, double valueLoss) {
    }

    private final List<EpisodePoint> episodes = new ArrayList<>();
    private final List<UpdatePoint> updates = new ArrayList<>();

    @Override
    public synchronized void onEpisode(EpisodeStats episode) {
        episodes.add(new EpisodePoint(episode.episode(), episode.episodeReturn(), episode.meanReturn100(),
                episode.environmentSteps()));
    }

    @Override
    public synchronized void onUpdate(UpdateStats update, TrainingProgress progress) {
        updates.add(new UpdatePoint(progress.updates(), progress.environmentSteps(), update.policyGradientNorm(),
                update.valueGradientNorm(), update.policyLearningRate(), update.valueLearningRate(), update.kl(),
                update.policyLoss(), update.valueLoss()));
    }

    /**
     * Points recorded after the first {@code from}.
     *
     * @param points the points
     * @param next   how many are recorded in all: the {@code from} of the next call
     */
    public record Slice<T>(List<T> points, int next) {
    }

    /** Episodes recorded after the first {@code from} (0 for all; past the end gives none). */
    public synchronized Slice<EpisodePoint> episodesFrom(int from) {
        return slice(episodes, from);
    }

    /** Updates recorded after the first {@code from} (0 for all; past the end gives none). */
    public synchronized Slice<UpdatePoint> updatesFrom(int from) {
        return slice(updates, from);
    }

    private static <T> Slice<T> slice(List<T> all, int from) {
        int start = Math.min(Math.max(from, 0), all.size());
        return new Slice<>(List.copyOf(all.subList(start, all.size())), all.size());
    }

    /** The last recorded episode's return, or NaN before the first. */
    public synchronized double lastReturn() {
        return episodes.isEmpty() ? Double.NaN : episodes.get(episodes.size() - 1).episodeReturn();
    }
}
