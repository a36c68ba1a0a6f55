package io.github.skrl4j.adam;

/** What a step does with a gradient that holds a NaN or an infinity. */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteGradientException}; nothing changes. The default. */
    ERROR,
    /**
     * Skip the step: parameters, moments and count stay as they were, and listeners receive a
     * {@link StepEvent} whose {@link StepEvent#skipped()} is {@code true}.
     */
    SKIP
}
