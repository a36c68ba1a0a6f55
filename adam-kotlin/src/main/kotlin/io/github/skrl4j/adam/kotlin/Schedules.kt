package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.LearningRateSchedule

/**
 * The learning rate for the step taken at [count] ([LearningRateSchedule.at]), called like a function:
 * `schedule(0)`, as Optax's callable `learning_rate`.
 */
public operator fun LearningRateSchedule.invoke(count: Long): Double = at(count)
