/**
 * Learning rates that change during training: Optax's schedules as
 * {@link io.github.skrl4j.adam.LearningRateSchedule}s ({@link io.github.skrl4j.adam.schedule.Schedules}),
 * for {@code Adam.builder().lr(schedule)} with {@code scale = true}, and skrl's KL-adaptive rule
 * ({@link io.github.skrl4j.adam.schedule.KLAdaptiveLR}), which gives the lr of every
 * {@code step(grad, model, lr)} with {@code scale = false}.
 */
@NullMarked
package io.github.skrl4j.adam.schedule;

import org.jspecify.annotations.NullMarked;
