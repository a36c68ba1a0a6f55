package io.github.skrl4j.sample.ppo;

/**
 * Counters of a training run that survive a checkpoint: episodes, environment steps, updates and the
 * returns of the last 100 episodes. Written by the training thread; read elsewhere via volatile fields.
 */
public final class TrainingProgress {

    /** Episodes in Gymnasium's "solved" mean. */
    public static final int WINDOW = 100;

    private final ReturnWindow window = new ReturnWindow(WINDOW);
    private volatile long episodes;
    private volatile long environmentSteps;
    private volatile long updates;
    private volatile double meanReturn100;

    /** A run at its start. */
    public TrainingProgress() {
    }

    /** A run continued from saved counters and returns (oldest first; the last 100 are kept). */
    public static TrainingProgress restore(long episodes, long environmentSteps, long updates, float[] recentReturns) {
        if (episodes < 0 || environmentSteps < 0 || updates < 0) {
            throw new IllegalArgumentException("progress counters must be >= 0, were episodes=" + episodes
                    + " environmentSteps=" + environmentSteps + " updates=" + updates);
        }
        TrainingProgress p = new TrainingProgress();
        for (float r : recentReturns) {
            p.window.add(r);
        }
        p.episodes = episodes;
        p.environmentSteps = environmentSteps;
        p.updates = updates;
        p.meanReturn100 = p.window.mean();
        return p;
    }

    void stepTaken() {
        environmentSteps++;
    }

    void episodeFinished(double episodeReturn) {
        window.add(episodeReturn);
        meanReturn100 = window.mean();
        episodes++;
    }

    void updateFinished() {
        updates++;
    }

    /** True when 100 episodes have been seen and their mean return reaches {@code threshold}. */
    public boolean solved(double threshold) {
        return window.isFull() && meanReturn100 >= threshold;
    }

    /** Episodes finished. */
    public long episodes() {
        return episodes;
    }

    /** Environment steps taken. */
    public long environmentSteps() {
        return environmentSteps;
    }

    /** Updates done. */
    public long updates() {
        return updates;
    }

    /** Mean return over the last 100 episodes (fewer at the start; 0 before the first). */
    public double meanReturn100() {
        return meanReturn100;
    }

    /** The last returns, oldest first (training thread only). */
    public float[] recentReturns() {
        return window.toArray();
    }
}
