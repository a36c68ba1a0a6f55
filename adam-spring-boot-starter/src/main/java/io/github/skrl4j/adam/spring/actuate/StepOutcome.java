package io.github.skrl4j.adam.spring.actuate;

import org.jspecify.annotations.Nullable;

/**
 * How a registered optimizer's most recent {@code step} call ended.
 *
 * @param status              what happened
 * @param count               the optimizer's count after that call (a skipped or rejected step leaves
 *                            it unchanged)
 * @param consecutiveFailures skipped or rejected steps in a row up to and including that call; 0
 *                            after an applied step (and before any step)
 * @param reason              why the step was skipped or rejected; {@code null} otherwise
 */
public record StepOutcome(Status status, long count, long consecutiveFailures, @Nullable String reason) {

    /** What the most recent {@code step} call did. */
    public enum Status {
        /** No step has been attempted since the optimizer was registered. */
        NONE,
        /** The step was applied. */
        APPLIED,
        /** The gradient held a NaN or an infinity and the step was skipped ({@code non-finite=skip}). */
        SKIPPED,
        /** The step was refused with an exception; nothing changed. */
        REJECTED
    }

    /** True unless the last step was skipped or rejected. */
    public boolean healthy() {
        return status != Status.SKIPPED && status != Status.REJECTED;
    }
}
