package io.github.skrl4j.adam.distributed;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long a {@link ReformingWorld} re-forms a broken world: at most
 * {@code maxRestarts} re-formations within any {@code window} (torchrun's {@code max_restarts}, over a
 * sliding window so that a long run survives occasional failures but not a replica that fails in a
 * loop), each waiting at most {@code timeout} for every replica to be back.
 *
 * @param maxRestarts re-formations allowed within {@code window}; 0 disables re-forming (a broken
 *                    world stays broken)
 * @param window      the sliding window {@code maxRestarts} counts in; positive
 * @param timeout     how long the live replicas wait for the world to be whole again; positive
 */
public record RestartPolicy(int maxRestarts, Duration window, Duration timeout) {

    /** Checks every value. */
    public RestartPolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(timeout, "timeout");
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0, was " + maxRestarts);
        }
        if (window.isNegative() || window.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("window and timeout must be positive, were " + window + " and " + timeout);
        }
    }

    /** Never re-forms: the first failure breaks the world for good. */
    public static RestartPolicy never() {
        return new RestartPolicy(0, Duration.ofMinutes(1), Duration.ofMinutes(1));
    }
}
