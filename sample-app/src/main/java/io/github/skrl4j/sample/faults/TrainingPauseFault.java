package io.github.skrl4j.sample.faults;

import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.StepListener;
import java.time.Duration;

/**
 * Pauses the training loop on demand, as a hung data source or a deadlock would: a {@link StepListener}
 * (the starter adds every such bean to every optimizer it makes) that, while a pause is on, holds the
 * stepping thread after its step was applied until the pause ends. The optimizers' meters keep being
 * scraped (a listener runs outside the optimizer's lock), their step counters stop growing, and
 * {@code SkrlOptimizerTrainingStalled} fires. Off, it costs a step one volatile read.
 */
public final class TrainingPauseFault implements StepListener, AutoCloseable {

    /** The longest pause one call may ask for. */
    public static final Duration MAX_PAUSE = Duration.ofMinutes(10);

    private final Object lock = new Object();
    private volatile boolean paused;
    private long pausedUntilNanos;

    /**
     * Pauses every optimizer's next step for {@code duration} from now (replacing a pause in progress).
     *
     * @throws IllegalArgumentException unless {@code duration} is positive and at most {@link #MAX_PAUSE}
     */
    public void pauseFor(Duration duration) {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_PAUSE) > 0) {
            throw new IllegalArgumentException("a pause lasts more than 0 s and at most " + MAX_PAUSE.toSeconds()
                    + " s, was " + duration.toSeconds() + " s");
        }
        synchronized (lock) {
            pausedUntilNanos = System.nanoTime() + duration.toNanos();
            paused = true;
            lock.notifyAll();
        }
    }

    /** Ends a pause at once; the held steps continue. */
    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Whether a pause is on now. */
    public boolean isPaused() {
        synchronized (lock) {
            return paused && pausedUntilNanos - System.nanoTime() > 0;
        }
    }

    @Override
    public void onStep(StepEvent event) {
        if (!paused) {
            return;
        }
        synchronized (lock) {
            try {
                long left;
                while (paused && (left = pausedUntilNanos - System.nanoTime()) > 0) {
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                // shutting down: let the loop see its stop request
                Thread.currentThread().interrupt();
            }
            paused = false;
        }
    }

    /** Ends any pause, so that the application's shutdown does not wait for it. */
    @Override
    public void close() {
        resume();
    }
}
