/**
 * skrl's JAX Adam for the JVM: Optax's {@code adam} behind {@code clip_by_global_norm}, with the
 * learning rate either fixed ({@code scale = true}) or given to every step ({@code scale = false}).
 *
 * <p>Start with {@link io.github.skrl4j.adam.Adam}: {@code Adam.create(model, lr)} or
 * {@code Adam.builder()...build().init(model)} gives an {@link io.github.skrl4j.adam.Optimizer}
 * whose {@code step(grad, model)} updates the model's {@link io.github.skrl4j.adam.Tensors} in place.
 */
@NullMarked
package io.github.skrl4j.adam;

import org.jspecify.annotations.NullMarked;
