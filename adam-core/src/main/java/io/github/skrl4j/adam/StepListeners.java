package io.github.skrl4j.adam;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An optimizer's listeners as a copy-on-write array: the stepping thread reads it without a lock
 * and without allocating, while other threads add and remove listeners.
 */
final class StepListeners {

    private volatile StepListener[] listeners;

    StepListeners(List<StepListener> initial) {
        listeners = initial.toArray(new StepListener[0]);
    }

    synchronized void add(StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        StepListener[] current = listeners;
        StepListener[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = listener;
        listeners = next;
    }

    /** Removes the first listener equal to {@code listener}; true when one was removed. */
    synchronized boolean remove(StepListener listener) {
        StepListener[] current = listeners;
        for (int i = 0; i < current.length; i++) {
            if (current[i].equals(listener)) {
                StepListener[] next = new StepListener[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                listeners = next;
                return true;
            }
        }
        return false;
    }

    void stepped(StepEvent event) {
        for (StepListener l : listeners) {
            l.onStep(event);
        }
    }

    void rejected(String optimizer, long count, RuntimeException error) {
        for (StepListener l : listeners) {
            l.onRejected(optimizer, count, error);
        }
    }

    void checkpointed(CheckpointEvent event) {
        for (StepListener l : listeners) {
            l.onCheckpoint(event);
        }
    }

    void closed(Optimizer optimizer) {
        for (StepListener l : listeners) {
            l.onClosed(optimizer);
        }
    }
}
