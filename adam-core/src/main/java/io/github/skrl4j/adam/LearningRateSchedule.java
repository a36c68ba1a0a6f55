package io.github.skrl4j.adam;

/**
 * A learning rate that depends on the step count, as Optax's callable {@code learning_rate}: the
 * optimizer evaluates it at the count <em>before</em> the step increments it (0 for the first step).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * The learning rate for the step taken when the optimizer's count is {@code count}.
     *
     * @param count steps already taken, starting at 0
     */
    double at(long count);
}
